// TaskExecutor: one execution of a task on a host (the task's, or one item's of its loop): when, the loop,
// delegation, check mode, the arguments, the module or the executor's own action, until/retries, changed_when
// and failed_when. Ansible's order of steps; each step a small named method on the one object.
import type { Task } from '../playbook/model.js';
import { TASK_CHECKED_OTHERS, TASK_CHECKED_NAMING_TASK, keywordValueError } from '../playbook/keywords.js';
import { TaskTemplateError, UndefinedError } from '../errors.js';
import { invalidOptions, unsafeFactValues, type ModuleContext, type TaskResult } from '../module.js';
import { resolveModule } from '../../modules/index.js';
import type { Templar } from '../template/templar.js';
import { isDict, pyStr, truthy, typeName } from '../python/python.js';
import type { Vars } from '../vars/variable-manager.js';
import { isImplicitLocalhostName, isLocal } from '../inventory/inventory.js';
import { EndPlay, type RunContext } from './context.js';
import { DELEGATED_HOST } from './events.js';
import type { HostState } from './host-state.js';
import { applyConditions, falseCondition, skippedByWhen } from './conditionals.js';
import { conditionList, keyword } from './task-keywords.js';
import { endsLoop, isFailed, templateFailure, withinSizeLimit } from './task-result.js';
import { itemLabel, itemResult, itemVars, loopControl, loopItems, loopResult, noItems } from './loop.js';
import {
  moduleContext,
  templateField,
  prepareModule,
  removeOmitted,
  withModuleDefaults,
  withVariableParams,
  type Invoke,
  type Prepared,
} from './module-run.js';
import { ActionFailure, executorAction, metaSkipped, type ExecutorAction } from './actions/index.js';
import { INCLUDE_ACTIONS, runInclude } from './includes.js';
import { untilLoop } from './until.js';
import { becomeFailure } from './become.js';
import { setNotify } from './handlers.js';
import { timeLimit, withTimeLimit, type TimeLimit } from './task-timeout.js';

// where tests (and loopItems' callers) found these before the executor was split
export { OMIT, removeOmitted } from './module-run.js';
export { templateFailure } from './task-result.js';
export { loopItems } from './loop.js';

/** The task run an execution belongs to (task-run.ts). */
interface TaskRunSite {
  readonly ctx: RunContext;
  readonly task: Task;
  readonly host: string;
  readonly state: HostState;
  readonly name: string;
  readonly first: boolean;
  readonly handler: boolean;
  release(): void;
}

/** Actions that run on the host although the executor carries them out (they need its connection). */
const FACT_GATHERING = new Set(['gather_facts', 'setup']);

/** A task's and a handler's fields that are never templated (static). */
const STATIC_FIELDS = ['register', 'listen'] as const;

/** The values the debugger keyword takes. */
const DEBUGGER_VALUES = ['always', 'never', 'on_failed', 'on_unreachable', 'on_skipped'];

export class TaskExecutor {
  constructor(
    readonly run: TaskRunSite,
    readonly extra: Vars,
    readonly templar: Templar,
  ) {}
  get ctx(): RunContext {
    return this.run.ctx;
  }
  get task(): Task {
    return this.run.task;
  }
  get host(): string {
    return this.run.host;
  }
  get state(): HostState {
    return this.run.state;
  }

  /** Runs the task (with its loop) and returns its final result; null for includes. */
  execute(): Promise<TaskResult | null> | TaskResult {
    const { task, templar } = this;
    let items: unknown[] | null;
    try {
      items = loopItems(task, templar);
    } catch (e) {
      // Ansible evaluates when before the loop only when the loop itself cannot be templated
      const conditions = keyword(task, 'when') as readonly unknown[];
      try {
        if (falseCondition(templar, conditions) !== null) return skippedByWhen(pyStr(conditions[0]));
      } catch {
        /* report the loop error */
      }
      // TaskExecutor.run's own catch: the error's text, without the task's position
      if (e instanceof UndefinedError) return { failed: true, msg: `${e.message}. ${e.message}` };
      return templateFailure(e, task);
    }
    if (INCLUDE_ACTIONS.has(task.action)) return runInclude(this, items).then(() => null);
    if (items === null) return this.executeOnce();
    return this.#loop(items);
  }

  /** A task's loop: each item in turn, then the loop's result. */
  async #loop(items: unknown[]): Promise<TaskResult> {
    const { ctx, task, host } = this;
    if (!items.length) return noItems();
    const control = loopControl(task, this.templar);
    const { lc } = control;
    // _run_loop joins the loop variable's name into a text: a name that is no string fails there, in Python's words
    if (lc.loop_var !== undefined && lc.loop_var !== null && typeof lc.loop_var !== 'string') {
      const why = `can only concatenate str (not "${typeName(lc.loop_var)}") to str`;
      return {
        failed: true,
        msg: `Unexpected failure during module execution: ${why}`,
        exception: `TypeError: ${why}`,
      };
    }
    const results: TaskResult[] = [];
    for (let i = 0; i < items.length; i++) {
      const itemExtra = itemVars(control, this.extra, items, i);
      const item = new TaskExecutor(this.run, itemExtra, ctx.templar(host, task, itemExtra));
      const r = withinSizeLimit(await item.executeOnce());
      if (endsLoop(r)) return r;
      // facts an item sets are visible to the next item (TaskExecutor._run_loop updates task_vars)
      if (isDict(r.ansible_facts) && !isFailed(r) && task.action === 'set_fact')
        ctx.vm.setFacts(host, r.ansible_facts, unsafeFactValues(r.ansible_facts));
      itemResult(r, itemExtra);
      const labelError = isDict(lc) && lc.label !== undefined ? templateError(item.templar, lc.label) : undefined;
      // an undefined variable in the label fails the item, which shows no label
      if (labelError) Object.assign(r, { failed: true, msg: `Failed to template loop_control.label: ${labelError}` });
      const label = labelError ? 'None' : itemLabel(task, item.templar, items[i]);
      r._ansible_no_log = r._ansible_no_log ?? ctx.noLog(task);
      r._ansible_item_label = labelError ? null : isDict(lc) && lc.label !== undefined ? label : items[i];
      const status = r.skipped ? 'skipped' : isFailed(r) ? 'failed' : r.changed ? 'changed' : 'ok';
      ctx.emit('itemResult', host, task, {
        result: r,
        status,
        label: ctx.noLog(task) ? '(censored due to no_log)' : label,
      });
      results.push(r);
      if (lc.pause) await ctx.opts.clock.sleep(Number(lc.pause) * 1000, ctx.opts.signal);
    }
    return loopResult(results);
  }

  /** One run of the task, with the handlers it notifies should it change something. */
  executeOnce(): TaskResult | Promise<TaskResult> {
    const running = this.#executeOnDelegate();
    const noted = (result: TaskResult) => {
      if (this.#notify !== undefined) setNotify(result, this.#notify);
      return result;
    };
    return running instanceof Promise ? running.then(noted) : noted(running);
  }
  /** The task's `notify` as Task.post_validate templates it (after `when`). */
  #notify: unknown;
  /** The host the task is delegated to, templated. */
  #delegateTo: string | undefined;

  /** One run of the task, on the delegate when it has one. */
  #executeOnDelegate(): TaskResult | Promise<TaskResult> {
    const delegate = this.ctx.keyword(this.task, 'delegate_to');
    if (delegate !== undefined && delegate !== null)
      try {
        this.#delegateTo = pyStr(templateField('delegate_to', () => this.templar.template(delegate)));
      } catch (e) {
        return templateFailure(e, this.task);
      }
    const running = this.#executeHere();
    if (delegate === undefined || delegate === null) return running;
    return running instanceof Promise
      ? running.then((result) => this.#delegated(result, delegate))
      : this.#delegated(running, delegate);
  }

  /** A delegated result carries the delegate's connection (the callback labels it "host -> delegate"). */
  #delegated(result: TaskResult, delegate: unknown): TaskResult {
    if (result.skipped) return result;
    let to: string;
    try {
      to = pyStr(this.templar.template(delegate));
    } catch {
      return result;
    }
    const { vm } = this.ctx;
    const hv = vm.inventory.hosts.has(to) ? vm.inventoryVars(to) : {};
    const local = !vm.inventory.hosts.has(to) && isImplicitLocalhostName(to);
    const delegated: TaskResult = {
      ...result,
      _ansible_delegated_vars: {
        ansible_connection: hv.ansible_connection ?? (local ? 'local' : (vm.inventory.defaultConnection ?? 'ssh')),
        ansible_host: hv.ansible_host ?? to,
        ansible_port: hv.ansible_port ?? null,
        ansible_user: hv.ansible_user ?? null,
      },
    };
    // the delegate's name rides along for the callback's label, non-enumerable so that no output copies it
    Object.defineProperty(delegated, DELEGATED_HOST, { value: to, enumerable: false });
    return delegated;
  }

  /** A false `when` or arguments that do not validate answer at once, the module later. */
  #executeHere(): TaskResult | Promise<TaskResult> {
    const { ctx, task, templar } = this;
    try {
      const cond = falseCondition(templar, keyword(task, 'when') as readonly unknown[]);
      if (cond !== null) return task.action === 'meta' ? metaSkipped(this) : skippedByWhen(cond);
    } catch (e) {
      return templateFailure(e, task);
    }
    this.#staticFieldWarnings();
    try {
      const notify = keyword(task, 'notify');
      if (notify !== undefined) this.#notify = templateField('notify', () => templar.template(notify));
    } catch (e) {
      return templateFailure(e, task);
    }
    // Task.post_validate: a keyword its type refuses fails the task
    const invalid = keywordValueError(task.keywords, TASK_CHECKED_NAMING_TASK) ?? this.#debuggerError();
    if (invalid) return templateFailure(new TaskTemplateError(invalid), task);
    // these are validated as the task sees them: a play's `become: perhaps` fails its first task
    const inherited = Object.fromEntries(TASK_CHECKED_OTHERS.map((k) => [k, ctx.keyword(task, k)]));
    const notBoolean = keywordValueError(inherited, TASK_CHECKED_OTHERS);
    if (notBoolean) return { failed: true, msg: notBoolean };
    // (meta tasks are the strategy's: they take no connection, so no become plugin)
    try {
      const badBecome = task.action === 'meta' ? undefined : becomeFailure(ctx, task, templar);
      if (badBecome) return badBecome;
    } catch (e) {
      return templateFailure(e, task);
    }
    const checkKw = ctx.keyword(task, 'check_mode');
    const checkMode = checkKw === undefined ? ctx.opts.checkMode : truthy(templar.template(checkKw));
    let limit: TimeLimit | undefined;
    try {
      const timeout = keyword(task, 'timeout', ctx.play);
      limit = timeout === undefined ? undefined : timeLimit(task, timeout, templar.template(timeout), ctx.noLog(task));
    } catch (e) {
      return templateFailure(e, task);
    }
    const withDefaults = withModuleDefaults(ctx, task);
    let moduleCtx: ModuleContext;
    try {
      moduleCtx = moduleContext(ctx, this, checkMode);
    } catch (e) {
      return templateFailure(e, task);
    }
    if (limit) moduleCtx = { ...moduleCtx, signal: AbortSignal.any([moduleCtx.signal, limit.controller.signal]) };
    const prepared = this.#prepare(withDefaults, moduleCtx);
    if ('failure' in prepared) return prepared.failure; // TaskExecutor.run's dict(failed=True, msg=...) has no `changed`
    return this.#attempts(limit ? withTimeLimit(prepared.invoke, limit, ctx) : prepared.invoke);
  }

  /** Base.post_validate: a static field (read before any variable is known) that holds a template is used as
   * written, with a warning. */
  #staticFieldWarnings(): void {
    for (const name of STATIC_FIELDS) {
      const value = this.task.keywords[name];
      if (value !== undefined && /{{|{%/.test(JSON.stringify(value) ?? ''))
        this.ctx.taskWarn(
          `"${name}" is not templatable, but we found: ${pyStr(value)}, it will not be templated and will be used "as is".`,
        );
    }
  }

  /** Base._post_validate_debugger: a debugger value that is none of the debugger's. */
  #debuggerError(): string | undefined {
    const value = this.ctx.keyword(this.task, 'debugger');
    // (a template is the debugger's own business when it runs)
    if (typeof value !== 'string' || /{{|{%/.test(value)) return undefined;
    if (!value || DEBUGGER_VALUES.includes(value)) return undefined;
    return `'${value}' is not a valid value for debugger. Must be one of ${DEBUGGER_VALUES.join(', ')}`;
  }

  /** Templates the arguments once; the executor's own actions run here, modules through prepareModule. What runs
   * on the host (a module, fact gathering) needs a connection tsible has: local only. */
  #prepare(task: Task, moduleCtx: ModuleContext): Prepared {
    const { ctx, host, templar } = this;
    const action = executorAction(task.action);
    const def = action ? undefined : resolveModule(task.action);
    // (an action templated to a name that is no module: the worker's error)
    if (!action && !def)
      return { failure: { failed: true, msg: `The module ${task.action} was not found in configured module paths` } };
    const onHost = def ? !def.actionPlugin && !def.executorAction : FACT_GATHERING.has(task.action);
    // a delegated task connects to its delegate, with the delegate's connection
    const target = this.#delegateTo ?? host;
    const hv = ctx.vm.inventory.hosts.has(target) || target === host ? ctx.vm.inventoryVars(target) : {};
    if (onHost && !isLocal(hv, target, ctx.vm.inventory)) {
      const conn = pyStr(hv.ansible_connection ?? ctx.vm.inventory.defaultConnection ?? 'ssh');
      return {
        failure: {
          unreachable: true,
          changed: false,
          msg: `Failed to connect to the host via ${conn}: tsible runs modules on the local machine only; set ansible_connection=local for hosts it should run here`,
        },
      };
    }
    if (!action) return prepareModule(task, { templar, ctx: moduleCtx });
    let args: Record<string, unknown>;
    try {
      args = removeOmitted(templar.template(task.args)) as Record<string, unknown>;
    } catch (e) {
      return { failure: templateFailure(e, task, task.args) };
    }
    const splat = withVariableParams(args, ctx.warn);
    if ('failure' in splat) return splat;
    return { invoke: new ActionInvocation(action, splat.args, this).invoke };
  }

  /** The module's runs: once, or until `until` holds (retries, delay), with changed_when and failed_when. A module
   * that answers at once (set_fact, the executor's own actions) is settled without an async frame. */
  #attempts(invoke: Invoke): TaskResult | Promise<TaskResult> {
    const { task, templar } = this;
    const until = keyword(task, 'until');
    let retries = 1;
    if (until !== undefined && until !== null) {
      const r = keyword(task, 'retries');
      const n = r === undefined ? null : Number(templar.template(r));
      retries = n === null ? 3 : n <= 0 ? 1 : n + 1;
    }
    const d = keyword(task, 'delay');
    let delay = Number(d === undefined ? 5 : templar.template(d));
    if (delay < 0) delay = 1;
    if (retries > 1) return untilLoop(this, invoke, { retries, delay, until: conditionList(until) });
    let running: TaskResult | Promise<TaskResult>;
    try {
      running = invoke();
    } catch (e) {
      return actionFailed(e);
    }
    if (running instanceof Promise) return running.then((r) => this.settle(r, 1).result, actionFailed);
    return this.settle(running, 1).result;
  }

  /** One attempt's result as TaskExecutor finishes it: no_log, failed and changed filled in, changed_when and
   * failed_when applied with the result registered; `withResult` is the templar that saw it (for until). */
  settle(result: TaskResult, attempt: number, retrying = false): { result: TaskResult; withResult?: Templar } {
    const { ctx, task } = this;
    result._ansible_no_log = ctx.noLog(task) || result._ansible_no_log === true;
    if (!('failed' in result)) result.failed = 'rc' in result && result.rc !== 0 && result.rc !== '0';
    if (keyword(task, 'until') !== undefined) result.attempts = attempt;
    if (!('changed' in result)) result.changed = false;
    // the result's own variables for changed_when, failed_when and until (most tasks have none of them)
    if (!retrying && keyword(task, 'changed_when') === undefined && keyword(task, 'failed_when') === undefined)
      return { result };
    const attemptVars: Vars = { ...this.extra };
    if (isDict(result.ansible_facts) && (task.action === 'set_fact' || task.action === 'include_vars'))
      Object.assign(attemptVars, result.ansible_facts);
    const register = keyword(task, 'register');
    if (register !== undefined) attemptVars[pyStr(register)] = result;
    const withResult = ctx.templar(this.host, task, attemptVars);
    return { result: applyConditions(task, withResult, result), withResult };
  }
}

/** An action's own error is its result (ActionFailure); anything else goes on. */
function actionFailed(e: unknown): TaskResult {
  if (e instanceof ActionFailure) return e.result;
  throw e;
}

/** One of the executor's own actions with its templated arguments: a template error while it runs fails the task
 * as Ansible words it; its own errors and the end of the play go on. */
class ActionInvocation {
  constructor(
    readonly action: ExecutorAction,
    readonly args: Record<string, unknown>,
    readonly site: TaskExecutor,
  ) {}
  // (async as it always was: a schedule the explorer replays counts its turns)
  readonly invoke = async (): Promise<TaskResult> => {
    const invalid = invalidOptions(this.action.definition, this.args, this.site.task.actionAsWritten);
    if (invalid) return { failed: true, msg: invalid };
    try {
      const result = this.action.run(this.args, this.site);
      return result instanceof Promise ? await result : result;
    } catch (e) {
      if (e instanceof EndPlay || e instanceof ActionFailure) throw e;
      return templateFailure(e, this.site.task);
    }
  };
}

/** The text of an undefined variable's error (as AnsibleUndefinedVariable prints it) when a template meets one. */
function templateError(templar: Templar, template: unknown): string | undefined {
  try {
    templar.template(template);
    return undefined;
  } catch (e) {
    if (!(e instanceof UndefinedError)) return undefined;
    return `${e.message}. ${e.message}`;
  }
}
