// One task's run on one host (TaskRun): the hooks before and after it (--step, the debugger, the explorer), its
// banner, its execution (task-executor.ts), its result and the redo a controller may ask for. The task gate made
// it and decided how it runs (first of its group, run_once, per-host meta).
import { TsibleError } from '../errors.js';
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Templar } from '../template/templar.js';
import { isDict, pyStr } from '../python/python.js';
import type { Vars } from '../vars/variable-manager.js';
import type { RunContext } from './context.js';
import type { Redo } from './events.js';
import type { HostState } from './host-state.js';
import { taskKey } from './lockstep.js';
import { finishTask, isFailed } from './task-result.js';
import { TaskExecutor } from './task-executor.js';
import { taskName } from './task-name.js';
import { isMetaAction, metaAction } from './actions/meta.js';
import { INCLUDE_ACTIONS } from './includes.js';
import { learnNoLogSecrets } from './no-log-secrets.js';

export class TaskRun {
  readonly state: HostState;
  /** The task as hooks left it (their changed arguments), and the variables it runs with. */
  task: Task;
  extra: Vars;
  templar: Templar;
  readonly name: string;
  handler = false;
  /** The first host of its lockstep group (it shows the banner). */
  first = true;
  /** run_once (or a meta action that runs once for all hosts). */
  once = false;
  /** A meta action the linear strategy runs (and shows) per host. */
  perHostMeta = false;
  #released = false;

  constructor(
    readonly ctx: RunContext,
    readonly asked: Task,
    readonly host: string,
    readonly askedExtra: Vars,
  ) {
    this.state = ctx.hostState(host);
    this.task = asked;
    this.extra = askedExtra;
    this.templar = ctx.templar(host, asked, askedExtra);
    this.name = taskName(asked, this.templar);
  }

  /** The host is done with the task as far as the lockstep goes (an include lets go before its tasks run). */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.ctx.lockstep.done(this.host);
  }

  async run(): Promise<void> {
    const { ctx } = this;
    let redone = false;
    try {
      for (;;) {
        const point = ctx.point(this);
        // --step asks before the banner, as Ansible's _take_step does
        // (hooks may answer at once: no await then, each one costs every task a turn of the microtask queue)
        let decision = ctx.hooks.beforeTask?.(point);
        if (decision instanceof Promise) decision = await decision;
        if (decision === 'skip') return;
        if (decision && typeof decision === 'object') this.#change(decision);
        // a redo shows its new result under the same banner, as Ansible's debugger does
        if ((this.first || this.perHostMeta) && !redone && !INCLUDE_ACTIONS.has(this.asked.action))
          ctx.emit('taskStart', this.asked, this.name, this.handler);
        if (this.task !== this.asked || this.extra !== this.askedExtra || redone)
          this.templar = ctx.templar(this.host, this.task, this.extra);
        checkThrottle(this);
        if (this.task.action === 'meta' && !isMetaAction(metaAction(this)))
          throw new TsibleError(`invalid meta action requested: ${metaAction(this)}`, { pos: this.task.pos });
        const running = new TaskExecutor(this, this.extra, this.templar).execute();
        const result = running instanceof Promise ? await running : running;
        if (result === null) return; // an include: its tasks reported themselves
        if (this.asked.action === 'meta') {
          const flushing = this.#reportMeta(result);
          if (flushing) await flushing;
          return;
        }
        const stats = { ...ctx.stats.get(this.host)! },
          state = this.state.snapshot();
        this.#report(result);
        // the debugger comes after the result is shown, as in Ansible; redo rolls the host back
        let after = ctx.hooks.afterTask?.(point, result);
        if (after instanceof Promise) after = await after;
        if (!after?.redo) return;
        ctx.stats.set(this.host, stats);
        this.state.restore(state);
        this.#change(after);
        redone = true;
      }
    } finally {
      this.release();
    }
  }

  /** A controller changed the task's arguments or variables. */
  #change(to: Partial<Redo>): void {
    if (to.args) this.task = { ...this.task, args: { ...this.task.args, ...to.args } };
    if (to.vars) this.extra = { ...this.extra, ...to.vars };
  }

  /** meta tasks report nothing (a skipped one shows as skipping) and count in no statistic; flush_handlers runs
   * the handlers right here. */
  #reportMeta(result: TaskResult): Promise<void> | void {
    const { ctx, host } = this;
    if (result.skipped) ctx.emit('taskResult', host, this.asked, result, 'skipped');
    else if (isFailed(result)) finishTask(this, result);
    else if (result._meta === 'flush_handlers') {
      if (this.state.flushing) throw new TsibleError('flush_handlers cannot be used as a handler');
      this.release();
      return ctx.walk.flushHandlers(host);
    }
  }

  /** The result processed and shown; run_once keeps it for the other hosts; no_log hides what it set. */
  #report(result: TaskResult): void {
    const { ctx } = this;
    if (this.once) ctx.onceResults.set(taskKey(this.asked), result);
    finishTask(this, result);
    if (!ctx.noLog(this.task)) return;
    const register = ctx.keyword(this.asked, 'register');
    learnNoLogSecrets(this.task, result, { registered: register !== undefined, extraVars: ctx.vm.extraVars });
    if (register !== undefined) this.state.noLogNames.add(pyStr(register));
    if (isDict(result.ansible_facts)) for (const k of Object.keys(result.ansible_facts)) this.state.noLogNames.add(k);
  }
}

/** The strategy reads a task's throttle as an integer before it queues the task: any other value ends the run. */
function checkThrottle({ ctx, task, templar }: TaskRun): void {
  const throttle = ctx.keyword(task, 'throttle');
  if (throttle === undefined || throttle === null) return;
  const value = templar.template(throttle);
  if (typeof value === 'number' || typeof value === 'boolean') return;
  if (typeof value === 'string' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(value)) return;
  throw new TsibleError('Failed to convert the throttle value to an integer.', { pos: task.pos });
}
