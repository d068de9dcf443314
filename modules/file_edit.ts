// What the file-editing modules (lineinfile, blockinfile, replace, template) share, as AnsibleModule gives it to
// them: the common file options (mode, owner, group, ...), setting them when they differ (with their part of the
// diff), backup_local, and writing through a temporary file that `validate` checks before it replaces the target.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import type { ArgumentSpec, ModuleContext, TaskResult } from '../src/module.js';
import { isInt } from '../src/python/python.js';
import { translateReplacement } from '../filters/regex.js';

/** add_file_common_args: the options every file module takes. */
export const FILE_COMMON_OPTIONS = {
  mode: { type: 'raw' },
  owner: { type: 'str' },
  group: { type: 'str' },
  seuser: { type: 'str' },
  serole: { type: 'str' },
  selevel: { type: 'str' },
  setype: { type: 'str' },
  attributes: { type: 'str', aliases: ['attr'] },
  unsafe_writes: { type: 'bool', default: false },
} as const satisfies ArgumentSpec;

/** A module's failure with its result: the module stops there (fail_json). */
class FileEditFailure extends Error {
  constructor(readonly result: TaskResult) {
    super(String(result.msg));
  }
}
/** fail_json: a result naming a path gets the path's details too (add_path_info). */
export const fail = (result: TaskResult): never => {
  const info = typeof result.path === 'string' ? pathInfo(result.path) : {};
  throw new FileEditFailure({ failed: true, ...result, ...info });
};

/** The name of an id in /etc/passwd or /etc/group (its number when it has none). */
function nameOf(id: number, file: '/etc/passwd' | '/etc/group'): string | number {
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(id));
  return line === undefined ? id : line.split(':')[0]!;
}

/** AnsibleModule.add_path_info: what a result naming a path says about it. */
export function pathInfo(file: string): TaskResult {
  if (!existsSync(file)) return { state: 'absent' };
  const st = lstatSync(file);
  const state = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'directory' : st.nlink > 1 ? 'hard' : 'file';
  return {
    uid: st.uid,
    gid: st.gid,
    owner: nameOf(st.uid, '/etc/passwd'),
    group: nameOf(st.gid, '/etc/group'),
    mode: `0${(st.mode & 0o7777).toString(8).padStart(3, '0')}`,
    state,
    size: st.size,
  };
}
/** Runs a module body, turning its fail_json into its failed result. */
export async function failuresAsResults(body: () => TaskResult | Promise<TaskResult>): Promise<TaskResult> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof FileEditFailure) return e.result;
    throw e;
  }
}

/** type='path': ~ and $VARS expanded, as os.path.expanduser(os.path.expandvars(p)). */
export function expandPath(p: string, env: Readonly<Record<string, string | undefined>>): string {
  const vars = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a?: string, b?: string) => env[(a ?? b)!] ?? m);
  return vars.replace(/^~(?=$|\/)/, homedir());
}

/** module.backup_local: a copy beside the file, named with the pid and the local time. */
export function backupLocal(file: string, ctx: ModuleContext): string {
  const d = new Date(ctx.clock.now());
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}~`;
  const backup = `${file}.${process.pid}.${stamp}`;
  // shutil.copy2: contents, mode and times
  copyFileSync(file, backup);
  const st = statSync(file);
  chmodSync(backup, st.mode & 0o7777);
  utimesSync(backup, st.atime, st.mtime);
  return backup;
}

/** Python's `%` with one argument, as `validate % tmpfile` does it. */
const percentFormat = (template: string, value: string): string =>
  template.replace(/%(s|%)/g, (_m, c: string) => (c === '%' ? '%' : value));

/** write_changes: the new contents go to a temporary file, `validate` (if any) checks it, then it replaces the
 * target (atomic_move: an existing target's mode and ownership are kept). */
/** How lineinfile, blockinfile and replace report a failed validation (the copy module reports it otherwise). */
const invalidChange = (run: { status: number | null; stderr: string }): never =>
  fail({ msg: `failed to validate: rc:${run.status ?? 1} error:${run.stderr}` });

export function writeChanges(
  contents: string | Buffer,
  dest: string,
  validate: string | null,
  invalid: (run: { status: number | null; stdout: string; stderr: string }) => never = invalidChange,
): void {
  if (validate && !validate.includes('%s')) fail({ msg: `validate must contain %s: ${validate}` });
  const real = existsSync(dest) ? realpathSync(dest) : dest;
  const tmp = path.join(path.dirname(real), `.${path.basename(real)}.tsible-${process.pid}.tmp`);
  writeFileSync(tmp, contents);
  try {
    if (validate) {
      const run = spawnSync('/bin/sh', ['-c', percentFormat(validate, tmp)], { encoding: 'utf8' });
      if (run.status !== 0) invalid(run);
    }
    if (existsSync(real)) {
      const st = statSync(real);
      chmodSync(tmp, st.mode & 0o7777);
      if (process.getuid?.() === 0) chownSync(tmp, st.uid, st.gid);
    }
    renameSync(tmp, real);
  } finally {
    // a failed validation leaves nothing behind
    rmSync(tmp, { force: true });
  }
}

/** The names of /etc/passwd or /etc/group, by name (pwd.getpwnam / grp.getgrnam). */
function idOf(name: string, file: '/etc/passwd' | '/etc/group'): number | undefined {
  if (/^\d+$/.test(name)) return Number(name);
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.split(':')[0] === name);
  return line === undefined ? undefined : Number(line.split(':')[2]);
}

const PERMS: Record<string, number> = { u: 0o700, g: 0o070, o: 0o007 };
/** _symbolic_mode_to_octal: `u=rw,g+x,o-w`, `a+X`, `u+s` applied to the file's current mode. */
function symbolicMode(current: number, mode: string, isDir: boolean): number {
  let result = current & 0o7777;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)((?:[-+=][rwxXst]*)+)$/.exec(clause);
    if (!m) throw new Error(`bad symbolic permission for mode: ${mode}`);
    const users = (m[1] || 'a').replace('a', 'ugo');
    for (const [, op, perms] of m[2]!.matchAll(/([-+=])([rwxXst]*)/g)) {
      for (const who of new Set(users)) {
        const mask = PERMS[who]!;
        let bits = 0;
        for (const p of perms!) {
          if (p === 'r') bits |= 0o444 & mask;
          if (p === 'w') bits |= 0o222 & mask;
          if (p === 'x' || (p === 'X' && (isDir || (current & 0o111) !== 0))) bits |= 0o111 & mask;
          if (p === 's') bits |= who === 'u' ? 0o4000 : who === 'g' ? 0o2000 : 0;
          if (p === 't' && who === 'o') bits |= 0o1000;
        }
        const special = who === 'u' ? 0o4000 : who === 'g' ? 0o2000 : 0o1000;
        if (op === '=') result = (result & ~(mask | special)) | bits;
        else if (op === '+') result |= bits;
        else result &= ~bits;
      }
    }
  }
  return result;
}

/** The mode option as permission bits for this file (octal text, an int, or symbolic). */
export function modeBits(mode: unknown, file: string): number {
  if (isInt(mode)) return mode;
  const text = String(mode);
  if (/^[0-7]+$/.test(text)) return parseInt(text, 8);
  const st = statSync(file);
  try {
    return symbolicMode(st.mode, text, st.isDirectory());
  } catch (e) {
    return fail({ path: file, msg: 'mode must be in octal or symbolic form', details: (e as Error).message });
  }
}

type AttrDiff = { before?: Record<string, unknown>; after?: Record<string, unknown> } & Record<string, unknown>;
const note = (diff: AttrDiff | undefined, key: string, before: unknown, after: unknown) => {
  if (!diff) return;
  (diff.before ??= {})[key] = before;
  (diff.after ??= {})[key] = after;
};

/** set_fs_attributes_if_different for owner, group and mode: whether anything differs (and, outside check
 * mode, was set), each difference noted in `diff`. */
export function setFileAttributes(
  file: string,
  args: Record<string, any>,
  ctx: ModuleContext,
  diff?: AttrDiff,
): boolean {
  if (!existsSync(file)) return false;
  let changed = false;
  const st = statSync(file);
  const ids: ['owner' | 'group', '/etc/passwd' | '/etc/group', number, string][] = [
    ['owner', '/etc/passwd', st.uid, 'chown failed: failed to look up user'],
    ['group', '/etc/group', st.gid, 'chgrp failed: failed to look up group'],
  ];
  for (const [key, db, now, words] of ids) {
    if (args[key] === null || args[key] === undefined) continue;
    const id = idOf(String(args[key]), db);
    if (id === undefined) fail({ path: file, msg: `${words} ${String(args[key])}` });
    if (id === now) continue;
    note(diff, key, now, id);
    changed = true;
    if (!ctx.checkMode) chownSync(file, key === 'owner' ? id! : -1, key === 'group' ? id! : -1);
  }
  if (args.mode !== null && args.mode !== undefined) {
    const want = modeBits(args.mode, file);
    const now = st.mode & 0o7777;
    if (want !== now) {
      note(diff, 'mode', `0${now.toString(8).padStart(3, '0')}`, `0${want.toString(8).padStart(3, '0')}`);
      changed = true;
      if (!ctx.checkMode) chmodSync(file, want);
    }
  }
  return changed;
}

/** check_file_attrs: the attributes set when they differ, the message saying so. */
export function checkFileAttrs(
  file: string,
  at: { args: Record<string, any>; ctx: ModuleContext; diff?: AttrDiff },
  outcome: { changed: boolean; msg: string },
): { changed: boolean; msg: string } {
  if (!setFileAttributes(file, at.args, at.ctx, at.diff)) return outcome;
  const msg = `${outcome.msg}${outcome.changed ? ' and ' : ''}ownership, perms or SE linux context changed`;
  return { changed: true, msg };
}

/** match.expand(template): Python's \\1 and \\g<name> (and \\g<0>) replaced by the match's groups, an unmatched
 * group by nothing. */
export function expandMatch(template: string, m: RegExpMatchArray): string {
  return translateReplacement(template).replace(
    /\$(\$|<(\w+)>|(\d{1,2}))/g,
    (_x, all: string, name?: string, num?: string) =>
      all === '$' ? '$' : ((name !== undefined ? m.groups?.[name] : m[Number(num)]) ?? ''),
  );
}

/** A Python codec name (encoding=, output_encoding=) as Node's encoding, for those Node has. */
export function nodeEncoding(name: string): BufferEncoding {
  const n = name.toLowerCase().replace(/_/g, '-');
  if (['utf-8', 'utf8', 'u8'].includes(n)) return 'utf8';
  if (['latin-1', 'latin1', 'iso-8859-1', 'iso8859-1', 'l1'].includes(n)) return 'latin1';
  if (['utf-16-le', 'utf-16le'].includes(n)) return 'utf16le';
  if (['ascii', 'us-ascii'].includes(n)) return 'ascii';
  return fail({ msg: `LookupError: unknown encoding: ${name}` });
}

/** A directory given as the file to edit: the same failure in each module. */
export function refuseDirectory(file: string): void {
  if (existsSync(file) && statSync(file).isDirectory()) fail({ rc: 256, msg: `Path ${file} is a directory !` });
}
