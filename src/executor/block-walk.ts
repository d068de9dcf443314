// The block walk: a host's tasks in order, blocks with their rescue (ansible_failed_task, ansible_failed_result)
// and always sections, roles that already ran as dependencies left out. Tasks go through the task gate.
import { InterruptedError } from '../errors.js';
import { keywordDefault, type KeywordName } from '../playbook/keywords.js';
import type { Block, Task, TaskOrBlock } from '../playbook/model.js';
import type { Vars } from '../vars/variable-manager.js';
import type { RunContext } from './context.js';
import type { TaskGate } from './task-gate.js';

export class BlockWalk {
  constructor(
    readonly ctx: RunContext,
    readonly gate: TaskGate,
  ) {}

  async runList(list: readonly TaskOrBlock[], host: string, extra: Vars = {}): Promise<void> {
    const state = this.ctx.hostState(host);
    for (const node of list) {
      // (handlers run on a host that failed when the play forces them, an included handler file's tasks too)
      if (state.done && !state.flushing) return;
      if (this.ctx.opts.signal.aborted) throw new InterruptedError('User interrupted execution');
      if (node.kind === 'block') await this.runBlock(node, host, extra);
      else {
        const running = this.gate.runTask(node, host, extra, state.flushing);
        if (running) await running;
      }
    }
  }

  async runBlock(block: Block, host: string, extra: Vars): Promise<void> {
    const { ctx } = this;
    const state = ctx.hostState(host);
    const root = block.roleRoot;
    // a role that already ran on the host with the same parameters does not run again (Role.has_run)
    if (root && !root.allowDuplicates && ctx.rolesRun.has(`${host}\u0000${root.key}`)) return;
    await this.runList(block.block, host, extra);
    // the implicit role_complete at the role's end: the role has run if one of its tasks ran (not skipped)
    if (root && !state.done && state.rolesRan.has(root.key)) ctx.rolesRun.add(`${host}\u0000${root.key}`);
    if (state.failed && block.rescue.length) {
      const { failedTask, failedResult } = state;
      state.failed = false;
      // a failed task's failure counts as rescued (an include's failure stays counted as it was)
      if (failedTask) {
        const st = ctx.stats.get(host)!;
        st.failures = Math.max(0, st.failures - 1);
        ctx.stat(host, 'rescued');
      }
      const rescueExtra = {
        ...extra,
        ansible_failed_task: unsafe(failedTask ? failedTaskFields(failedTask) : {}),
        ansible_failed_result: unsafe(failedResult ?? {}),
      };
      await this.runList(block.rescue, host, rescueExtra);
    }
    if (block.always.length) {
      const wasFailed = state.failed;
      state.failed = false;
      await this.runList(block.always, host, extra);
      state.failed = state.failed || wasFailed;
    }
  }
}

/** The values of ansible_failed_task and ansible_failed_result the walk made: Ansible hands them to the rescue
 * wrapped as unsafe (wrap_var), so a task's `{{ item }}` in its name or arguments, or a template in a module's
 * message, is never templated again when the rescue reads them (templar-scope.ts asks). */
const rescueValues = new WeakSet<object>();
function unsafe(value: Record<string, unknown>): Record<string, unknown> {
  rescueValues.add(value);
  return value;
}
export const isRescueValue = (name: string, value: unknown): boolean =>
  (name === 'ansible_failed_task' || name === 'ansible_failed_result') &&
  typeof value === 'object' &&
  value !== null &&
  rescueValues.has(value);

/** ansible_failed_task: the failed task's attributes as Task.serialize() gives them (an unnamed task's name is ''),
 * with Ansible's defaults for the keywords the task did not set. */
function failedTaskFields(task: Task): Record<string, unknown> {
  const list = (key: KeywordName) => {
    const v = task.keywords[key];
    return v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  };
  const fields: Record<string, unknown> = {
    name: task.name ?? '',
    action: task.actionAsWritten,
    args: task.args,
    when: list('when'),
    tags: list('tags'),
  };
  for (const k of SERIALIZED) fields[k] = task.keywords[k] ?? keywordDefault(k);
  // Ansible's loop_control is a LoopControl object with internal fields, not the table's default
  fields.loop_control = task.keywords.loop_control ?? null;
  for (const k of ['until', 'changed_when', 'failed_when', 'environment'] as const) fields[k] = list(k);
  return fields;
}
/** The keywords Task.serialize() gives ansible_failed_task, with their defaults from the keyword table. */
const SERIALIZED: readonly KeywordName[] = [
  'notify',
  'register',
  'ignore_errors',
  'ignore_unreachable',
  'no_log',
  'loop',
  'retries',
  'delay',
  'delegate_to',
  'run_once',
  'vars',
  'check_mode',
  'diff',
  'any_errors_fatal',
  'debugger',
];
