// Deterministic simulation of several copies of a playbook in one process: one in-memory CloudWatch Logs model,
// a virtual clock, one seeded random generator, and a scheduler that decides which copy moves at every
// interleaving point (each AWS call and each wait). Everything between two points runs atomically.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LogsModel, AwsError } from '../endpoint/logs-model.js';
import { LogsService, NO_FAULTS, type Faults } from '../endpoint/logs-protocol.js';
import { PlaybookExecutor, type RunOptions } from '../executor/play-executor.js';
import type { TaskPoint } from '../executor/events.js';
import type { Playbook } from '../playbook/model.js';
import { loadInventory } from '../inventory/inventory.js';
import { seededRandom } from '../../filters/core.js';
import { isDict, pyRepr, truthy } from '../python/python.js';
import { Templar } from '../template/templar.js';

/** One move of one process; `at` is virtual milliseconds since the schedule began. `detail` is an AWS call's
 * answer (status 0: the reply was lost), `changed` the variables the move's task changed (when recorded). */
export interface Step {
  readonly process: number;
  readonly kind: 'aws' | 'sleep' | 'task' | 'note';
  readonly label: string;
  readonly task: string;
  readonly at: number;
  detail?: { status: number; body: unknown; fault?: string };
  changed?: string;
  /** The log groups that exist after this move (recorded with the variables, for pictures). */
  groups?: string[];
}
export interface Violation {
  readonly message: string;
  readonly step: number;
}
/**
 * A fault the schedule applies at one decision to the process it picks: c crash (it never moves again, no cleanup
 * runs), p<ms> pause (it sleeps that long first), l lost reply (the server applies the call, the client sees a
 * network error), t / a / u an injected ThrottlingException / OperationAbortedException / ServiceUnavailable
 * (the server does not apply the call). The SDK's retry behaviour follows as it would.
 */
export type Fault = 'c' | 'l' | 't' | 'a' | 'u' | `p${number}`;
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
  readonly faults?: Partial<Faults> & {
    clockTies?: boolean;
    /** A process that just won stops for this long (a GC pause, a suspended VM) before its next move. */
    pauseAfterWinMs?: number;
    /** Budgets per schedule for faults at any interleaving point (drawn from the seed unless `plan` is given). */
    crashes?: number;
    lostReplies?: number;
    injectedErrors?: number;
    pauses?: number;
    /** The longest pause at any point. */
    maxPauseMs?: number;
  };
  /** Asked before every move (the schedule debugger): which process moves, or 'quit'. */
  readonly controller?: ScheduleController;
  /** Replays: exactly these faults at these decisions, nothing drawn. */
  readonly faultPlan?: ReadonlyMap<number, Fault>;
  /** Record what each task changed in the trace (`Step.changed`) and the log groups after each move: for the
   * traces people read, not for the search (it costs a variable snapshot per task). */
  readonly recordVars?: boolean;
  readonly maxSteps?: number;
  /** Users' invariants: Jinja2 conditionals over `processes`, the list of every process's variables as of its
   * last finished task (`{}` before its first). Checked after every task. */
  readonly invariants?: readonly string[];
  /** Environment for every copy, on top of the simulated AWS settings. */
  readonly env?: Record<string, string>;
  /** Liveness: a schedule where some process never held the lock, or ended failed, is a violation too. */
  readonly liveness?: boolean;
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

/** Picks which waiting process moves next; `previous` is the process that made the last move. */
export type Chooser = (runnable: readonly number[], decision: number, previous: number | undefined) => number;

interface Proc {
  waiting?: (go: boolean) => void;
  wakeAt?: number;
  pauseMs?: number;
  done: boolean;
  label: string;
  kind: Exclude<Step['kind'], 'note'>;
  holds: boolean;
  crashed?: boolean;
  crash?: () => void;
  /** A fault for the AWS call this process is about to make. */
  callFault?: Fault;
}

/** The fault a schedule may apply at a decision, by kind of move, with its budget. */
const FAULT_RATE = 0.03;
const ERROR_OF: Record<string, { code: string; status: number; message: string }> = {
  t: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  a: {
    code: 'OperationAbortedException',
    status: 400,
    message: 'Multiple requests to modify the same resource were in conflict.',
  },
  u: {
    code: 'ServiceUnavailableException',
    status: 503,
    message: 'The server failed to fulfill the request. Please try again.',
  },
};
// the SDK's standard retry mode: 3 attempts by default, but tsible's clients make 5 (botocore's legacy mode, as
// Ansible does); throttling and transient errors (5xx, timeouts, network) are retried after
// random * 2^retries * base ms (base 500 for throttling, 100 otherwise), capped at 20 s
const MAX_ATTEMPTS = 5;
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'TransactionInProgressException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'LimitExceededException',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
]);
const TRANSIENT = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);

/** Left out of the invariants' view of a process: the inventory and the magic variables all copies share. */
const HIDDEN_VARS = new Set([
  'hostvars',
  'groups',
  'group_names',
  'inventory_hostname',
  'inventory_hostname_short',
  'inventory_dir',
  'inventory_file',
  'playbook_dir',
  'play_hosts',
  'ansible_play_hosts',
  'ansible_play_hosts_all',
  'ansible_play_batch',
  'role_names',
  'ansible_role_names',
  'omit',
  'ansible_version',
  'vars',
]);

/** Included files, read once per loaded playbook: every schedule runs the same files, whatever happens to them
 * on disk while the search runs (keyed by the playbook's include tasks). */
const frozenIncludes: NonNullable<RunOptions['frozenIncludes']> = new WeakMap();

/** The virtual clock's start: creation times in traces are shown relative to it. */
export const SIM_EPOCH = 1_700_000_000_000;

/** What the modules call on a client: `send(new XCommand(input))`. */
type SimulatedCommand = { input?: Record<string, unknown>; constructor: { name: string } };
/** The command classes the modules get in a simulation: `new DescribeLogGroupsCommand(input)` keeps its name and
 * input, which is all the simulated client reads (the SDK's own classes build a middleware stack each). */
const commandClasses = new Map<string, new (input: unknown) => unknown>();
const SIMULATED_COMMANDS = new Proxy(
  {},
  {
    get: (_target, name) => {
      // (only commands: `await` asks for `then`, which must stay undefined)
      if (typeof name !== 'string' || !name.endsWith('Command')) return undefined;
      let made = commandClasses.get(name);
      if (!made) {
        made = {
          [name]: class {
            constructor(readonly input: unknown) {}
          },
        }[name]!;
        commandClasses.set(name, made);
      }
      return made;
    },
  },
) as NonNullable<RunOptions['aws']['commands']>;

/** Runs one schedule to completion (or a violation) and returns its trace. */
export async function runSchedule(opts: SimulationOptions, seed: number, choose: Chooser): Promise<ScheduleOutcome> {
  let now = SIM_EPOCH;
  const clock = { nowMs: () => now };
  const model = new LogsModel(clock);
  const service = new LogsService(model, { ...NO_FAULTS, ...opts.faults });
  // under listing lag the schedule decides, per describe and young change, whether the listing shows it
  const visibility = seededRandom(`visibility/${seed}`);
  service.missesChange = () => visibility.next() < 0.5;
  // under clock skew a create may be stamped up to D ms early (the servers' clocks disagree), as the seed decides
  const skewDraws = seededRandom(`skew/${seed}`);
  const maxSkew = opts.faults?.clockSkewMs ?? 0;
  service.creationSkew = () => (maxSkew > 0 ? -Math.floor(skewDraws.next() * (maxSkew + 1)) : 0);
  const start = now;
  const stop = new AbortController();
  const taskOf: string[] = [];
  const procs: Proc[] = Array.from({ length: opts.processes }, () => ({
    done: false,
    label: 'start',
    kind: 'task' as const,
    holds: false,
  }));
  const trace: Step[] = [];
  const choices: number[] = [];
  const failures: string[] = [];
  let violation: Violation | undefined;
  const maxSteps = opts.maxSteps ?? 5000;
  const faults = new Map<number, Fault>();
  const plan = opts.faultPlan;
  const faultDraws = seededRandom(`faults/${seed}`);
  const budget = {
    c: opts.faults?.crashes ?? 0,
    p: opts.faults?.pauses ?? 0,
    l: opts.faults?.lostReplies ?? 0,
    e: opts.faults?.injectedErrors ?? 0,
  };
  /** Draws the fault (if any) for the move the picked process is about to make, within the budgets. */
  const drawFault = (p: Proc): Fault | undefined => {
    const hit = () => faultDraws.next() < FAULT_RATE;
    if (budget.c > 0 && hit()) {
      budget.c--;
      return 'c';
    }
    if (budget.p > 0 && hit()) {
      budget.p--;
      return `p${1 + Math.floor(faultDraws.next() * (opts.faults?.maxPauseMs ?? 60_000))}`;
    }
    if (p.kind !== 'aws') return undefined;
    if (budget.l > 0 && hit()) {
      budget.l--;
      return 'l';
    }
    if (budget.e > 0 && hit()) {
      budget.e--;
      return (['t', 'a', 'u'] as const)[Math.floor(faultDraws.next() * 3)];
    }
    return undefined;
  };

  /** The interleaving point: the process stops here until the scheduler picks it. */
  const point = (i: number, kind: Proc['kind'], label: string) =>
    new Promise<boolean>((resolve) => {
      const p = procs[i]!;
      if (p.pauseMs !== undefined && !stop.signal.aborted) {
        // the pause is a move of its own: the process sleeps, then reaches this point as if nothing happened
        const ms = p.pauseMs;
        p.pauseMs = undefined;
        p.wakeAt = now + ms;
        p.waiting = () => {
          void point(i, kind, label).then(resolve);
        };
        p.kind = 'sleep';
        p.label = `wakes from the pause`;
        note(i, `pauses for ${ms} ms (fault)`);
        kick();
        return;
      }
      p.waiting = resolve;
      p.kind = kind;
      p.label = label;
      kick();
    });

  const stopAll = () => {
    stop.abort();
    for (const p of procs) {
      const w = p.waiting;
      p.waiting = undefined;
      w?.(false);
    }
  };
  const executors: PlaybookExecutor[] = [];
  const lastPoints: Array<
    | {
        evaluate(expression: string, extra?: Record<string, unknown>): unknown;
        vars(): Record<string, unknown>;
        readonly noLogNames: readonly string[];
      }
    | undefined
  > = [];
  const inspector: ScheduleInspector = {
    trace,
    processes: () =>
      procs.map((p, index) => ({
        index,
        next: p.label,
        kind: p.kind,
        task: taskOf[index] ?? '',
        done: p.done,
        crashed: Boolean(p.crashed),
        holds: p.holds,
        ...(p.wakeAt !== undefined ? { sleepsUntil: p.wakeAt - start } : {}),
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
      executors[i]!.vm.setFacts('localhost', { [name]: value });
    },
    groups: () => model.list().map((g) => ({ name: g.logGroupName, createdAt: g.creationTime - start })),
    now: () => now - start,
  };

  /** A line in the trace that is not a move: a win, a release, a pause, a false invariant. */
  const note = (i: number, label: string) => {
    trace.push({ process: i, kind: 'note', label, task: taskOf[i] ?? '', at: now - start });
  };
  const runnableNow = () => {
    const out: number[] = [];
    for (let i = 0; i < procs.length; i++) if (!procs[i]!.done && procs[i]!.wakeAt === undefined) out.push(i);
    return out;
  };

  let scheduled = false,
    interrupted = false;
  const kick = () => {
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(schedule);
    }
  };
  // while a controller is asked (awaited below) every live process is parked at its point, so nothing can kick
  function schedule(): void {
    scheduled = false;
    // stopping: every waiting process gives up at its point (its call fails, its sleep ends) and the run unwinds
    if (violation || interrupted || trace.length >= maxSteps) {
      stopAll();
      return;
    }
    // every live process must have reached a point before anyone moves: that is what makes a run deterministic
    if (procs.some((p) => !p.done && !p.waiting)) return;
    let runnable = runnableNow();
    if (!runnable.length) {
      // nobody can move: the virtual clock jumps to the earliest wake-up
      const sleepers = procs.filter((p) => p.wakeAt !== undefined && !p.done);
      if (!sleepers.length) return;
      now = Math.max(now, Math.min(...sleepers.map((p) => p.wakeAt!)));
      for (const p of sleepers) if (p.wakeAt! <= now) p.wakeAt = undefined;
      runnable = runnableNow();
    }
    const decision = choices.length;
    const i = choose(runnable, decision, choices[decision - 1]);
    if (!opts.controller) {
      move(decision, i);
      return;
    }
    void opts.controller.beforeMove(decision, runnable, i, inspector).then((wanted) => {
      if (wanted === 'quit') {
        interrupted = true;
        violation = undefined;
        stopAll();
        return;
      }
      move(decision, runnable.includes(wanted) ? wanted : i);
    });
  }
  /** Decision `decision` picked process i: its fault (if any), then its move. */
  function move(decision: number, i: number): void {
    choices.push(i);
    const p = procs[i]!;
    const fault = plan ? plan.get(decision) : drawFault(p);
    if (fault !== undefined) {
      faults.set(decision, fault);
      if (fault === 'c') {
        // the process is gone: it never moves again and nothing of it runs (no always:, no cleanup)
        note(
          i,
          `crashes (fault)${p.holds ? ' while holding the lock: its attempt stays until it expires' : ''} before ${p.label}`,
        );
        p.waiting = undefined;
        p.done = true;
        p.crashed = true;
        p.holds = false;
        p.crash?.();
        kick();
        return;
      }
      if (fault.startsWith('p')) {
        const ms = Number(fault.slice(1));
        note(i, `pauses for ${ms} ms (fault) before ${p.label}`);
        p.wakeAt = now + ms;
        kick();
        return;
      }
      // a call fault only means something for an AWS call; elsewhere the plan's entry is dropped
      if (p.kind === 'aws') p.callFault = fault;
      else faults.delete(decision);
    }
    trace.push({ process: i, kind: p.kind, label: p.label, task: taskOf[i] ?? '', at: now - start });
    const go = p.waiting!;
    p.waiting = undefined;
    go(true);
  }

  // The modules' client: each send() is an interleaving point that the model answers directly (the SDK's
  // middleware would cost half of every schedule), with the SDK's error shape and its retries kept.
  const clientFor = (i: number) => async (): Promise<CloudWatchLogsClient> =>
    ({
      send: (command: SimulatedCommand) =>
        send(i, command.constructor.name.replace(/Command$/, ''), command.input ?? {}),
      destroy() {
        /* nothing to release */
      },
    }) as unknown as CloudWatchLogsClient;
  let requests = 0;
  const send = async (i: number, op: string, input: Record<string, unknown>) => {
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      const requestId = `sim-${++requests}`;
      if (!(await point(i, 'aws', `${op} ${JSON.stringify(input)}`))) throw new Error('the schedule stopped');
      const answer = attemptCall(i, op, input);
      if ('body' in answer)
        return {
          ...(answer.body as object),
          $metadata: { httpStatusCode: 200, requestId, attempts: attempt, totalRetryDelay },
        };
      const { error } = answer;
      const $metadata = { httpStatusCode: error.status, requestId, attempts: attempt, totalRetryDelay };
      const retryable =
        THROTTLING.has(error.code) || TRANSIENT.has(error.code) || [500, 502, 503, 504].includes(error.status);
      if (attempt >= MAX_ATTEMPTS || !retryable) {
        const e = Object.assign(new Error(error.message), {
          name: error.code,
          $fault: error.status >= 500 ? 'server' : 'client',
          $metadata: error.status ? $metadata : { attempts: attempt, totalRetryDelay },
          ...(error.status
            ? {
                $response: {
                  statusCode: error.status,
                  headers: {
                    'content-type': 'application/x-amz-json-1.1',
                    'x-amzn-requestid': requestId,
                    'x-amzn-errortype': error.code,
                  },
                },
              }
            : { code: 'ECONNRESET' }),
        });
        throw e;
      }
      const delay = Math.floor(
        Math.min(20_000, retryDraws(i).next() * 2 ** (attempt - 1) * (THROTTLING.has(error.code) ? 500 : 100)),
      );
      totalRetryDelay += delay;
      procs[i]!.wakeAt = now + delay;
      if (!(await point(i, 'sleep', `SDK retry ${attempt} of ${op} after ${error.code}, in ${delay} ms`)))
        throw new Error('the schedule stopped');
    }
  };
  const retryStreams: Array<ReturnType<typeof seededRandom>> = [];
  const retryDraws = (i: number) => (retryStreams[i] ??= seededRandom(`retry/${seed}/${i}`));
  type Answer = { body: unknown } | { error: { code: string; status: number; message: string } };
  /** One attempt, once the process has moved past its point: the model's answer, an injected error, or an applied
   * call whose reply is lost. */
  const attemptCall = (i: number, op: string, input: Record<string, unknown>): Answer => {
    const step = trace.length - 1;
    const p = procs[i]!;
    const fault = p.callFault;
    p.callFault = undefined;
    if (!opts.faults?.clockTies) now += 1; // every call takes a millisecond unless ties are wanted
    const injected = fault !== undefined ? ERROR_OF[fault] : undefined;
    if (injected) {
      trace[step]!.detail = {
        status: injected.status,
        body: { __type: injected.code, message: injected.message },
        fault,
      };
      return { error: injected };
    }
    let status = 200,
      body: unknown;
    try {
      body = service.call(op, input);
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      status = e.status;
      body = { __type: e.code, message: e.message };
    }
    if (op === 'DeleteLogGroup' && status === 200) release(i, String(input.logGroupName));
    if (fault === 'l') {
      trace[step]!.detail = { status: 0, body, fault };
      if (opts.recordVars) trace[step]!.groups = model.list().map((g) => g.logGroupName);
      return {
        error: {
          code: 'TimeoutError',
          status: 0,
          message: 'Connection timed out after the request was sent (simulated lost reply)',
        },
      };
    }
    trace[step]!.detail = { status, body };
    if (opts.recordVars) trace[step]!.groups = model.list().map((g) => g.logGroupName);
    if (status !== 200)
      return {
        error: { code: (body as { __type: string }).__type, status, message: (body as { message: string }).message },
      };
    return { body };
  };

  // the default invariant: at most one process between winning the lock and releasing its attempt
  const attemptOf: string[] = [];
  const release = (i: number, name: string) => {
    if (attemptOf[i] !== name || !procs[i]!.holds) return;
    procs[i]!.holds = false;
    note(i, `released ${name}`);
  };
  const snapshots: Array<Record<string, unknown>> = procs.map(() => ({}));
  // what each task changed, as Python reprs, on the process's last move (for the traces people read)
  const seenVars: Array<Map<string, string>> = procs.map(() => new Map());
  const changedAt = new Map<number, Map<string, string>>();
  const recordChanges = (i: number, vars: Record<string, unknown>) => {
    const changed: string[] = [];
    for (const [k, v] of Object.entries(vars)) {
      if (HIDDEN_VARS.has(k) || typeof v === 'function') continue;
      let text: string;
      try {
        text = pyRepr(v);
      } catch {
        continue;
      } // an undefined or unrenderable value: not shown
      if (seenVars[i]!.get(k) !== text) {
        seenVars[i]!.set(k, text);
        changed.push(`${k}=${text.length > 120 ? `${text.slice(0, 117)}...` : text}`);
      }
    }
    let last = -1;
    for (let k = trace.length - 1; k >= 0; k--)
      if (trace[k]!.process === i && trace[k]!.kind !== 'note') {
        last = k;
        break;
      }
    const step = trace[last];
    if (step && changed.length && seenVars[i]!.has('\u0000started')) {
      // several tasks may end on one move (skipped loop items, includes): a name keeps its latest value
      const all = changedAt.get(last) ?? new Map<string, string>();
      for (const c of changed) all.set(c.slice(0, c.indexOf('=')), c);
      changedAt.set(last, all);
      step.changed = [...all.values()].join(', ');
    }
    seenVars[i]!.set('\u0000started', '');
  };
  const everHeld: boolean[] = procs.map(() => false);
  const userInvariants = opts.invariants ?? [];
  let error: string | undefined;
  const afterTask = (i: number, variable: (name: string) => unknown) => {
    if (stop.signal.aborted) return;
    for (const expr of userInvariants) {
      let holds: boolean;
      // a Templar per check: it caches the variables it resolved
      try {
        holds = new Templar({ lookupVar: (n) => (n === 'processes' ? snapshots : undefined) }).evaluateConditional(
          expr,
        );
      } catch (e) {
        error = `the invariant '${expr}' could not be evaluated: ${e instanceof Error ? e.message : String(e)}`;
        violation ??= { message: error, step: trace.length };
        return;
      }
      if (!holds && !violation) {
        note(i, `invariant false: ${expr}`);
        violation = {
          message: `the invariant '${expr}' is false after p${i + 1}'s task '${taskOf[i] ?? ''}'`,
          step: trace.length,
        };
      }
    }
    const attempt = variable('lock_attempt_log_group_name');
    if (typeof attempt === 'string') attemptOf[i] = attempt;
    if (
      truthy(variable('won_lock') ?? false) &&
      !procs[i]!.holds &&
      model.list().some((g) => g.logGroupName === attemptOf[i])
    ) {
      procs[i]!.holds = true;
      everHeld[i] = true;
      if (opts.faults?.pauseAfterWinMs) procs[i]!.pauseMs = opts.faults.pauseAfterWinMs;
      note(i, `won_lock is true: holds ${attemptOf[i]}`);
      const holders = procs.flatMap((p, j) => (p.holds ? [j] : []));
      if (holders.length > 1 && !violation)
        violation = {
          message: `processes ${holders.map((h) => `p${h + 1}`).join(' and ')} hold the lock at the same time`,
          step: trace.length,
        };
    }
  };

  const runs = procs.map(async (_p, i) => {
    const random = seededRandom(`${seed}/${i}`);
    let lastFailure = `p${i + 1}: failed`;
    const executor = new PlaybookExecutor(
      {
        extraVars: opts.extraVars(i),
        checkMode: false,
        diff: false,
        verbosity: 0,
        tags: [],
        skipTags: [],
        env: {
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'simulated',
          AWS_SECRET_ACCESS_KEY: 'simulated',
          ...opts.env,
        },
        inventory: loadInventory([]),
        clock: {
          now: () => now,
          sleep: async (ms: number) => {
            procs[i]!.wakeAt = now + ms;
            await point(i, 'sleep', `sleep ${ms} ms`);
          },
        },
        random,
        signal: stop.signal,
        frozenIncludes,
        aws: { clientFactory: clientFor(i), commands: SIMULATED_COMMANDS },
      },
      [
        {
          taskStart: (_task, name) => {
            taskOf[i] = name;
          },
          taskResult: (_h, task, result, status) => {
            if (status === 'failed') lastFailure = `p${i + 1}: ${taskOf[i]}: ${String(result.msg ?? '')}`;
          },
          // a failure counts once the run ends with it (a rescued one does not)
          playbookEnd: (stats) => {
            if (!stop.signal.aborted && [...stats.values()].some((h) => h.failures > 0)) failures.push(lastFailure);
          },
        },
      ],
      {
        afterTask: (point) => {
          // the schedule debugger is asked first; without one nothing here waits (no await for every task)
          if (opts.controller) {
            lastPoints[i] = point;
            const asking = opts.controller;
            return (async () => {
              if (!stop.signal.aborted && (await asking.afterTask?.(i, point.name, inspector)) === 'quit') {
                interrupted = true;
                stopAll();
              }
              observe(point);
            })();
          }
          observe(point);
        },
      },
    );
    /** What the search looks at after each of this process's tasks: the traces' variables, the invariants. */
    const observe = (point: TaskPoint) => {
      if (opts.recordVars || opts.invariants?.length) {
        const v = point.vars();
        if (opts.recordVars) recordChanges(i, isDict(v) ? v : {});
        // the invariants see values as this process's templates render them (its vars may refer to each other)
        if (opts.invariants?.length) {
          const own = point.template(Object.fromEntries(Object.entries(v).filter(([k]) => !HIDDEN_VARS.has(k))));
          snapshots[i] = isDict(own) ? own : {};
        }
      }
      afterTask(i, (n) => point.variable(n));
    };
    executors[i] = executor;
    // a crashed process's run never settles (it waits forever at its point); the schedule stops waiting for it
    const crashed = new Promise<void>((resolve) => {
      procs[i]!.crash = resolve;
    });
    const run = (async () => {
      await point(i, 'task', 'start');
      await executor.run(opts.playbook);
    })();
    try {
      await Promise.race([run, crashed]);
    } catch (e) {
      if (!stop.signal.aborted) failures.push(`p${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      procs[i]!.done = true;
      procs[i]!.holds = false;
      kick();
    }
  });
  await Promise.all(runs);
  if (opts.liveness && !violation && !error) {
    const starved = everHeld.flatMap((held, i) => (held || procs[i]!.crashed ? [] : [`p${i + 1}`]));
    if (failures.length) violation = { message: `liveness: ${failures[0]}`, step: trace.length };
    else if (starved.length)
      violation = { message: `liveness: ${starved.join(' and ')} never held the lock`, step: trace.length };
  }
  const common = {
    seed,
    trace,
    choices,
    failures,
    faults,
    processes: opts.processes,
    ...(interrupted ? { interrupted } : {}),
  };
  return error ? { ...common, error } : { ...common, violation };
}
