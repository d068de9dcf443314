// What an action the executor carries out itself looks like: its module definition (names and argument spec,
// in modules/control.ts, where the loader finds them) beside the code that runs it here.
import type { Task } from '../../playbook/model.js';
import type { ModuleDefinition, TaskResult } from '../../module.js';
import type { Templar } from '../../template/templar.js';
import type { RunContext } from '../context.js';

/** Where an action runs: the task on a host, with its templar. */
export interface ActionSite {
  readonly ctx: RunContext;
  readonly task: Task;
  readonly host: string;
  readonly templar: Templar;
}

export interface ExecutorAction {
  readonly definition: ModuleDefinition;
  /** Runs with the task's templated arguments; throws ActionFailure for the action's own errors. */
  run(args: Record<string, unknown>, site: ActionSite): TaskResult | Promise<TaskResult>;
}

/** An action plugin raised AnsibleError: TaskExecutor.run returns dict(failed=True, msg=...) as it is. */
export class ActionFailure extends Error {
  constructor(readonly result: TaskResult) {
    super(String(result.msg));
  }
}
export const fail = (msg: string): never => {
  throw new ActionFailure({ failed: true, msg });
};
