// Tags as Ansible's Taggable reads and weighs them: a string is a comma-separated list, templated values are
// flattened, and evaluate_tags decides from --tags and --skip-tags. The run's task gate and --list-tasks share it.
import type { Play, Task } from '../playbook/model.js';
import { pyStr } from '../python/python.js';
import { keyword } from './task-keywords.js';

/** What templates a tag that is a template (the play's variables). */
type TagTemplar = { template(value: unknown): unknown };

const hasTemplate = (v: unknown): boolean =>
  typeof v === 'string' ? v.includes('{{') || v.includes('{%') : Array.isArray(v) && v.some(hasTemplate);

/** Taggable._load_tags of one level's value: a list as it is, a string split at its commas. */
function loadTags(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return value.split(',').map((t) => t.trim());
  return [value];
}

// tags that are no templates never change once loaded: worked out once per task (the explorer runs tasks many times)
const known = new WeakMap<Task, { play: Play; tags: ReadonlySet<string> }>();

/** A task's tags with its blocks' and its play's, each level templated and flattened (_flatten_tags). */
export function taskTags(task: Task, play: Play, templar: TagTemplar): ReadonlySet<string> {
  const hit = known.get(task);
  if (hit?.play === play) return hit.tags;
  const tags = new Set<string>();
  let templated = false;
  for (const level of keyword(task, 'tags', play) as readonly unknown[]) {
    const loaded = loadTags(level);
    templated ||= hasTemplate(loaded);
    const values = hasTemplate(loaded) ? (templar.template(loaded) as unknown[]) : loaded;
    for (const t of values) for (const x of Array.isArray(t) ? t : [t]) tags.add(pyStr(x));
  }
  if (!templated) known.set(task, { play, tags });
  return tags;
}

/** Taggable.evaluate_tags: whether a task with these tags runs (no --tags is `all`; no tags is `untagged`). */
export function tagsAllowRun(taskTags: ReadonlySet<string>, only: readonly string[], skip: readonly string[]): boolean {
  const tags = taskTags.size ? taskTags : new Set(['untagged']);
  const tagged = taskTags.size > 0;
  const wanted = only.length ? only : ['all'];
  const run =
    tags.has('always') ||
    (wanted.includes('all') && !tags.has('never')) ||
    wanted.some((t) => tags.has(t)) ||
    (wanted.includes('tagged') && tagged && !tags.has('never'));
  if (!run || !skip.length) return run;
  if (skip.includes('all')) return tags.has('always') && !skip.includes('always');
  if (skip.some((t) => tags.has(t))) return false;
  return !(skip.includes('tagged') && tagged);
}
