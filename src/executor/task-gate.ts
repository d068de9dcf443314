// The task gate: whether and how a task runs on a host (tags, --start-at-task, any_errors_fatal, the lockstep of
// hosts, run_once), decided synchronously: a task filtered out costs no async frame, and only the run is async.
import type { Task } from '../playbook/model.js';
import { isDict, pyStr, truthy } from '../python/python.js';
import type { Vars } from '../vars/variable-manager.js';
import { unsafeFactValues } from '../module.js';
import { resolveModule } from '../../modules/index.js';
import type { RunContext } from './context.js';
import { taskKey } from './lockstep.js';
import { taskTags, tagsAllowRun } from './task-tags.js';
import { TaskRun } from './task-run.js';
import { copiedFrom } from './task-name.js';
import { metaAction } from './actions/index.js';
import { inTurn } from './output-order.js';

/** Meta actions the linear strategy runs (and shows) per host; the others run once for all hosts. */
const PER_HOST_META = new Set(['noop', 'reset_connection', 'end_host', 'role_complete', 'flush_handlers']);

export class TaskGate {
  constructor(readonly ctx: RunContext) {}

  runTask(loaded: Task, host: string, extra: Vars, handler = false): Promise<void> | void {
    const { ctx } = this;
    const task = withHostAction(ctx, loaded, host, extra);
    // an include is filtered like any task (Block.filter_tagged_tasks exempts only the old bare `include`);
    // handlers never are: PlayIterator keeps the play's handlers unfiltered
    if (!handler && !this.tagsMatch(task, host) && task.action !== 'include') return;
    const run = new TaskRun(ctx, task, host, extra);
    run.handler = handler;
    if (!ctx.started) {
      if (run.name === ctx.opts.startAtTask || task.name === ctx.opts.startAtTask) ctx.started = true;
      else return;
    }
    // any_errors_fatal: the failing task finishes on every host, then the play is over for all of them
    if (ctx.fatal && ctx.fatalAt !== taskKey(task)) {
      run.state.ended = true;
      return;
    }
    const arrived = ctx.lockstep.arrive(host, task, run.state.frames.length);
    if (typeof arrived === 'boolean') return this.#arrived(run, arrived);
    return arrived.then((first) => this.#arrived(run, first));
  }

  /** The host's turn came (first: it leads its group and shows the banner). */
  #arrived(run: TaskRun, first: boolean): Promise<void> | void {
    const { ctx } = this;
    const task = run.asked;
    if (ctx.fatal && ctx.fatalAt !== taskKey(task)) run.state.ended = true;
    // the host's play may have ended while it waited for the others (end_play, end_batch on another host)
    if (run.state.done && !run.handler) {
      ctx.lockstep.done(run.host);
      return;
    }
    const def = resolveModule(task.action);
    // the linear strategy runs most meta actions once for all hosts; these run (and show) per host
    run.first = first;
    run.perHostMeta = task.action === 'meta' && PER_HOST_META.has(metaAction(run));
    run.once = def?.bypassHostLoop || (task.action === 'meta' && !run.perHostMeta) || runOnce(ctx, run);
    if (run.once && !first) {
      // run_once: the first host ran it for everyone; its result is registered for each host, without output
      const shared = ctx.onceResults.get(taskKey(task));
      if (shared && !def?.bypassHostLoop) {
        const register = ctx.keyword(task, 'register');
        if (register !== undefined) ctx.vm.register(run.host, pyStr(register), shared);
        const delegateFacts = truthy(ctx.keyword(task, 'delegate_facts') ?? false);
        if (isDict(shared.ansible_facts) && task.action === 'set_fact' && !delegateFacts)
          ctx.vm.setFacts(run.host, shared.ansible_facts, unsafeFactValues(shared.ansible_facts));
      }
      ctx.lockstep.done(run.host);
      return;
    }
    return inTurn(ctx.lockstep.turnOf(run.host), () => run.run());
  }

  /** How many hosts run the task at once: `forks` (or fewer, as `throttle` asks); one at a time when the task
   * runs once for all, or a controller (the debugger, --step, the explorer) may stop at it. */
  width(task: Task, host: string): number {
    const { ctx } = this;
    const forks = ctx.opts.forks ?? 1;
    if (forks <= 1 || task.action === 'meta' || resolveModule(task.action)?.bypassHostLoop) return 1;
    if (ctx.keyword(task, 'run_once') !== undefined || this.#held(task)) return 1;
    const throttle = ctx.keyword(task, 'throttle');
    if (throttle === undefined || throttle === null) return forks;
    const limit = Number.parseInt(pyStr(ctx.templar(host, task).template(throttle)), 10);
    return limit > 0 ? Math.min(forks, limit) : forks;
  }
  /** A controller on the run's hooks may stop at the task (without a say, any controller may). */
  #held(task: Task): boolean {
    const { hooks } = this.ctx;
    if (hooks.holdsHosts) return hooks.holdsHosts((name) => this.ctx.pointKeyword(task, name));
    return Boolean(hooks.beforeTask || hooks.afterTask);
  }

  /** --tags and --skip-tags against the task's tags and its blocks' and play's. */
  tagsMatch(task: Task, host: string): boolean {
    const { tags: only, skipTags: skip } = this.ctx.opts;
    const tags = taskTags(task, this.ctx.play, { template: (v) => this.ctx.templar(host, task).template(v) });
    return tagsAllowRun(tags, only, skip);
  }
}

/** run_once, templated with the host's variables as the linear strategy does. */
function runOnce(ctx: RunContext, run: TaskRun): boolean {
  const value = ctx.keyword(run.asked, 'run_once') ?? false;
  return truthy(typeof value === 'string' ? ctx.templar(run.host, run.asked, run.extra).template(value) : value);
}

/** `action: '{{ module }}'`: the action templated for this host, as the worker does; one that names no module
 * fails when the task runs. */
function withHostAction(ctx: RunContext, task: Task, host: string, extra: Vars): Task {
  if (!TEMPLATED_ACTION.test(task.action)) return task;
  let name: string;
  try {
    name = pyStr(ctx.templar(host, task, extra).template(task.action)).trim();
  } catch {
    return task;
  }
  const action = resolveModule(name)?.names[0] ?? name;
  const shell = action === 'shell' || action === 'command' ? { _uses_shell: action === 'shell' } : {};
  return copiedFrom({ ...task, action, actionAsWritten: name, args: { ...shell, ...task.args } }, task);
}
const TEMPLATED_ACTION = /\{\{|\{%/;
