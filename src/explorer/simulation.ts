// Deterministic simulation of several copies of a playbook in one process: one in-memory CloudWatch Logs endpoint,
// a virtual clock, seeded randomness, and a scheduler that decides which copy moves at every interleaving point
// (each AWS call and each wait). A ScheduleRun puts the parts together for one schedule: the scheduler, the
// endpoint, the faults, the copies, the lock observer and the users' invariants.
import type { PlaybookExecutor, RunOptions } from '../executor/play-executor.js';
import type { TaskPoint } from '../executor/events.js';
import type { Playbook } from '../playbook/model.js';
import type { Activation } from '../endpoint/ses-model.js';
import { isDict } from '../python/python.js';
import { seededRandom } from '../../filters/core.js';
import {
  FAULTS,
  ScheduleFaults,
  faultEntry,
  pauseAfterWin,
  type Fault,
  type FaultSettings,
  type FaultTarget,
} from './faults.js';
import { Scheduler, SIM_EPOCH, type Chooser, type ScheduleHooks } from './scheduler.js';
import { HIDDEN_VARS, type Step } from './trace.js';
import { SimulatedEndpoint } from './simulated-endpoint.js';
import { simulatedAws, type SimulatedTransport } from './simulated-client.js';
import { LockObserver, type LockVariables } from './lock-observer.js';
import {
  ACTIVE_SET_BY_LOCK_HOLDER,
  NAMED_INVARIANTS,
  UserInvariants,
  Verdict,
  checkActivation,
  type Violation,
} from './invariants.js';
import { copyExecutor, runCopy, type CopyHost } from './process-copy.js';

export interface ScheduleOutcome {
  /** The controller quit the run. */
  readonly interrupted?: boolean;
  readonly seed: number;
  readonly trace: Step[];
  readonly choices: readonly number[];
  readonly violation?: Violation;
  readonly failures: string[];
  readonly error?: string;
  /** The faults applied, by decision. */
  readonly faults: ReadonlyMap<number, Fault>;
  readonly processes: number;
}

export interface SimulationOptions {
  readonly playbook: Playbook;
  readonly processes: number;
  /** Extra vars per process (resource_prefix differs by default). */
  readonly extraVars: (i: number) => Record<string, unknown>;
  readonly faults?: FaultSettings;
  /** Asked before every move (the schedule debugger): which process moves, or 'quit'. */
  readonly controller?: ScheduleController;
  /** Replays: exactly these faults at these decisions, nothing drawn. */
  readonly faultPlan?: ReadonlyMap<number, Fault>;
  /** Record what each task changed in the trace (`Step.changed`) and the log groups after each move: for the
   * traces people read, not for the search (it costs a variable snapshot per task). */
  readonly recordVars?: boolean;
  readonly maxSteps?: number;
  /** Users' invariants: Jinja2 conditionals over `processes`, the list of every process's variables as of its
   * last finished task (`{}` before its first), checked after every task; or names of NAMED_INVARIANTS, checked
   * on the endpoint. */
  readonly invariants?: readonly string[];
  /** Environment for every copy, on top of the simulated AWS settings. */
  readonly env?: Record<string, string>;
  /** Liveness: a schedule where some process never held the lock, or ended failed, is a violation too. */
  readonly liveness?: boolean;
  /** The variables the lock observer reads (default: the fixture's won_lock and lock_attempt_log_group_name). */
  readonly lockVariables?: LockVariables;
}

/** What a controller sees of a process at a decision. */
export interface ProcessView {
  readonly index: number;
  readonly next: string;
  readonly kind: Step['kind'];
  readonly task: string;
  readonly done: boolean;
  readonly crashed: boolean;
  readonly holds: boolean;
  readonly sleepsUntil?: number;
}
/** What a controller can do besides choosing: look at processes and the endpoint, change a process's variables. */
export interface ScheduleInspector {
  readonly trace: readonly Step[];
  processes(): ProcessView[];
  /** Evaluates Jinja2 with process i's variables, as its last finished task left them. */
  evaluate(i: number, expression: string): unknown;
  /** Process i's variables (what set_fact and register left, plus the play's). */
  vars(i: number): Record<string, unknown>;
  /** Names of variables that no_log tasks of process i set or registered. */
  noLogNames(i: number): readonly string[];
  /** Sets a variable of process i as set_fact would. */
  setFact(i: number, name: string, value: unknown): void;
  /** The log groups that exist, with their creation times in virtual milliseconds since the schedule began. */
  groups(): Array<{ name: string; createdAt: number }>;
  /** Virtual milliseconds since the schedule began. */
  now(): number;
}
export interface ScheduleController {
  beforeMove(
    decision: number,
    runnable: readonly number[],
    scheduled: number,
    inspect: ScheduleInspector,
  ): Promise<number | 'quit'>;
  /** After process i finished a task (tasks without AWS calls are not moves, so this is where they show). */
  afterTask?(i: number, task: string, inspect: ScheduleInspector): Promise<'quit' | void>;
}

/** Runs one schedule to completion (or a violation) and returns its trace. */
export function runSchedule(opts: SimulationOptions, seed: number, choose: Chooser): Promise<ScheduleOutcome> {
  return new ScheduleRun(opts, seed, choose).run();
}

class ScheduleRun implements CopyHost, ScheduleHooks {
  readonly scheduler: Scheduler;
  readonly endpoint: SimulatedEndpoint;
  readonly verdict = new Verdict();
  readonly observer: LockObserver;
  readonly invariants: UserInvariants;
  readonly faults: ScheduleFaults;
  readonly failures: string[] = [];
  readonly executors: PlaybookExecutor[] = [];
  /** Each process's last finished task, for a controller to look at. */
  readonly lastPoints: Array<TaskPoint | undefined> = [];
  interrupted = false;
  readonly #maxSteps: number;
  #inspector?: ScheduleInspector;

  constructor(
    readonly opts: SimulationOptions,
    readonly seed: number,
    choose: Chooser,
  ) {
    const settings = opts.faults ?? {};
    this.#maxSteps = opts.maxSteps ?? 5000;
    this.scheduler = new Scheduler(opts.processes, choose, this);
    // the invariant over the active rule set judges two winners by what they break
    const onEndpoint = Boolean(opts.invariants?.includes(ACTIVE_SET_BY_LOCK_HOLDER));
    this.endpoint = new SimulatedEndpoint(this.scheduler, {
      seed,
      recordGroups: Boolean(opts.recordVars),
      deleted: (i, name) => this.observer.deleted(i, name),
      ...(onEndpoint
        ? { activated: (_i: number, a: Activation) => checkActivation(a, this.verdict, this.scheduler.trace) }
        : {}),
    });
    for (const f of FAULTS) f.setUp?.(this.endpoint, settings);
    this.faults = new ScheduleFaults(settings, seed, opts.faultPlan);
    const pause = pauseAfterWin(settings);
    this.observer = new LockObserver(
      {
        trace: this.scheduler.trace,
        verdict: this.verdict,
        overlapViolates: !onEndpoint,
        exists: (name) => this.endpoint.exists(name),
        won: (i) => {
          if (pause) this.scheduler.procs[i]!.pauseMs = pause;
        },
      },
      opts.processes,
      opts.lockVariables,
    );
    const expressions = (opts.invariants ?? []).filter((x) => !(x in NAMED_INVARIANTS));
    this.invariants = new UserInvariants(expressions, opts.processes);
  }

  get playbook(): Playbook {
    return this.opts.playbook;
  }
  get env(): Record<string, string> | undefined {
    return this.opts.env;
  }
  extraVars(i: number): Record<string, unknown> {
    return this.opts.extraVars(i);
  }
  failed(message: string): void {
    this.failures.push(message);
  }
  ended(i: number): void {
    this.observer.gone(i);
  }

  aws(i: number): RunOptions['aws'] {
    const { scheduler, endpoint } = this;
    let jitter: { next(): number } | undefined;
    const transport: SimulatedTransport = {
      requestId: () => endpoint.requestId(),
      reach: (label) => scheduler.point(i, 'aws', label),
      attempt: (op, input, service) => endpoint.attempt(i, op, input, service),
      backOff: (ms, label) => scheduler.sleep(i, ms, label),
      jitter: () => (jitter ??= seededRandom(`retry/${this.seed}/${i}`)).next(),
    };
    return simulatedAws(transport);
  }

  finished(): boolean {
    return Boolean(this.verdict.violation) || this.interrupted || this.scheduler.trace.length >= this.#maxSteps;
  }

  decided(decision: number, runnable: readonly number[], i: number): void {
    const { controller } = this.opts;
    if (!controller) {
      this.#move(decision, i);
      return;
    }
    void controller.beforeMove(decision, runnable, i, this.#inspect()).then((wanted) => {
      if (wanted === 'quit') {
        this.interrupted = true;
        this.verdict.violation = undefined;
        this.scheduler.stopAll();
        return;
      }
      this.#move(decision, runnable.includes(wanted) ? wanted : i);
    });
  }

  /** Decision `decision` picked process i: its fault (if any), then its move. */
  #move(decision: number, i: number): void {
    const { scheduler } = this;
    scheduler.choices.push(i);
    const fault = this.faults.at(decision, scheduler.procs[i]!.kind);
    if (fault !== undefined && !(faultEntry(fault)?.atMove?.(this.#target(decision, i), fault) ?? true)) {
      scheduler.kick();
      return;
    }
    scheduler.resume(i);
  }

  /** The picked process as the fault drawn for it acts on it. */
  #target(decision: number, i: number): FaultTarget {
    const { scheduler } = this;
    const p = scheduler.procs[i]!;
    return {
      kind: p.kind,
      label: p.label,
      holdsLock: this.observer.holds(i),
      note: (label, mark) => scheduler.trace.note(i, label, mark),
      crash: () => {
        scheduler.crash(i);
        this.observer.gone(i);
      },
      sleep: (ms) => {
        p.wakeAt = scheduler.now + ms;
      },
      failCall: (fault) => this.endpoint.failNext(i, fault),
      drop: () => this.faults.applied.delete(decision),
    };
  }

  afterTask(i: number, point: TaskPoint): Promise<void> | void {
    // the schedule debugger is asked first; without one nothing here waits (no await for every task)
    if (this.opts.controller) {
      this.lastPoints[i] = point;
      return this.#askAfterTask(i, point);
    }
    this.#observe(i, point);
  }

  async #askAfterTask(i: number, point: TaskPoint): Promise<void> {
    const asking = this.opts.controller!;
    if (!this.scheduler.stop.signal.aborted && (await asking.afterTask?.(i, point.name, this.#inspect())) === 'quit') {
      this.interrupted = true;
      this.scheduler.stopAll();
    }
    this.#observe(i, point);
  }

  /** What the search looks at after each task: the traces' variables, the invariants, the lock. */
  #observe(i: number, point: TaskPoint): void {
    const record = this.opts.recordVars;
    if (record || this.invariants.any) {
      const v = point.vars();
      if (record) this.scheduler.trace.recordChanges(i, isDict(v) ? v : {}, point.noLogNames);
      if (this.invariants.any) this.invariants.snapshot(i, point, v);
    }
    if (this.scheduler.stop.signal.aborted) return;
    if (!this.invariants.check(i, this.verdict, this.scheduler.trace)) return;
    this.observer.afterTask(i, point);
  }

  async run(): Promise<ScheduleOutcome> {
    await Promise.all(
      this.scheduler.procs.map((_p, i) => {
        const executor = copyExecutor(this, i);
        this.executors[i] = executor;
        return runCopy(this, i, executor);
      }),
    );
    if (this.opts.liveness) this.#checkLiveness();
    return this.#outcome();
  }

  /** A process that ended failed, or never held the lock (unless a fault crashed it). */
  #checkLiveness(): void {
    const { verdict, scheduler } = this;
    if (verdict.violation || verdict.error) return;
    const starved = this.observer.starved((i) => Boolean(scheduler.procs[i]!.crashed));
    if (this.failures.length) verdict.violate(`liveness: ${this.failures[0]}`, scheduler.trace.length);
    else if (starved.length)
      verdict.violate(`liveness: ${starved.join(' and ')} never held the lock`, scheduler.trace.length);
  }

  #outcome(): ScheduleOutcome {
    const { scheduler, verdict } = this;
    const common = {
      seed: this.seed,
      trace: scheduler.trace.steps,
      choices: scheduler.choices,
      failures: this.failures,
      faults: this.faults.applied,
      processes: this.opts.processes,
      ...(this.interrupted ? { interrupted: this.interrupted } : {}),
    };
    return verdict.error ? { ...common, error: verdict.error } : { ...common, violation: verdict.violation };
  }

  #inspect(): ScheduleInspector {
    return (this.#inspector ??= inspectorOf(this));
  }
}

/** What a controller can look at and change in a running schedule. */
function inspectorOf(run: ScheduleRun): ScheduleInspector {
  const { scheduler, observer, lastPoints, endpoint } = run;
  return {
    trace: scheduler.trace.steps,
    processes: () =>
      scheduler.procs.map((p, index) => ({
        index,
        next: p.label,
        kind: p.kind,
        task: p.task,
        done: p.done,
        crashed: Boolean(p.crashed),
        holds: observer.holds(index),
        ...(p.wakeAt !== undefined ? { sleepsUntil: p.wakeAt - SIM_EPOCH } : {}),
      })),
    evaluate: (i, expression) => {
      const point = lastPoints[i];
      if (!point) throw new Error(`p${i + 1} has not finished a task yet`);
      return point.evaluate(expression);
    },
    vars: (i) => {
      const v = lastPoints[i]?.vars() ?? {};
      return Object.fromEntries(Object.entries(v).filter(([k]) => !HIDDEN_VARS.has(k)));
    },
    noLogNames: (i) => lastPoints[i]?.noLogNames ?? [],
    setFact: (i, name, value) => {
      run.executors[i]!.vm.setFacts('localhost', { [name]: value });
    },
    groups: () => endpoint.model.list().map((g) => ({ name: g.logGroupName, createdAt: g.creationTime - SIM_EPOCH })),
    now: () => scheduler.now - SIM_EPOCH,
  };
}
