// Runs one task on one host: when, loop, argument templating, the module, until/retries, changed_when,
// failed_when, register. Ansible's order of steps; each step a small named function.
import { InterruptedError, TaskTemplateError, TemplateError, TsibleError, UndefinedError } from '../errors.js';
import type { Task } from '../playbook/model.js';
import { maskNoLogValues, validateArgs, type TaskResult, type ModuleContext } from '../module.js';
import { resolveModule } from '../../modules/index.js';
import { Templar } from '../template/templar.js';
import { loopLookupItems } from '../template/lookups.js';
import { PyException, PyValueError, isDict, pyRepr, pyStr, setKey, truthy } from '../python/python.js';
import { UnsafeText } from '../yaml/loader.js';
import { ModuleFailure } from '../../modules/aws_common.js';
import { extendedError } from '../yaml/extended-error.js';

export const OMIT = '__omit_place_holder__tsible0000000000000000000000000000000000';

/** A false `when` (2.14's shape; `false_condition` only arrived in 2.15). */
export const skippedByWhen = (cond: string): TaskResult => {
  void cond;
  return { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
};

/** Ansible's wording for a template failure inside a task's options, pointing at the task's YAML. */
export function templateFailure(err: unknown, task?: Task, rawArgs?: unknown): TaskResult {
  if (err instanceof InterruptedError) throw err;
  const where = task ? `\n\n${extendedError(task.pos)}` : '';
  // AnsibleError's message: with the task's position when the error carries it (undefined variables, the args
  // field), otherwise the original exception's text appended, as "X. X"
  if (err instanceof PyValueError && rawArgs !== undefined) {
    const msg = `the field 'args' has an invalid value (${pyRepr(rawArgs)}), and could not be converted to an dict.The error was: ${err.message}`;
    return { failed: true, msg: task ? `${msg}${where}` : `${msg}. ${err.message}` };
  }
  if (err instanceof UndefinedError) {
    return {
      failed: true,
      msg: `The task includes an option with an undefined variable. The error was: ${err.message}. ${err.message}${where}`,
    };
  }
  // an exception Ansible does not catch: only the exception, shown as "An exception occurred during task execution"
  if (err instanceof PyException) return { failed: true, changed: false, exception: err.message };
  if (err instanceof TaskTemplateError) return { failed: true, msg: `${err.message}${where}` };
  if (err instanceof TsibleError) return { failed: true, msg: err.message };
  throw err;
}

// A task's keywords and its blocks' never change once loaded: the chains below are worked out once per task
// (and play), for every run of the task. Callers must not change the arrays they get.
type Play = { keywords: Record<string, unknown> } | undefined;
type Chains = WeakMap<Task, Map<string, { play: Play; chain: readonly unknown[] }>>;
const inheritedChains: Chains = new WeakMap(),
  mergedChains: Chains = new WeakMap();
/** (`make` is a plain function, not a closure: nothing is allocated when the chain is known) */
function chainOnce(
  chains: Chains,
  task: Task,
  key: string,
  play: Play,
  make: (task: Task, key: string, play: Play) => unknown[],
): readonly unknown[] {
  let byKey = chains.get(task);
  if (!byKey) chains.set(task, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit && hit.play === play) return hit.chain;
  const chain = make(task, key, play);
  byKey.set(key, { play, chain });
  return chain;
}

/** A keyword's value as the task inherits it: the task, its blocks (roles, imports), then the play. */
export function inherited(task: Task, key: string, play?: { keywords: Record<string, unknown> }): unknown {
  if (task.keywords[key] !== undefined) return task.keywords[key];
  return chainOnce(inheritedChains, task, key, play, nearestOfBlocks)[0];
}
function nearestOfBlocks(task: Task, key: string, play: Play): unknown[] {
  for (let b = task.parent; b; b = b.parent) if (b.keywords[key] !== undefined) return [b.keywords[key]];
  return [play?.keywords[key]];
}

/** Keywords whose values merge along the chain instead of the nearest one winning (play first, task last). */
export function mergedKeyword(
  task: Task,
  key: string,
  play?: { keywords: Record<string, unknown> },
): readonly unknown[] {
  return chainOnce(mergedChains, task, key, play, allOfChain);
}
function allOfChain(task: Task, key: string, play: Play): unknown[] {
  const chain: unknown[] = [];
  for (let b = task.parent; b; b = b.parent) chain.unshift(b.keywords[key]);
  return [play?.keywords[key], ...chain, task.keywords[key]].filter((x) => x !== undefined && x !== null);
}
/** The task's `when` conditions after its blocks' (imports, roles, includes' apply), outermost first. */
export function whenChain(task: Task): readonly unknown[] {
  return chainOnce(mergedChains, task, '\0when', undefined, whenConditions);
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

/** Evaluates `when` (all parents' conditions too); returns the first false condition, or null. */
export function falseCondition(templar: Templar, conditions: readonly unknown[]): string | null {
  for (const c of conditions) {
    try {
      if (!templar.evaluateConditional(c)) return pyStr(c);
    } catch (e) {
      const why = conditionalError(c, e);
      if (why !== undefined) throw new TaskTemplateError(why, { cause: e });
      throw e;
    }
  }
  return null;
}

/** Conditional.evaluate_conditional's AnsibleError for a conditional that could not be evaluated: an undefined
 * name gets _check_conditional's "error while evaluating conditional" first (and its message twice, as the
 * original exception is appended), a Python exception its str(), a template error its message. Undefined for
 * errors that are not template errors. */
export function conditionalError(conditional: unknown, e: unknown): string | undefined {
  const c = pyStr(conditional);
  const failed = `The conditional check '${c}' failed. The error was: `;
  if (e instanceof UndefinedError)
    return `${failed}error while evaluating conditional (${c}): ${e.message}. ${e.message}`;
  if (e instanceof PyException) return failed + e.message.slice(e.pyType.length + 2);
  if (e instanceof TsibleError) return failed + e.message;
  return undefined;
}

/** Drops module arguments whose whole value is `omit`, as Ansible's remove_omit does: keys of dicts, also nested
 * and inside lists (a list item that is omit itself stays). A copy where any is dropped, the value otherwise. */
export function removeOmitted(v: unknown): unknown {
  return holdsOmit(v) ? withoutOmitted(v) : v;
}
function withoutOmitted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutOmitted);
  if (isDict(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== OMIT) setKey(o, k, withoutOmitted(x));
    return o;
  }
  return v;
}
/** Whether a dict somewhere in v has a key whose value is omit. */
function holdsOmit(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(holdsOmit);
  if (isDict(v)) {
    for (const k in v) if (v[k] === OMIT || holdsOmit(v[k])) return true;
  }
  return false;
}

/** The items of `loop:` or `with_<lookup>:`. */
export function loopItems(task: Task, templar: Templar): unknown[] | null {
  if (task.keywords.loop !== undefined) {
    const items = templar.template(task.keywords.loop);
    if (typeof items === 'string')
      throw new TemplateError(
        `Invalid data passed to 'loop', it requires a list, got this instead: ${items}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`,
      );
    if (!Array.isArray(items))
      throw new TemplateError(
        `Invalid data passed to 'loop', it requires a list, got this instead: ${pyRepr(items)}. Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.`,
      );
    return items;
  }
  const withKey = Object.keys(task.keywords).find((k) => k.startsWith('with_'));
  if (!withKey) return null;
  // with_<lookup>: the lookup table shapes the templated value into the plugin's terms
  return loopLookupItems(withKey.slice(5), templar.template(task.keywords[withKey]), templar.lookupContext);
}

/** The label Ansible prints for a loop item. */
export function itemLabel(task: Task, templar: Templar, item: unknown): string {
  const lc = task.keywords.loop_control;
  if (isDict(lc) && lc.label !== undefined) {
    try {
      return pyStr(templar.template(lc.label));
    } catch {
      return pyStr(lc.label);
    }
  }
  return pyStr(item);
}

export interface ModuleRun {
  readonly ctx: ModuleContext;
  readonly templar: Templar;
}

/** Templates and validates the task's arguments once (as Ansible does before its retry loop), returning either
 * a failure or a function that runs the module; the function never throws for a module failure. */
export function prepareModule(
  task: Task,
  run: ModuleRun,
): { failure: TaskResult } | { invoke: () => TaskResult | Promise<TaskResult> } {
  const def = resolveModule(task.action)!;
  let rawArgs: Record<string, unknown>;
  try {
    rawArgs = removeOmitted(run.templar.template(task.args)) as Record<string, unknown>;
  } catch (e) {
    return { failure: templateFailure(e, task) };
  }
  // messages name a collection module by its resolved FQCN, a builtin as the task wrote it
  const v = validateArgs(def, rawArgs, def.fqcn ?? task.actionAsWritten, run.ctx.env);
  if (v.error)
    return {
      failure: {
        failed: true,
        changed: false,
        msg: v.error,
        ...(def.executorAction || def.actionPlugin ? {} : { invocation: { module_args: v.invocation } }),
      },
    };
  if (run.ctx.checkMode && !def.supportsCheckMode)
    return {
      failure: {
        changed: false,
        skipped: true,
        msg: `remote module (${task.actionAsWritten}) does not support check mode`,
      },
    };
  /** A module's failure as its result; errors that are not the module's go on. */
  const failureOf = (e: unknown): TaskResult => {
    if (e instanceof ModuleFailure) return e.result;
    if (e instanceof InterruptedError) throw e;
    if (e instanceof TsibleError) return { failed: true, msg: e.message };
    if ((e as Error)?.name === 'AbortError') throw e;
    return {
      failed: true,
      msg: `MODULE FAILURE\nSee stdout/stderr for the exact error`,
      module_stderr: String((e as Error)?.stack ?? e),
      module_stdout: '',
      rc: 1,
    };
  };
  const finish = (raw: TaskResult): TaskResult => {
    let result = raw;
    if (!def.executorAction && !def.anyArgs && !def.actionPlugin && !('invocation' in result))
      result.invocation = { module_args: v.invocation };
    if (v.noLogValues?.length) result = maskNoLogValues(result, v.noLogValues) as TaskResult;
    if (v.deprecations.length) result.deprecations = [...((result.deprecations as unknown[]) ?? []), ...v.deprecations];
    if (v.warnings.length) result.warnings = [...((result.warnings as unknown[]) ?? []), ...v.warnings];
    return result;
  };
  return {
    // a module that answers at once is finished at once (no promise for set_fact)
    invoke() {
      let running: TaskResult | Promise<TaskResult>;
      try {
        running = def.run(v.args, run.ctx);
      } catch (e) {
        return finish(failureOf(e));
      }
      if (running instanceof Promise) return running.then(finish, (e) => finish(failureOf(e)));
      return finish(running);
    },
  };
}

const conditionList = (c: unknown) => (Array.isArray(c) ? c : [c]);

/** changed_when then failed_when, as TaskExecutor._execute evaluates them (an error fails the task). */
export function applyConditions(task: Task, templar: Templar, result: TaskResult): TaskResult {
  if ('skipped' in result) return result;
  const cw = task.keywords.changed_when,
    fw = task.keywords.failed_when;
  let condname = 'changed';
  try {
    if (cw !== undefined && cw !== null && cw !== '' && !(Array.isArray(cw) && !cw.length))
      result.changed = conditionList(cw).every((c) => templar.evaluateConditional(c));
    condname = 'failed';
    if (fw !== undefined && fw !== null && fw !== '' && !(Array.isArray(fw) && !fw.length)) {
      const failed = conditionList(fw).some((c) => templar.evaluateConditional(c));
      result.failed_when_result = failed;
      result.failed = failed;
    }
  } catch (e) {
    result.failed = true;
    result[`${condname}_when_result`] = (e as Error).message;
  }
  return result;
}

export const isFailed = (r: TaskResult) => truthy(r.failed ?? false);
export { UnsafeText };
