// The schedule's AWS endpoint: in-memory CloudWatch Logs and SES models on the virtual clock, and each attempt of a
// process answered by them once the process moved past its interleaving point, with the fault that attempt carries.
// SES knows each process as its caller (`p1`, ...), and who held the aws_ses_rule_set target's lock at each change
// of the active rule set: the creator of the oldest attempt group, as ses-lock.ts reckons it.
import { LogsModel, AwsError } from '../endpoint/logs-model.js';
import { LogsService, NO_FAULTS } from '../endpoint/logs-protocol.js';
import { SesModel, type Activation } from '../endpoint/ses-model.js';
import { SesService } from '../endpoint/ses-protocol.js';
import { lockHolder } from '../endpoint/ses-lock.js';
import { faultEntry, type Fault, type FaultedAnswer, type SimulatedWorld } from './faults.js';
import type { Answer, SimulatedService } from './simulated-client.js';
import type { Scheduler } from './scheduler.js';

interface EndpointOptions {
  readonly seed: number;
  /** Record the log groups after each call on its step (for pictures). */
  readonly recordGroups: boolean;
  /** A DeleteLogGroup on process i's call succeeded. */
  readonly deleted: (i: number, name: string) => void;
  /** A SetActiveReceiptRuleSet on process i's call succeeded. */
  readonly activated?: (i: number, activation: Activation) => void;
}

/** How SES and the traces name process i. */
const caller = (i: number) => `p${i + 1}`;

/** One call of a process. */
interface SimulatedCall {
  readonly service: SimulatedService;
  readonly op: string;
  readonly input: Record<string, unknown>;
}

export class SimulatedEndpoint implements SimulatedWorld {
  readonly model: LogsModel;
  readonly service: LogsService;
  readonly ses: SesService;
  readonly seed: number;
  callMs = 1;
  #requests = 0;
  /** The fault each process's next attempt carries. */
  readonly #callFaults: Array<Fault | undefined> = [];
  /** Which process created each log group last. */
  readonly #creators = new Map<string, string>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly options: EndpointOptions,
  ) {
    this.seed = options.seed;
    this.model = new LogsModel({ nowMs: () => scheduler.now });
    this.service = new LogsService(this.model, { ...NO_FAULTS });
    this.ses = new SesService(new SesModel({ nowMs: () => scheduler.now }));
    this.ses.lockHolder = () => lockHolder(this.model, (group) => this.#creators.get(group));
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
  attempt(i: number, op: string, input: Record<string, unknown>, service: SimulatedService = 'logs'): Answer {
    const step = this.scheduler.trace.steps[this.scheduler.trace.length - 1]!;
    const fault = this.#callFaults[i];
    this.#callFaults[i] = undefined;
    this.scheduler.now += this.callMs;
    const entry = fault !== undefined ? faultEntry(fault) : undefined;
    const before = entry?.beforeCall?.(fault!);
    if (before) return this.#faulted(step, before, false);
    const applied = this.#apply(i, { service, op, input });
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

  #apply(i: number, { service, op, input }: SimulatedCall): { status: number; body: unknown } {
    let status = 200,
      body: unknown;
    try {
      body = service === 'ses' ? this.ses.call(op, input, caller(i)) : this.service.call(op, input);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      status = e.status;
      body = { __type: e.code, message: e.message };
    }
    if (status === 200) this.#applied(i, { service, op, input });
    return { status, body };
  }

  /** What a successful call tells the schedule's observers. */
  #applied(i: number, { service, op, input }: SimulatedCall): void {
    if (service === 'ses') {
      if (op === 'SetActiveReceiptRuleSet') this.options.activated?.(i, this.ses.model.activations.at(-1)!);
      return;
    }
    if (op === 'CreateLogGroup') this.#creators.set(String(input.logGroupName), caller(i));
    if (op === 'DeleteLogGroup') this.options.deleted(i, String(input.logGroupName));
  }

  #groupNames(): string[] {
    return this.model.list().map((g) => g.logGroupName);
  }
}
