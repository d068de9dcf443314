// How a schedule picks the process that moves at each decision: at random, by PCT's priorities, or by a list of
// choices (replays and the exhaustive search's prefixes).
import { seededRandom } from '../../filters/core.js';
import type { Chooser } from './scheduler.js';

export const randomChooser = (seed: number): Chooser => {
  const pick = seededRandom(`choose/${seed}`);
  return (runnable) => runnable[Math.floor(pick.next() * runnable.length)]!;
};

interface PctBounds {
  readonly processes: number;
  /** The bug depth: depth-1 priority change points. */
  readonly depth?: number;
  /** A bound on the steps of a schedule, where change points are drawn. */
  readonly pctSteps?: number;
}

/**
 * Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010): every process gets a random priority above
 * `depth`, the highest-priority runnable one always moves, and at depth-1 random steps the process moving drops
 * to a priority below all others. A bug that needs d ordering constraints is found with probability at least
 * 1/(n·k^(d-1)) per schedule, where k bounds the steps; the seed fixes priorities and change points.
 */
export function pctChooser(o: PctBounds, seed: number): Chooser {
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

/** Follows a list of choices; where a choice cannot move (or the list ran out), the previous process keeps
 * moving if it can, else the lowest-numbered one. */
export const listChooser = (choices: readonly number[]): Chooser => {
  let last = -1;
  return (runnable, decision) => {
    const wanted = choices[decision];
    last = wanted !== undefined && runnable.includes(wanted) ? wanted : runnable.includes(last) ? last : runnable[0]!;
    return last;
  };
};
