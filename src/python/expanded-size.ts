// YAML aliases share a list or dict instead of copying it (PyYAML does too), so a few lines can name billions of
// values ("billion laughs"). Sharing keeps loading and templating cheap; writing such a value out (repr, JSON, a
// result printed) would expand it, so that stops with an error at a size limit instead of exhausting memory.
import { TemplateError } from '../errors.js';

/** How many nodes a value may expand to when written out in full. */
export const MAX_EXPANDED_NODES = 5_000_000;

/** A list or a plain object (python.ts's isDict, which imports this file). */
const isContainer = (v: unknown): v is object =>
  Array.isArray(v) ||
  (v !== null && typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v)));

/** The nodes a value has when its shared parts are counted as often as they appear, counted up to a little past
 * `limit` (each distinct list or dict is visited once, so this costs what the value's text costs). */
export function expandedSize(value: unknown, limit = MAX_EXPANDED_NODES): number {
  const sizes = new Map<object, number>();
  const size = (v: unknown): number => {
    if (!isContainer(v)) return 1;
    const known = sizes.get(v);
    if (known !== undefined) return known;
    // a value that contains itself (`a: &a [*a]`) never ends when written out
    sizes.set(v, Infinity);
    let n = 1;
    for (const x of Array.isArray(v) ? v : Object.values(v as object)) {
      n += size(x);
      if (n > limit) break;
    }
    sizes.set(v, n);
    return n;
  };
  return size(value);
}

/** Whether a value has more than `limit` nodes when written out (expandedSize(value) > limit). A small value (most
 * task results) is counted by one plain walk, no memo; a larger or shared one is measured by expandedSize. */
export function expandsPast(value: unknown, limit = MAX_EXPANDED_NODES): boolean {
  let budget = Math.min(limit, PLAIN_WALK_NODES);
  // the containers being walked: one met again inside itself never ends
  const open = new Set<object>();
  const past = (v: unknown): boolean => {
    if (--budget < 0) return true;
    if (!isContainer(v)) return false;
    if (open.has(v)) return true;
    open.add(v);
    if (Array.isArray(v)) {
      for (const x of v) if (past(x)) return true;
    } else for (const k in v) if (past((v as Record<string, unknown>)[k])) return true;
    open.delete(v);
    return false;
  };
  return past(value) && expandedSize(value, limit) > limit;
}
/** The nodes counted without a memo before expandsPast measures with one (a bomb costs no more than this). */
const PLAIN_WALK_NODES = 10_000;

/** Refuses a value that would expand past the size limit when written out. */
export function assertWritable(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  if (expandedSize(value) > MAX_EXPANDED_NODES) throw new TemplateError(oversizeMessage());
}

export const oversizeMessage = (): string =>
  `value too large to write out: it expands past tsible's size limit of ${MAX_EXPANDED_NODES} nodes ` +
  `(YAML aliases share what they repeat; writing the value out repeats it in full)`;
