// include_tasks, include and include_role: one banner, an `included:` line per file (loop item), then each
// file's tasks, which take their own turns with the other hosts. import_* are expanded when the playbook loads.
import { statSync } from 'node:fs';
import { ParseError, TsibleError, UndefinedError } from '../errors.js';
import { valuePos } from '../yaml/loader.js';
import type { Block, Task, TaskOrBlock } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Templar } from '../template/templar.js';
import { isDict, pyBoolean, pyStr } from '../python/python.js';
import type { Vars } from '../vars/variable-manager.js';
import {
  includeKeywords,
  loadRole,
  loadTaskList,
  openBlock,
  readYamlFile,
  resolveTaskFile,
} from '../playbook/loader.js';
import type { RunContext } from './context.js';
import type { HostState } from './host-state.js';
import { falseCondition, skippedByWhen } from './conditionals.js';
import { addRoleHandlers } from './handlers.js';
import { itemLabel, itemResult, itemVars, loopControl, noItems } from './loop.js';
import { conditionList, keyword } from './task-keywords.js';
import { taskName } from './task-name.js';
import { failHost, finishTask, templateFailure } from './task-result.js';

/** The actions this file carries out. Their tasks report themselves (an include shows no banner of its own). */
export const INCLUDE_ACTIONS: ReadonlySet<string> = new Set(['include_tasks', 'include_role', 'include']);

/** How deep includes may nest. Ansible 2.14 copies an included task with its chain of parents recursively, so
 * Python's recursion limit ends a self-including file or role, with the error below and exit code 1. Measured with
 * ansible-playbook 2.14 (test/golden/core/include-recursion.yml, include-mutual-recursion.yml,
 * include-role-recursion.yml; by hand, a role and a task file including each other and a file including itself
 * from inside a block): the 247th nested include_tasks, the 198th nested include_role and the 110th of each in
 * turn stop the run once loaded, before their first task. An include_tasks level costs 4 frames, an include_role 5,
 * and 987 may be spent: the one model that fits all three. */
const INCLUDE_FRAMES = { tasks: 4, role: 5 } as const;
const INCLUDE_FRAME_BUDGET = 987;
const includeFrames = new WeakMap<HostState, number>();
const INCLUDE_DEPTH_ERROR =
  'Exceeded maximum object depth. This may have been caused by excessive role recursion. maximum recursion depth exceeded';

/** The include's execution (task-executor.ts). */
interface IncludeSite {
  readonly ctx: RunContext;
  readonly task: Task;
  readonly host: string;
  readonly state: HostState;
  readonly templar: Templar;
  readonly extra: Vars;
  readonly run: { readonly first: boolean; readonly handler: boolean; release(): void };
}

/** One include of the task (one per loop item): its variables and what it brings. */
interface Planned {
  readonly runExtra: Vars;
  readonly templar: Templar;
  readonly file?: string;
  readonly loaded?: TaskOrBlock[];
  readonly role?: Record<string, unknown>;
}
/** The includes of one task: what to run, what each reports. */
interface Plan {
  readonly planned: Planned[];
  readonly results: TaskResult[];
  skippedAll: boolean;
  /** The host failed while planning (a file missing, a template error): nothing runs. */
  stopped: boolean;
}

export async function runInclude(site: IncludeSite, items: unknown[] | null): Promise<void> {
  const { ctx, task, host } = site;
  if (site.run.first) ctx.emit('taskStart', task, taskName(task, site.templar), site.run.handler);
  if (items !== null && !items.length) {
    ctx.emit('taskResult', host, task, noItems(), 'skipped');
    ctx.stat(host, 'skipped');
    return;
  }
  const plan = planIncludes(site, items);
  if (plan.stopped) return;
  if (plan.skippedAll) {
    if (items !== null)
      ctx.emit(
        'taskResult',
        host,
        task,
        { changed: false, skipped: true, msg: 'All items skipped', results: [] },
        'skipped',
      );
    ctx.stat(host, 'skipped');
    return;
  }
  if (plan.results.length) {
    const r: TaskResult =
      items === null
        ? { changed: false, ...plan.results[0] }
        : { changed: false, msg: 'All items completed', results: plan.results };
    ctx.emit('taskResult', host, task, r, 'ok');
  }
  // the include itself is done: its tasks take their own turns with the other hosts
  site.run.release();
  await runPlanned(site, plan.planned);
}

/** Each item's include: its `when`, then the role's arguments or the file, loaded now. */
function planIncludes(site: IncludeSite, items: unknown[] | null): Plan {
  const { ctx, task, host } = site;
  const control = items === null ? undefined : loopControl(task, ctx.templar(host, task, site.extra));
  const loopVar = control?.loopVar ?? 'item';
  const runs = control ? items!.map((_item, i) => itemVars(control, site.extra, items!, i)) : [site.extra];
  const plan: Plan = { planned: [], results: [], skippedAll: true, stopped: false };
  for (const runExtra of runs) {
    const t = ctx.templar(host, task, runExtra);
    const itemSite = { ctx, task, host, state: site.state, templar: t };
    let cond: string | null;
    try {
      cond = falseCondition(t, keyword(task, 'when') as readonly unknown[]);
    } catch (e) {
      finishTask(itemSite, templateFailure(e, task));
      return stop(plan);
    }
    if (cond !== null) {
      const r = { ...skippedByWhen(cond), _ansible_no_log: ctx.noLog(task) };
      if (items === null) ctx.emit('taskResult', host, task, r, 'skipped');
      else {
        const label = itemLabel(task, t, runExtra[loopVar]);
        ctx.emit('itemResult', host, task, {
          result: { ...r, [loopVar]: runExtra[loopVar] },
          status: 'skipped',
          label,
        });
      }
      continue;
    }
    plan.skippedAll = false;
    try {
      // every item's file is loaded (and each missing one reported) before the host fails
      if (!planOne(itemSite, runExtra, plan, items !== null)) plan.stopped = true;
    } catch (e) {
      if (e instanceof ParseError) throw e; // an included file that does not parse ends the run
      // IncludedFile.process_include_results: the error's own text, without the task's position
      const failure = e instanceof UndefinedError ? { failed: true, msg: `${e.message}. ${e.message}` } : undefined;
      finishTask(itemSite, failure ?? templateFailure(e, task));
      return stop(plan);
    }
  }
  return plan;
}

function stop(plan: Plan): Plan {
  plan.stopped = true;
  return plan;
}

/** One include planned: include_role's arguments, or the task file loaded. False when the file is not there. */
function planOne(site: Omit<IncludeSite, 'extra' | 'run'>, runExtra: Vars, plan: Plan, looped: boolean): boolean {
  const { ctx, task, host, templar: t } = site;
  const loopVar = pyStr(runExtra.ansible_loop_var ?? 'item');
  const item: TaskResult = {};
  if (looped) {
    item._ansible_item_label = runExtra[loopVar];
    itemResult(item, runExtra);
  }
  if (task.action === 'include_role') {
    const roleArgs = t.template(task.args) as Record<string, unknown>;
    plan.planned.push({ runExtra, templar: t, role: roleArgs });
    plan.results.push({ include_args: roleArgs, ...item });
    return true;
  }
  const fileName = pyStr(t.template(task.args.file ?? task.args._raw_params));
  const file =
    ctx.opts.frozenIncludes?.get(task)?.get(fileName)?.file ??
    resolveTaskFile(fileName, { basedir: ctx.play.basedir, file: task.pos.file, role: task.role });
  // the strategy loads an included file before it says "included" (and counts it ok): a file that is not
  // there fails the host at the include, ignore_errors or not; one that does not parse ends the run
  const loaded = loadIncludedFile(ctx, task, file, fileName);
  const { file: _f, _raw_params: _r, ...includeArgs } = t.template(task.args) as Record<string, unknown>;
  void _f;
  void _r;
  const result = { include: fileName, include_args: includeArgs, ...item };
  if (typeof loaded === 'string') {
    // the worker's result was ok (the minimal callback shows it) before the strategy failed to load the file
    if (!looped) ctx.emit('taskResult', host, task, { changed: false, ...result }, 'ok');
    failInclude(site, loaded);
    return false;
  }
  ctx.emit('included', file, [host], looped ? itemLabel(task, t, runExtra[loopVar]) : undefined);
  ctx.stat(host, 'ok');
  plan.planned.push({ runExtra, templar: t, file, loaded });
  plan.results.push(result);
  return true;
}

function failInclude(site: { ctx: RunContext; task: Task; host: string; state: HostState }, reason: string): void {
  const result = { failed: true, reason };
  site.ctx.emit('taskResult', site.host, site.task, result, 'failed');
  site.ctx.stat(site.host, 'failures');
  failHost(site, undefined);
  // the task queue manager keeps the host failed even when a rescue runs: later plays leave it out
  site.ctx.gone.add(site.host);
}

/** include_role's roles, each loaded before any runs (the strategy loads every included file first). A role that
 * cannot be loaded (not found: an AnsibleError) is shown as an error and fails the host, without a result or a
 * count; a role that does not parse ends the run. Undefined when one failed. */
function loadIncludedRoles(site: IncludeSite, planned: readonly Planned[]): Map<Planned, Block> | undefined {
  const blocks = new Map<Planned, Block>();
  let failed = false;
  for (const p of planned) {
    if (!p.role) continue;
    try {
      blocks.set(p, loadIncludedRole(site, p.role));
    } catch (e) {
      if (!(e instanceof TsibleError) || e instanceof ParseError) throw e;
      site.ctx.emit('error', e);
      failed = true;
    }
  }
  if (!failed) return blocks;
  failHost(site, undefined);
  site.ctx.gone.add(site.host);
  return undefined;
}

function loadIncludedRole(site: IncludeSite, a: Record<string, unknown>): Block {
  const { ctx, task } = site;
  const name = pyStr(a.name ?? a.role);
  // the role's name as written is where a 'not found' points, when the task wrote it as it is
  const written = task.args.name ?? task.args.role;
  return loadRole({
    name,
    params: {},
    ctx: { file: task.pos.file, basedir: ctx.play.basedir, depth: 0, warnings: [], dynamic: true },
    parent: task.parent,
    pos: task.pos,
    errorPos: written === name ? (valuePos(task.args, 'name') ?? valuePos(task.args, 'role') ?? task.pos) : task.pos,
    files: {
      tasks: a.tasks_from as string,
      defaults: a.defaults_from as string,
      vars: a.vars_from as string,
      handlers: a.handlers_from as string,
    },
    fromInclude: true,
    allowDuplicates: pyBoolean(a.allow_duplicates ?? true, false),
    parentRole: task.role,
    validate: pyBoolean(a.rolespec_validate ?? true, false),
  });
}

/** The planned includes in turn, each with its task's vars; until/retries includes again (a tsible extension,
 * ansible/ansible#17098). */
async function runPlanned(site: IncludeSite, planned: Planned[]): Promise<void> {
  const { ctx, task, host, state } = site;
  const until = keyword(task, 'until');
  const retries = until !== undefined ? Number(site.templar.template(keyword(task, 'retries') ?? 3)) + 1 : 1;
  const roles = loadIncludedRoles(site, planned);
  if (!roles) return;
  for (const p of planned) {
    const vars = keyword(task, 'vars');
    const includeExtra = { ...p.runExtra, ...(isDict(vars) ? (p.templar.template(vars) as Vars) : {}) };
    const frames = p.role ? INCLUDE_FRAMES.role : INCLUDE_FRAMES.tasks;
    const outer = includeFrames.get(state) ?? 0;
    if (outer + frames > INCLUDE_FRAME_BUDGET) throw new TsibleError(INCLUDE_DEPTH_ERROR);
    for (let attempt = 1; attempt <= retries; attempt++) {
      state.frames.push({ file: task.pos.file, line: task.pos.line, name: taskName(task, p.templar) });
      includeFrames.set(state, outer + frames);
      try {
        if (!(await runIncluded(site, p, { includeExtra, attempt, role: roles.get(p) }))) return;
      } finally {
        state.frames.pop();
        includeFrames.set(state, outer);
      }
      if (until === undefined || state.failed) break;
      const after = ctx.templar(host, task, includeExtra);
      if (conditionList(until).every((c) => after.evaluateConditional(c))) break;
      if (attempt < retries) {
        ctx.emit('retry', host, task, { name: taskName(task, after), retriesLeft: retries - attempt, result: {} });
        await ctx.opts.clock.sleep(Number(after.template(keyword(task, 'delay') ?? 5)) * 1000, ctx.opts.signal);
        ctx.emit('included', p.file ?? pyStr(p.role?.name), [host], undefined);
      } else {
        ctx.emit('taskStart', task, taskName(task, after), site.run.handler);
        const failure = {
          failed: true,
          msg: `include did not satisfy 'until' after ${retries} attempts`,
          attempts: retries - 1,
        };
        finishTask({ ctx, task, host, state, templar: after }, failure);
      }
    }
    if (state.failed) return;
  }
}

/** One attempt of one include: the role's block or the file's tasks, walked. False when the file went missing. */
async function runIncluded(
  site: IncludeSite,
  p: Planned,
  { includeExtra, attempt, role: block }: { includeExtra: Vars; attempt: number; role?: Block },
): Promise<boolean> {
  const { ctx, task } = site;
  if (p.role && block) {
    // public: the role's defaults and vars stay visible to the rest of the play (IncludeRole: play.roles.append)
    if (pyBoolean(p.role.public ?? false, false)) ctx.play.publicRoles.push(block.role!);
    addRoleHandlers(ctx, block);
    await ctx.walk.runList([block], site.host, includeExtra);
    return true;
  }
  // loaded when planned; a retry (until:) loads the file again, as a new include would
  const loaded = attempt === 1 ? p.loaded : loadIncludedFile(ctx, task, p.file!);
  if (typeof loaded === 'string' || !loaded) {
    failInclude(site, loaded || `Could not find or access '${p.file!}' on the Ansible Controller.`);
    return false;
  }
  await ctx.walk.runList(loaded, site.host, includeExtra);
  return true;
}

/** An included task file, loaded under a block that carries the include's `apply:` keywords; null when the
 * file is not there. A file that does not parse throws its ParseError, which ends the run as in Ansible. */
function loadIncludedFile(ctx: RunContext, task: Task, file: string, asWritten = file): TaskOrBlock[] | string {
  const frozen = ctx.opts.frozenIncludes;
  const kept = frozen?.get(task)?.get(asWritten);
  if (kept?.file === file) return kept.tasks;
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory()) {
    const why = `[Errno 21] Is a directory: b'${file}'`;
    throw new ParseError(`an error occurred while trying to read the file '${file}': ${why}. ${why}`);
  }
  if (!stat?.isFile()) return `Could not find or access '${file}' on the Ansible Controller.`;
  const apply = isDict(task.args.apply) ? (task.args.apply as Record<string, unknown>) : {};
  // an `include`'s arguments are variables of its tasks (its vars are the include's own, as include_tasks')
  const { vars } = includeKeywords(task).keywords;
  const keywords = task.action === 'include' ? { vars } : apply;
  const holder = openBlock({ keywords, pos: task.pos, parent: task.parent, role: task.role, implicit: true });
  const { documents } = readYamlFile(file);
  // the strategy's own check: the host fails at the include
  if (documents[0] !== null && documents[0] !== undefined && !Array.isArray(documents[0]))
    return 'included task files must contain a list of tasks';
  const imported: Block[] = [];
  const tasks = loadTaskList(
    documents[0] ?? [],
    // (a handler's include loads handlers: the loader marks a handler by giving it its listen topics)
    {
      file,
      basedir: ctx.play.basedir,
      role: task.role,
      depth: 0,
      warnings: [],
      imported,
      dynamic: true,
      handler: task.listen !== undefined,
    },
    holder,
  );
  holder.block = tasks;
  // roles that import_role loads in an included file become public, as in a play's tasks
  for (const b of imported) {
    ctx.play.publicRoles.push(b.role!);
    addRoleHandlers(ctx, b);
  }
  if (frozen) {
    let byName = frozen.get(task);
    if (!byName) frozen.set(task, (byName = new Map()));
    byName.set(asWritten, { file, tasks });
  }
  return tasks;
}
