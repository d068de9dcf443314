// A schedule as text: its seed, runs of process numbers, and the faults by decision, with the letters the fault
// registry gives them: `77:1x12.2x3.1x40` (p1 moves 12 times, then p2 3 times, ...), `77:1x12.2x3:14c.20l.31p5000`
// (at decision 14 the process picked crashes, at 20 its reply is lost, at 31 it pauses 5 s).
import { OptionsError } from '../errors.js';
import { faultEntry, type Fault } from './faults.js';

interface Schedule {
  readonly seed: number;
  readonly choices: number[];
  readonly faults: Map<number, Fault>;
}

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

export function decodeSchedule(text: string): Schedule {
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
    const m = /^(\d+)(\D.*)$/.exec(f);
    if (!m || !faultEntry(m[2]!)) throw bad();
    faults.set(Number(m[1]), m[2]!);
  }
  return { seed: Number(seed), choices, faults };
}
