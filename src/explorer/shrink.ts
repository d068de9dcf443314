// Shrinking a violating schedule: to fewer processes, then fewer faults, then fewer context switches, then fewer
// moves. Candidates: each process left out; each fault left out; for each run of moves (latest first), the run
// dropped (its process moves later, when the schedule falls back to it) or merged into the same process's
// previous run. A candidate is kept when its replay still breaks an invariant and is smaller.
import type { ExploreOptions } from './explore-options.js';
import type { Fault } from './faults.js';
import { runChoices } from './runs.js';
import type { ScheduleOutcome } from './simulation.js';

/** Context switches: moves by another process than the one before. */
export const switches = (c: readonly number[]) => c.reduce((n, p, k) => n + (k > 0 && p !== c[k - 1] ? 1 : 0), 0);

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

type Candidate = { processes: number; choices: number[]; faults: ReadonlyMap<number, Fault> };

/** The same schedule without process r: its moves and faults go, later processes renumber. */
function withoutProcess(found: ScheduleOutcome, r: number): Candidate {
  const choices: number[] = [],
    faults = new Map<number, Fault>();
  found.choices.forEach((c, k) => {
    if (c === r) return;
    const f = found.faults.get(k);
    if (f !== undefined) faults.set(choices.length, f);
    choices.push(c > r ? c - 1 : c);
  });
  return { processes: found.processes - 1, choices, faults };
}

/** Every candidate one step smaller than `best`, in the order they are tried. */
function candidates(best: ScheduleOutcome): Candidate[] {
  const out: Candidate[] = [];
  const { processes, faults } = best;
  if (processes > 1) for (let r = processes - 1; r >= 0; r--) out.push(withoutProcess(best, r));
  for (const k of faults.keys()) {
    const f = new Map(faults);
    f.delete(k);
    out.push({ processes, choices: [...best.choices], faults: f });
  }
  const runs = toRuns(best.choices);
  for (let r = runs.length - 1; r > 0; r--) {
    out.push({ processes, choices: fromRuns(runs.filter((_x, k) => k !== r)), faults });
    if (r >= 2 && runs[r - 2]!.p === runs[r]!.p) {
      const merged = runs.flatMap((x, k) => (k === r ? [] : k === r - 2 ? [{ p: x.p, n: x.n + runs[r]!.n }] : [x]));
      out.push({ processes, choices: fromRuns(merged), faults });
    }
  }
  return out;
}

const size = (r: ScheduleOutcome) => [r.processes, r.faults.size, switches(r.choices), r.choices.length];
const smaller = (a: ScheduleOutcome, b: ScheduleOutcome) => {
  const x = size(a),
    y = size(b);
  for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k]! < y[k]!;
  return false;
};

export async function shrink(
  o: ExploreOptions,
  found: ScheduleOutcome,
  budget = { replays: 200, ms: 15_000 },
): Promise<ScheduleOutcome> {
  let best = found;
  const started = Date.now();
  let tries = 0,
    improved = true;
  const left = () => tries < budget.replays && Date.now() - started < budget.ms;
  while (improved && left()) {
    improved = false;
    for (const cand of candidates(best)) {
      if (!left()) break;
      tries++;
      const result = await runChoices({ ...o, processes: cand.processes }, { seed: found.seed, ...cand });
      if (result.violation && !result.error && smaller(result, best)) {
        best = result;
        improved = true;
        break;
      }
    }
  }
  return best;
}
