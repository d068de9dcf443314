// `tsible explore PLAYBOOK --processes N`: many schedules of N copies racing, until one breaks the invariant or the
// budget runs out. Every schedule has its own seed; a violation is shrunk to fewer context switches and printed as
// a schedule (`1x12.2x3...`) that `--replay` runs again exactly, as it does a seed.
import { OptionsError, TsibleError } from '../errors.js';
import { loadPlaybook } from '../playbook/loader.js';
import { parseExtraVars } from '../cli/options.js';
import { seededRandom } from '../../filters/core.js';
import { runSchedule, type Chooser, type ScheduleOutcome, type SimulationOptions, type Step } from './simulation.js';
import type { Playbook } from '../playbook/model.js';

const summarize = (body: unknown): string => {
  if (body && typeof body === 'object' && '__type' in body) return String((body as { __type: string }).__type);
  const groups = (body as { logGroups?: Array<{ logGroupName: string; creationTime: number }> } | undefined)?.logGroups;
  if (groups) return `[${groups.map((g) => `${g.logGroupName.split('/').pop()}@${g.creationTime % 100_000_000}`).join(', ')}]`;
  return 'ok';
};

/** The numbered trace a violation prints: process, task, call, parameters, result. */
export function formatTrace(trace: readonly Step[], upTo = trace.length): string {
  return trace.slice(0, upTo).filter((s) => s.kind !== 'task').map((s, n) =>
    `${String(n + 1).padStart(4)}. +${s.at} ms  p${s.process + 1}  ${s.task ? `[${s.task}] ` : ''}${s.label}${s.detail ? `  -> ${s.detail.status} ${summarize(s.detail.body)}` : ''}`).join('\n');
}

export interface ExploreOptions {
  readonly playbook: Playbook;
  readonly processes: number;
  readonly schedules: number;
  readonly seed: number;
  readonly seconds?: number;
  readonly listingLagMs?: number;
  readonly clockTies?: boolean;
  /** A winner stops for this many seconds before its next move. */
  readonly pauseAfterWinSeconds?: number;
  /** All processes use the same lock_process_id. */
  readonly sharedId?: boolean;
  readonly extraVars?: Record<string, unknown>;
  readonly invariants?: readonly string[];
  readonly liveness?: boolean;
  /** The AWS modules behave as amazon.aws 5.5.1 does even where tsible deliberately differs (TSIBLE_STRICT_AMAZON_AWS). */
  readonly strictAmazonAws?: boolean;
  /** random (default) or pct; pct's bug depth and its bound on steps per schedule. */
  readonly strategy?: 'random' | 'pct';
  readonly depth?: number;
  readonly pctSteps?: number;
  readonly onProgress?: (explored: number) => void;
}

export interface ExploreReport { readonly explored: number; readonly found?: ScheduleOutcome; readonly failures: number; readonly firstFailure?: ScheduleOutcome }

function simulation(o: ExploreOptions): SimulationOptions {
  return {
    playbook: o.playbook, processes: o.processes, invariants: o.invariants, liveness: o.liveness, env: o.strictAmazonAws ? { TSIBLE_STRICT_AMAZON_AWS: '1' } : {}, faults: { listingLagMs: o.listingLagMs ?? 0, clockTies: o.clockTies ?? false, pauseAfterWinMs: (o.pauseAfterWinSeconds ?? 0) * 1000 },
    extraVars: (i) => ({ resource_prefix: `p${i + 1}`, aws_access_key: '', aws_secret_key: '', security_token: '', aws_region: 'us-east-1',
      ...(o.sharedId ? { lock_process_id: 'shared' } : {}), ...o.extraVars }),
  };
}

/** One schedule, chosen entirely by its seed. */
export function runSeed(o: ExploreOptions, seed: number): Promise<ScheduleOutcome> {
  return runSchedule(simulation(o), seed, o.strategy === 'pct' ? pctChooser(o, seed) : randomChooser(seed));
}

/** A schedule as text: its seed, then runs of process numbers: `77:1x12.2x3.1x40` (p1 moves 12 times, then p2 3 times, ...). */
export function encodeSchedule(seed: number, choices: readonly number[]): string {
  const runs: string[] = [];
  for (let k = 0; k < choices.length;) { let n = 1; while (choices[k + n] === choices[k]) n++; runs.push(`${choices[k]! + 1}x${n}`); k += n }
  return `${seed}:${runs.join('.')}`;
}
export function decodeSchedule(text: string): { seed: number; choices: number[] } {
  const bad = () => new OptionsError(`argument --replay: expected a seed or a schedule like 77:1x12.2x3, got '${text}'`);
  const [seed, runs, ...rest] = text.split(':');
  if (!/^\d+$/.test(seed ?? '') || runs === undefined || rest.length) throw bad();
  const choices: number[] = [];
  for (const run of runs.split('.')) {
    const m = /^(\d+)x(\d+)$/.exec(run);
    if (!m || Number(m[1]) < 1) throw bad();
    for (let n = 0; n < Number(m[2]); n++) choices.push(Number(m[1]) - 1);
  }
  return { seed: Number(seed), choices };
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

/** Replays a list of choices; the seed still decides everything else random (`15|random`, what a lagging listing misses). */
export const runChoices = (o: ExploreOptions, seed: number, choices: readonly number[]): Promise<ScheduleOutcome> => runSchedule(simulation(o), seed, listChooser(choices));

const switches = (c: readonly number[]) => c.reduce((n, p, k) => n + (k > 0 && p !== c[k - 1] ? 1 : 0), 0);

type Run = { p: number; n: number };
const toRuns = (c: readonly number[]): Run[] => { const r: Run[] = []; for (const p of c) { const last = r[r.length - 1]; if (last?.p === p) last.n++; else r.push({ p, n: 1 }) } return r };
const fromRuns = (runs: readonly Run[]): number[] => runs.flatMap((r) => Array<number>(r.n).fill(r.p));

/**
 * Shrinks a violating schedule to fewer context switches, then fewer moves: for each run of moves (latest first)
 * it tries dropping the run (its process moves later, when the schedule falls back to it) and merging it into the
 * same process's previous run; a candidate is kept when its replay still breaks an invariant and is smaller.
 */
export async function shrink(o: ExploreOptions, found: ScheduleOutcome, budget = { replays: 200, ms: 15_000 }): Promise<ScheduleOutcome> {
  let best = found;
  const size = (r: ScheduleOutcome) => [switches(r.choices), r.choices.length] as const;
  const smaller = (a: ScheduleOutcome, b: ScheduleOutcome) => { const [x, y] = size(a), [u, v] = size(b); return x < u || (x === u && y < v) };
  const started = Date.now();
  let tries = 0, improved = true;
  const left = () => tries < budget.replays && Date.now() - started < budget.ms;
  while (improved && left()) {
    improved = false;
    const runs = toRuns(best.choices);
    const candidates: Run[][] = [];
    for (let r = runs.length - 1; r > 0; r--) {
      candidates.push(runs.filter((_x, k) => k !== r));
      if (r >= 2 && runs[r - 2]!.p === runs[r]!.p) candidates.push(runs.flatMap((x, k) => (k === r ? [] : k === r - 2 ? [{ p: x.p, n: x.n + runs[r]!.n }] : [x])));
    }
    for (const cand of candidates) {
      if (!left()) break;
      tries++;
      const result = await runChoices(o, found.seed, fromRuns(cand));
      if (result.violation && !result.error && smaller(result, best)) { best = result; improved = true; break }
    }
  }
  return best;
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
  const depth = o.depth ?? 3, steps = o.pctSteps ?? 400;
  const priority = Array.from({ length: o.processes }, (_x, i) => depth + i);
  for (let i = priority.length - 1; i > 0; i--) { const j = Math.floor(rnd.next() * (i + 1)); [priority[i], priority[j]] = [priority[j]!, priority[i]!] }
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

/** The search: schedule seeds drawn from one master seed, within a schedule and time budget. */
export async function exploreSchedules(o: ExploreOptions): Promise<ExploreReport> {
  const started = Date.now();
  const master = seededRandom(o.seed);
  let explored = 0, failures = 0, firstFailure: ScheduleOutcome | undefined;
  while (explored < o.schedules && (o.seconds === undefined || Date.now() - started < o.seconds * 1000)) {
    const outcome = await runSeed(o, Math.floor(master.next() * 2 ** 31));
    explored++;
    if (outcome.failures.length) { failures++; firstFailure ??= outcome }
    o.onProgress?.(explored);
    if (outcome.violation || outcome.error) return { explored, found: outcome, failures, firstFailure };
  }
  return { explored, failures, firstFailure };
}

export async function explore(argv: string[], io: { out(s: string): void }): Promise<number> {
  let file: string | undefined, processes = 2, schedules = 1000, seed = 1, lag = 0, ties = false, seconds = 60, sharedId = false, pause = 0;
  let replay: string | undefined, shrinking = true;
  const extra: Record<string, unknown> = {};
  const invariants: string[] = [];
  let liveness = false, strict = false, strategy: 'random' | 'pct' = 'random', depth = 3;
  const num = (flag: string, x: string) => { const n = Number(x); if (!Number.isInteger(n) || n < 0) throw new OptionsError(`argument ${flag}: invalid int value: '${x}'`); return n };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!, v = () => { const x = argv[++i]; if (x === undefined) throw new OptionsError(`argument ${a}: expected one argument`); return x };
    switch (a) {
      case '--processes': processes = num(a, v()); break;
      case '--schedules': schedules = num(a, v()); break;
      case '--seed': seed = num(a, v()); break;
      case '--seconds': seconds = num(a, v()); break;
      case '--listing-lag-ms': lag = num(a, v()); break;
      case '--clock-ties': ties = true; break;
      case '--shared-id': sharedId = true; break;
      case '--pause-after-win': pause = num(a, v()); break;
      case '--replay': replay = v(); break;
      case '--no-shrink': shrinking = false; break;
      case '--invariant': invariants.push(v()); break;
      case '--liveness': liveness = true; break;
      case '--strict-amazon-aws': strict = true; break;
      case '--strategy': { const x = v(); if (x !== 'random' && x !== 'pct') throw new OptionsError(`argument --strategy: invalid choice: '${x}' (choose from 'random', 'pct')`); strategy = x } break;
      case '--depth': depth = num(a, v()); break;
      case '-e': case '--extra-vars': Object.assign(extra, parseExtraVars(v())); break;
      default: if (a.startsWith('-')) throw new OptionsError(`unrecognized arguments: ${a}`); file = a;
    }
  }
  if (!file) throw new OptionsError('the following arguments are required: playbook');
  if (processes < 1) throw new OptionsError('argument --processes: must be at least 1');
  const options: ExploreOptions = { playbook: loadPlaybook(file), processes, schedules, seed, seconds, listingLagMs: lag, clockTies: ties, sharedId, pauseAfterWinSeconds: pause, extraVars: extra, invariants, liveness, strictAmazonAws: strict, strategy, depth,
    onProgress: (n) => { if (n % 100 === 0) io.out(`\rexplored ${n} schedules...`) } };

  if (replay !== undefined) {
    const schedule = /^\d+$/.test(replay) ? undefined : decodeSchedule(replay);
    const outcome = schedule ? await runChoices(options, schedule.seed, schedule.choices) : await runSeed(options, Number(replay));
    if (outcome.error) throw new TsibleError(outcome.error);
    io.out(`${formatTrace(outcome.trace, outcome.violation?.step)}\n\n${outcome.violation ? `VIOLATION: ${outcome.violation.message}` : 'no violation in this schedule'}\n`);
    for (const f of outcome.failures) io.out(`failed: ${f}\n`);
    return outcome.violation ? 2 : 0;
  }
  const started = Date.now();
  const report = await exploreSchedules(options);
  const rate = report.explored / Math.max(0.001, (Date.now() - started) / 1000);
  const ff = report.firstFailure;
  const failed = ff ? `; ${report.failures} schedule(s) ended with a failed process, first --replay ${ff.seed}: ${ff.failures[0]}` : '';
  if (!report.found) {
    io.out(`\rexplored ${report.explored} schedules (${rate.toFixed(0)}/s), no violation found${failed} (a search, not a proof)\n`);
    return 0;
  }
  if (report.found.error) throw new TsibleError(report.found.error);
  const v = report.found.violation!;
  io.out(`\rVIOLATION after ${report.explored} schedules: ${v.message}\n`);
  let shown = report.found;
  if (shrinking) {
    io.out('shrinking...');
    shown = await shrink(options, report.found);
    const size = (r: ScheduleOutcome) => `${r.choices.length} moves, ${switches(r.choices)} switches`;
    io.out(`\rfound by seed ${report.found.seed} (${size(report.found)}; --replay ${report.found.seed}), shrunk to ${size(shown)}: ${shown.violation!.message}\n`);
  }
  io.out(`reproduce with: --replay ${shrinking ? encodeSchedule(shown.seed, shown.choices) : shown.seed}\n\n${formatTrace(shown.trace, shown.violation!.step)}\n`);
  return 2;
}
