// The search strategies: schedule seeds drawn from one master seed (random and PCT, in worker processes when
// there are cores to spare), or the bounded tree of one seed's schedules (exhaustive), within a schedule and time
// budget. Each stops at the first violation.
import { exploreInWorkers, scheduleSeeds, workerCount } from './parallel.js';
import { simulationOf, type ExploreOptions, type ExploreReport } from './explore-options.js';
import { runSeed } from './runs.js';
import { runSchedule, type ScheduleOutcome } from './simulation.js';

export async function exploreSchedules(o: ExploreOptions): Promise<ExploreReport> {
  const started = Date.now();
  if (o.strategy === 'exhaustive') return exploreExhaustive(o, started);
  const threads = workerCount(o.workers, o.playbookFile);
  if (threads > 1) return exploreInWorkers(o, o.playbookFile!, threads, (seed) => runSeed(o, seed));
  const seeds = scheduleSeeds(o.seed, o.schedules);
  const tally = new Tally(o);
  while (tally.explored < o.schedules && withinTime(o, started)) {
    const outcome = await runSeed(o, seeds[tally.explored]!);
    if (tally.count(outcome)) return tally.report(outcome);
  }
  return tally.report();
}

const withinTime = (o: ExploreOptions, started: number) =>
  o.seconds === undefined || Date.now() - started < o.seconds * 1000;

/** Schedules explored, those that ended with a failed process, and progress. */
class Tally {
  explored = 0;
  failures = 0;
  firstFailure?: ScheduleOutcome;
  constructor(private readonly o: ExploreOptions) {}

  /** Counts a schedule; true when it ends the search. */
  count(outcome: ScheduleOutcome): boolean {
    this.explored++;
    if (outcome.failures.length) {
      this.failures++;
      this.firstFailure ??= outcome;
    }
    this.o.onProgress?.(this.explored);
    return Boolean(outcome.violation || outcome.error);
  }

  report(found?: ScheduleOutcome): ExploreReport {
    const { explored, failures, firstFailure } = this;
    return found ? { explored, found, failures, firstFailure } : { explored, failures, firstFailure };
  }
}

/** A decision as the exhaustive search saw it. */
type Decision = { runnable: readonly number[]; chosen: number; previous: number | undefined };

/** Whether choosing q at d switches away from a process that could have gone on. */
const preempts = (d: Omit<Decision, 'chosen'>, q: number) =>
  d.previous !== undefined && q !== d.previous && d.runnable.includes(d.previous);

/** The prefix's choices, then the previous process while it can move, else the lowest-numbered; records each. */
function prefixChooser(prefix: readonly number[], seen: Decision[]) {
  return (runnable: readonly number[], decision: number, previous: number | undefined) => {
    const wanted = prefix[decision];
    const chosen =
      wanted !== undefined && runnable.includes(wanted)
        ? wanted
        : previous !== undefined && runnable.includes(previous)
          ? previous
          : runnable[0]!;
    seen.push({ runnable, chosen, previous });
    return chosen;
  };
}

/** The schedules to run after one that followed `prefix` and made the decisions `seen`: one branch at every later
 * decision within the depth, within the preemption bound. */
function branches(o: ExploreOptions, prefix: readonly number[], seen: readonly Decision[]): number[][] {
  const depth = o.depth ?? 100,
    bound = o.preemptions ?? 2;
  let used = 0;
  for (let k = 0; k < prefix.length && k < seen.length; k++) if (preempts(seen[k]!, seen[k]!.chosen)) used++;
  const out: number[][] = [];
  for (let k = prefix.length; k < Math.min(depth, seen.length); k++) {
    const d = seen[k]!;
    for (const q of d.runnable) {
      if (q === d.chosen) continue;
      if (used + (preempts(d, q) ? 1 : 0) > bound) continue;
      out.push([...seen.slice(0, k).map((x) => x.chosen), q]);
    }
    if (preempts(d, d.chosen)) used++;
  }
  return out;
}

/**
 * Bounded exhaustive search (stateless, depth-first, as CHESS does it): the first schedule lets each process run
 * until it waits; every other one differs from an earlier one at one decision within the first `depth`, with at
 * most `preemptions` switches away from a process that could have gone on. When the stack empties, every
 * schedule within the bounds has run (for this seed's random values).
 */
async function exploreExhaustive(o: ExploreOptions, started: number): Promise<ExploreReport> {
  const stack: number[][] = [[]];
  const tally = new Tally(o);
  while (stack.length && tally.explored < o.schedules && withinTime(o, started)) {
    const prefix = stack.pop()!;
    const seen: Decision[] = [];
    const outcome = await runSchedule(simulationOf(o), o.seed, prefixChooser(prefix, seen));
    if (tally.count(outcome)) return tally.report(outcome);
    const next = branches(o, prefix, seen);
    for (let b = next.length - 1; b >= 0; b--) stack.push(next[b]!);
  }
  return { ...tally.report(), complete: stack.length === 0 };
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
