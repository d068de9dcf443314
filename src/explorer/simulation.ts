// Deterministic simulation of several copies of a playbook in one process: one in-memory CloudWatch Logs model,
// a virtual clock, one seeded random generator, and a scheduler that decides which copy moves at every
// interleaving point (each AWS call and each wait). Everything between two points runs atomically.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LogsModel, AwsError } from '../endpoint/logs-model.js';
import { LogsService, NO_FAULTS, type Faults } from '../endpoint/logs-protocol.js';
import { PlaybookExecutor } from '../executor/play-executor.js';
import type { Playbook } from '../playbook/model.js';
import { loadInventory } from '../inventory/inventory.js';
import { seededRandom } from '../../filters/core.js';
import { isDict, truthy } from '../template/python.js';
import { Templar } from '../template/templar.js';

/** One move of one process; `at` is virtual milliseconds since the schedule began. */
export interface Step { readonly process: number; readonly kind: 'aws' | 'sleep' | 'task' | 'note'; readonly label: string; readonly task: string; readonly at: number; readonly detail?: { status: number; body: unknown } }
export interface Violation { readonly message: string; readonly step: number }
export interface ScheduleOutcome { readonly seed: number; readonly trace: Step[]; readonly choices: readonly number[]; readonly violation?: Violation; readonly failures: string[]; readonly error?: string }

export interface SimulationOptions {
  readonly playbook: Playbook;
  readonly processes: number;
  /** Extra vars per process (resource_prefix differs by default). */
  readonly extraVars: (i: number) => Record<string, unknown>;
  readonly faults?: Partial<Faults> & {
    clockTies?: boolean;
    /** A process that just won stops for this long (a GC pause, a suspended VM) before its next move. */
    pauseAfterWinMs?: number;
  };
  readonly maxSteps?: number;
  /** Users' invariants: Jinja2 conditionals over `processes`, the list of every process's variables as of its
   * last finished task (`{}` before its first). Checked after every task. */
  readonly invariants?: readonly string[];
  /** Environment for every copy, on top of the simulated AWS settings. */
  readonly env?: Record<string, string>;
  /** Liveness: a schedule where some process never held the lock, or ended failed, is a violation too. */
  readonly liveness?: boolean;
}

/** Picks which waiting process moves next. */
export type Chooser = (runnable: readonly number[], decision: number) => number;

interface Proc { waiting?: (go: boolean) => void; wakeAt?: number; pauseMs?: number; done: boolean; label: string; kind: Exclude<Step['kind'], 'note'>; holds: boolean }

/** Left out of the invariants' view of a process: the inventory and the magic variables all copies share. */
const HIDDEN_VARS = new Set(['hostvars', 'groups', 'group_names', 'inventory_hostname', 'inventory_hostname_short', 'inventory_dir', 'inventory_file',
  'playbook_dir', 'play_hosts', 'ansible_play_hosts', 'ansible_play_hosts_all', 'ansible_play_batch', 'role_names', 'ansible_role_names', 'omit', 'ansible_version', 'vars']);

type SimulatedRequest = { headers: Record<string, string>; body?: unknown };
// One SDK client per process slot, built once (building one costs more than a whole step); its transport calls
// the running schedule's handler for that slot. Schedules therefore run one at a time.
const sdkClients: CloudWatchLogsClient[] = [];
const handlers: Array<(request: SimulatedRequest) => Promise<unknown>> = [];

/** Runs one schedule to completion (or a violation) and returns its trace. */
export async function runSchedule(opts: SimulationOptions, seed: number, choose: Chooser): Promise<ScheduleOutcome> {
  let now = 1_700_000_000_000;
  const clock = { nowMs: () => now };
  const model = new LogsModel(clock);
  const service = new LogsService(model, { ...NO_FAULTS, ...opts.faults });
  // under listing lag the schedule decides, per describe and young change, whether the listing shows it
  const visibility = seededRandom(`visibility/${seed}`);
  service.missesChange = () => visibility.next() < 0.5;
  const start = now;
  const stop = new AbortController();
  const taskOf: string[] = [];
  const procs: Proc[] = Array.from({ length: opts.processes }, () => ({ done: false, label: 'start', kind: 'task' as const, holds: false }));
  const trace: Step[] = [];
  const choices: number[] = [];
  const failures: string[] = [];
  let violation: Violation | undefined;
  const maxSteps = opts.maxSteps ?? 5000;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await import('@aws-sdk/client-cloudwatch-logs');
  const { Readable } = await import('node:stream');

  /** The interleaving point: the process stops here until the scheduler picks it. */
  const point = (i: number, kind: Proc['kind'], label: string) => new Promise<boolean>((resolve) => {
    const p = procs[i]!;
    if (p.pauseMs !== undefined && !stop.signal.aborted) {
      // the pause is a move of its own: the process sleeps, then reaches this point as if nothing happened
      const ms = p.pauseMs;
      p.pauseMs = undefined;
      p.wakeAt = now + ms;
      p.waiting = () => { void point(i, kind, label).then(resolve) };
      p.kind = 'sleep'; p.label = `wakes from the pause`;
      note(i, `pauses for ${ms} ms (fault)`);
      kick();
      return;
    }
    p.waiting = resolve; p.kind = kind; p.label = label; kick();
  });

  /** A line in the trace that is not a move: a win, a release, a pause, a false invariant. */
  const note = (i: number, label: string) => { trace.push({ process: i, kind: 'note', label, task: taskOf[i] ?? '', at: now - start }) };
  const runnableNow = () => procs.flatMap((p, i) => (p.done || p.wakeAt !== undefined ? [] : [i]));

  let scheduled = false;
  const kick = () => { if (!scheduled) { scheduled = true; setImmediate(schedule) } };
  function schedule() {
    scheduled = false;
    // stopping: every waiting process gives up at its point (its call fails, its sleep ends) and the run unwinds
    if (violation || trace.length >= maxSteps) { stop.abort(); for (const p of procs) { const w = p.waiting; p.waiting = undefined; w?.(false) } return }
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
    const i = choose(runnable, choices.length);
    choices.push(i);
    const p = procs[i]!;
    trace.push({ process: i, kind: p.kind, label: p.label, task: taskOf[i] ?? '', at: now - start });
    const go = p.waiting!;
    p.waiting = undefined;
    go(true);
  }

  const clientFor = (i: number) => async (): Promise<CloudWatchLogsClient> => {
    handlers[i] = handle(i);
    return sdkClients[i] ??= new sdk.CloudWatchLogsClient({
      region: 'us-east-1', endpoint: 'http://simulated.invalid', credentials: { accessKeyId: 'sim', secretAccessKey: 'sim' }, maxAttempts: 1,
      requestHandler: {
        handle: (request: SimulatedRequest) => handlers[i]!(request),
        updateHttpClientConfig() { /* nothing to configure */ },
        httpHandlerConfigs() { return {} },
      } as never,
    });
  };
  const handle = (i: number) => async (request: SimulatedRequest) => {
    const op = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const body0 = request.body;
    const input = body0 ? JSON.parse(typeof body0 === 'string' ? body0 : new TextDecoder().decode(body0 as Uint8Array)) : {};
    if (!(await point(i, 'aws', `${op} ${JSON.stringify(input)}`))) throw new Error('the schedule stopped');
    const step = trace.length - 1;
    if (!opts.faults?.clockTies) now += 1; // every call takes a millisecond unless ties are wanted
    let status = 200, body: unknown;
    try { body = service.call(op, input) } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      status = e.status; body = { __type: e.code, message: e.message };
    }
    trace[step] = { ...trace[step]!, detail: { status, body } };
    if (op === 'DeleteLogGroup' && status === 200) release(i, String(input.logGroupName));
    const text = JSON.stringify(body);
    return { response: ({ statusCode: status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': `sim-${trace.length}`, ...(status >= 400 ? { 'x-amzn-errortype': (body as { __type: string }).__type } : {}) }, body: Readable.from([Buffer.from(text)]) }) };
  };

  // the default invariant: at most one process between winning the lock and releasing its attempt
  const attemptOf: string[] = [];
  const release = (i: number, name: string) => {
    if (attemptOf[i] !== name || !procs[i]!.holds) return;
    procs[i]!.holds = false;
    note(i, `released ${name}`);
  };
  const snapshots: Array<Record<string, unknown>> = procs.map(() => ({}));
  const everHeld: boolean[] = procs.map(() => false);
  const userInvariants = opts.invariants ?? [];
  let error: string | undefined;
  const afterTask = (i: number, vars: Record<string, unknown>) => {
    if (stop.signal.aborted) return;
    for (const expr of userInvariants) {
      let holds: boolean;
      // a Templar per check: it caches the variables it resolved
      try { holds = new Templar({ lookupVar: (n) => (n === 'processes' ? snapshots : undefined) }).evaluateConditional(expr) } catch (e) {
        error = `the invariant '${expr}' could not be evaluated: ${e instanceof Error ? e.message : String(e)}`;
        violation ??= { message: error, step: trace.length };
        return;
      }
      if (!holds && !violation) {
        note(i, `invariant false: ${expr}`);
        violation = { message: `the invariant '${expr}' is false after p${i + 1}'s task '${taskOf[i] ?? ''}'`, step: trace.length };
      }
    }
    if (typeof vars.lock_attempt_log_group_name === 'string') attemptOf[i] = vars.lock_attempt_log_group_name;
    if (truthy(vars.won_lock ?? false) && !procs[i]!.holds && model.list().some((g) => g.logGroupName === attemptOf[i])) {
      procs[i]!.holds = true;
      everHeld[i] = true;
      if (opts.faults?.pauseAfterWinMs) procs[i]!.pauseMs = opts.faults.pauseAfterWinMs;
      note(i, `won_lock is true: holds ${attemptOf[i]}`);
      const holders = procs.flatMap((p, j) => (p.holds ? [j] : []));
      if (holders.length > 1 && !violation) violation = { message: `processes ${holders.map((h) => `p${h + 1}`).join(' and ')} hold the lock at the same time`, step: trace.length };
    }
  };

  const runs = procs.map(async (_p, i) => {
    const random = seededRandom(`${seed}/${i}`);
    let lastFailure = `p${i + 1}: failed`;
    const executor = new PlaybookExecutor({
      extraVars: opts.extraVars(i), checkMode: false, diff: false, verbosity: 0, tags: [], skipTags: [], env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'simulated', AWS_SECRET_ACCESS_KEY: 'simulated', ...opts.env }, inventory: loadInventory([]),
      clock: { now: () => now, sleep: async (ms: number) => { procs[i]!.wakeAt = now + ms; await point(i, 'sleep', `sleep ${ms} ms`) } },
      random, signal: stop.signal,
      aws: { clientFactory: clientFor(i) },
    }, [{ taskStart: (_task, name) => { taskOf[i] = name }, taskResult: (_h, task, result, status) => { if (status === 'failed') lastFailure = `p${i + 1}: ${taskOf[i]}: ${String(result.msg ?? '')}` },
      // a failure counts once the run ends with it (a rescued one does not)
      playbookEnd: (stats) => { if (!stop.signal.aborted && [...stats.values()].some((h) => h.failures > 0)) failures.push(lastFailure) } }], {
      afterTask: (point) => {
        const v = point.vars();
        // the invariants see values as this process's templates render them (its vars may refer to each other)
        if (opts.invariants?.length) { const own = point.template(Object.fromEntries(Object.entries(v).filter(([k]) => !HIDDEN_VARS.has(k)))); snapshots[i] = isDict(own) ? own : {} }
        afterTask(i, isDict(v) ? v : {});
      },
    });
    await point(i, 'task', 'start');
    try { await executor.run(opts.playbook) } catch (e) {
      if (!stop.signal.aborted) failures.push(`p${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    } finally { procs[i]!.done = true; procs[i]!.holds = false; kick() }
  });
  await Promise.all(runs);
  if (opts.liveness && !violation && !error) {
    const starved = everHeld.flatMap((held, i) => (held ? [] : [`p${i + 1}`]));
    if (failures.length) violation = { message: `liveness: ${failures[0]}`, step: trace.length };
    else if (starved.length) violation = { message: `liveness: ${starved.join(' and ')} never held the lock`, step: trace.length };
  }
  return error ? { seed, trace, choices, failures, error } : { seed, trace, choices, violation, failures };
}
