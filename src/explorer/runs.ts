// One schedule of a search, chosen by its seed (random or PCT), or replayed from a list of choices and faults.
import { listChooser, pctChooser, randomChooser } from './choosers.js';
import { simulationOf, type ExploreOptions } from './explore-options.js';
import type { Fault } from './faults.js';
import { runSchedule, type ScheduleOutcome } from './simulation.js';

/** One schedule, chosen entirely by its seed. */
export function runSeed(o: ExploreOptions, seed: number, record = false): Promise<ScheduleOutcome> {
  return runSchedule(
    simulationOf(o, { recordVars: record }),
    seed,
    o.strategy === 'pct' ? pctChooser(o, seed) : randomChooser(seed),
  );
}

interface Replay {
  readonly seed: number;
  readonly choices: readonly number[];
  /** Exactly these faults (none drawn); absent: drawn from the seed. */
  readonly faults?: ReadonlyMap<number, Fault>;
}

/** Replays a list of choices (and exactly the faults given, when given); the seed still decides everything else
 * random (`15|random`, what a lagging listing misses, retry delays). */
export const runChoices = (o: ExploreOptions, replay: Replay, record = false): Promise<ScheduleOutcome> =>
  runSchedule(
    simulationOf(o, { faultPlan: replay.faults, recordVars: record }),
    replay.seed,
    listChooser(replay.choices),
  );
