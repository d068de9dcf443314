// Every task keyword the executor reads goes through keyword(): how a keyword is found (on the task alone, the
// nearest of task, blocks and play, or merged along that chain) is stated once, in HOW. A keyword table (Ansible's
// FieldAttribute `inherit` and `extend`) plugs in here.
import type { Task } from '../playbook/model.js';

type PlayKeywords = { readonly keywords: Readonly<Record<string, unknown>> } | undefined;

/** own: the task's value; inherited: the nearest of task, blocks (roles, imports), play; merged: every value along
 * the chain, play first and task last; when: the task's conditions after its blocks', flattened. */
export type KeywordLookup = 'own' | 'inherited' | 'merged' | 'when';

const HOW: ReadonlyMap<string, KeywordLookup> = new Map<string, KeywordLookup>([
  ['when', 'when'],
  ['tags', 'merged'],
  ['environment', 'merged'],
  ['module_defaults', 'merged'],
  ['register', 'own'],
  ['loop', 'own'],
  ['loop_control', 'own'],
  ['until', 'own'],
  ['retries', 'own'],
  ['delay', 'own'],
  ['changed_when', 'own'],
  ['failed_when', 'own'],
  ['vars', 'own'],
]);

/** A task keyword: a value for own and inherited keywords, a list (never changed by callers) for merged ones and
 * `when`. Keywords not listed in HOW are inherited. `how` overrides the table (task points ask as inherited). */
export function keyword(task: Task, key: string, play?: PlayKeywords, how?: KeywordLookup): unknown {
  switch (how ?? HOW.get(key) ?? 'inherited') {
    case 'own':
      return task.keywords[key];
    case 'inherited':
      return task.keywords[key] !== undefined ? task.keywords[key] : nearest.get(task, key, play)[0];
    case 'merged':
      return merged.get(task, key, play);
    case 'when':
      return when.get(task, 'when', undefined);
  }
}

/** A keyword's conditions as a list (a single condition is a list of one). */
export const conditionList = (c: unknown): readonly unknown[] => (Array.isArray(c) ? c : [c]);

// A task's keywords and its blocks' never change once loaded: the chains below are worked out once per task
// (and play), for every run of the task.
type Make = (task: Task, key: string, play: PlayKeywords) => unknown[];
class KeywordChains {
  readonly #chains = new WeakMap<Task, Map<string, { play: PlayKeywords; chain: readonly unknown[] }>>();
  constructor(readonly make: Make) {}
  /** (no closure and no object made when the chain is known) */
  get(task: Task, key: string, play: PlayKeywords): readonly unknown[] {
    let byKey = this.#chains.get(task);
    if (!byKey) this.#chains.set(task, (byKey = new Map()));
    const hit = byKey.get(key);
    if (hit && hit.play === play) return hit.chain;
    const chain = this.make(task, key, play);
    byKey.set(key, { play, chain });
    return chain;
  }
}
function nearestOfBlocks(task: Task, key: string, play: PlayKeywords): unknown[] {
  for (let b = task.parent; b; b = b.parent) if (b.keywords[key] !== undefined) return [b.keywords[key]];
  return [play?.keywords[key]];
}
function allOfChain(task: Task, key: string, play: PlayKeywords): unknown[] {
  const chain: unknown[] = [];
  for (let b = task.parent; b; b = b.parent) chain.unshift(b.keywords[key]);
  return [play?.keywords[key], ...chain, task.keywords[key]].filter((x) => x !== undefined && x !== null);
}
function whenConditions(task: Task): unknown[] {
  const out: unknown[] = [];
  const push = (w: unknown) => {
    if (w === undefined || w === null) return;
    if (Array.isArray(w)) out.push(...w);
    else out.push(w);
  };
  const chain: unknown[] = [];
  for (let b = task.parent; b; b = b.parent) chain.unshift(b.keywords.when);
  chain.forEach(push);
  push(task.keywords.when);
  return out;
}
const nearest = new KeywordChains(nearestOfBlocks),
  merged = new KeywordChains(allOfChain),
  when = new KeywordChains(whenConditions);
