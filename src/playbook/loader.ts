// Reads playbooks and task files into Play/Block/Task, finding each task's module the way Ansible does
// (short names, FQCNs, old names, action:/local_action:, k=v free-form) and refusing what Ansible refuses,
// in its words, with the position of the offending YAML.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { configValue } from '../config.js';
import * as path from 'node:path';
import { ParseError, TsibleError, UnexpectedError, type Pos } from '../errors.js';
import { decodeYamlFile, loadYaml, posOf, secondDocumentError, setPos, valuePos } from '../yaml/loader.js';
import { addSecrets, isEncrypted } from '../vault/index.js';
import { extendedError } from '../yaml/extended-error.js';
import { isDict, pyBoolean, pyRepr, pyStr } from '../python/python.js';
import { resolveModule } from '../../modules/index.js';
import {
  PLAY_CHECKED_KEYWORDS,
  canonicalKeyword,
  warnIgnoredKeywords,
  isLoopKeyword,
  isLoopOverLookup,
  keywordTypeError,
  keywordValueError,
  keywordsValidAt,
} from './keywords.js';
import type { Block, Play, Playbook, Role, Task, TaskOrBlock } from './model.js';

type Raw = Record<string, unknown>;

/** ansible-core's RAW_PARAM_MODULES, in the order one run of ansible-playbook printed them (it prints a set). */
const RAW_PARAM_MODULES =
  'include_vars, ansible.legacy.command, meta, win_command, include, group_by, ansible.builtin.include_role, ansible.builtin.group_by, ansible.legacy.script, ansible.legacy.win_shell, ansible.builtin.import_tasks, ansible.windows.win_shell, ansible.builtin.raw, shell, ansible.legacy.add_host, set_fact, ansible.legacy.meta, ansible.legacy.shell, ansible.builtin.meta, add_host, ansible.legacy.group_by, include_tasks, ansible.legacy.include, include_role, ansible.legacy.import_tasks, ansible.builtin.script, ansible.builtin.shell, ansible.builtin.include_tasks, script, ansible.builtin.win_command, ansible.legacy.win_command, command, import_tasks, ansible.builtin.command, import_role, ansible.builtin.include, win_shell, ansible.legacy.include_tasks, ansible.builtin.win_shell, raw, ansible.legacy.set_fact, ansible.windows.win_command, ansible.legacy.include_role, ansible.builtin.add_host, ansible.legacy.raw, ansible.builtin.include_vars, ansible.builtin.set_fact, ansible.builtin.import_role, ansible.legacy.include_vars, ansible.legacy.import_role'.split(
    ', ',
  );
/** Ansible's internal names of a module: as written, and under ansible.builtin. and ansible.legacy. */
const withInternalFqcns = (names: string[]) =>
  names.flatMap((n) => (n.includes('.') ? [n] : [n, `ansible.builtin.${n}`, `ansible.legacy.${n}`]));
/** FREEFORM_ACTIONS (C.MODULE_REQUIRE_ARGS): their free-form text is a command line, of which parse_kv takes only
 * the command options (creates=, chdir=, ...). */
const FREEFORM_ACTIONS = new Set(
  withInternalFqcns([
    ...['command', 'win_command', 'ansible.windows.win_command'],
    ...['shell', 'win_shell', 'ansible.windows.win_shell'],
    ...['raw', 'script'],
  ]),
);
/** C._ACTION_HAS_CMD: `cmd:` is their dict spelling of the free-form command line. */
const HAS_CMD = new Set(withInternalFqcns(['command', 'shell', 'script']));

// Parsed files by path, reused while the file is the same (an include in a loop reads its file every time, as
// Ansible's DataLoader does; parsing it again is what costs). "The same": same size, modification time and inode
// (one stat instead of reading the text), and the text is compared when the stat cannot tell (a change within the
// file system's timestamp granularity). Callers get their own copy, as DataLoader gives.
const parsed = new Map<string, { text: string; stamp: string; loaded: { documents: unknown[]; warnings: string[] } }>();
const PARSE_CACHE_ENTRIES = 256;

/** A copy of loaded YAML that keeps every node's position, and shares what YAML's aliases shared: a node is copied
 * once however many aliases name it, so that an alias bomb costs what its text costs (PyYAML shares them too). */
function copyLoaded<T>(node: T, copies = new Map<object, unknown>()): T {
  if (node === null || typeof node !== 'object') return node;
  const known = copies.get(node);
  if (known !== undefined) return known as T;
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    copies.set(node, out);
    for (const x of node) out.push(copyLoaded(x, copies));
    setPos(out, posOf(node));
    return out as T;
  }
  if (isDict(node) && Object.getPrototypeOf(node) === Object.prototype) {
    const out: Raw = {};
    copies.set(node, out);
    for (const [k, v] of Object.entries(node)) out[k] = copyLoaded(v, copies);
    setPos(out, posOf(node));
    return out as T;
  }
  return node;
}

/** Python's words for reading a directory as a file, as Ansible repeats them. */
export const isADirectory = (file: string): string =>
  `an error occurred while trying to read the file '${file}': [Errno 21] Is a directory: b'${file}'. [Errno 21] Is a directory: b'${file}'`;

export function readYamlFile(file: string): { documents: unknown[]; warnings: string[]; encrypted?: boolean } {
  // a missing file is an AnsibleFileNotFound (exit 1), a directory an error reading it (exit 4)
  const missing = (e: unknown) =>
    new TsibleError(
      `Unable to retrieve file contents\nCould not find or access '${file}' on the Ansible Controller.\n` +
        'If you are using a module and expect the file to exist on the remote, see the remote_src option',
      { cause: e },
    );
  let stamp: string;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new ParseError(isADirectory(file));
    stamp = `${st.size}/${st.mtimeMs}/${st.ino}`;
    if (Date.now() - st.mtimeMs < 2000) stamp += `/${Math.random()}`;
  } catch (e) {
    throw e instanceof ParseError ? e : missing(e);
  }
  let hit = parsed.get(file);
  if (hit?.stamp === stamp) return { documents: copyLoaded(hit.loaded.documents), warnings: [...hit.loaded.warnings] };
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw missing(e);
  }
  const text = decodeYamlFile(bytes);
  // an encrypted file is decrypted with the secrets of each read, so its plaintext is never cached
  if (isEncrypted(text)) {
    const loaded = loadYaml(text, file);
    // the values of an encrypted vars file (vars_files, include_vars, a role's vars) are secrets; a playbook or
    // task list is not a mapping, and its module names and hosts are no one's secret
    if (isDict(loaded.documents[0])) addSecrets(loaded.documents[0]);
    return { ...loaded, encrypted: true };
  }
  if (hit?.text === text) hit.stamp = stamp;
  else {
    hit = { text, stamp, loaded: loadYaml(text, file) };
    if (hit.loaded.documents.length > 1) throw secondDocumentError(file, text);
    if (parsed.size >= PARSE_CACHE_ENTRIES) parsed.delete(parsed.keys().next().value!);
    parsed.set(file, hit);
  }
  return { documents: copyLoaded(hit.loaded.documents), warnings: [...hit.loaded.warnings] };
}

export { parseKv } from './kv.js';
import { parseKv, splitArgs } from './kv.js';

function fail(message: string, node: unknown, fallback: Pos): never {
  throw new ParseError(message, { pos: posOf(node) ?? fallback });
}

interface LoadContext {
  readonly file: string;
  readonly basedir: string;
  readonly role?: Role;
  readonly handler?: boolean;
  readonly depth: number;
  readonly warnings: string[];
  /** The roles import_role loaded, in order: the play's public roles, whose handlers join the play's. */
  readonly imported?: Block[];
  /** The roles being loaded, outermost first, each with where its entry is (for a loop's error). */
  readonly roleChain?: readonly RoleLink[];
  /** Loaded by include_tasks, a dynamic `include` or include_role: an `include` in it is dynamic too
   * (Task.all_parents_static). */
  readonly dynamic?: boolean;
}
interface RoleLink {
  /** The role's path and tasks file. */
  readonly path: string;
  readonly entryPos?: Pos;
}

/** How Ansible names a task list that is not a list (what was loading it), and where it points. */
interface TaskListSource {
  readonly notAList: string;
  readonly pos?: Pos;
}

export function loadTaskList(data: unknown, ctx: LoadContext, parent?: Block, source?: TaskListSource): TaskOrBlock[] {
  const filePos = { file: ctx.file, line: 1, column: 1 };
  if (data === null || data === undefined) return [];
  if (!Array.isArray(data))
    throw new ParseError(
      source?.notAList ?? 'A malformed block was encountered while loading tasks: expected a list of tasks',
      { pos: source ? source.pos : (posOf(data) ?? filePos) },
    );
  const out: TaskOrBlock[] = [];
  for (const item of data) {
    if (item === null) continue; // load_list_of_blocks skips an empty entry
    if (!isDict(item))
      throw new ParseError(
        `A malformed block was encountered while loading a block. The ds (${pyRepr(data)}) should be a dict but was a <class 'list'>`,
      );
    out.push(...loadTaskOrBlock(item, ctx, parent));
  }
  return out;
}

const MALFORMED = (what: string) => `A malformed block was encountered while loading ${what}`;

function loadTaskOrBlock(ds: Raw, ctx: LoadContext, parent?: Block): TaskOrBlock[] {
  const pos = posOf(ds) ?? { file: ctx.file, line: 1, column: 1 };
  if ('block' in ds || 'rescue' in ds || 'always' in ds) {
    checkKeywords(ds, { level: 'block', owner: 'Block', pos }, ctx);
    const keywords: Raw = {};
    for (const [k, v] of Object.entries(ds)) if (!['block', 'rescue', 'always'].includes(k)) keywords[k] = v;
    if (!('block' in ds))
      fail(`'${'rescue' in ds ? 'rescue' : 'always'}' keyword cannot be used without 'block'`, ds, pos);
    // a list of handlers may hold blocks, a block of handlers may not (load_list_of_tasks with use_handlers)
    if (ctx.handler && parent && !parent.implicit) fail('Using a block as a handler is not supported.', ds, pos);
    const block = openBlock({ name: ds.name as string | undefined, keywords, pos, parent, role: ctx.role });
    block.block = loadTaskList(ds.block ?? [], ctx, block, { notAList: MALFORMED('a block'), pos });
    block.rescue = loadTaskList(ds.rescue ?? [], ctx, block, { notAList: MALFORMED('rescue.'), pos });
    block.always = loadTaskList(ds.always ?? [], ctx, block, { notAList: MALFORMED('always'), pos });
    return [block];
  }
  const task = loadTask(ds, ctx, parent, pos);
  if (ctx.handler && (task.action === 'include_role' || task.action === 'import_role'))
    fail(`Using '${task.actionAsWritten}' as a handler is not supported.`, ds, pos);
  checkIncludeOptions(task, ds);
  if (task.action === 'import_tasks' || (task.action === 'include' && !ctx.dynamic && isStaticInclude(task)))
    return [importTasks(task, ctx, parent)];
  if (task.action === 'import_role') return [importRole(task, ctx, parent, ds)];
  return [task];
}

const TASK_INCLUDE_OPTIONS = ['file', '_raw_params', 'apply'];
const ROLE_INCLUDE_OPTIONS = ['name', 'role', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from'];
const ROLE_INCLUDE_OTHER = ['apply', 'public', 'allow_duplicates', 'rolespec_validate'];

/** TaskInclude.check_options and IncludeRole.load: the options of include_tasks, import_tasks, include_role and
 * import_role, refused at load time in their words. */
function checkIncludeOptions(task: Task, ds: Raw): void {
  const role = task.action === 'include_role' || task.action === 'import_role';
  if (!role && task.action !== 'include_tasks' && task.action !== 'import_tasks') return;
  const action = task.actionAsWritten;
  const { args } = task;
  if (role && args.name === undefined && args.role === undefined)
    fail(`'name' is a required field for ${action}.`, ds, task.pos);
  const valid = role ? [...ROLE_INCLUDE_OPTIONS, ...ROLE_INCLUDE_OTHER] : TASK_INCLUDE_OPTIONS;
  const bad = Object.keys(args).filter((k) => !valid.includes(k) && !k.startsWith('_'));
  if (bad.length) fail(`Invalid options for ${action}: ${bad.join(',')}`, ds, task.pos);
  if (!role && !args._raw_params && !args.file) throw new ParseError(`No file specified for ${action}`);
  const apply = args.apply ?? {};
  if (isTruthyApply(apply) && task.action !== 'include_tasks' && task.action !== 'include_role')
    fail(`Invalid options for ${action}: apply`, ds, task.pos);
  if (!isDict(apply)) fail(`Expected a dict for apply but got ${pyTypeOf(apply)} instead`, ds, task.pos);
  if (task.action === 'import_tasks' && Object.keys(task.keywords).some((k) => k === 'loop' || isLoopKeyword(k)))
    fail("You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead.", ds, task.pos);
}
const isTruthyApply = (v: unknown) => !(v === null || v === '' || (isDict(v) && !Object.keys(v).length));
/** Python's type() of a YAML value, as Ansible's messages print it. */
const pyTypeOf = (v: unknown): string =>
  isDict(v)
    ? "<class 'ansible.parsing.yaml.objects.AnsibleMapping'>"
    : typeof v === 'string'
      ? "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>"
      : Array.isArray(v)
        ? "<class 'ansible.parsing.yaml.objects.AnsibleSequence'>"
        : `<class '${typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v === 'boolean' ? 'bool' : 'NoneType'}'>`;

const unexpectedType = (v: unknown) => `unexpected parameter type in action: ${pyTypeOf(v)}`;

const isStaticInclude = (task: Task) =>
  !String(task.args._raw_params ?? task.args.file ?? '').includes('{{') &&
  task.keywords.loop === undefined &&
  !Object.keys(task.keywords).some(isLoopKeyword);

function loadTask(ds: Raw, ctx: LoadContext, parent: Block | undefined, pos: Pos): Task {
  const [level, owner] = ctx.handler ? (['handler', 'Handler'] as const) : (['task', 'Task'] as const);
  for (const [k, v] of Object.entries(ds)) {
    const err = keywordTypeError(k, v, owner);
    if (err && k === 'module_defaults') throw new ParseError(err); // Ansible names no position for it
    // Ansible places a vars or loop_control of the wrong shape at its value, even a scalar one
    if (err) fail(err, k === 'vars' || k === 'loop_control' ? undefined : ds, valuePos(ds, k) ?? pos);
  }
  checkTaskFields(ds, pos);
  const { keywords, actionName, rawArgs } = parseAction(ds, pos);
  // an action that is a template (`action: '{{ module }}'`) is resolved per host when the task runs
  const templatedAction = /\{\{|\{%/.test(actionName);
  const def = templatedAction ? undefined : resolveModule(actionName);
  if (!def && !templatedAction) fail(unresolved(actionName), ds, pos);
  // Task._validate_attributes, after ModuleArgsParser (`listen` is for handlers only); its message carries the
  // position once more, before its hint
  const valid = keywordsValidAt(level);
  for (const k of Object.keys(keywords))
    if (!valid.has(k) && !isLoopOverLookup(k))
      fail(
        `'${k}' is not a valid attribute for a ${owner}\n\n${extendedError(pos)}\nThis error can be suppressed as a warning using the "invalid_task_attribute_failed" configuration`,
        ds,
        pos,
      );
  warnIgnoredKeywords(ds, level, pos, ctx.warnings);
  let args = moduleArgs(actionName, rawArgs, { ds, pos });
  if (isDict(keywords.args)) {
    args = { ...(keywords.args as Raw), ...args };
    delete keywords.args;
  }
  // the arguments keep where their values were written (an error about one points at it)
  if (isDict(rawArgs) && !posOf(args)) setPos(args, posOf(rawArgs));
  // `cmd:` is the dict spelling of the free-form command line (Task.preprocess_data)
  if (HAS_CMD.has(actionName) && 'cmd' in args) {
    // an AnsibleError, not a parser error: the run exits with 1
    if ((args._raw_params ?? '') !== '')
      throw new TsibleError(
        "The 'cmd' argument cannot be used when other raw parameters are specified. Please put everything in one or the other place.",
        { pos: posOf(ds) ?? pos },
      );
    args._raw_params = args.cmd;
    delete args.cmd;
  }
  if (def?.names[0] === 'shell' || def?.names[0] === 'command') args._uses_shell ??= def.names[0] === 'shell';
  const listen = ctx.handler
    ? (Array.isArray(ds.listen) ? ds.listen : ds.listen ? [ds.listen] : []).filter(
        (x): x is string => typeof x === 'string',
      )
    : undefined;
  return {
    kind: 'task',
    name: typeof ds.name === 'string' ? ds.name : ds.name === undefined ? undefined : String(ds.name),
    action: def?.names[0] ?? actionName,
    actionAsWritten: actionName,
    args,
    keywords,
    pos,
    parent,
    role: ctx.role,
    listen,
  };
}

/** Taggable._load_tags: a list or a comma-separated string (an AnsibleError, exit 1, at the value). */
function checkTags(ds: Raw): void {
  const tags = ds.tags;
  if (tags !== undefined && tags !== null && !Array.isArray(tags) && typeof tags !== 'string')
    throw new TsibleError('tags must be specified as a list', { pos: posOf(tags) });
}

/** What Task.load refuses beyond the keywords' types: tags, two loops, complex args (the register name is checked
 * when the task has run: task-result.ts). */
function checkTaskFields(ds: Raw, pos: Pos): void {
  checkTags(ds);
  const withLoop = Object.keys(ds).find((k) => k.startsWith('with_'));
  if (withLoop && ds.loop !== undefined)
    throw new TsibleError(`duplicate loop in task: ${withLoop.slice(5)}`, { pos: posOf(ds) ?? pos });
  const args = ds.args;
  if (args === undefined || args === null || isDict(args)) return;
  if (typeof args !== 'string') fail('Complex args must be a dictionary or variable string ("{{var}}").', ds, pos);
  if (!/^\s*{{.*}}\s*$/s.test(args))
    fail(
      "Complex args containing variables cannot use bare variables (without Jinja2 delimiters), and must use the full variable style ('{{var_name}}')",
      ds,
      pos,
    );
}

const unresolved = (name: string) =>
  `couldn't resolve module/action '${name}'. This often indicates a misspelling, missing collection, or incorrect module path.`;

/** ModuleArgsParser: the task's keywords (stored under their canonical names), and the module it calls with
 * its arguments as written: from action/local_action, else the one key that is no keyword. */
function parseAction(ds: Raw, pos: Pos): { keywords: Raw; actionName: string; rawArgs: unknown } {
  const keywords: Raw = {};
  const candidates: string[] = [];
  for (const [k, v] of Object.entries(ds)) {
    if (NOT_ACTIONS.has(k) || isLoopKeyword(k)) keywords[canonicalKeyword(k)] = v;
    else candidates.push(k);
  }
  if (keywords.action === undefined && keywords.local_action === undefined) {
    // every key that is not a keyword is a candidate action
    if (candidates.length > 1) fail(`conflicting action statements: ${candidates.join(', ')}`, ds, pos);
    if (candidates.length === 0) fail(`no module/action detected in task.`, ds, pos);
    // load_list_of_tasks parses once without resolving the action: its value's errors come first
    const value = ds[candidates[0]!];
    if (typeof value === 'string') moduleArgs(candidates[0]!, value, { ds, pos });
    else if (value !== null && value !== undefined && !isDict(value)) fail(unexpectedType(value), ds, pos);
    if (!resolveModule(candidates[0]!)) fail(unresolved(candidates[0]!), ds, pos);
    return { keywords, actionName: candidates[0]!, rawArgs: ds[candidates[0]!] };
  }
  const spec = keywords.action ?? keywords.local_action;
  if (keywords.local_action !== undefined) keywords.delegate_to = 'localhost';
  delete keywords.action;
  delete keywords.local_action;
  let actionName: string, rawArgs: unknown;
  if (typeof spec === 'string') [actionName, rawArgs] = splitModuleString(spec, { ds, pos });
  else if (isDict(spec) && typeof spec.module === 'string') {
    const { module, ...rest } = spec;
    const [name, text] = splitModuleString(module as string, { ds, pos });
    actionName = name;
    rawArgs = text ? { ...rest, ...kvArgs(name, text, { ds, pos }) } : rest;
  } else if (isDict(spec)) fail('no module/action detected in task.', ds, pos);
  else fail(unexpectedType(spec), ds, pos);
  if (candidates.length) fail(`conflicting action statements: ${[actionName, ...candidates].join(', ')}`, ds, pos);
  return { keywords, actionName, rawArgs };
}
/** The keys ModuleArgsParser never takes for a module: a Task's or Handler's attributes, local_action among them. */
const NOT_ACTIONS = new Set([...keywordsValidAt('task'), ...keywordsValidAt('handler')]);

/** _split_module_string: `shell echo hi` as the module's name and the text of its arguments. */
function splitModuleString(text: string, at: { ds: Raw; pos: Pos }): [string, string] {
  const [name = '', ...rest] = atTask(() => splitArgs(text), at);
  return [name.trim(), rest.join(' ')];
}

/** parse_kv on a task's free-form text; a command line keeps all but the command options as _raw_params. */
const kvArgs = (actionName: string, text: string, at: { ds: Raw; pos: Pos }): Raw =>
  atTask(() => parseKv(text, FREEFORM_ACTIONS.has(actionName)), at);

/** The splitter's errors, at the task they are about. */
function atTask<T>(parse: () => T, at: { ds: Raw; pos: Pos }): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof ParseError && !e.pos) fail(e.message, at.ds, at.pos);
    throw e;
  }
}

/** A module's arguments from a k=v string or a dict; free-form words only for the modules that take them. */
function moduleArgs(actionName: string, rawArgs: unknown, at: { ds: Raw; pos: Pos }): Raw {
  let args: Raw;
  if (rawArgs === null || rawArgs === undefined) args = {};
  else if (typeof rawArgs === 'string') args = kvArgs(actionName, rawArgs, at);
  else if (isDict(rawArgs)) args = { ...rawArgs };
  else fail(unexpectedType(rawArgs), at.ds, at.pos);
  if (typeof args._raw_params !== 'string' || args._raw_params === '' || RAW_PARAM_MODULES.includes(actionName))
    return args;
  // free-form text that is a template may give the arguments as a dict: the task learns when it runs
  if (/\{\{|\{%|\{#/.test(args._raw_params)) {
    const { _raw_params: params, ...rest } = args;
    return { ...rest, _variable_params: params };
  }
  fail(
    `this task '${actionName}' has extra params, which is only allowed in the following modules: ${RAW_PARAM_MODULES.join(', ')}`,
    at.ds,
    at.pos,
  );
  return args;
}

// Where each include's file was found, during one run (an include in a loop asks again and again); a playbook
// run starts with forgetRunCaches(). Only finds are kept: a file that appears later is found then.
const resolved = new Map<string, string>();
export function forgetRunCaches(): void {
  resolved.clear();
}

export function resolveTaskFile(name: string, ctx: { basedir: string; file?: string; role?: Role }): string {
  if (path.isAbsolute(name)) return name;
  const key = `${ctx.role?.path ?? ''}\0${ctx.file ? path.dirname(ctx.file) : ''}\0${ctx.basedir}\0${name}`;
  const known = resolved.get(key);
  if (known !== undefined) return known;
  const candidates = [
    ...(ctx.role ? [path.join(ctx.role.path, 'tasks', name)] : []),
    ...(ctx.file ? [path.join(path.dirname(ctx.file), name)] : []),
    path.join(ctx.basedir, name),
    path.join(ctx.basedir, 'tasks', name),
  ];
  for (const c of candidates)
    if (statSync(c, { throwIfNoEntry: false })?.isFile()) {
      if (resolved.size < 10_000) resolved.set(key, c);
      return c;
    }
  return candidates[0]!;
}

/** A block whose task lists are filled in once it exists (its tasks point at it as their parent). */
export function openBlock(fields: Omit<Block, 'kind' | 'block' | 'rescue' | 'always'>): {
  -readonly [K in keyof Block]: Block[K];
} {
  return { kind: 'block', block: [], rescue: [], always: [], ...fields };
}

/** Imports nested deeper than this are a file importing itself (directly or through others). */
const MAX_IMPORT_DEPTH = 50;
/** Ansible 2.14 imports until Python's RecursionError, which it reports as an unexpected exception (exit code
 * 250); measured: test/golden/core/import-recursion.yml. Not a TsibleError, so that the CLI reports it the same. */
class ImportRecursionError extends Error {}

function importTasks(task: Task, ctx: LoadContext, parent?: Block): Block {
  const name = String(task.args.file ?? task.args._raw_params ?? '');
  if (ctx.depth > MAX_IMPORT_DEPTH) throw new ImportRecursionError('maximum recursion depth exceeded');
  const file = resolveTaskFile(name, { basedir: ctx.basedir, file: ctx.file, role: ctx.role });
  const { documents, warnings } = readYamlFile(file);
  ctx.warnings.push(...warnings);
  const block = openBlock({ ...includeKeywords(task), pos: task.pos, parent, role: ctx.role, implicit: true });
  block.block = loadTaskList(documents[0] ?? [], { ...ctx, file, depth: ctx.depth + 1 }, block, {
    notAList: 'included task files must contain a list of tasks',
    pos: { file, line: 1, column: 1 },
  });
  return block;
}

/** The keywords of the block an import brings, and for an `include` its variables: its arguments are its tasks'
 * variables (beside its `vars:`, at their precedence), its `vars:` also include parameters (TaskInclude.get_vars,
 * Task.get_include_params). */
export function includeKeywords(task: Task): { keywords: Raw; includeParams?: Raw } {
  if (task.action !== 'include') return { keywords: task.keywords };
  const { file: _f, _raw_params: _r, ...args } = task.args;
  void _f;
  void _r;
  const vars = isDict(task.keywords.vars) ? task.keywords.vars : {};
  return { keywords: { ...task.keywords, vars: { ...vars, ...args } }, includeParams: vars };
}

/** What loadRole needs: the role's name and params as the entry gave them, where it sits, and its `*_from` files. */
interface RoleRequest {
  readonly name: string;
  readonly params: Raw;
  readonly ctx: LoadContext;
  readonly parent: Block | undefined;
  readonly pos: Pos;
  readonly files?: { tasks?: string; defaults?: string; vars?: string; handlers?: string };
  /** A meta/main.yml dependency of another role. */
  readonly dependency?: boolean;
  /** For a dependency: the path of the role that depends on it (its roles are searched beside it). */
  readonly dependentOf?: string;
  /** Where a 'not found' error about the entry points: its mapping's position, null for a plain name; `pos` if not
   * given. */
  readonly errorPos?: Pos | null;
  /** The `vars:` of the role's entry, which override its vars/ files. */
  readonly definitionVars?: Raw;
  /** The entry's keywords (when, tags, ...), which the role's block carries. */
  readonly keywords?: Raw;
  /** Loaded by include_role (part of the role's key). */
  readonly fromInclude?: boolean;
  /** import_role's and include_role's allow_duplicates (default yes), which overrides the role's meta. */
  readonly allowDuplicates?: boolean;
  /** Where Ansible points when this entry is part of a loop: a meta dependency's entry (import_role: nowhere). */
  readonly entryPos?: Pos;
  /** For include_role and import_role: the role of the task that brought it, if any. */
  readonly parentRole?: Role;
  /** rolespec_validate: whether the role's argument spec, if any, is checked first (default yes). */
  readonly validate?: boolean;
}

/** The role's directory (RoleDefinition._load_role_path): the first that exists of the playbook's roles/, the
 * roles path (ANSIBLE_ROLES_PATH), the role's parent's directory for a dependency, the playbook's directory; or the
 * name itself when it is a path. */
function findRolePath(name: string, { ctx, pos, dependentOf, errorPos }: RoleRequest): string {
  const inCollection = collectionRolePath(name, ctx.basedir);
  if (inCollection) return inCollection;
  const rolesPath = pathSetting('DEFAULT_ROLES_PATH');
  const searched = [
    path.join(ctx.basedir, 'roles'),
    ...rolesPath,
    ...(dependentOf ? [path.dirname(dependentOf)] : []),
    ctx.basedir,
  ];
  const found = [...searched.map((d) => path.resolve(d, name)), path.resolve(ctx.basedir, name)].find((p) =>
    existsSync(p),
  );
  // an AnsibleError (exit 1), placed at the role's entry when it is a mapping (a plain name has no position here)
  if (!found)
    // a dependency is looked for in its role's collections first: ansible.legacy when it names none
    throw new TsibleError(
      `the role '${name}' was not found in ${[...(dependentOf ? ['ansible.legacy'] : []), ...searched].join(':')}`,
      {
        pos: errorPos === null ? undefined : (errorPos ?? pos),
      },
    );
  return found;
}

/** A path list setting, `~` expanded. */
function pathSetting(name: string): string[] {
  const setting = configValue(name);
  return (Array.isArray(setting) ? setting.map(String) : String(setting ?? '').split(':'))
    .filter(Boolean)
    .map((p) => (p.startsWith('~') ? path.join(homedir(), p.slice(1)) : p));
}

/** A role named by its collection (`namespace.collection.role`): its directory in the first collection found,
 * looked for beside the playbook (collections/), then in the collections path (COLLECTIONS_PATHS). */
function collectionRolePath(name: string, basedir: string): string | undefined {
  const parts = name.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^\w+$/.test(p))) return undefined;
  const [namespace, collection, role] = parts as [string, string, string];
  return [path.join(basedir, 'collections'), ...pathSetting('COLLECTIONS_PATHS')]
    .map((d) => path.join(path.resolve(basedir, d), 'ansible_collections', namespace, collection, 'roles', role))
    .find((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
}

/** A role's files in one of its folders as Role._load_role_yaml finds them: main.yml, main.yaml, main.json or main;
 * a name given by *_from as it is first, then with those extensions. For variables (`allowDir`), a directory of
 * that name gives every file in it and below, sorted (DataLoader.find_vars_files); for tasks and handlers a
 * directory is passed over. Empty when the folder has none; a *_from name that is not there, or a file outside the
 * folder, is an error. */
function roleFiles(role: { path: string; name: string }, subdir: string, given?: string, allowDir = false): string[] {
  const dir = path.join(role.path, subdir);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  const exts = given === undefined ? ['.yml', '.yaml', '.json', ''] : ['', '.yml', '.yaml', '.json'];
  const base = path.resolve(dir, given ?? 'main');
  let found: string[] = [];
  for (const ext of exts) {
    const st = statSync(base + ext, { throwIfNoEntry: false });
    if (!st || (st.isDirectory() && !allowDir)) continue;
    found = st.isDirectory() ? varsFilesIn(base + ext, exts) : [base + ext];
    break;
  }
  if (!found.length && given !== undefined)
    throw new ParseError(`Could not find specified file in role: ${subdir}/${given}`);
  const outside = found.find((f) => path.relative(dir, f).startsWith('..') || path.isAbsolute(path.relative(dir, f)));
  if (outside)
    throw new ParseError(
      `Failed loading '${outside}' for role (${role.name}) as it is not inside the expected role path: '${dir}'`,
    );
  return found;
}

/** A directory's variable files, sorted, its directories (without an extension) searched too; hidden files and
 * backups (~) left out (DataLoader._get_dir_vars_files). */
function varsFilesIn(dir: string, exts: readonly string[]): string[] {
  return readdirSync(dir)
    .sort()
    .filter((n) => !n.startsWith('.') && !n.endsWith('~'))
    .flatMap((n) => {
      const full = path.join(dir, n);
      const ext = path.extname(n);
      const st = statSync(full, { throwIfNoEntry: false });
      if (st?.isDirectory() && !ext) return varsFilesIn(full, exts);
      return st?.isFile() && (!ext || exts.includes(ext)) ? [full] : [];
    });
}

/** A role's variables (defaults, vars, meta) as a mapping, merged over its files; empty when it has none. */
function readRoleVars(role: { path: string; name: string }, dir: string, given?: string): Raw {
  const out: Raw = {};
  for (const file of roleFiles(role, dir, given, dir !== 'meta')) {
    const doc = readYamlFile(file).documents[0];
    if (!isDict(doc)) continue;
    Object.assign(out, doc);
    // where the (first) file's values were: a role's meta/main.yml error points into it
    if (!posOf(out)) setPos(out, posOf(doc));
  }
  return out;
}

/** The roles in meta/main.yml's dependencies, each loaded as a child of the role's block (they run first). */
function loadRoleDependencies(meta: Raw, block: Block, { ctx, pos }: RoleRequest): Block[] {
  if (meta.dependencies !== undefined && meta.dependencies !== null && !Array.isArray(meta.dependencies))
    throw new ParseError('Expected role dependencies to be a list.', { pos: posOf(meta) });
  const deps = Array.isArray(meta.dependencies) ? meta.dependencies : [];
  return deps.map((d, i) => {
    const { name, params, vars, keywords } = roleEntry(d, ctx, pos);
    return loadRole({
      name,
      params,
      ctx: { ...ctx, role: undefined },
      parent: block,
      pos,
      dependency: true,
      dependentOf: block.role?.path,
      errorPos: valuePos(meta.dependencies, i) ?? null,
      definitionVars: vars,
      keywords,
      entryPos: valuePos(meta.dependencies, i),
    });
  });
}

/** Ansible's ROLE_CACHE key: a role asked for twice with the same of these is one role, run once per host. */
function roleKey(req: RoleRequest): string {
  const { name, params, files = {}, definitionVars = {}, keywords = {} } = req;
  const from_files = Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined));
  const { when, tags } = keywords;
  return `${name}:${JSON.stringify({ params, when, tags, from_files, vars: definitionVars, from_include: !!req.fromInclude })}`;
}

export function loadRole(req: RoleRequest): Block {
  const { name, params, parent, pos, files = {}, dependency = false, definitionVars = {} } = req;
  const rolePath = findRolePath(name, req);
  // a role may import its own other task files (tasks_from): only the same file again is a loop
  const link = { path: `${rolePath}\0${files.tasks ?? 'main'}`, entryPos: req.entryPos };
  const ctx = { ...req.ctx, roleChain: enterRole(req.ctx.roleChain ?? [], link) };
  const at = { path: rolePath, name };
  const handlersFile = roleFiles(at, 'handlers', files.handlers)[0];
  const key = roleKey(req);
  const role: { -readonly [K in keyof Role]: Role[K] } = {
    name,
    key,
    path: rolePath,
    defaults: readRoleVars(at, 'defaults', files.defaults),
    // the entry's `vars:` under the role's vars/ files (Role.get_vars: self.vars, then _role_vars)
    vars: { ...definitionVars, ...readRoleVars(at, 'vars', files.vars) },
    params,
    handlers: [],
    dependencies: [],
    ...(rolePath.includes(`${path.sep}ansible_collections${path.sep}`) && name.split('.').length === 3
      ? { collection: name.split('.').slice(0, 2).join('.') }
      : {}),
  };
  if (handlersFile)
    role.handlers = flattenTasks(
      loadTaskList(readYamlFile(handlersFile).documents[0] ?? [], {
        ...ctx,
        file: handlersFile,
        role,
        handler: true,
        depth: ctx.depth + 1,
      }),
    );
  const tasksFile = roleFiles(at, 'tasks', files.tasks)[0];
  const { documents, warnings } = tasksFile ? readYamlFile(tasksFile) : { documents: [], warnings: [] };
  ctx.warnings.push(...warnings);
  const meta = readRoleVars(at, 'meta');
  const allowDuplicates = req.allowDuplicates ?? pyBoolean(meta.allow_duplicates ?? false, false)!;
  const roleRoot = { key, dependency, allowDuplicates, parentRole: req.parentRole };
  const block = openBlock({ keywords: req.keywords ?? {}, pos, parent, role, implicit: true, roleRoot });
  const dependencies = loadRoleDependencies(meta, block, { ...req, ctx });
  role.dependencies = dependencies.map((b) => b.role!);
  // a collection's role is named by its short name there (Role._role_name)
  const shortName = role.collection ? name.split('.').pop()! : name;
  const taskData =
    req.validate === false ? documents[0] : withValidationTask(documents[0], { ...req, ...at, name: shortName, meta });
  block.block = [
    ...dependencies,
    ...loadTaskList(taskData ?? [], { ...ctx, file: tasksFile ?? rolePath, role, depth: ctx.depth + 1 }, block, {
      notAList: `The tasks/${path.basename(tasksFile ?? 'main.yml')} file for role '${role.name}' must contain a list of tasks`,
      pos: { file: tasksFile ?? rolePath, line: 1, column: 1 },
    }),
  ];
  return block;
}

/** The role's argument specs (Role._get_role_argspecs): meta/argument_specs.yml's `argument_specs`, else
 * meta/main.yml's. */
function roleArgumentSpecs(role: { path: string; name: string }, meta: Raw): unknown {
  const file = ['.yml', '.yaml', '.json']
    .map((ext) => path.join(role.path, 'meta', `argument_specs${ext}`))
    .find((f) => statSync(f, { throwIfNoEntry: false })?.isFile());
  if (!file) return meta.argument_specs;
  const data = readYamlFile(file).documents[0];
  return isDict(data) ? data.argument_specs : undefined;
}

/** The role's tasks with Ansible's validation task first, when its entry point (tasks_from, else main) has an
 * argument spec (Role._prepend_validation_task): it checks the role's params and variables against the spec's
 * options, and runs whatever the tags (always). */
function withValidationTask(
  tasks: unknown,
  role: { path: string; name: string; params: Raw; files?: RoleRequest['files']; meta: Raw },
): unknown {
  const specs = roleArgumentSpecs(role, role.meta);
  const entrypoint = role.files?.tasks ?? 'main';
  const spec = isDict(specs) ? specs[entrypoint] : undefined;
  if (!isDict(spec) || !Object.keys(spec).length) return tasks;
  const description = spec.short_description === undefined ? '' : ` - ${pyStr(spec.short_description)}`;
  const validation = {
    action: {
      module: 'ansible.builtin.validate_argument_spec',
      argument_spec: spec.options ?? {},
      provided_arguments: role.params,
      validate_args_context: { type: 'role', name: role.name, argument_spec_name: entrypoint, path: role.path },
    },
    name: `Validating arguments against arg spec '${entrypoint}'${description}`,
    tags: ['always'],
  };
  return [validation, ...(Array.isArray(tasks) ? tasks : tasks === null || tasks === undefined ? [] : [tasks])];
}

/** The chain of roles being loaded with one more; a role already in it is a loop, which Ansible 2.14 finds when
 * Python's recursion limit ends the load (measured: test/golden/core/import-role-recursion.yml and
 * role-dependency-loop.yml). It points at the entry that follows the looping role's first load. */
function enterRole(chain: readonly RoleLink[], link: RoleLink): readonly RoleLink[] {
  const first = chain.findIndex((r) => r.path === link.path);
  if (first >= 0)
    throw new TsibleError(
      'A recursion loop was detected with the roles specified. Make sure child roles do not have dependencies on parent roles',
      { pos: (chain[first + 1] ?? link).entryPos },
    );
  return [...chain, link];
}

/** A role entry's keywords (RoleInclude's attributes: when, tags, become, port, ...), which are not variables. */
const ROLE_ATTRIBUTES = keywordsValidAt('role');

/** A role entry (in `roles:` or meta dependencies) as RoleDefinition splits it: its name, the role params (keys
 * that are not keywords; private to the role), its `vars:` (role vars, which 2.14 makes visible play-wide), and
 * the keywords that apply to the role's tasks. */
function roleEntry(
  entry: unknown,
  ctx: LoadContext,
  fallback: Pos,
): { name: string; params: Raw; vars: Raw; keywords: Raw } {
  const spec = typeof entry === 'string' ? { role: entry } : (entry as Raw);
  const params: Raw = {},
    keywords: Raw = {};
  let vars: Raw = {};
  for (const [k, v] of Object.entries(spec)) {
    if (k === 'role' || k === 'name') continue;
    if (k === 'vars') {
      if (isDict(v)) vars = v;
    } else if (ROLE_ATTRIBUTES.has(k)) keywords[k] = v;
    else params[k] = v;
  }
  if (spec.role === undefined && spec.name === undefined)
    throw new TsibleError('role definitions must contain a role name', { pos: posOf(entry) ?? fallback });
  const name = String(spec.role ?? spec.name);
  warnIgnoredKeywords(keywords, `role '${name}'`, posOf(entry) ?? fallback, ctx.warnings);
  return { name, params, vars, keywords };
}

const baseName = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : path.basename(String(v));

/** import_role: the role loaded in place; the task's `vars:` become the role's vars (RoleInclude.vars), and
 * the role is public: every task of the play sees its defaults and vars, as a role of `roles:`. */
function importRole(task: Task, ctx: LoadContext, parent: Block | undefined, ds: Raw): Block {
  const vars = task.keywords.vars;
  const name = String(task.args.name ?? task.args.role);
  const options = Object.entries(ds).find(([k]) => k.endsWith('import_role'))?.[1];
  const b = loadRole({
    name,
    params: {},
    ctx,
    parent,
    pos: task.pos,
    errorPos: valuePos(options, 'name') ?? valuePos(options, 'role'),
    entryPos: valuePos(options, 'name') ?? valuePos(options, 'role'),
    // import_role takes the files' base names (IncludeRole.load); include_role the names as templated
    files: {
      tasks: baseName(task.args.tasks_from),
      defaults: baseName(task.args.defaults_from),
      vars: baseName(task.args.vars_from),
      handlers: baseName(task.args.handlers_from),
    },
    definitionVars: isDict(vars) ? vars : {},
    keywords: task.keywords,
    allowDuplicates: pyBoolean(task.args.allow_duplicates ?? true, false),
    parentRole: ctx.role,
    validate: pyBoolean(task.args.rolespec_validate ?? true, false),
  });
  ctx.imported?.push(b);
  return b;
}

/** Playbooks imported deeper than this import themselves (directly or through others). */
const MAX_PLAYBOOK_DEPTH = 50;
/** A play's `vars:`, a dictionary or a list of dictionaries (the later ones win), as Play._load_vars reads it. */
const varsDict = (v: unknown): Raw => (Array.isArray(v) ? Object.assign({}, ...v.filter(isDict)) : isDict(v) ? v : {});

/** PlaybookInclude's attributes (Base's, Conditional's, Taggable's and import_playbook). */
const PLAYBOOK_INCLUDE_KEYS = new Set(
  [
    'import_playbook ansible.builtin.import_playbook ansible.legacy.import_playbook any_errors_fatal become become_exe become_flags become_method become_user check_mode connection',
    'debugger diff environment ignore_errors ignore_unreachable module_defaults name no_log port remote_user run_once',
    'tags throttle timeout vars when',
  ]
    .join(' ')
    .split(' '),
);

/** A play's `tasks` that is no list, in Ansible's words (worded only then: a list may contain itself, and has no
 * text then). */
const tasksNotAList = (tasks: unknown): string =>
  Array.isArray(tasks) ? '' : MALFORMED(`tasks: ${pyStr(tasks)} should be a list or None but is ${pyTypeOf(tasks)}`);

/** import_playbook: the file's plays, each given the import's vars, tags and `when:`,
 * which every top-level task, block and role of the play and its fact gathering then carry (PlaybookInclude). */
function importPlaybook(ds: Raw, basedir: string, depth: number): Play[] {
  for (const k of Object.keys(ds))
    if (!PLAYBOOK_INCLUDE_KEYS.has(k)) fail(`'${k}' is not a valid attribute for a PlaybookInclude`, ds, posOf(ds)!);
  // a `tags` var is taken out of the vars (and, as ansible-playbook 2.14 runs it, tags nothing)
  const vars: Raw = isDict(ds.vars) ? { ...ds.vars } : {};
  delete vars.tags;
  const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
  const tags = asList(ds.tags);
  const when = asList(ds.when);
  const file = path.resolve(basedir, String(ds.import_playbook));
  // Ansible 2.14 recurses until Python's recursion limit, an unexpected exception with no position (bad-input
  // case includes/import-playbook-recursive); tsible stops at a depth limit, and says where on the next line
  if (depth >= MAX_PLAYBOOK_DEPTH) {
    const at = posOf(ds);
    throw new UnexpectedError(
      'maximum recursion depth exceeded while calling a Python object',
      `import_playbook of '${file}'${at ? ` in '${at.file}', line ${at.line}, column ${at.column},` : ''} nests deeper than ${MAX_PLAYBOOK_DEPTH} levels: a playbook imports itself, directly or through the playbooks it imports`,
    );
  }
  // an imported file is plays only: a bare task file is the command line's
  return loadPlaybook(file, { imported: true, depth: depth + 1 }).plays.map((play) => {
    if (when.length)
      for (const item of [...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks]) {
        const kw = item.keywords as Raw;
        kw.when = [...when, ...asList(kw.when)];
      }
    const keywords = { ...play.keywords };
    if (tags.length) keywords.tags = [...new Set([...asList(keywords.tags), ...tags])];
    return {
      ...play,
      keywords,
      vars: { ...play.vars, ...vars },
      importedWhen: when.length ? [...when, ...(play.importedWhen ?? [])] : play.importedWhen,
    };
  });
}

const PLAY_ONLY = new Set([...keywordsValidAt('play')].filter((k) => !keywordsValidAt('task').has(k)));

/** Loads a playbook, or a bare task file as the tasks of an implicit `hosts: localhost` play (not when it is
 * imported); `depth`: how many import_playbook levels down it is. */
export function loadPlaybook(file: string, { imported = false, depth = 0 } = {}): Playbook {
  const abs = path.resolve(file);
  const basedir = path.dirname(abs);
  const { documents, warnings } = readYamlFile(abs);
  const data = documents[0];
  const ctx: LoadContext = { file: abs, basedir, depth: 0, warnings };
  const filePos = { file: abs, line: 1, column: 1 };
  if (data === null || data === undefined) throw new ParseError(`Empty playbook, nothing to do: ${abs}`);
  if (!Array.isArray(data))
    fail(`A playbook must be a list of plays, got a ${pyTypeOf(data)} instead: ${abs}`, data, filePos);
  // a play has hosts, or a keyword only plays have (tasks, roles, vars_files, ...) that names no module; an
  // `include` at the top of a playbook was once a playbook include, which Ansible 2.14 refuses as a play's keyword
  const isPlay = (x: unknown) =>
    isDict(x) &&
    ('hosts' in x ||
      'import_playbook' in x ||
      'include' in x ||
      (!('block' in x) && Object.keys(x).some((k) => PLAY_ONLY.has(k) && !resolveModule(k))));
  if (!imported && data.length && data.every((x) => isDict(x) && !isPlay(x))) {
    const imported: Block[] = [];
    const tasks = loadTaskList(data, { ...ctx, imported });
    return {
      file: abs,
      warnings,
      plays: [
        {
          kind: 'play',
          name: undefined,
          hosts: 'localhost',
          keywords: { gather_facts: false },
          vars: {},
          varsFiles: [],
          preTasks: [],
          roles: [],
          tasks,
          postTasks: [],
          handlers: imported.flatMap(roleHandlers),
          publicRoles: imported.map((b) => b.role!),
          pos: filePos,
          implicit: true,
          basedir,
        },
      ],
    };
  }
  const plays: Play[] = [];
  for (const [i, ds] of data.entries()) {
    if (!isDict(ds))
      throw new ParseError("playbook entries must be either valid plays or 'import_playbook' statements", {
        pos: valuePos(data, i),
      });
    if ('import_playbook' in ds) {
      plays.push(...importPlaybook(ds, basedir, depth));
      continue;
    }
    plays.push(loadPlay(ds, ctx));
  }
  return { file: abs, plays, warnings };
}

/** A block's or a play's keywords: each valid there and of its type (Ansible's words), warned about when ignored. */
function checkKeywords(
  ds: Raw,
  at: { level: 'block' | 'play'; owner: 'Block' | 'Play'; pos: Pos },
  ctx: LoadContext,
): void {
  const valid = keywordsValidAt(at.level);
  for (const k of Object.keys(ds))
    if (!valid.has(k)) fail(`'${k}' is not a valid attribute for a ${at.owner}`, ds, at.pos);
  for (const [k, v] of Object.entries(ds)) {
    const err = keywordTypeError(k, v, at.owner);
    if (err && k === 'module_defaults') throw new ParseError(err);
    if (err) fail(err, k === 'vars' ? undefined : ds, valuePos(ds, k) ?? at.pos);
  }
  checkTags(ds);
  const invalid = at.level === 'play' ? keywordValueError(ds, PLAY_CHECKED_KEYWORDS) : undefined;
  if (invalid) fail(invalid, ds, at.pos);
  warnIgnoredKeywords(ds, at.level, at.pos, ctx.warnings);
}

const VARS_PROMPT_KEYS = ['name', 'prompt', 'default', 'private', 'confirm', 'encrypt', 'salt_size', 'salt', 'unsafe'];
/** vars_prompt's entries as Play._load_vars_prompt checks them: each names its variable, with known keys only. */
function checkVarsPrompt(prompts: unknown, pos: Pos): void {
  if (prompts === undefined || prompts === null) return;
  // (Play._load_vars_prompt reads a value that is neither a list nor a mapping as vars and words it so)
  if (!Array.isArray(prompts) && !isDict(prompts))
    throw new TsibleError(
      `variable files must contain either a dictionary of variables, or a list of dictionaries. Got: ${pyStr(prompts)} (${pyTypeOf(prompts)})`,
    );
  for (const p of Array.isArray(prompts) ? prompts : [prompts]) {
    if (!isDict(p) || !('name' in p)) fail("Invalid vars_prompt data structure, missing 'name' key", prompts, pos);
    const odd = Object.keys(p).find((k) => !VARS_PROMPT_KEYS.includes(k));
    if (odd) fail(`Invalid vars_prompt data structure, found unsupported key '${odd}'`, prompts, pos);
  }
}

/** The handlers a role's block brings: its dependencies' first, then its own (Role.get_handler_blocks). */
export function roleHandlers(b: Block): Task[] {
  return [
    ...b.block.filter((x): x is Block => x.kind === 'block').flatMap(roleHandlers),
    ...(b.roleRoot ? b.role!.handlers : []),
  ];
}

function loadPlay(ds: Raw, playbookCtx: LoadContext): Play {
  const imported: Block[] = [];
  const ctx: LoadContext = { ...playbookCtx, imported };
  const pos = posOf(ds) ?? { file: ctx.file, line: 1, column: 1 };
  checkKeywords(ds, { level: 'play', owner: 'Play', pos }, ctx);
  if (!('hosts' in ds)) throw new ParseError("the field 'hosts' is required but was not set");
  if (isDict(ds.hosts)) throw new ParseError('Hosts list must be a sequence or string. Please check your playbook.');
  if (ds.hosts === null || ds.hosts === '' || (Array.isArray(ds.hosts) && !ds.hosts.length))
    throw new ParseError('Hosts list cannot be empty. Please check your playbook');
  checkVarsPrompt(ds.vars_prompt, pos);
  if (ds.roles !== undefined && ds.roles !== null && !Array.isArray(ds.roles))
    throw new ParseError('A malformed role declaration was encountered.', { pos });
  const roles = (Array.isArray(ds.roles) ? ds.roles : []).map((r, i) => {
    const { name: rn, params, vars, keywords } = roleEntry(r, ctx, pos);
    const at = valuePos(ds.roles, i);
    return loadRole({
      name: rn,
      params,
      ctx,
      parent: undefined,
      pos: at ?? pos,
      errorPos: at ?? null,
      entryPos: at,
      definitionVars: vars,
      keywords,
    });
  });
  const preTasks = loadTaskList(ds.pre_tasks ?? [], ctx, undefined, { notAList: MALFORMED('pre_tasks'), pos });
  const tasks = loadTaskList(ds.tasks ?? [], ctx, undefined, { notAList: tasksNotAList(ds.tasks), pos });
  const postTasks = loadTaskList(ds.post_tasks ?? [], ctx, undefined, { notAList: MALFORMED('post_tasks'), pos });
  const ownHandlers = loadTaskList(ds.handlers ?? [], { ...ctx, imported: undefined, handler: true }, undefined, {
    notAList: MALFORMED('handlers'),
    pos,
  });
  // the roles' handlers, the play's own, then those of the roles import_role loaded (IncludeRole appends them)
  const handlers = [...roles.flatMap(roleHandlers), ...flattenTasks(ownHandlers), ...imported.flatMap(roleHandlers)];
  const keywords: Raw = {};
  for (const [k, v] of Object.entries(ds))
    if (!['pre_tasks', 'tasks', 'post_tasks', 'handlers', 'roles', 'vars', 'vars_files'].includes(k)) keywords[k] = v;
  return {
    kind: 'play',
    name: ds.name === undefined ? undefined : String(ds.name),
    hosts: ds.hosts,
    keywords,
    vars: varsDict(ds.vars),
    varsFiles: Array.isArray(ds.vars_files) ? ds.vars_files : ds.vars_files ? [ds.vars_files] : [],
    preTasks,
    roles,
    tasks,
    postTasks,
    handlers,
    publicRoles: imported.map((b) => b.role!),
    pos,
    implicit: false,
    basedir: ctx.basedir,
  };
}

function flattenTasks(list: readonly TaskOrBlock[]): Task[] {
  return list.flatMap((t) => (t.kind === 'task' ? [t] : flattenTasks([...t.block, ...t.rescue, ...t.always])));
}

export { type LoadContext };
