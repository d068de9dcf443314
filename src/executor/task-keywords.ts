// Every task keyword the executor reads goes through keyword(). How a keyword is found (the task's own value, the
// nearest of task, blocks and play, or the values gathered along that chain) is the keyword table's to say
// (src/playbook/keywords.ts, read by taskKeyword); the executor adds only `when` as conditions, flattened.
import type { Task } from '../playbook/model.js';
import { taskKeyword } from '../playbook/inheritance.js';
import type { KeywordName } from '../playbook/keywords.js';

type PlayKeywords = { readonly keywords: Readonly<Record<string, unknown>> } | undefined;

/** A task keyword as the table reads it: a value, or for a gathered keyword (tags, environment, module_defaults)
 * the list of values along the chain, play first, never to be changed by callers. `when` gives the task's
 * conditions after its blocks', flattened into one list. */
export function keyword(task: Task, key: KeywordName, play?: PlayKeywords): unknown {
  return key === 'when' ? whenConditions(task) : taskKeyword(task, key, play);
}

/** A keyword's conditions as a list (a single condition is a list of one). */
export const conditionList = (c: unknown): readonly unknown[] => (Array.isArray(c) ? c : [c]);

// A task's conditions never change once loaded: flattened once per task, for every run of the task.
const conditions = new WeakMap<Task, readonly unknown[]>();
function whenConditions(task: Task): readonly unknown[] {
  let out = conditions.get(task);
  if (out) return out;
  out = (taskKeyword(task, 'when') as readonly unknown[]).flatMap((w) => (Array.isArray(w) ? w : [w]));
  conditions.set(task, out);
  return out;
}
