// A task's result on a host, as the strategy processes it (_process_pending_results): registered, its facts
// set, its status counted and shown, the host failed or unreachable, its handlers notified.
import { expandsPast, oversizeMessage } from '../python/expanded-size.js';
import { InterruptedError, TaskTemplateError, TsibleError, UndefinedError } from '../errors.js';
import type { Task } from '../playbook/model.js';
import { unsafeFactValues, type TaskResult } from '../module.js';
import type { Templar } from '../template/templar.js';
import { PyException, PyValueError, isDict, pyRepr, pyStr, truthy } from '../python/python.js';
import { VaultFormatError } from '../vault/index.js';
import { extendedError } from '../yaml/extended-error.js';
import type { RunContext } from './context.js';
import { DELEGATED_HOST, type ResultStatus } from './events.js';
import type { HostState } from './host-state.js';
import { taskKey } from './lockstep.js';
import { notifiedBy, notify } from './handlers.js';
import { recordCustomStats } from './custom-stats.js';

/** TaskResult.is_failed: failed_when's verdict when the result or one of its items has one (a failure the until
 * loop records after its last attempt does not count then), else `failed`; a loop's from its items. */
export function isFailed(r: TaskResult): boolean {
  const items = Array.isArray(r.results) ? r.results.filter(isDict) : [];
  const key =
    'failed_when_result' in r || items.some((i) => 'failed_when_result' in i) ? 'failed_when_result' : 'failed';
  return key in r ? truthy(r[key] ?? false) : items.some((i) => truthy(i[key] ?? false));
}

/** Results of an undefined variable in a task's options: Task.post_validate raises it out of the loop, so it ends
 * a loop at the item it meets it, failing the task itself. */
const POST_VALIDATE_FAILURES = new WeakSet<TaskResult>();
export const endsLoop = (r: TaskResult): boolean => POST_VALIDATE_FAILURES.has(r);

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
    const result = {
      failed: true,
      msg: `The task includes an option with an undefined variable. The error was: ${err.message}. ${err.message}${where}`,
    };
    if (task) POST_VALIDATE_FAILURES.add(result);
    return result;
  }
  // an exception Ansible does not catch: only the exception, shown as "An exception occurred during task execution"
  if (err instanceof PyException) return { failed: true, changed: false, exception: err.message };
  if (err instanceof TaskTemplateError) return { failed: true, msg: `${err.message}${where}` };
  if (err instanceof VaultFormatError && err.pos)
    return { failed: true, msg: `${err.message}\n\n${extendedError(err.pos)}` };
  if (err instanceof TsibleError) return { failed: true, msg: err.message };
  throw err;
}

/** Where a result is processed: the task (as it ran) on a host, with the templar of its variables. */
interface ResultSite {
  readonly ctx: RunContext;
  readonly task: Task;
  readonly host: string;
  readonly state: HostState;
  readonly templar: Templar;
}

/** Processes a task's final result on a host and shows it. */
/** A result that would expand past the size limit when written out (an alias bomb) fails instead of reaching the
 * callbacks. */
export const withinSizeLimit = (result: TaskResult): TaskResult =>
  expandsPast(result) ? { failed: true, msg: oversizeMessage() } : result;

export function finishTask(site: ResultSite, taskResult: TaskResult): void {
  const badRegister = invalidRegister(site);
  // TaskExecutor fails the task that ran, and the strategy then ends the run after showing the result
  finishValidTask(site, badRegister && !taskResult.skipped ? { failed: true, msg: badRegister } : taskResult);
  if (badRegister) throw new TsibleError(badRegister);
}

/** The words for a `register` that is not a variable name (isidentifier), or undefined. */
function invalidRegister(site: ResultSite): string | undefined {
  const name = site.ctx.keyword(site.task, 'register');
  if (name === undefined || name === null) return undefined;
  const text = pyStr(name);
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(text) && !PY_KEYWORDS.has(text)
    ? undefined
    : `Invalid variable name in 'register' specified: '${text}'`;
}
export const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

function finishValidTask(site: ResultSite, taskResult: TaskResult): void {
  const { ctx, task, host, state } = site;
  const result = withinSizeLimit(taskResult);
  const failed = isFailed(result);
  if (result._ansible_no_log === undefined && !Array.isArray(result.results)) result._ansible_no_log = ctx.noLog(task);
  const ignoreErrors = ctx.keyword(task, 'ignore_errors');
  const ignored = !!ignoreErrors && truthy(site.templar.template(ignoreErrors));
  register(site, result, failed);
  if (isDict(result.ansible_facts) && !failed) {
    // delegate_facts: the facts are the delegate's, not the host's
    const to = (result as Record<string, unknown>)[DELEGATED_HOST];
    const factsHost = typeof to === 'string' && truthy(ctx.keyword(task, 'delegate_facts') ?? false) ? to : host;
    // set_fact's facts are the host's variables, and with cacheable in its fact cache too; a module's facts go to
    // the fact cache (StrategyBase._process_pending_results)
    const setFact = task.action === 'set_fact';
    if (setFact) ctx.vm.setFacts(factsHost, result.ansible_facts, unsafeFactValues(result.ansible_facts));
    if (!OWN_FACTS.has(task.action) && (!setFact || result._ansible_facts_cacheable === true))
      ctx.vm.setHostFacts(factsHost, result.ansible_facts);
    delete result._ansible_facts_cacheable; // the strategy pops it: no output shows it
  }
  if (result.unreachable) {
    ctx.stat(host, 'unreachable');
    if (!truthy(ctx.keyword(task, 'ignore_unreachable') ?? false)) state.unreachable = true;
    ctx.emit('taskResult', host, task, result, 'unreachable');
    return;
  }
  const status = countStatus(site, result, failed && ignored ? 'ignored' : failed ? 'failed' : undefined);
  if (task.role && status !== 'skipped') state.rolesRan.add(task.role.key);
  if (!failed && truthy(result.changed ?? false)) notify(ctx, host, notifiedBy(result));
  if (status === 'ok' || status === 'changed') recordCustomStats(site, result);
  ctx.emit('taskResult', host, task, result, status);
}
/** Actions whose facts are set where they run (include_vars, fact gathering), not from their result. */
const OWN_FACTS = new Set(['include_vars', 'gather_facts', 'setup']);

function register(site: ResultSite, result: TaskResult, failed: boolean): void {
  const name = site.ctx.keyword(site.task, 'register');
  if (name === undefined) return;
  // the strategy registers a clean copy: no internal keys, no invocation (a plain loop: this runs for every task)
  const registered: TaskResult = {};
  for (const k in result) if (k !== 'invocation' && !k.startsWith('_ansible_')) registered[k] = result[k];
  // strip_internal_keys goes into lists too: a loop's items lose theirs (their labels, no_log marks)
  if (Array.isArray(registered.results)) registered.results = registered.results.map(withoutInternalKeys);
  if (failed && registered.failed === undefined) registered.failed = true;
  site.ctx.vm.register(site.host, pyStr(name), registered);
}

function withoutInternalKeys(item: unknown): unknown {
  if (!isDict(item)) return item;
  const out: Record<string, unknown> = {};
  for (const k in item) if (!k.startsWith('_ansible_')) out[k] = item[k];
  return out;
}

/** The result's status, counted; a failure (not ignored) fails the host, and any_errors_fatal ends the play. */
function countStatus(site: ResultSite, result: TaskResult, failure: 'failed' | 'ignored' | undefined): ResultStatus {
  const { ctx, host } = site;
  if (result.skipped) {
    ctx.stat(host, 'skipped');
    return 'skipped';
  }
  if (failure === 'ignored') {
    ctx.stat(host, 'ignored');
    ctx.stat(host, 'ok');
    if (result.changed) ctx.stat(host, 'changed');
    return 'ignored';
  }
  if (failure === 'failed') {
    ctx.stat(host, 'failures');
    failHost(site, result);
    return 'failed';
  }
  if (result.changed) ctx.stat(host, 'changed');
  ctx.stat(host, 'ok');
  return result.changed ? 'changed' : 'ok';
}

/** The host failed at the task: any_errors_fatal ends the play for every host. Without a result, an include
 * whose file or role could not be loaded: a rescue then counts no rescue and sees no ansible_failed_task (the
 * strategy fails the host outside its processing of results). */
export function failHost(site: Omit<ResultSite, 'templar'>, result: TaskResult | undefined): void {
  const { ctx, task, state } = site;
  state.failed = true;
  state.failedTask = result && task;
  state.failedResult = result;
  if (inRescuableBlock(task)) return;
  if (truthy(ctx.keyword(task, 'any_errors_fatal') ?? false)) {
    ctx.fatal = true;
    ctx.fatalAt = taskKey(task);
  } else if (overMaxFailPercentage(ctx)) {
    // the linear strategy's check once the task's results are in: the failed share of the batch is over the limit,
    // so every host is done; the failures before it still count (the task finishes on all hosts, as fatalAt does)
    ctx.fatal = ctx.maxFailed = true;
    ctx.fatalAt = taskKey(task);
  }
}

/** The batch's hosts that failed (not in a rescue), as a share of the batch, over max_fail_percentage. */
function overMaxFailPercentage(ctx: ResultSite['ctx']): boolean {
  if (ctx.maxFailPercentage === null || ctx.batch.length === 0) return false;
  const failed = ctx.batch.filter((h) => ctx.hostState(h).failed).length;
  return failed / ctx.batch.length > ctx.maxFailPercentage / 100;
}

function inRescuableBlock(task: Task): boolean {
  for (let b = task.parent; b; b = b.parent) if (b.rescue.length) return true;
  return false;
}
