// `tsible explore PLAYBOOK --processes N`: many schedules of N copies racing, until one breaks the invariant or the
// budget runs out. Every schedule has its own seed; a violation is shrunk to fewer context switches and printed as
// a schedule (`1x12.2x3...`) that `--replay` runs again exactly, as it does a seed.
import { writeFileSync } from 'node:fs';
import { ExitCode, OptionsError, TsibleError } from '../errors.js';
import { scriptSource, stdinSource } from '../debugger/debugger.js';
import { ScheduleDebugger } from './schedule-debugger.js';
import { swimlanes } from './swimlanes.js';
import { exploreInWorkers, scheduleSeeds, workerCount } from './parallel.js';
import { loadPlaybook } from '../playbook/loader.js';
import { parseExtraVars } from '../cli/options.js';
import { seededRandom } from '../../filters/core.js';
import {
  SIM_EPOCH,
  runSchedule,
  type Chooser,
  type Fault,
  type ScheduleOutcome,
  type SimulationOptions,
  type Step,
} from './simulation.js';
import type { Playbook } from '../playbook/model.js';

const summarize = (body: unknown): string => {
  if (body && typeof body === 'object' && '__type' in body) return String((body as { __type: string }).__type);
  const groups = (body as { logGroups?: Array<{ logGroupName: string; creationTime: number }> } | undefined)?.logGroups;
  if (groups)
    return `[${groups.map((g) => `${g.logGroupName.split('/').pop()}@${g.creationTime - SIM_EPOCH}`).join(', ')}]`;
  return 'ok';
};

const answer = (d: NonNullable<Step['detail']>): string => {
  if (d.fault === 'l') return `  -> applied (${d.status === 0 ? 'ok' : 'error'}), reply lost (fault)`;
  return `  -> ${d.status} ${summarize(d.body)}${d.fault ? ' (injected fault)' : ''}`;
};

/** The numbered trace a violation prints: process, task, call, parameters, result, and (when recorded) the
 * variables each task changed. */
export function formatTrace(trace: readonly Step[], upTo = trace.length): string {
  return trace
    .slice(0, upTo)
    .filter((s) => s.kind !== 'task' || s.changed)
    .map((s, n) => {
      const head = `${String(n + 1).padStart(4)}. +${s.at} ms  p${s.process + 1}  ${s.task ? `[${s.task}] ` : ''}${s.kind === 'task' ? '(task starts)' : s.label}${s.detail ? answer(s.detail) : ''}`;
      return s.changed ? `${head}\n${' '.repeat(8)}p${s.process + 1} vars: ${s.changed}` : head;
    })
    .join('\n');
}

export interface ExploreOptions {
  readonly playbook: Playbook;
  readonly processes: number;
  readonly schedules: number;
  readonly seed: number;
  readonly seconds?: number;
  readonly listingLagMs?: number;
  readonly clockTies?: boolean;
  /** A create may get a creation time up to this many milliseconds earlier than its moment. */
  readonly clockSkewMs?: number;
  /** A winner stops for this many seconds before its next move. */
  readonly pauseAfterWinSeconds?: number;
  /** All processes use the same lock_process_id. */
  readonly sharedId?: boolean;
  /** Fault budgets per schedule, for faults at any interleaving point (see Fault). */
  readonly crashes?: number;
  readonly lostReplies?: number;
  readonly injectedErrors?: number;
  readonly pauses?: number;
  readonly maxPauseSeconds?: number;
  readonly extraVars?: Record<string, unknown>;
  readonly invariants?: readonly string[];
  readonly liveness?: boolean;
  /** The AWS modules behave as amazon.aws 5.5.1 does even where tsible deliberately differs (TSIBLE_STRICT_AMAZON_AWS). */
  readonly strictAmazonAws?: boolean;
  /** random (default), pct, or exhaustive; pct's bug depth (exhaustive: its bound on decisions explored) and its
   * bound on steps per schedule; exhaustive's bound on preemptions. */
  readonly strategy?: 'random' | 'pct' | 'exhaustive';
  readonly depth?: number;
  readonly preemptions?: number;
  readonly pctSteps?: number;
  readonly onProgress?: (explored: number) => void;
  /** Where the playbook came from: random and PCT searches then run in worker threads (`workers`, default one
   * per core) when the package is built. */
  readonly playbookFile?: string;
  readonly workers?: number;
}

export interface ExploreReport {
  readonly explored: number;
  readonly found?: ScheduleOutcome;
  readonly failures: number;
  readonly firstFailure?: ScheduleOutcome;
  /** exhaustive: every schedule within the bounds was run. */
  readonly complete?: boolean;
}

function simulation(o: ExploreOptions, more: Partial<SimulationOptions> = {}): SimulationOptions {
  return {
    ...more,
    playbook: o.playbook,
    processes: o.processes,
    invariants: o.invariants,
    liveness: o.liveness,
    env: o.strictAmazonAws ? { TSIBLE_STRICT_AMAZON_AWS: '1' } : {},
    faults: {
      listingLagMs: o.listingLagMs ?? 0,
      clockTies: o.clockTies ?? false,
      clockSkewMs: o.clockSkewMs ?? 0,
      pauseAfterWinMs: (o.pauseAfterWinSeconds ?? 0) * 1000,
      crashes: o.crashes,
      lostReplies: o.lostReplies,
      injectedErrors: o.injectedErrors,
      pauses: o.pauses,
      maxPauseMs: (o.maxPauseSeconds ?? 60) * 1000,
    },
    extraVars: (i) => ({
      resource_prefix: `p${i + 1}`,
      aws_access_key: '',
      aws_secret_key: '',
      security_token: '',
      aws_region: 'us-east-1',
      ...(o.sharedId ? { lock_process_id: 'shared' } : {}),
      ...o.extraVars,
    }),
  };
}

/** One schedule, chosen entirely by its seed. */
export function runSeed(o: ExploreOptions, seed: number, record = false): Promise<ScheduleOutcome> {
  return runSchedule(
    simulation(o, { recordVars: record }),
    seed,
    o.strategy === 'pct' ? pctChooser(o, seed) : randomChooser(seed),
  );
}

/** A schedule as text: its seed, runs of process numbers, and the faults by decision:
 * `77:1x12.2x3.1x40` (p1 moves 12 times, then p2 3 times, ...), `77:1x12.2x3:14c.20l.31p5000` (at decision 14
 * the process picked crashes, at 20 its reply is lost, at 31 it pauses 5 s). */
export function encodeSchedule(
  seed: number,
  choices: readonly number[],
  faults: ReadonlyMap<number, Fault> = new Map(),
): string {
  const runs: string[] = [];
  for (let k = 0; k < choices.length;) {
    let n = 1;
    while (choices[k + n] === choices[k]) n++;
    runs.push(`${choices[k]! + 1}x${n}`);
    k += n;
  }
  const f = [...faults].sort((a, b) => a[0] - b[0]).map(([k, x]) => `${k}${x}`);
  return `${seed}:${runs.join('.')}${f.length ? `:${f.join('.')}` : ''}`;
}
export function decodeSchedule(text: string): { seed: number; choices: number[]; faults: Map<number, Fault> } {
  const bad = () =>
    new OptionsError(
      `argument --replay: expected a seed or a schedule like 77:1x12.2x3 (or 77:1x12.2x3:14c), got '${text}'`,
    );
  const [seed, runs, faultText, ...rest] = text.split(':');
  if (!/^\d+$/.test(seed ?? '') || runs === undefined || rest.length) throw bad();
  const choices: number[] = [];
  for (const run of runs.split('.')) {
    const m = /^(\d+)x(\d+)$/.exec(run);
    if (!m || Number(m[1]) < 1) throw bad();
    for (let n = 0; n < Number(m[2]); n++) choices.push(Number(m[1]) - 1);
  }
  const faults = new Map<number, Fault>();
  for (const f of faultText ? faultText.split('.') : []) {
    const m = /^(\d+)(c|l|t|a|u|p\d+)$/.exec(f);
    if (!m) throw bad();
    faults.set(Number(m[1]), m[2] as Fault);
  }
  return { seed: Number(seed), choices, faults };
}

/** Follows a list of choices; where a choice cannot move (or the list ran out), the previous process keeps
 * moving if it can, else the lowest-numbered one. */
const listChooser = (choices: readonly number[]): Chooser => {
  let last = -1;
  return (runnable, decision) => {
    const wanted = choices[decision];
    last = wanted !== undefined && runnable.includes(wanted) ? wanted : runnable.includes(last) ? last : runnable[0]!;
    return last;
  };
};

/** Replays a list of choices (and exactly the faults given, when given); the seed still decides everything else
 * random (`15|random`, what a lagging listing misses, retry delays). */
export const runChoices = (
  o: ExploreOptions,
  seed: number,
  choices: readonly number[],
  faults?: ReadonlyMap<number, Fault>,
  record = false,
): Promise<ScheduleOutcome> =>
  runSchedule(simulation(o, { faultPlan: faults, recordVars: record }), seed, listChooser(choices));

const switches = (c: readonly number[]) => c.reduce((n, p, k) => n + (k > 0 && p !== c[k - 1] ? 1 : 0), 0);

type Run = { p: number; n: number };
const toRuns = (c: readonly number[]): Run[] => {
  const r: Run[] = [];
  for (const p of c) {
    const last = r[r.length - 1];
    if (last?.p === p) last.n++;
    else r.push({ p, n: 1 });
  }
  return r;
};
const fromRuns = (runs: readonly Run[]): number[] => runs.flatMap((r) => Array<number>(r.n).fill(r.p));

/** The same schedule without process r: its moves and faults go, later processes renumber. */
function withoutProcess(found: ScheduleOutcome, r: number): { choices: number[]; faults: Map<number, Fault> } {
  const choices: number[] = [],
    faults = new Map<number, Fault>();
  found.choices.forEach((c, k) => {
    if (c === r) return;
    const f = found.faults.get(k);
    if (f !== undefined) faults.set(choices.length, f);
    choices.push(c > r ? c - 1 : c);
  });
  return { choices, faults };
}

/**
 * Shrinks a violating schedule: to fewer processes, then fewer faults, then fewer context switches, then fewer
 * moves. Candidates: each process left out; each fault left out; for each run of moves (latest first), the run
 * dropped (its process moves later, when the schedule falls back to it) or merged into the same process's
 * previous run. A candidate is kept when its replay still breaks an invariant and is smaller.
 */
export async function shrink(
  o: ExploreOptions,
  found: ScheduleOutcome,
  budget = { replays: 200, ms: 15_000 },
): Promise<ScheduleOutcome> {
  let best = found;
  const size = (r: ScheduleOutcome) => [r.processes, r.faults.size, switches(r.choices), r.choices.length];
  const smaller = (a: ScheduleOutcome, b: ScheduleOutcome) => {
    const x = size(a),
      y = size(b);
    for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! < y[k]!;
    return false;
  };
  const started = Date.now();
  let tries = 0,
    improved = true;
  const left = () => tries < budget.replays && Date.now() - started < budget.ms;
  while (improved && left()) {
    improved = false;
    const candidates: Array<{ processes: number; choices: number[]; faults: ReadonlyMap<number, Fault> }> = [];
    if (best.processes > 1)
      for (let r = best.processes - 1; r >= 0; r--)
        candidates.push({ processes: best.processes - 1, ...withoutProcess(best, r) });
    for (const k of best.faults.keys()) {
      const f = new Map(best.faults);
      f.delete(k);
      candidates.push({ processes: best.processes, choices: [...best.choices], faults: f });
    }
    const runs = toRuns(best.choices);
    for (let r = runs.length - 1; r > 0; r--) {
      candidates.push({
        processes: best.processes,
        choices: fromRuns(runs.filter((_x, k) => k !== r)),
        faults: best.faults,
      });
      if (r >= 2 && runs[r - 2]!.p === runs[r]!.p)
        candidates.push({
          processes: best.processes,
          choices: fromRuns(
            runs.flatMap((x, k) => (k === r ? [] : k === r - 2 ? [{ p: x.p, n: x.n + runs[r]!.n }] : [x])),
          ),
          faults: best.faults,
        });
    }
    for (const cand of candidates) {
      if (!left()) break;
      tries++;
      const result = await runChoices({ ...o, processes: cand.processes }, found.seed, cand.choices, cand.faults);
      if (result.violation && !result.error && smaller(result, best)) {
        best = result;
        improved = true;
        break;
      }
    }
  }
  return best;
}

/**
 * Bounded exhaustive search (stateless, depth-first, as CHESS does it): the first schedule lets each process run
 * until it waits; every other one differs from an earlier one at one decision within the first `depth`, with at
 * most `preemptions` switches away from a process that could have gone on. When the stack empties, every
 * schedule within the bounds has run (for this seed's random values).
 */
async function exploreExhaustive(o: ExploreOptions, started: number): Promise<ExploreReport> {
  const depth = o.depth ?? 100,
    bound = o.preemptions ?? 2;
  const stack: number[][] = [[]];
  let explored = 0,
    failures = 0,
    firstFailure: ScheduleOutcome | undefined;
  while (
    stack.length &&
    explored < o.schedules &&
    (o.seconds === undefined || Date.now() - started < o.seconds * 1000)
  ) {
    const prefix = stack.pop()!;
    const seen: Array<{ runnable: readonly number[]; chosen: number; previous: number | undefined }> = [];
    const outcome = await runSchedule(simulation(o), o.seed, (runnable, decision, previous) => {
      const wanted = prefix[decision];
      const chosen =
        wanted !== undefined && runnable.includes(wanted)
          ? wanted
          : previous !== undefined && runnable.includes(previous)
            ? previous
            : runnable[0]!;
      seen.push({ runnable, chosen, previous });
      return chosen;
    });
    explored++;
    if (outcome.failures.length) {
      failures++;
      firstFailure ??= outcome;
    }
    o.onProgress?.(explored);
    if (outcome.violation || outcome.error) return { explored, found: outcome, failures, firstFailure };
    // preemptions used by the prefix, then branch at every later decision within the depth
    let used = 0;
    const preempts = (d: { runnable: readonly number[]; previous: number | undefined }, q: number) =>
      d.previous !== undefined && q !== d.previous && d.runnable.includes(d.previous);
    for (let k = 0; k < prefix.length && k < seen.length; k++) if (preempts(seen[k]!, seen[k]!.chosen)) used++;
    const branches: number[][] = [];
    for (let k = prefix.length; k < Math.min(depth, seen.length); k++) {
      const d = seen[k]!;
      for (const q of d.runnable) {
        if (q === d.chosen) continue;
        if (used + (preempts(d, q) ? 1 : 0) > bound) continue;
        branches.push([...seen.slice(0, k).map((x) => x.chosen), q]);
      }
      if (preempts(d, d.chosen)) used++;
    }
    for (let b = branches.length - 1; b >= 0; b--) stack.push(branches[b]!);
  }
  return { explored, failures, firstFailure, complete: stack.length === 0 };
}

const randomChooser = (seed: number): Chooser => {
  const pick = seededRandom(`choose/${seed}`);
  return (runnable) => runnable[Math.floor(pick.next() * runnable.length)]!;
};

/**
 * Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): every process gets a random priority above
 * `depth`, the highest-priority runnable one always moves, and at depth-1 random steps the process moving drops
 * to a priority below all others. A bug that needs d ordering constraints is found with probability at least
 * 1/(n·k^(d-1)) per schedule, where k bounds the steps; the seed fixes priorities and change points.
 */
function pctChooser(o: ExploreOptions, seed: number): Chooser {
  const rnd = seededRandom(`pct/${seed}`);
  const depth = o.depth ?? 3,
    steps = o.pctSteps ?? 400;
  const priority = Array.from({ length: o.processes }, (_x, i) => depth + i);
  for (let i = priority.length - 1; i > 0; i--) {
    const j = Math.floor(rnd.next() * (i + 1));
    [priority[i], priority[j]] = [priority[j]!, priority[i]!];
  }
  const changes = new Map<number, number>();
  for (let d = 1; d < depth; d++) changes.set(Math.floor(rnd.next() * steps), d);
  const top = (runnable: readonly number[]) => runnable.reduce((a, b) => (priority[b]! > priority[a]! ? b : a));
  return (runnable, step) => {
    const chosen = top(runnable);
    const lowered = changes.get(step);
    if (lowered === undefined) return chosen;
    priority[chosen] = lowered;
    return top(runnable);
  };
}

/** The search: schedule seeds drawn from one master seed (or, exhaustive, the bounded tree of one seed), within a
 * schedule and time budget. */
export async function exploreSchedules(o: ExploreOptions): Promise<ExploreReport> {
  const started = Date.now();
  if (o.strategy === 'exhaustive') return exploreExhaustive(o, started);
  const threads = workerCount(o.workers, o.playbookFile);
  if (threads > 1) return exploreInWorkers(o, o.playbookFile!, threads, (seed) => runSeed(o, seed));
  const seeds = scheduleSeeds(o.seed, o.schedules);
  let explored = 0,
    failures = 0,
    firstFailure: ScheduleOutcome | undefined;
  while (explored < o.schedules && (o.seconds === undefined || Date.now() - started < o.seconds * 1000)) {
    const outcome = await runSeed(o, seeds[explored]!);
    explored++;
    if (outcome.failures.length) {
      failures++;
      firstFailure ??= outcome;
    }
    o.onProgress?.(explored);
    if (outcome.violation || outcome.error) return { explored, found: outcome, failures, firstFailure };
  }
  return { explored, failures, firstFailure };
}

/** A progress callback that shows the count each time it passes a multiple of `step` (workers report in
 * batches, so the count may jump past a round number). */
export function progressEvery(step: number, show: (explored: number) => void): (explored: number) => void {
  let shown = 0;
  return (n) => {
    if (Math.floor(n / step) > shown) {
      shown = Math.floor(n / step);
      show(n);
    }
  };
}

export const EXPLORE_HELP = `usage: tsible explore PLAYBOOK [--processes N] [-e EXTRA_VARS] [options]

Races N copies of a playbook or task file against one in-memory CloudWatch Logs model, in simulated time, and
searches the schedules (which copy moves at each AWS call or wait) for one that breaks the lock.

search:
  --strategy random|pct|exhaustive   how schedules are chosen (default random)
  --schedules N, --seconds S, --seed N   budget (1000 schedules, 60 s) and master seed (1)
  --depth D        pct: priority change points + 1 (3); exhaustive: decisions explored (100)
  --preemptions P  exhaustive: switches away from a process that could go on (2)
  --workers N      random and pct: worker processes (one per core)
checks:
  --invariant EXPR   a Jinja2 conditional over \`processes\` that must hold after every task (repeatable)
  --liveness         a process that never holds the lock, or ends failed, is a violation too
  --strict-amazon-aws   the AWS modules behave exactly as amazon.aws 5.5.1
faults (off by default):
  --clock-ties, --clock-skew-ms D, --listing-lag-ms D, --shared-id, --pause-after-win S,
  --crash N, --lost-replies N, --inject-errors N, --pause-anywhere S [--pauses N]
counterexamples:
  --no-shrink        print the schedule as found
  --replay SEED|SCHEDULE   run one schedule again, byte for byte (same options)
  --debug, --debug-script FILE   with --replay: walk the schedule in the step debugger
  --html FILE        draw the schedule shown as swimlanes
`;

export interface ExploreIo {
  out(s: string): void;
  isTTY?: boolean;
  writeFile?(file: string, text: string): void;
}

export async function explore(argv: string[], io: ExploreIo): Promise<number> {
  let file: string | undefined,
    processes = 2,
    schedules = 1000,
    seed = 1,
    lag = 0,
    ties = false,
    skew = 0,
    seconds = 60,
    sharedId = false,
    pause = 0;
  let replay: string | undefined,
    shrinking = true,
    html: string | undefined,
    debug = false,
    debugScript: string | undefined;
  const extra: Record<string, unknown> = {};
  const invariants: string[] = [];
  let liveness = false,
    strict = false,
    strategy: 'random' | 'pct' | 'exhaustive' = 'random',
    depth: number | undefined,
    preemptions = 2;
  let crashes = 0,
    lostReplies = 0,
    injectedErrors = 0,
    pauses = 0,
    maxPause = 60,
    workers: number | undefined;
  const num = (flag: string, x: string) => {
    const n = Number(x);
    if (!Number.isInteger(n) || n < 0) throw new OptionsError(`argument ${flag}: invalid int value: '${x}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!,
      v = () => {
        const x = argv[++i];
        if (x === undefined) throw new OptionsError(`argument ${a}: expected one argument`);
        return x;
      };
    switch (a) {
      case '--processes':
        processes = num(a, v());
        break;
      case '--schedules':
        schedules = num(a, v());
        break;
      case '--seed':
        seed = num(a, v());
        break;
      case '--seconds':
        seconds = num(a, v());
        break;
      case '--listing-lag-ms':
        lag = num(a, v());
        break;
      case '--clock-ties':
        ties = true;
        break;
      case '--clock-skew-ms':
        skew = num(a, v());
        break;
      case '--shared-id':
        sharedId = true;
        break;
      case '--pause-after-win':
        pause = num(a, v());
        break;
      case '--crash':
        crashes = num(a, v());
        break;
      case '--lost-replies':
        lostReplies = num(a, v());
        break;
      case '--inject-errors':
        injectedErrors = num(a, v());
        break;
      case '--pause-anywhere':
        maxPause = num(a, v());
        pauses = Math.max(pauses, 1);
        break;
      case '--pauses':
        pauses = num(a, v());
        break;
      case '--replay':
        replay = v();
        break;
      case '--no-shrink':
        shrinking = false;
        break;
      case '--html':
        html = v();
        break;
      case '--debug':
        debug = true;
        break;
      case '--debug-script':
        debug = true;
        debugScript = v();
        break;
      case '--invariant':
        invariants.push(v());
        break;
      case '--liveness':
        liveness = true;
        break;
      case '--strict-amazon-aws':
        strict = true;
        break;
      case '--strategy':
        {
          const x = v();
          if (x !== 'random' && x !== 'pct' && x !== 'exhaustive')
            throw new OptionsError(
              `argument --strategy: invalid choice: '${x}' (choose from 'random', 'pct', 'exhaustive')`,
            );
          strategy = x;
        }
        break;
      case '--depth':
        depth = num(a, v());
        break;
      case '--preemptions':
        preemptions = num(a, v());
        break;
      case '--workers':
        workers = Math.max(1, num(a, v()));
        break;
      case '-e':
      case '--extra-vars':
        Object.assign(extra, parseExtraVars(v()));
        break;
      case '-h':
      case '--help':
        io.out(EXPLORE_HELP);
        return 0;
      default:
        if (a.startsWith('-')) throw new OptionsError(`unrecognized arguments: ${a}`);
        file = a;
    }
  }
  if (!file) throw new OptionsError('the following arguments are required: playbook');
  if (processes < 1) throw new OptionsError('argument --processes: must be at least 1');
  if (debug && replay === undefined)
    throw new OptionsError('argument --debug: only with --replay (debug a schedule the search found)');
  // progress rewrites one line on a terminal; elsewhere (CI logs, pipes) it would only add noise
  const progress = (text: string) => {
    if (io.isTTY) io.out(`\r${text}`);
  };
  const line = (text: string) => io.out(`${io.isTTY ? '\r' : ''}${text}`);
  const options: ExploreOptions = {
    playbook: loadPlaybook(file),
    processes,
    schedules,
    seed,
    seconds,
    listingLagMs: lag,
    clockTies: ties,
    clockSkewMs: skew,
    sharedId,
    pauseAfterWinSeconds: pause,
    extraVars: extra,
    invariants,
    liveness,
    strictAmazonAws: strict,
    strategy,
    depth: depth ?? (strategy === 'exhaustive' ? 100 : 3),
    preemptions,
    playbookFile: file,
    workers,
    crashes,
    lostReplies,
    injectedErrors,
    pauses,
    maxPauseSeconds: maxPause,
    onProgress: progressEvery(100, (n) => progress(`explored ${n} schedules...`)),
  };
  const picture = (outcome: ScheduleOutcome, title: string) => {
    if (!html) return;
    (
      io.writeFile ??
      ((f: string, t: string) => {
        writeFileSync(f, t);
      })
    )(html, swimlanes(outcome, title));
    io.out(`swimlanes written to ${html}\n`);
  };

  if (replay !== undefined) {
    const schedule = /^\d+$/.test(replay) ? undefined : decodeSchedule(replay);
    let outcome: ScheduleOutcome;
    if (debug) {
      // a seed's schedule is found by running it once; then the debugger walks it
      const moves = schedule ?? (await runSeed(options, Number(replay)));
      const input = debugScript ? scriptSource(debugScript, io) : stdinSource(io);
      try {
        outcome = await runSchedule(
          simulation(options, {
            faultPlan: moves.faults,
            recordVars: true,
            controller: new ScheduleDebugger(io, input, moves.choices.length),
          }),
          moves.seed,
          listChooser(moves.choices),
        );
      } finally {
        if ('close' in input) (input as { close(): void }).close();
      }
      if (outcome.interrupted) {
        io.out('User interrupted execution\n');
        return ExitCode.Interrupted;
      }
    } else
      outcome = schedule
        ? await runChoices(options, schedule.seed, schedule.choices, schedule.faults, true)
        : await runSeed(options, Number(replay), true);
    if (outcome.error) throw new TsibleError(outcome.error);
    io.out(
      `${formatTrace(outcome.trace, outcome.violation?.step)}\n\n${outcome.violation ? `VIOLATION: ${outcome.violation.message}` : 'no violation in this schedule'}\n`,
    );
    for (const f of outcome.failures) io.out(`failed: ${f}\n`);
    picture(outcome, `tsible explore --replay ${replay}`);
    return outcome.violation ? 2 : 0;
  }
  const started = Date.now();
  const report = await exploreSchedules(options);
  const rate = report.explored / Math.max(0.001, (Date.now() - started) / 1000);
  const ff = report.firstFailure;
  const failed = ff
    ? `; ${report.failures} schedule(s) ended with a failed process, first --replay ${strategy === 'exhaustive' ? encodeSchedule(ff.seed, ff.choices, ff.faults) : ff.seed}: ${ff.failures[0]}`
    : '';
  if (!report.found) {
    const bounds =
      strategy === 'exhaustive'
        ? report.complete
          ? `, all schedules within ${options.preemptions} preemption(s) over the first ${options.depth} decisions`
          : `, not all schedules within the bounds (${options.preemptions} preemption(s), ${options.depth} decisions): the budget ran out`
        : '';
    line(
      `explored ${report.explored} schedules (${rate.toFixed(0)}/s)${bounds}, no violation found${failed} (a search, not a proof)\n`,
    );
    return 0;
  }
  if (report.found.error) throw new TsibleError(report.found.error);
  const v = report.found.violation!;
  line(`VIOLATION after ${report.explored} schedules: ${v.message}\n`);
  let shown = report.found;
  const size = (r: ScheduleOutcome) =>
    `${r.processes} processes, ${r.faults.size} faults, ${r.choices.length} moves, ${switches(r.choices)} switches`;
  const replayOf = (r: ScheduleOutcome) =>
    `${r.processes !== processes ? `--processes ${r.processes} ` : ''}--replay ${encodeSchedule(r.seed, r.choices, r.faults)}`;
  if (shrinking) {
    progress('shrinking...');
    shown = await shrink(options, report.found);
    line(
      `found${strategy === 'exhaustive' ? '' : ` by seed ${report.found.seed}`} (${size(report.found)}), shrunk to ${size(shown)}: ${shown.violation!.message}\n`,
    );
  }
  // the shown schedule once more, recording what each task changed
  const detailed = await runChoices(
    { ...options, processes: shown.processes },
    shown.seed,
    shown.choices,
    shown.faults,
    true,
  );
  io.out(
    `reproduce with: ${shrinking || strategy === 'exhaustive' ? replayOf(shown) : `--replay ${shown.seed}`}\n\n${formatTrace(detailed.trace, detailed.violation?.step ?? shown.violation!.step)}\n`,
  );
  picture(detailed.violation ? detailed : shown, `tsible explore: ${shown.violation!.message}`);
  return 2;
}
