// until/retries/delay: the module runs again until its condition holds, as TaskExecutor._execute retries it.
import type { TaskResult } from '../module.js';
import type { Templar } from '../template/templar.js';
import type { RunContext } from './context.js';
import { ActionFailure } from './actions/index.js';
import type { Invoke } from './module-run.js';
import { templateFailure } from './task-result.js';
import { conditionalError } from './conditionals.js';
import type { Task } from '../playbook/model.js';

/** What the retry loop needs of the task's execution. */
interface Retried {
  readonly ctx: RunContext;
  readonly task: Task;
  readonly host: string;
  readonly run: { readonly name: string };
  settle(result: TaskResult, attempt: number, retrying: boolean): { result: TaskResult; withResult?: Templar };
}

interface Retries {
  readonly retries: number;
  readonly delay: number;
  readonly until: readonly unknown[];
}

export async function untilLoop(
  exec: Retried,
  invoke: Invoke,
  { retries, delay, until }: Retries,
): Promise<TaskResult> {
  const { ctx, task } = exec;
  let result: TaskResult = {};
  let exhausted = true;
  for (let attempt = 1; attempt <= retries; attempt++) {
    let raw: TaskResult;
    try {
      raw = await invoke();
    } catch (e) {
      if (e instanceof ActionFailure) return e.result;
      throw e;
    }
    const settled = exec.settle(raw, attempt, true);
    result = settled.result;
    const withResult = settled.withResult!;
    let done: boolean;
    let condition: unknown;
    try {
      done = until.every((c) => withResult.evaluateConditional((condition = c)));
    } catch (e) {
      // Conditional.evaluate_conditional's own error, which names the condition and not the task
      const why = conditionalError(condition, e);
      result = { ...result, ...(why === undefined ? templateFailure(e, task) : { failed: true, msg: why }) };
      exhausted = false;
      break;
    }
    if (done) {
      exhausted = false;
      break;
    }
    if (attempt < retries) {
      result.retries = retries;
      ctx.emit('retry', exec.host, task, { name: exec.run.name, retriesLeft: retries - attempt, result });
      await ctx.opts.clock.sleep(delay * 1000, ctx.opts.signal);
    }
  }
  if (exhausted) {
    result.attempts = retries - 1;
    result.failed = true;
  }
  return result;
}
