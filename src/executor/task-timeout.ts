// The `timeout` keyword (TaskExecutor._execute's SIGALRM): an attempt that runs past it ends the task with
// Ansible's message, and is not retried; the module is told to stop through its signal (a command's process is
// killed). The limit is measured on the run's clock, so the explorer's virtual time applies to it too.
import { TaskTemplateError } from '../errors.js';
import type { TaskResult } from '../module.js';
import { pyRepr, pyStr } from '../python/python.js';
import type { Task } from '../playbook/model.js';
import { ActionFailure } from './actions/action.js';
import type { Invoke } from './module-run.js';
import type { RunContext } from './context.js';

/** Actions a timeout never interrupts: pause sets an alarm of its own in Ansible, which replaces the task's. */
const UNINTERRUPTED = new Set(['pause', 'ansible.builtin.pause', 'ansible.legacy.pause']);

export interface TimeLimit {
  readonly seconds: number;
  /** What the module's context was given as its signal: aborted when the limit is reached. */
  readonly controller: AbortController;
  /** The failure, as TaskExecutor._execute returns it: TaskExecutor.run adds `changed` only outside a loop. */
  readonly failure: TaskResult;
}

/** The task's limit when it has one: its `timeout` (as written, then templated), whole seconds (0: none). */
export function timeLimit(task: Task, raw: unknown, templated: unknown, noLog: boolean): TimeLimit | undefined {
  if (templated === undefined || templated === null || UNINTERRUPTED.has(task.action)) return undefined;
  const seconds = asInt(raw, templated);
  if (seconds <= 0) return undefined;
  const msg = `The ${task.actionAsWritten} action failed to execute in the expected time frame (${seconds}) and was terminated`;
  const inLoop = task.keywords.loop !== undefined || Object.keys(task.keywords).some((k) => k.startsWith('with_'));
  const failure: TaskResult = inLoop ? { failed: true, msg } : { changed: false, failed: true, msg };
  // returned before _execute marks results with _ansible_no_log: the callbacks and the debugger still see the
  // task's no_log, the JSON output shows no such key
  Object.defineProperty(failure, '_ansible_no_log', { value: noLog, enumerable: false, writable: true });
  return { seconds, controller: new AbortController(), failure };
}

/** FieldAttribute(isa='int')'s int(value), worded as its post_validate words a value int() refuses. */
function asInt(raw: unknown, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'boolean') return Number(value);
  if (typeof value === 'string' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(value)) return parseInt(value.replace(/_/g, ''), 10);
  throw new TaskTemplateError(
    `the field 'timeout' has an invalid value (${pyStr(raw)}), and could not be converted to an int.The error was: ` +
      `invalid literal for int() with base 10: ${pyRepr(pyStr(value))}`,
  );
}

/** `invoke` raced against the limit. A module that answers at once is not interrupted (nor is it in Ansible:
 * the alarm interrupts only what waits). */
export function withTimeLimit(invoke: Invoke, limit: TimeLimit, ctx: RunContext): Invoke {
  return () => {
    const running = invoke();
    if (!(running instanceof Promise)) return running;
    const timer = new AbortController();
    const stop = AbortSignal.any([timer.signal, ctx.opts.signal]);
    const expired = ctx.opts.clock.sleep(limit.seconds * 1000, stop).then(
      (): TaskResult => {
        limit.controller.abort();
        running.catch(() => undefined); // what the stopped module says after this is not heard
        throw new ActionFailure(limit.failure);
      },
      () => new Promise<TaskResult>(() => undefined), // the module answered first, or the run was interrupted
    );
    return Promise.race([running.finally(() => timer.abort()), expired]);
  };
}
