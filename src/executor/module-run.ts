// A module's run on a host: module_defaults, the environment, the arguments templated and validated once (as
// Ansible does before its retry loop), the module invoked, its failure shaped as Ansible shapes it.
import { createHash, randomBytes } from 'node:crypto';
import { InterruptedError, TaskTemplateError, TsibleError, UndefinedError } from '../errors.js';
import type { Task } from '../playbook/model.js';
import {
  maskNoLogValues,
  ModuleFailure,
  validateArgs,
  type ModuleContext,
  type ModuleDefinition,
  type TaskResult,
  type ModuleServices,
  type ValidatedArgs,
} from '../module.js';
import { resolveModule } from '../../modules/index.js';
import { splitLines } from '../../modules/command.js';
import type { Templar } from '../template/templar.js';
import { PyException, isDict, pyStr, setKey, truthy } from '../python/python.js';
import { MIN_SCRUBBED, addSecrets } from '../vault/index.js';
import type { AwsCallEvent } from '../aws/client.js';
import type { RunContext } from './context.js';
import { keyword } from './task-keywords.js';
import { templateFailure } from './task-result.js';

/** The `omit` placeholder: random per run, as Ansible's VariableManager makes it, so no real value can equal it. */
export const OMIT = `__omit_place_holder__${createHash('sha1').update(randomBytes(64)).digest('hex')}`;

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
/** Whether a dict somewhere in v has a key whose value is omit; a list or dict that YAML aliases share is looked
 * into once. */
function holdsOmit(v: unknown, seen = new Set<object>()): boolean {
  if (!Array.isArray(v) && !isDict(v)) return false;
  if (seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) return v.some((x) => holdsOmit(x, seen));
  for (const k in v) if (v[k] === OMIT || holdsOmit(v[k], seen)) return true;
  return false;
}

/** Free-form text that was a template (the loader's `_variable_params`) must give a dict of arguments, which the
 * task's other arguments then update; anything else fails the task, as Task._post_validate_args. */
export function withVariableParams(
  args: Record<string, unknown>,
  warn: (message: string) => void,
): { args: Record<string, unknown> } | { failure: TaskResult } {
  if (!Object.hasOwn(args, '_variable_params')) return { args };
  const { _variable_params: params, ...rest } = args;
  if (!isDict(params)) return { failure: { failed: true, msg: `invalid or malformed argument: '${pyStr(params)}'` } };
  warn(
    "Using a variable for a task's 'args' is unsafe in some situations (see https://docs.ansible.com/ansible/devel/reference_appendices/faq.html#argsplat-unsafe)",
  );
  return { args: { ...params, ...rest } };
}

interface ModuleRun {
  readonly ctx: ModuleContext;
  readonly templar: Templar;
}
/** Runs a prepared module: once, or again for each attempt of until:. */
export type Invoke = () => TaskResult | Promise<TaskResult>;
export type Prepared = { failure: TaskResult } | { invoke: Invoke };

/** Templates and validates the task's arguments once, returning either a failure or a function that runs the
 * module; the function never throws for a module failure. */
export function prepareModule(task: Task, run: ModuleRun): Prepared {
  const def = resolveModule(task.action)!;
  let templated: Record<string, unknown>;
  try {
    const args = def.keepsUnsafe ? run.templar.templateMarked(task.args) : run.templar.template(task.args);
    templated = removeOmitted(args) as Record<string, unknown>;
  } catch (e) {
    return { failure: templateFailure(e, task) };
  }
  const splat = withVariableParams(templated, run.ctx.warn);
  if ('failure' in splat) return splat;
  const rawArgs = splat.args;
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
  // the module's own answer (exit_json: with its invocation), which the executor then finishes as any other
  if (run.ctx.checkMode && !def.supportsCheckMode) {
    const msg = `remote module (${task.actionAsWritten}) does not support check mode`;
    const invocation = def.executorAction || def.actionPlugin ? {} : { invocation: { module_args: v.invocation } };
    return { invoke: () => ({ changed: false, skipped: true, msg, ...invocation }) };
  }
  return { invoke: new ModuleInvocation(def, v, run.ctx).invoke };
}

/** One module with its validated arguments. A module that answers at once is finished at once (no promise for
 * set_fact). */
class ModuleInvocation {
  constructor(
    readonly def: ModuleDefinition,
    readonly v: ValidatedArgs,
    readonly ctx: ModuleContext,
  ) {}
  readonly invoke = (): TaskResult | Promise<TaskResult> => {
    let running: TaskResult | Promise<TaskResult>;
    try {
      const ctx = this.def.amendsInvocation ? { ...this.ctx, invocationArgs: this.v.invocation } : this.ctx;
      running = this.def.run(this.v.args, ctx);
    } catch (e) {
      return this.#finish(failureOf(e));
    }
    if (running instanceof Promise)
      return running.then(
        (r) => this.#finish(r),
        (e) => this.#finish(failureOf(e)),
      );
    return this.#finish(running);
  };
  #finish(raw: TaskResult): TaskResult {
    const { def, v } = this;
    let result = raw;
    if (!def.executorAction && !def.anyArgs && !def.actionPlugin) {
      if (!('invocation' in result)) result.invocation = { module_args: v.invocation };
      addOutputLines(result);
    }
    if (v.noLogValues?.length) {
      // secrets for the rest of the run (short test credentials such as 's' only in this result)
      addSecrets(v.noLogValues.filter((s) => s.length >= MIN_SCRUBBED));
      result = maskNoLogValues(result, v.noLogValues) as TaskResult;
    }
    if (v.deprecations.length) result.deprecations = [...((result.deprecations as unknown[]) ?? []), ...v.deprecations];
    if (v.warnings.length) result.warnings = [...((result.warnings as unknown[]) ?? []), ...v.warnings];
    return result;
  }
}

/** ActionBase._execute_module: a module's stdout and stderr also come as lists of lines. */
function addOutputLines(result: TaskResult): void {
  for (const stream of ['stdout', 'stderr'])
    if (stream in result && !(`${stream}_lines` in result))
      result[`${stream}_lines`] = splitLines(String(result[stream] ?? ''));
}

/** A module's failure as its result; errors that are not the module's go on. */
function failureOf(e: unknown): TaskResult {
  if (e instanceof ModuleFailure) return e.result;
  if (e instanceof InterruptedError) throw e;
  // a Python exception the module does not catch (re.error from a regexp it compiles) crashes it, as it crashes
  // Ansible's Python module: a traceback on stderr, which _parse_returned_data also gives as the exception
  if (e instanceof PyException) {
    const traceback = `Traceback (most recent call last):\n${e.message}\n`;
    return { ...moduleFailure(traceback), exception: traceback };
  }
  if (e instanceof TsibleError) return { failed: true, msg: e.message };
  if ((e as Error)?.name === 'AbortError') throw e;
  return moduleFailure(String((e as Error)?.stack ?? e));
}

/** A module that ended without a result (ActionBase._parse_returned_data's "MODULE FAILURE"). */
const moduleFailure = (stderr: string): TaskResult => ({
  failed: true,
  msg: `MODULE FAILURE\nSee stdout/stderr for the exact error`,
  module_stderr: stderr,
  module_stdout: '',
  rc: 1,
});

/** A keyword's value templated; an undefined variable in it fails the task naming the field, as post_validate
 * words it. */
export function templateField<T>(field: string, template: () => T): T {
  try {
    return template();
  } catch (e) {
    if (!(e instanceof UndefinedError)) throw e;
    throw new TaskTemplateError(
      `The field '${field}' has an invalid value, which includes an undefined variable. The error was: ${e.message}. ${e.message}`,
    );
  }
}

/** One layer of `environment` into env, as Task._post_validate_environment reads it: a dictionary value by value,
 * a value with an undefined `ansible_env` (the facts not gathered yet) left out; anything else templated whole,
 * used if it gives a dictionary. */
function mergeEnvironment(
  env: Record<string, string | undefined>,
  layer: unknown,
  at: { ctx: RunContext; task: Task; templar: Templar },
): void {
  if (!isDict(layer)) {
    const t = templateField('environment', () => at.templar.template(layer));
    if (isDict(t)) for (const [k, v] of Object.entries(t)) env[k] = pyStr(v);
    else at.ctx.warn(`could not parse environment value, skipping: ${pyStr(layer)}`);
    return;
  }
  const gathering = FACT_GATHERING.has(at.task.action);
  for (const [k, v] of Object.entries(layer)) {
    try {
      env[k] = pyStr(templateField('environment', () => at.templar.template(v)));
    } catch (e) {
      const words = e instanceof TaskTemplateError ? e.message : '';
      if (!((gathering && words.includes('ansible_facts.env')) || words.includes('ansible_env'))) throw e;
    }
  }
}
const FACT_GATHERING = new Set(['gather_facts', 'setup']);

/** The environment a task's module runs in: play, blocks, task merge in that order, values templated. */
export function taskEnvironment(
  ctx: RunContext,
  at: { task: Task; templar: Templar },
): Record<string, string | undefined> {
  const layers = keyword(at.task, 'environment', ctx.play) as readonly unknown[];
  const env: Record<string, string | undefined> = layers.length ? { ...ctx.opts.env } : ctx.opts.env;
  for (const e of layers) mergeEnvironment(env, e, { ctx, task: at.task, templar: at.templar });
  return env;
}

/** What a module is given besides its arguments, for this task on this host. */
export function moduleContext(ctx: RunContext, at: { task: Task; host: string; templar: Templar }, checkMode: boolean) {
  const { task, templar } = at;
  const env = taskEnvironment(ctx, at);
  return {
    task,
    host: at.host,
    checkMode,
    diff: diffMode(ctx, task, templar),
    verbosity: ctx.opts.verbosity,
    basedir: ctx.play.basedir,
    signal: ctx.opts.signal,
    invokedAs: task.actionAsWritten,
    env,
    clock: ctx.opts.clock,
    random: ctx.opts.random,
    warn: ctx.warn,
    templates: templar,
    services: moduleServices.get(ctx) ?? servicesOf(ctx),
  };
}
/** The task's diff keyword, else --diff: a module asked for no diff returns none, so `diff: false` shows none. */
function diffMode(ctx: RunContext, task: Task, templar: Templar): boolean {
  const kw = keyword(task, 'diff', ctx.play);
  return kw === undefined || kw === null ? ctx.opts.diff : truthy(templateField('diff', () => templar.template(kw)));
}
/** The services a module may call (AWS settings and the calls' record, the terminal's prompt): one per run. */
const moduleServices = new WeakMap<RunContext, ModuleServices>();
function servicesOf(ctx: RunContext): ModuleServices {
  const services: ModuleServices = {
    awsSettings: ctx.opts.aws,
    recordAwsCall: (e: AwsCallEvent) => {
      ctx.awsCalls.push(e);
    },
    prompt: ctx.opts.prompt,
    display: (text) => ctx.emit('display', text),
  };
  moduleServices.set(ctx, services);
  return services;
}

/** module_defaults (play, blocks, task): defaults for this module by any of its names or its action group. */
export function withModuleDefaults(ctx: RunContext, task: Task): Task {
  const layers = keyword(task, 'module_defaults', ctx.play) as readonly unknown[];
  if (!layers.length) return task;
  const def = resolveModule(task.action);
  if (!def) return task;
  const names = new Set([...def.names, task.actionAsWritten]);
  const groups = def.groups ?? [];
  const defaults: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const entry of Array.isArray(layer) ? layer : [layer]) {
      if (!isDict(entry)) continue;
      for (const [key, value] of Object.entries(entry)) {
        if (!isDict(value)) continue;
        const group = key.startsWith('group/') ? key.slice(6) : undefined;
        if (
          names.has(key) ||
          (group && groups.some((g) => g === group || g.endsWith(`.${group}`) || group.endsWith(`.${g}`)))
        )
          Object.assign(defaults, value);
      }
    }
  }
  return Object.keys(defaults).length ? { ...task, args: { ...defaults, ...task.args } } : task;
}
