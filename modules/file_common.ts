// What the file modules share, as ansible-core's AnsibleModule gives it to them: the common file arguments,
// modes in octal or symbolic form, owner/group/mode/attributes applied only where they differ (with their diff),
// the path information every result naming a path or dest carries, users and groups by name, backups.
import { createHash, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModuleFailure, type TaskResult } from '../src/module.js';

/** FILE_COMMON_ARGUMENTS (add_file_common_args=True). */
export const FILE_COMMON_SPEC = {
  mode: { type: 'raw' as const },
  owner: { type: 'str' as const },
  group: { type: 'str' as const },
  seuser: { type: 'str' as const },
  serole: { type: 'str' as const },
  selevel: { type: 'str' as const },
  setype: { type: 'str' as const },
  attributes: { type: 'str' as const, aliases: ['attr'] },
  unsafe_writes: { type: 'bool' as const, default: false, fallbackEnv: ['ANSIBLE_UNSAFE_WRITES'] },
};

/** What load_file_common_arguments hands the setters. */
export interface FileArgs {
  path: string;
  mode: unknown;
  owner: string | null;
  group: string | null;
  attributes: string | null;
}
/** A module's `diff` as the setters fill it in. */
export type FileDiff = { before?: Record<string, unknown>; after?: Record<string, unknown> } & Record<string, unknown>;

/** A `path` argument as check_type_path leaves it: ~ and $VARS expanded. */
export function expandPath(p: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const vars = p.replace(/\$(\w+|\{(\w+)\})/g, (m, a: string, b?: string) => env[b ?? a] ?? m);
  return vars === '~' || vars.startsWith('~/') ? os.homedir() + vars.slice(1) : vars;
}

/** os.path.dirname: everything before the last slash ('a/b/' gives 'a/b', where Node's gives 'a'). */
export function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

/** load_file_common_arguments: the path (its target when following a link) and the attributes to set. */
export function fileArgsOf(params: Record<string, any>, at?: string): FileArgs {
  let p: string = at ?? params.path ?? params.dest;
  if (params.follow && isLink(p)) p = realpath(p);
  return { path: p, mode: params.mode, owner: params.owner, group: params.group, attributes: params.attributes };
}

// ---- users and groups (pwd and grp read /etc/passwd and /etc/group)

function database(file: string): { byName: Map<string, number>; byId: Map<number, string> } {
  const byName = new Map<string, number>(),
    byId = new Map<number, string>();
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    /* no database: ids only */
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (!name || id === undefined || !/^\d+$/.test(id)) continue;
    if (!byName.has(name)) byName.set(name, Number(id));
    if (!byId.has(Number(id))) byId.set(Number(id), name);
  }
  return { byName, byId };
}
const users = () => database('/etc/passwd');
const groups = () => database('/etc/group');

/** pwd.getpwuid(uid).pw_name, or the number as text when there is none (add_path_info). */
export const userName = (uid: number): string => users().byId.get(uid) ?? String(uid);
export const groupName = (gid: number): string => groups().byId.get(gid) ?? String(gid);
/** int(owner), else pwd.getpwnam(owner): undefined when neither. */
export function uidOf(owner: string): number | undefined {
  return /^\s*[-+]?\d+\s*$/.test(owner) ? parseInt(owner, 10) : users().byName.get(owner);
}
export function gidOf(group: string): number | undefined {
  return /^\s*[-+]?\d+\s*$/.test(group) ? parseInt(group, 10) : groups().byName.get(group);
}

// ---- paths

function lstatOf(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}
export function statOf(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}
export const isLink = (p: string): boolean => lstatOf(p)?.isSymbolicLink() ?? false;
/** os.path.exists: follows links, so a dangling link does not exist. */
export const exists = (p: string): boolean => statOf(p) !== undefined;

/** digest_from_file: the file's hex digest (md5, sha1, ...). */
export const digest = (p: string, algorithm: string): string =>
  createHash(algorithm).update(fs.readFileSync(p)).digest('hex');

/** os.path.realpath: what cannot be resolved (a dangling link's target) is kept as far as it got. */
export function realpath(p: string, depth = 0): string {
  try {
    return fs.realpathSync(p);
  } catch {
    const dir = depth > 40 ? path.dirname(p) : realpath(path.dirname(p), depth + 1);
    const here = path.join(dir, path.basename(p));
    if (depth > 40 || !fs.lstatSync(here, { throwIfNoEntry: false })?.isSymbolicLink()) return here;
    return realpath(path.resolve(dir, fs.readlinkSync(here)), depth + 1);
  }
}

export type FileState = 'absent' | 'link' | 'directory' | 'hard' | 'file';
/** The file module's get_state. */
export function fileState(p: string): FileState {
  const l = lstatOf(p);
  if (!l) return 'absent';
  if (l.isSymbolicLink()) return 'link';
  const s = statOf(p)!;
  if (s.isDirectory()) return 'directory';
  return s.nlink > 1 ? 'hard' : 'file';
}

/** '0%03o' % mode. */
export const octal = (mode: number): string => '0' + mode.toString(8).padStart(3, '0');

/** add_path_info: a result naming a path (or dest) that exists gets its owner, mode, state and size. */
export function addPathInfo(result: TaskResult): TaskResult {
  const p = result.path ?? result.dest;
  if (typeof p !== 'string' || !exists(p)) return result;
  const l = fs.lstatSync(p);
  result.uid = l.uid;
  result.gid = l.gid;
  result.owner = userName(l.uid);
  result.group = groupName(l.gid);
  result.mode = octal(l.mode & 0o7777);
  result.state = fileState(p) === 'absent' ? 'file' : fileState(p);
  result.size = l.size;
  return result;
}

/** The letters Python's tempfile draws names from, eight of them. */
const NAME_LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789_';
export const randomName = (): string =>
  Array.from({ length: 8 }, () => NAME_LETTERS[randomInt(NAME_LETTERS.length)]).join('');

/** fail_json: the module ends with this result (path information added, as exit and fail both add it). */
export function fail(result: Record<string, unknown>): never {
  throw new ModuleFailure(addPathInfo({ failed: true, ...result }));
}

/** AnsibleActionFail, an action plugin's failure: its result carries the traceback Python had at hand, none. */
export const actionFail = (msg: string): never => fail({ msg, exception: 'NoneType: None\n' });

/** AnsibleActionFail or AnsibleActionSkip raised out of an action plugin's run (fetch, assemble and script check
 * their arguments so): the task executor returns the exception's result as it is, so it has none of the keys the
 * executor fills in (`_ansible_no_log`, `failed`) to show; they are there, hidden, for tsible's own use. */
export function escapedActionResult(result: TaskResult): TaskResult {
  const hidden = { _ansible_no_log: false, failed: result.failed ?? false };
  delete result.failed;
  for (const [key, value] of Object.entries(hidden))
    Object.defineProperty(result, key, { value, enumerable: key === 'failed' && value === true, writable: true });
  return result;
}
export function uncaughtActionFail(msg: string): never {
  throw new ModuleFailure(escapedActionResult({ failed: true, changed: false, msg, exception: 'NoneType: None\n' }));
}

/** Python's text of an OSError: "[Errno 2] No such file or directory: 'x'", `shown` the filename part as Python
 * prints it ('x', b'x', or 'a' -> 'b'). */
export function errnoText(e: unknown, shown?: string): string {
  const err = e as NodeJS.ErrnoException;
  const num = err.code ? (os.constants.errno as Record<string, number>)[err.code] : undefined;
  const words = (err.message ?? String(e)).replace(/^\w+: /, '').replace(/, \w+ '.*'$/, '');
  const what = words.charAt(0).toUpperCase() + words.slice(1);
  return `[Errno ${num ?? Math.abs(Number(err.errno ?? 0))}] ${what}${shown !== undefined ? `: ${shown}` : ''}`;
}

// ---- modes

const PERM_BITS = 0o7777;
const S_IRWXU = 0o700,
  S_IRWXG = 0o070,
  S_IRWXO = 0o007;

/** The bits one user class letter (u, g, o) gets for the permission letters of a symbolic clause. */
function symbolicPerms(st: fs.Stats, who: string, perms: string, useUmask: boolean): number {
  const prev = st.mode & PERM_BITS;
  const applyX = st.isDirectory() || (prev & 0o111) > 0;
  const umask = process.umask();
  const rev = umask ^ PERM_BITS;
  const shift = who === 'u' ? 6 : who === 'g' ? 3 : 0;
  const bit = (b: number) => (useUmask ? rev & (b << shift) : b << shift);
  const copy = (src: number) => (((prev >> src) & 7) << shift) & PERM_BITS;
  const table: Record<string, number> = {
    r: bit(4),
    w: bit(2),
    x: bit(1),
    X: applyX ? 1 << shift : 0,
    s: who === 'u' ? 0o4000 : who === 'g' ? 0o2000 : 0,
    t: who === 'o' ? 0o1000 : 0,
    u: copy(6),
    g: copy(3),
    o: copy(0),
  };
  let mode = 0;
  for (const p of perms) mode |= table[p] ?? 0;
  return mode;
}

function applyOperation(who: string, op: string, bits: number, current: number): number {
  if (op === '=') {
    const mask = who === 'u' ? S_IRWXU | 0o4000 : who === 'g' ? S_IRWXG | 0o2000 : S_IRWXO | 0o1000;
    return (current & (mask ^ PERM_BITS)) | bits;
  }
  if (op === '+') return current | bits;
  return current - (current & bits);
}

/** _symbolic_mode_to_octal: chmod's "u=rw,g-w,+X" clauses applied to the path's current mode. */
export function symbolicModeToOctal(st: fs.Stats, symbolic: string): number {
  let mode = st.mode & PERM_BITS;
  for (const clause of symbolic.split(',')) {
    const permlist = clause.split(/[+=-]/);
    const opers = clause.match(/[+=-]/g) ?? [];
    let who = permlist.shift()!;
    const useUmask = who === '';
    if (who === 'a' || who === '') who = 'ugo';
    // Python's re.match looks at the first character only
    if (/^[^ugo]/.test(who)) throw new Error(`bad symbolic permission for mode: ${clause}`);
    permlist.forEach((perms, i) => {
      if (/^[^rwxXstugo]/.test(perms)) throw new Error(`bad symbolic permission for mode: ${clause}`);
      for (const w of who) mode = applyOperation(w, opers[i]!, symbolicPerms(st, w, perms, useUmask), mode);
    });
  }
  return mode;
}

/** int(text, 8) as Python parses it, or undefined. */
function octalText(text: string): number | undefined {
  const t = text.trim().replace(/(?<=\d)_(?=\d)/g, '');
  const m = /^([-+]?)(?:0o)?([0-7]+)$/i.exec(t);
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * parseInt(m[2]!, 8);
}

/** set_mode_if_different's reading of `mode`: an int as it is, text as octal or else symbolic. */
export function modeOf(mode: unknown, st: fs.Stats, p: string): number {
  if (typeof mode === 'number') return mode;
  // neither int(mode, 8) nor the symbolic reading takes a list or a mapping
  if (mode !== null && typeof mode === 'object')
    return fail({
      path: p,
      msg: 'mode must be in octal or symbolic form',
      details: `'${Array.isArray(mode) ? 'list' : 'dict'}' object has no attribute 'split'`,
    });
  const text = String(mode);
  let n = octalText(text);
  if (n === undefined) {
    try {
      n = symbolicModeToOctal(st, text);
    } catch (e) {
      return fail({ path: p, msg: 'mode must be in octal or symbolic form', details: (e as Error).message });
    }
    // only a symbolic mode is checked: an octal one goes to chmod as it is
    if (n !== (n & PERM_BITS))
      return fail({ path: p, msg: 'Invalid mode supplied, only permission info is allowed', details: n });
  }
  return n;
}

// ---- setting owner, group, mode and attributes

function noteDiff(diff: FileDiff | undefined, key: string, before: unknown, after: unknown): void {
  if (!diff) return;
  (diff.before ??= {})[key] = before;
  (diff.after ??= {})[key] = after;
}

/** The names lsattr's letters stand for (FILE_ATTRIBUTES). */
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  A: 'noatime',
  a: 'append',
  c: 'compressed',
  C: 'nocow',
  d: 'nodump',
  D: 'dirsync',
  e: 'extents',
  E: 'encrypted',
  h: 'blocksize',
  i: 'immutable',
  I: 'indexed',
  j: 'journalled',
  N: 'inline',
  s: 'zero',
  S: 'synchronous',
  t: 'notail',
  T: 'blockroot',
  u: 'undelete',
  X: 'compressedraw',
  Z: 'compresseddirty',
};

/** get_file_attributes (lsattr -d, -vd with the version): nothing when lsattr cannot say. */
export function fileAttributes(
  p: string,
  withVersion = false,
): { attr_flags?: string; attributes?: string[]; version?: string } {
  const r = spawnSync('lsattr', [withVersion ? '-vd' : '-d', p], { encoding: 'utf8' });
  if (r.status !== 0 || r.error) return {};
  const fields = r.stdout.trim().split(/\s+/);
  const flags = ((withVersion ? fields[1] : fields[0]) ?? '').replace(/-/g, '');
  const attributes = [...flags].flatMap((f) => (ATTRIBUTE_NAMES[f] ? [ATTRIBUTE_NAMES[f]] : []));
  return { ...(withVersion ? { version: fields[0] } : {}), attr_flags: flags, attributes };
}

/** The owner, group, mode and attributes a file module sets, each only where it differs. */
export class FileAttributes {
  constructor(readonly checkMode: boolean) {}

  /** set_fs_attributes_if_different: whether anything changed (or would, in check mode). */
  setIfDifferent(args: FileArgs, changed: boolean, diff?: FileDiff): boolean {
    let c = this.#owner(args, changed, diff);
    c = this.#group(args, c, diff);
    c = this.#mode(args, c, diff);
    return this.#attributes(args, c, diff);
  }
  /** check_file_absent_if_check_mode: in check mode a path not made yet counts as changed. */
  #absent(p: string): boolean {
    return this.checkMode && !exists(p);
  }
  #owner(args: FileArgs, changed: boolean, diff?: FileDiff): boolean {
    if (args.owner === null || args.owner === undefined) return changed;
    if (this.#absent(args.path)) return true;
    const uid = uidOf(args.owner);
    if (uid === undefined) fail({ path: args.path, msg: `chown failed: failed to look up user ${args.owner}` });
    const before = fs.lstatSync(args.path).uid;
    if (before === uid) return changed;
    noteDiff(diff, 'owner', before, uid);
    if (this.checkMode) return true;
    try {
      fs.lchownSync(args.path, uid, -1);
    } catch (e) {
      fail({ path: args.path, msg: `chown failed: ${errnoText(e, `b'${args.path}'`)}` });
    }
    return true;
  }
  #group(args: FileArgs, changed: boolean, diff?: FileDiff): boolean {
    if (args.group === null || args.group === undefined) return changed;
    if (this.#absent(args.path)) return true;
    const gid = gidOf(args.group);
    if (gid === undefined) fail({ path: args.path, msg: `chgrp failed: failed to look up group ${args.group}` });
    const before = fs.lstatSync(args.path).gid;
    if (before === gid) return changed;
    noteDiff(diff, 'group', before, gid);
    if (this.checkMode) return true;
    try {
      fs.lchownSync(args.path, -1, gid);
    } catch {
      fail({ path: args.path, msg: 'chgrp failed' });
    }
    return true;
  }
  #mode(args: FileArgs, changed: boolean, diff?: FileDiff): boolean {
    if (args.mode === null || args.mode === undefined) return changed;
    if (this.#absent(args.path)) return true;
    const st = fs.lstatSync(args.path);
    const mode = modeOf(args.mode, st, args.path);
    const prev = st.mode & PERM_BITS;
    if (prev === mode) return changed;
    noteDiff(diff, 'mode', octal(prev), octal(mode));
    if (this.checkMode) return true;
    // Linux has no lchmod: a link's own mode cannot change, and its target is left alone
    if (!st.isSymbolicLink()) fs.chmodSync(args.path, mode);
    return (fs.lstatSync(args.path).mode & PERM_BITS) !== prev || changed;
  }
  #attributes(args: FileArgs, changed: boolean, diff?: FileDiff): boolean {
    if (args.attributes === null || args.attributes === undefined) return changed;
    if (this.#absent(args.path)) return true;
    let wanted = args.attributes,
      op = '=';
    if (wanted.startsWith('-') || wanted.startsWith('+')) [op, wanted] = [wanted[0]!, wanted.slice(1)];
    const existing = fileAttributes(args.path).attr_flags;
    if ((existing ?? '') === wanted && op !== '-') return changed;
    noteDiff(diff, 'attributes', existing ?? null, `${op}${wanted}`);
    if (this.checkMode) return true;
    const r = spawnSync('chattr', [`${op}${wanted}`, args.path], { encoding: 'utf8' });
    if (r.status !== 0)
      fail({
        path: args.path,
        msg: 'chattr failed',
        details: `Error while setting attributes: ${r.stdout}${r.stderr}`,
      });
    return true;
  }
}

// ---- backups

/** backup_local: a copy of the file beside it, named file.PID.YYYY-MM-DD@HH:MM:SS~ ('' when there is no file). */
export function backupLocal(p: string, now = new Date()): string {
  if (!exists(p)) return '';
  const n = (x: number) => String(x).padStart(2, '0');
  const ext = `${now.getFullYear()}-${n(now.getMonth() + 1)}-${n(now.getDate())}@${n(now.getHours())}:${n(now.getMinutes())}:${n(now.getSeconds())}~`;
  const dest = `${p}.${process.pid}.${ext}`;
  try {
    fs.copyFileSync(p, dest);
    const st = fs.statSync(p);
    fs.chmodSync(dest, st.mode & PERM_BITS);
    fs.chownSync(dest, st.uid, st.gid);
    fs.utimesSync(dest, st.atime, st.mtime);
  } catch (e) {
    fail({ msg: `Could not make backup of ${p} to ${dest}: ${errnoText(e)}` });
  }
  return dest;
}

/** atomic_move: src renamed onto dest, taking dest's mode and owner when dest exists, else the default mode
 * (0666 less the umask); across file systems, copied beside dest and renamed there. */
export function atomicMove(src: string, dest: string): void {
  const prev = statOf(dest);
  if (prev) {
    fs.chmodSync(src, prev.mode & PERM_BITS);
    fs.chownSync(src, prev.uid, prev.gid);
  }
  try {
    fs.renameSync(src, dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV')
      fail({ msg: `Could not replace file: ${src} to ${dest}: ${errnoText(e, `'${src}' -> '${dest}'`)}` });
    const tmp = path.join(path.dirname(dest), `.ansible_tmp${process.pid}${path.basename(dest)}`);
    fs.copyFileSync(src, tmp);
    fs.chmodSync(tmp, fs.statSync(src).mode & PERM_BITS);
    fs.rmSync(src, { force: true });
    fs.renameSync(tmp, dest);
  }
  if (!prev) fs.chmodSync(dest, 0o666 & ~process.umask());
}
