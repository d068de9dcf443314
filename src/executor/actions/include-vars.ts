// include_vars: a file found as find_needle finds it, or a directory's files walked as the action plugin walks
// them (depth, files_matching, ignore_files, extensions); loaded as include variables.
import * as path from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import type { TaskResult } from '../../module.js';
import { isDict, pyStr } from '../../python/python.js';
import { isADirectory, readYamlFile } from '../../playbook/loader.js';
import type { Vars } from '../../vars/variable-manager.js';
import { includeVars } from '../../../modules/control.js';
import { VaultError, VaultFormatError } from '../../vault/index.js';
import { fail, type ActionSite, type ExecutorAction } from './action.js';

type Args = Record<string, unknown>;

/** What the files loaded so far gave: the variables, the files, whether one was encrypted; or why it stopped. */
interface Loaded {
  readonly vars: Vars;
  readonly files: string[];
  encrypted: boolean;
  error?: string;
}

/** _set_root_dir: in a role, a `vars/...` directory of the role as it is, anything else under the role's vars/;
 * elsewhere, beside the task's file. */
function rootDir(site: ActionSite, dir: string): string {
  const { task } = site;
  if (!task.role) return path.resolve(path.dirname(task.pos.file), dir);
  if (dir.split('/')[0] !== 'vars') return path.join(task.role.path, 'vars', dir);
  const inRole = path.join(task.role.path, dir);
  return statSync(inRole, { throwIfNoEntry: false }) ? inRole : dir;
}

/** os.walk's directories (top down) with their files, sorted by path; `depth` of them at most (0: all). This
 * counts directories, not levels, as the action plugin does. */
function walkDirs(dir: string, depth: number): Array<[string, string[]]> {
  const all: Array<[string, string[]]> = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return; // os.walk's onerror only logs
    }
    const files: string[] = [];
    const dirs: string[] = [];
    for (const n of names) {
      const st = statSync(path.join(d, n), { throwIfNoEntry: false });
      if (st?.isDirectory()) dirs.push(n);
      else files.push(n);
    }
    all.push([d, files.sort()]);
    for (const sub of dirs) walk(path.join(d, sub));
  };
  walk(dir);
  all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return depth > 0 ? all.slice(0, depth) : all;
}

/** The options of dir=, as _set_args and _set_dir_defaults read them. */
interface DirOptions {
  readonly depth: number;
  readonly matcher?: RegExp;
  readonly ignore: readonly string[];
  readonly extensions: readonly string[];
  readonly ignoreUnknown: boolean;
}
function dirOptions(a: Args): DirOptions {
  const ignore = a.ignore_files;
  return {
    depth: Number(a.depth ?? 0) || 0,
    matcher: a.files_matching ? new RegExp(pyStr(a.files_matching)) : undefined,
    ignore:
      typeof ignore === 'string'
        ? ignore.split(/\s+/).filter(Boolean)
        : Array.isArray(ignore)
          ? ignore.map(pyStr)
          : isDict(ignore)
            ? Object.keys(ignore)
            : [],
    extensions: extensionsOf(a),
    ignoreUnknown:
      a.ignore_unknown_extensions === true || /^(yes|true|on|1)$/i.test(pyStr(a.ignore_unknown_extensions)),
  };
}
function extensionsOf(a: Args): string[] {
  const e = a.extensions ?? ['yaml', 'yml', 'json'];
  if (typeof e === 'string') return [...e]; // list() of a string: its characters
  if (!Array.isArray(e)) fail('Invalid type for "extensions" option, it must be a list');
  return (e as unknown[]).map(pyStr);
}

const hasValidExtension = (file: string, o: DirOptions) => o.extensions.includes(path.extname(file).slice(1));

function ignored(name: string, o: DirOptions): boolean {
  return o.ignore.some((p) => {
    let re: RegExp;
    try {
      re = new RegExp(`${p}$`);
    } catch {
      return fail(`Invalid regular expression: ${p}`);
    }
    return re.test(name);
  });
}

/** dir=: each walked directory's files in turn, until one fails to load. */
function loadDir(site: ActionSite, a: Args, into: Loaded): void {
  const dir = rootDir(site, pyStr(a.dir));
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) into.error = `${dir} directory does not exist`;
  else if (!st.isDirectory()) into.error = `${dir} is not a directory`;
  if (into.error) return;
  const o = dirOptions(a);
  const role = site.task.role;
  for (const [root, files] of walkDirs(dir, o.depth))
    for (const name of files) {
      // the plugin means to leave out the role's vars/main.yml, as it compares
      if (role && path.join(role.path, name) === path.join(root, 'vars', 'main.yml')) continue;
      if (o.matcher && !o.matcher.test(name)) continue;
      const file = path.join(root, name);
      if (ignored(name, o) || (o.ignoreUnknown && !hasValidExtension(name, o))) continue;
      if (!hasValidExtension(name, o))
        into.error = `${file} does not have a valid extension: ${o.extensions.join(', ')}`;
      else loadFile(file, into);
      if (into.error) return;
    }
}

/** One file's variables, added; a file that is not a mapping stops the loading. */
function loadFile(file: string, into: Loaded): void {
  let read: ReturnType<typeof readYamlFile>;
  try {
    read = readYamlFile(file);
  } catch (e) {
    // the plugin reports an error of the loader as its message; tsible so far only a vault's
    if (!(e instanceof VaultError || e instanceof VaultFormatError)) throw e;
    into.error = e.message;
    return;
  }
  into.encrypted ||= read.encrypted === true;
  const d = read.documents[0];
  if (d !== null && d !== undefined && d !== '' && !isDict(d)) {
    into.error = `${file} must be stored as a dictionary/hash`;
    return;
  }
  into.files.push(file);
  Object.assign(into.vars, d || {});
}

/** find_needle('vars', file): each search directory's vars/ first, then the directory itself (the role's, the task
 * file's, the playbook's). The reason it is not there, or nothing when found and loaded. */
function loadNamedFile(site: ActionSite, a: Args, into: Loaded): void {
  const { task } = site;
  const given = a.file || (a.dir ? undefined : a._raw_params);
  if (given === undefined || given === null || given === '') {
    site.ctx.warn('Invalid request to find a file that matches a "null" value');
    into.error = `Could not find file on the Ansible Controller.\n${REMOTE_SRC_HINT}`;
    return;
  }
  const name = a.file ? pyStr(given) : pyStr(given).replace(/\n+$/, '');
  const dirs = [...(task.role ? [task.role.path] : []), path.dirname(task.pos.file), site.ctx.play.basedir];
  const candidates = path.isAbsolute(name)
    ? [name]
    : dirs.flatMap((d) => [path.join(d, 'vars', name), path.join(d, name)]);
  const found = candidates.find((c) => statSync(c, { throwIfNoEntry: false }) !== undefined);
  if (found && statSync(found).isFile()) return loadFile(found, into);
  into.error = found
    ? isADirectory(found)
    : `Could not find or access '${name}'\nSearched in:\n${candidates.map((c) => `\t${c}`).join('\n')} on the Ansible Controller.\n${REMOTE_SRC_HINT}`;
}
const REMOTE_SRC_HINT =
  'If you are using a module and expect the file to exist on the remote, see the remote_src option';

const DIR_OPTIONS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'];
const FILE_OPTIONS = ['file', '_raw_params'];

/** include_vars checks its own options: known ones, and not a file's with a directory's. */
function checkOptions(a: Args): void {
  for (const k of Object.keys(a))
    if (![...DIR_OPTIONS, ...FILE_OPTIONS, 'name', 'hash_behaviour'].includes(k))
      fail(`${k} is not a valid option in include_vars`);
  if (Object.keys(a).some((k) => DIR_OPTIONS.includes(k)) && Object.keys(a).some((k) => FILE_OPTIONS.includes(k)))
    fail('You are mixing file only and dir only arguments, these are incompatible');
}

/** combine_vars with merge: mappings merged key by key, anything else replaced. */
export function mergeHash(old: unknown, value: unknown): unknown {
  if (!isDict(old) || !isDict(value)) return value;
  const out: Vars = { ...old };
  for (const [k, v] of Object.entries(value)) out[k] = mergeHash(out[k], v);
  return out;
}

export default {
  definition: includeVars,
  run(a, site) {
    checkOptions(a);
    const loaded: Loaded = { vars: {}, files: [], encrypted: false };
    if (a.dir) loadDir(site, a, loaded);
    else loadNamedFile(site, a, loaded);
    let facts: Vars = a.name ? { [pyStr(a.name)]: loaded.vars } : loaded.vars;
    // the content of a vault encrypted file is not shown (show_content false: the result is censored)
    const hidden = loaded.encrypted ? { _ansible_no_log: true } : {};
    const result: TaskResult = { changed: false, ansible_included_var_files: loaded.files, ...hidden };
    if (loaded.error !== undefined) return { ...result, failed: true, message: loaded.error, ansible_facts: facts };
    // hash_behaviour other than the setting's (replace): each variable combined with its value now
    if (a.hash_behaviour !== undefined && a.hash_behaviour !== null && a.hash_behaviour !== 'replace') {
      const merge = a.hash_behaviour === 'merge';
      facts = Object.fromEntries(
        Object.entries(facts).map(([k, v]) => [k, merge ? mergeHash(site.templar.lookup(k), v) : v]),
      );
    }
    site.ctx.vm.addIncludeVars(site.host, facts);
    return { ...result, ansible_facts: facts };
  },
} satisfies ExecutorAction;
