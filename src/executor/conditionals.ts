// when, changed_when and failed_when as TaskExecutor evaluates them, and Conditional's words when one fails.
import { TaskTemplateError, TsibleError, UndefinedError } from '../errors.js';
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Templar } from '../template/templar.js';
import { PyException, pyStr } from '../python/python.js';
import { conditionList, keyword } from './task-keywords.js';

/** A false `when` (2.14's shape; `false_condition` only arrived in 2.15). */
export const skippedByWhen = (cond: string): TaskResult => {
  void cond;
  return { changed: false, skipped: true, skip_reason: 'Conditional result was False' };
};

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

const isSet = (c: unknown) => c !== undefined && c !== null && c !== '' && !(Array.isArray(c) && !c.length);

/** changed_when then failed_when, as TaskExecutor._execute evaluates them (an error fails the task). */
export function applyConditions(task: Task, templar: Templar, result: TaskResult): TaskResult {
  if ('skipped' in result) return result;
  const cw = keyword(task, 'changed_when'),
    fw = keyword(task, 'failed_when');
  let condname = 'changed';
  try {
    if (isSet(cw)) result.changed = conditionList(cw).every((c) => templar.evaluateConditional(c));
    condname = 'failed';
    if (isSet(fw)) {
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
