// The schedule's CloudWatch Logs endpoint: one in-memory model on the virtual clock, and each attempt of a process
// answered by it once the process moved past its interleaving point, with the fault that attempt carries.
import { LogsModel, AwsError } from '../endpoint/logs-model.js';
import { LogsService, NO_FAULTS } from '../endpoint/logs-protocol.js';
import { faultEntry, type Fault, type FaultedAnswer, type SimulatedWorld } from './faults.js';
import type { Answer } from './simulated-client.js';
import type { Scheduler } from './scheduler.js';

interface EndpointOptions {
  readonly seed: number;
  /** Record the log groups after each call on its step (for pictures). */
  readonly recordGroups: boolean;
  /** A DeleteLogGroup on process i's call succeeded. */
  readonly deleted: (i: number, name: string) => void;
}

export class SimulatedEndpoint implements SimulatedWorld {
  readonly model: LogsModel;
  readonly service: LogsService;
  readonly seed: number;
  callMs = 1;
  #requests = 0;
  /** The fault each process's next attempt carries. */
  readonly #callFaults: Array<Fault | undefined> = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: EndpointOptions,
  ) {
    this.seed = options.seed;
    this.model = new LogsModel({ nowMs: () => scheduler.now });
    this.service = new LogsService(this.model, { ...NO_FAULTS });
  }

  requestId(): string {
    return `sim-${++this.#requests}`;
  }

  exists(name: string): boolean {
    return this.model.list().some((g) => g.logGroupName === name);
  }

  /** Process i's next attempt carries this fault. */
  failNext(i: number, fault: Fault): void {
    this.#callFaults[i] = fault;
  }

  /** One attempt of process i, which has just moved past its point: the model's answer, or what its fault makes
   * of it. The answer goes on the trace's last step (the move). */
  attempt(i: number, op: string, input: Record<string, unknown>): Answer {
    const step = this.scheduler.trace.steps[this.scheduler.trace.length - 1]!;
    const fault = this.#callFaults[i];
    this.#callFaults[i] = undefined;
    this.scheduler.now += this.callMs;
    const entry = fault !== undefined ? faultEntry(fault) : undefined;
    const before = entry?.beforeCall?.(fault!);
    if (before) return this.#faulted(step, before, false);
    const applied = this.#apply(i, op, input);
    const after = entry?.afterCall?.(fault!, applied);
    if (after) return this.#faulted(step, after, true);
    step.detail = applied;
    if (this.options.recordGroups) step.groups = this.#groupNames();
    if (applied.status !== 200) {
      const { __type, message } = applied.body as { __type: string; message: string };
      return { error: { code: __type, status: applied.status, message } };
    }
    return { body: applied.body };
  }

  #faulted(step: { detail?: FaultedAnswer['detail']; groups?: string[] }, f: FaultedAnswer, applied: boolean): Answer {
    step.detail = f.detail;
    if (applied && this.options.recordGroups) step.groups = this.#groupNames();
    return f.answer;
  }

  #apply(i: number, op: string, input: Record<string, unknown>): { status: number; body: unknown } {
    let status = 200,
      body: unknown;
    try {
      body = this.service.call(op, input);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      status = e.status;
      body = { __type: e.code, message: e.message };
    }
    if (op === 'DeleteLogGroup' && status === 200) this.options.deleted(i, String(input.logGroupName));
    return { status, body };
  }

  #groupNames(): string[] {
    return this.model.list().map((g) => g.logGroupName);
  }
}
