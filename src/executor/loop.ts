// A task's loop: its items (loop: or with_<lookup>:), each item's variables and label, and the loop's result.
import { TemplateError } from '../errors.js';
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Templar } from '../template/templar.js';
import { loopLookupItems } from '../../lookups/index.js';
import { isDict, pyRepr, pyStr, truthy } from '../python/python.js';
import { unwrapUnsafe, wrapUnsafe } from '../yaml/loader.js';
import type { Vars } from '../vars/variable-manager.js';
import { keyword } from './task-keywords.js';

/** The items of `loop:` or `with_<lookup>:`, unsafe as Ansible's are (UnsafeText: never templated when read): a
 * lookup's all, loop:'s those templated from an unsafe value. */
export function loopItems(task: Task, templar: Templar): unknown[] | null {
  if (task.keywords.loop !== undefined) {
    const marked = templar.templateMarked(task.keywords.loop);
    const items = unwrapUnsafe(marked).value;
    if (typeof items === 'string')
      throw new TemplateError(
        `Invalid data passed to 'loop', it requires a list, got this instead: ${items}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`,
      );
    if (!Array.isArray(items))
      throw new TemplateError(
        `Invalid data passed to 'loop', it requires a list, got this instead: ${pyRepr(items)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`,
      );
    return Array.isArray(marked) ? marked : (wrapUnsafe(items) as unknown[]);
  }
  const withKey = Object.keys(task.keywords).find((k) => k.startsWith('with_'));
  if (!withKey) return null;
  // with_<lookup>: the lookup table shapes the templated value into the plugin's terms
  const items = loopLookupItems(withKey.slice(5), templar.template(task.keywords[withKey]), templar.lookupContext);
  return wrapUnsafe(items) as unknown[];
}

/** The label Ansible prints for a loop item. */
export function itemLabel(task: Task, templar: Templar, item: unknown): string {
  const lc = keyword(task, 'loop_control');
  if (isDict(lc) && lc.label !== undefined) {
    try {
      return pyStr(templar.template(lc.label));
    } catch {
      return pyStr(lc.label);
    }
  }
  return pyStr(unwrapUnsafe(item).value);
}

/** loop_control and its loop variable's name. */
interface LoopControl {
  readonly lc: Record<string, unknown>;
  readonly loopVar: string;
}

/** loop_control (an empty one when the task has none), its fields but the label templated as LoopControl's
 * post_validate templates them (the label is templated for each item). */
export function loopControl(task: Task, templar: Templar): LoopControl {
  const kw = keyword(task, 'loop_control');
  const lc: Record<string, unknown> = isDict(kw) ? { ...kw } : {};
  for (const field of ['loop_var', 'index_var', 'pause', 'extended', 'extended_allitems'])
    if (lc[field] !== undefined) lc[field] = templar.template(lc[field]);
  return { lc, loopVar: pyStr(lc.loop_var ?? 'item') };
}

/** The variables of item i: the loop variable, index_var (both also named in ansible_loop_var and
 * ansible_index_var), and ansible_loop when loop_control.extended asks. */
export function itemVars({ lc, loopVar }: LoopControl, extra: Vars, items: unknown[], i: number): Vars {
  const itemExtra: Vars = { ...extra, [loopVar]: items[i], ansible_loop_var: loopVar };
  if (lc.index_var !== undefined) {
    itemExtra[pyStr(lc.index_var)] = i;
    itemExtra.ansible_index_var = pyStr(lc.index_var);
  }
  if (truthy(lc.extended ?? false)) {
    const loop: Vars = {
      first: i === 0,
      index: i + 1,
      index0: i,
      last: i === items.length - 1,
      length: items.length,
      revindex: items.length - i,
      revindex0: items.length - i - 1,
    };
    if (truthy(lc.extended_allitems ?? true)) loop.allitems = items;
    if (i > 0) loop.previtem = items[i - 1];
    if (i < items.length - 1) loop.nextitem = items[i + 1];
    itemExtra.ansible_loop = loop;
  }
  return itemExtra;
}

/** An item's result as TaskExecutor._run_loop leaves it: the item, its loop variables, no delegate of its own. */
export function itemResult(r: TaskResult, itemExtra: Vars): void {
  const loopVar = pyStr(itemExtra.ansible_loop_var);
  r[loopVar] = unwrapUnsafe(itemExtra[loopVar]).value;
  r.ansible_loop_var = loopVar;
  if (itemExtra.ansible_loop) r.ansible_loop = unwrapUnsafe(itemExtra.ansible_loop).value;
  delete r._ansible_facts_cacheable;
  delete r._ansible_delegated_vars; // an item names its delegate for the label only
  if (itemExtra.ansible_index_var !== undefined) {
    const indexVar = pyStr(itemExtra.ansible_index_var);
    r[indexVar] = itemExtra[indexVar];
    r.ansible_index_var = indexVar;
  }
}

/** The loop's result from its items'. */
export function loopResult(results: TaskResult[]): TaskResult {
  const out: TaskResult = {
    results,
    changed: results.some((r) => truthy(r.changed ?? false)),
    msg: 'All items completed',
    skipped: results.every((r) => r.skipped),
  };
  if (out.skipped) out.msg = 'All items skipped';
  // the items' own `failed`, whatever failed_when said: the host's failure is decided by isFailed
  if (results.some((r) => truthy(r.failed ?? false))) {
    out.failed = true;
    out.msg = 'One or more items failed';
  }
  return out;
}

/** No items: the task is skipped (`skipped_reason`, sic). */
export const noItems = (): TaskResult => ({
  changed: false,
  skipped: true,
  skipped_reason: 'No items in the list',
  results: [],
});
