// A task's keyword as Ansible's FieldAttribute getter reads it (Base._get_parent_attribute): a keyword that is
// inherited takes the task's value, else its blocks' (roles and imports are blocks here), else the play's; an
// `extend` keyword gathers the values of every level instead, play first; any other keyword is the task's own.
// keywords.ts says which keyword is which.
import type { Keywords, Task } from './model.js';
import { KEYWORDS, type ExtendKeyword, type KeywordName } from './keywords.js';

/** What a task's keywords inherit from last: the play (only its keywords are read). */
type KeywordOwner = { readonly keywords: Keywords } | undefined;

const OWN = 0,
  NEAREST = 1,
  EXTEND = 2,
  PLAY = 3;
/** How each keyword is read for a task; a keyword a task cannot have (strategy, serial...) is the play's. */
const HOW = new Map<string, number>(
  KEYWORDS.map((k) => [
    k.name,
    k.inherit === 'extend'
      ? EXTEND
      : k.inherit === 'nearest'
        ? NEAREST
        : k.where.includes('task') || k.where.includes('handler') || k.where.includes('block')
          ? OWN
          : PLAY,
  ]),
);

// A task's keywords and its blocks' never change once loaded: what the chain gives is worked out once per task,
// keyword and play, for every run of the task (the explorer runs a task many times). Callers must not change the
// arrays they get.
const found = new WeakMap<Task, Map<string, { play: KeywordOwner; value: unknown }>>();

/** A keyword's value for a task: for an `extend` keyword (environment, module_defaults, tags, when) the values
 * set along the chain, play first and task last, unset ones left out; for any other keyword the value in force,
 * undefined when nothing sets it (keywordDefault() gives Ansible's default). */
export function taskKeyword(task: Task, name: ExtendKeyword, play?: KeywordOwner): readonly unknown[];
export function taskKeyword(task: Task, name: KeywordName, play?: KeywordOwner): unknown;
export function taskKeyword(task: Task, name: KeywordName, play?: KeywordOwner): unknown {
  const how = HOW.get(name) ?? OWN;
  if (how === OWN) return task.keywords[name];
  if (how === PLAY) return play?.keywords[name];
  if (how === NEAREST && task.keywords[name] !== undefined) return task.keywords[name];
  let byName = found.get(task);
  if (!byName) found.set(task, (byName = new Map()));
  const hit = byName.get(name);
  if (hit && hit.play === play) return hit.value;
  const value = how === EXTEND ? allOfChain(task, name, play) : nearestOfBlocks(task, name, play);
  byName.set(name, { play, value });
  return value;
}

function nearestOfBlocks(task: Task, name: string, play: KeywordOwner): unknown {
  for (let b = task.parent; b; b = b.parent) if (b.keywords[name] !== undefined) return b.keywords[name];
  return play?.keywords[name];
}

function allOfChain(task: Task, name: string, play: KeywordOwner): readonly unknown[] {
  const chain: unknown[] = [];
  for (let b = task.parent; b; b = b.parent) chain.unshift(b.keywords[name]);
  return [play?.keywords[name], ...chain, task.keywords[name]].filter((x) => x !== undefined && x !== null);
}
