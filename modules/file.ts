// file: a path made a file, directory, link, hard link or absent, touched, its owner, group, mode, attributes and
// times set where they differ, with the module's diff (path, state, src, mode, ... before and after).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModuleFailure, defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { pyFloat } from '../src/python/python.js';
import { strptime } from '../src/python/datetime.js';
import {
  FILE_COMMON_SPEC,
  FileAttributes,
  addPathInfo,
  errnoText,
  exists,
  expandPath,
  fail,
  fileArgsOf,
  fileState,
  gidOf,
  isLink,
  realpath,
  uidOf,
  userName,
  groupName,
  type FileArgs,
  type FileDiff,
  type FileState,
} from './file_common.js';

const SPEC = {
  state: { type: 'str' as const, choices: ['absent', 'directory', 'file', 'hard', 'link', 'touch'] },
  path: { type: 'path' as const, required: true, aliases: ['dest', 'name'] },
  _original_basename: { type: 'str' as const },
  recurse: { type: 'bool' as const, default: false },
  force: { type: 'bool' as const, default: false },
  follow: { type: 'bool' as const, default: true },
  _diff_peek: { type: 'bool' as const },
  src: { type: 'path' as const },
  modification_time: { type: 'str' as const },
  modification_time_format: { type: 'str' as const, default: '%Y%m%d%H%M.%S' },
  access_time: { type: 'str' as const },
  access_time_format: { type: 'str' as const, default: '%Y%m%d%H%M.%S' },
  ...FILE_COMMON_SPEC,
};

/** A time to set: null keeps the file's ('preserve'), NOW is the time of setting, else seconds since the epoch. */
const NOW = Symbol('now');
type Stamp = null | typeof NOW | number;
interface Times {
  mtime: Stamp;
  atime: Stamp;
}

/** get_timestamp_for_time: `preserve`, `now`, or a time in the given strptime format (local time). */
function stampOf(text: string | null, format: string): Stamp {
  if (text === null || text === 'preserve') return null;
  if (text === 'now') return NOW;
  try {
    const naiveMs = strptime(text, format).us / 1000;
    return (naiveMs + new Date(naiveMs).getTimezoneOffset() * 60_000) / 1000;
  } catch (e) {
    return fail({
      msg: `Error while obtaining timestamp for time ${text} using format ${format}: ${(e as Error).message}`,
    });
  }
}

/** keep_backward_compatibility_on_timestamps: touch means now, the other states preserve. */
const defaultStamp = (value: string | null, state: string) =>
  value === null && ['file', 'hard', 'directory', 'link', 'touch'].includes(state)
    ? state === 'touch'
      ? 'now'
      : 'preserve'
    : value;

const seconds = (st: fs.BigIntStats, which: 'mtimeNs' | 'atimeNs') =>
  Number(st[which] / 1_000_000_000n) + Number(st[which] % 1_000_000_000n) * 1e-9;

/** The file module's get_state on the path it was given, then the run's steps. */
class FileRun {
  readonly attrs: FileAttributes;
  readonly times: Times;
  constructor(
    readonly params: Record<string, any>,
    readonly ctx: ModuleContext,
    /** module.warn: they go with the result, a failure's too. */
    readonly warnings: string[],
  ) {
    this.attrs = new FileAttributes(ctx.checkMode);
    const state: string = params.state;
    this.times = {
      mtime: stampOf(defaultStamp(params.modification_time, state), params.modification_time_format),
      atime: stampOf(defaultStamp(params.access_time, state), params.access_time_format),
    };
  }
  /** load_file_common_arguments for the module's path. */
  fileArgs(): FileArgs {
    return fileArgsOf(this.params);
  }
  get check(): boolean {
    return this.ctx.checkMode;
  }

  /** update_timestamp_for_file: whether the times were (or would be) set. */
  updateTimes(p: string, t: Times, diff?: FileDiff): boolean {
    if (t.mtime === null && t.atime === null) return false;
    try {
      const st = fs.statSync(p, { bigint: true });
      const prevM = seconds(st, 'mtimeNs'),
        prevA = seconds(st, 'atimeNs');
      let mtime: number, atime: number;
      if (t.mtime === NOW && t.atime === NOW) mtime = atime = Date.now() / 1000;
      else {
        mtime = t.mtime === null ? prevM : t.mtime === NOW ? Date.now() / 1000 : t.mtime;
        atime = t.atime === null ? prevA : t.atime === NOW ? Date.now() / 1000 : t.atime;
        if (mtime === prevM && atime === prevA) return false;
      }
      if (!this.check) fs.utimesSync(p, atime, mtime);
      if (diff) {
        diff.before ??= {};
        diff.after ??= {};
        if (mtime !== prevM) [diff.before.mtime, diff.after.mtime] = [pyFloat(prevM), pyFloat(mtime)];
        if (atime !== prevA) [diff.before.atime, diff.after.atime] = [pyFloat(prevA), pyFloat(atime)];
      }
      return true;
    } catch (e) {
      return fail({ msg: `Error while updating modification or access time: ${errnoText(e, `b'${p}'`)}`, path: p });
    }
  }
  /** Attributes, then times, on one path (the file arguments' path unless given). */
  settle(args: FileArgs, changed: boolean, diff?: FileDiff): boolean {
    const c = this.attrs.setIfDifferent(args, changed, diff);
    return this.updateTimes(args.path, this.times, diff) || c;
  }
}

/** initial_diff: the path, and its state before and after when they differ (with what a removed directory held). */
function initialDiff(p: string, state: string, prev: FileState): FileDiff {
  const diff = { before: { path: p } as Record<string, unknown>, after: { path: p } as Record<string, unknown> };
  if (prev === state) return diff;
  diff.before.state = prev;
  diff.after.state = state;
  if (state === 'absent' && prev === 'directory') {
    const walk = { directories: [] as string[], files: [] as string[] };
    for (const [root, dirs, files] of osWalk(p)) {
      for (const d of dirs) walk.directories.push(path.join(root, d));
      for (const f of files) walk.files.push(path.join(root, f));
    }
    diff.before.path_content = walk;
  }
  return diff;
}

/** os.walk, top down, not into linked directories (which it lists among the directories) unless `followLinks`; a
 * directory it cannot read is left out, or with `raiseErrors` its error thrown (find's onerror). The caller may
 * empty the yielded `dirs` to keep the walk out of them. */
export function* osWalk(
  top: string,
  opts: { followLinks?: boolean; raiseErrors?: boolean } = {},
): Generator<[string, string[], string[]]> {
  const dirs: string[] = [],
    files: string[] = [];
  try {
    // in the directory's own order, as os.scandir gives it (readdir sorts)
    const dir = fs.opendirSync(top);
    for (let e = dir.readSync(); e; e = dir.readSync()) {
      const full = path.join(top, e.name);
      const isDir = e.isDirectory() || (e.isSymbolicLink() && statIsDir(full));
      (isDir ? dirs : files).push(e.name);
    }
    dir.closeSync();
  } catch (e) {
    if (opts.raiseErrors) throw e;
    return;
  }
  yield [top, dirs, files];
  for (const d of dirs) if (opts.followLinks || !isLink(path.join(top, d))) yield* osWalk(path.join(top, d), opts);
}

/** state=absent: the path removed, a directory with all it holds. */
function ensureAbsent(run: FileRun, p: string): TaskResult {
  const prev = fileState(p);
  if (prev === 'absent') return { path: p, changed: false, state: 'absent' };
  const diff = initialDiff(p, 'absent', prev);
  if (!run.check) {
    try {
      if (prev === 'directory') fs.rmSync(p, { recursive: true });
      else fs.unlinkSync(p);
    } catch (e) {
      if (prev === 'directory') fail({ msg: `rmtree failed: ${errnoText(e, `'${p}'`)}` });
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        fail({ msg: `unlinking failed: ${errnoText(e, `b'${p}'`)} `, path: p });
    }
  }
  return { path: p, changed: true, diff, state: 'absent' };
}

/** state=touch: the file made if missing, its times set to now (or as given), so always changed. */
function executeTouch(run: FileRun, p: string): TaskResult {
  const prev = fileState(p);
  let changed = false;
  if (prev === 'absent') {
    if (run.check) return { dest: p, changed: true };
    try {
      fs.closeSync(fs.openSync(p, 'w'));
      changed = true;
    } catch (e) {
      fail({ msg: `Error, could not touch target: ${errnoText(e, `b'${p}'`)}`, path: p });
    }
  }
  const diff = initialDiff(p, 'touch', prev);
  try {
    changed = run.settle(run.fileArgs(), changed, diff);
  } catch (e) {
    // a failed touch leaves no file it made behind
    if (prev === 'absent') fs.rmSync(p, { force: true });
    throw e;
  }
  return { dest: p, changed, diff };
}

/** state=file: the path must be a file already (or a link to one, followed); its attributes are set. */
function ensureFile(run: FileRun, given: string): TaskResult {
  let p = given;
  let prev = fileState(p);
  const args = run.fileArgs();
  if (prev !== 'file' && run.params.follow && prev === 'link') {
    p = realpath(p);
    prev = fileState(p);
    args.path = p;
  }
  if (prev !== 'file' && prev !== 'hard')
    fail({ msg: `file (${p}) is ${prev}, cannot continue`, path: p, state: prev });
  const diff = initialDiff(p, 'file', prev);
  return { path: p, changed: run.settle(args, false, diff), diff };
}

/** mkdir -p one component at a time, each new one given the attributes. */
function makeDirectories(run: FileRun, p: string, diff: FileDiff): boolean {
  const args = run.fileArgs();
  let changed = false,
    cur = '';
  try {
    for (const name of p.replace(/^\/+|\/+$/g, '').split('/')) {
      cur = [cur, name].join('/');
      if (!path.isAbsolute(p)) cur = cur.replace(/^\/+/, '');
      if (exists(cur)) continue;
      try {
        fs.mkdirSync(cur);
        changed = true;
      } catch (e) {
        if (!((e as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(cur).isDirectory())) throw e;
      }
      changed = run.attrs.setIfDifferent({ ...args, path: cur }, changed, diff);
      changed = run.updateTimes(args.path, run.times, diff) || changed;
    }
  } catch (e) {
    fail({ msg: `There was an issue creating ${cur} as requested: ${errnoText(e, `b'${cur}'`)}`, path: p });
  }
  return changed;
}

/** state=directory: made if absent, else must be one (a link to one, followed); recurse sets what it holds. */
function ensureDirectory(run: FileRun, given: string): TaskResult {
  let p = given;
  let prev = fileState(p);
  const args = run.fileArgs();
  if (run.params.follow && prev === 'link') {
    p = realpath(p);
    args.path = p;
    prev = fileState(p);
  }
  const diff = initialDiff(p, 'directory', prev);
  if (prev === 'absent') {
    if (run.check) return { path: p, changed: true, diff };
    return { path: p, changed: makeDirectories(run, p, diff), diff };
  }
  if (prev !== 'directory') fail({ msg: `${p} already exists as a ${prev}`, path: p });
  let changed = run.settle(args, false, diff);
  if (run.params.recurse) changed = recursiveSetAttributes(run, p, args) || changed;
  return { path: p, changed, diff };
}

/** recursive_set_attributes: everything below the directory, links themselves and (following) their targets. */
function recursiveSetAttributes(run: FileRun, top: string, args: FileArgs): boolean {
  let changed = false;
  for (const [root, dirs, files] of osWalk(top)) {
    for (const name of [...dirs, ...files]) {
      const full = path.join(root, name);
      changed = run.settle({ ...args, path: full }, changed) || changed;
      if (!isLink(full) || !run.params.follow) continue;
      const target = path.join(root, fs.readlinkSync(full));
      if (!exists(target)) continue;
      if (fs.statSync(target).isDirectory()) changed = recursiveSetAttributes(run, target, args) || changed;
      changed = run.settle({ ...args, path: target }, changed) || changed;
    }
  }
  return changed;
}

/** os.path.join(a, b): b when absolute, no normalising. */
const pyJoin = (a: string, b: string) => (b.startsWith('/') || a === '' ? b : a.endsWith('/') ? a + b : `${a}/${b}`);

/** Replaces what is at p by a new link made beside it (a directory, empty, is removed first). */
function replaceWithLink(p: string, prev: FileState, src: string, make: (tmp: string) => void): void {
  if (prev === 'absent') {
    try {
      make(p);
    } catch (e) {
      fail({ msg: `Error while linking: ${errnoText(e, `b'${src}' -> b'${p}'`)}`, path: p });
    }
    return;
  }
  const tmp = path.join(path.dirname(p), `.${process.pid}.${Date.now() / 1000}.tmp`);
  try {
    if (prev === 'directory') fs.rmdirSync(p);
    make(tmp);
    fs.renameSync(tmp, p);
  } catch (e) {
    if (exists(tmp)) fs.unlinkSync(tmp);
    fail({ msg: `Error while replacing: ${errnoText(e, `b'${src}' -> b'${tmp}'`)}`, path: p });
  }
}

/** The checks ensure_symlink makes before it changes anything. */
function symlinkRefusals(run: FileRun, p: string, src: string | null, prev: FileState): void {
  const rel =
    !isLink(p) && fileState(p) === 'directory' ? p : path.dirname(p) === '.' && !p.includes('/') ? '' : path.dirname(p);
  const absrc = src === null ? null : pyJoin(rel, src);
  if (!run.params.force && src !== null && !exists(absrc!))
    fail({
      msg: `src file does not exist, use "force=yes" if you really want to create the link: ${absrc}`,
      path: p,
      src,
    });
  if (prev === 'directory') {
    if (!run.params.force) fail({ msg: `refusing to convert from ${prev} to symlink for ${p}`, path: p });
    if (fs.readdirSync(p).length) fail({ msg: `the directory ${p} is not empty, refusing to convert it`, path: p });
  } else if ((prev === 'file' || prev === 'hard') && !run.params.force)
    fail({ msg: `refusing to convert from ${prev} to symlink for ${p}`, path: p });
}

/** state=link: a symbolic link to src (relative to the link's directory), replacing what force allows. */
function ensureSymlink(run: FileRun, p: string): TaskResult {
  let src: string | null = run.params.src;
  const prev = fileState(p);
  if (src === null && run.params.follow && exists(p)) src = fs.readlinkSync(p);
  symlinkRefusals(run, p, src, prev);
  const diff = initialDiff(p, 'link', prev);
  let changed = false;
  if (prev !== 'link') {
    if (src === null) fail({ msg: 'src is required for creating new symlinks' });
    changed = true;
  } else if (src !== null) {
    const old = fs.readlinkSync(p);
    if (old !== src) [diff.before!.src, diff.after!.src, changed] = [old, src, true];
  }
  if (changed && !run.check) replaceWithLink(p, prev, src!, (at) => fs.symlinkSync(src!, at));
  if (run.check && !exists(p)) return { dest: p, src, changed, diff };
  const args = run.fileArgs();
  if (run.params.follow && isLink(p) && !exists(args.path))
    run.warnings.push(
      'Cannot set fs attributes on a non-existent symlink target. follow should be set to False to avoid this.',
    );
  else changed = run.settle(args, changed, diff);
  return { dest: p, src, changed, diff };
}

/** Whether ensure_hardlink has anything to do; its refusals. */
function hardlinkNeeded(run: FileRun, p: string, prev: FileState, diff: FileDiff): boolean {
  const src: string | null = run.params.src;
  const refuse = (msg: string) => fail({ msg, dest: p, src });
  if (prev === 'absent') return true;
  if (prev === 'link') {
    const old = fs.readlinkSync(p);
    if (old === src) return false;
    [diff.before!.src, diff.after!.src] = [old, src];
    return true;
  }
  if (prev === 'hard') {
    if (src === null || fs.statSync(p).ino === fs.statSync(src).ino) return false;
    if (!run.params.force) refuse('Cannot link, different hard link exists at destination');
    return true;
  }
  if (prev === 'file') {
    if (!run.params.force) refuse(`Cannot link, ${prev} exists at destination`);
    return true;
  }
  if (fs.statSync(p).ino === fs.statSync(src!).ino) throw new SameInode();
  if (!run.params.force) refuse('Cannot link: different hard link exists at destination');
  return true;
}
class SameInode extends Error {}

/** state=hard: a hard link to src, replacing what force allows. */
function ensureHardlink(run: FileRun, p: string): TaskResult {
  const src: string | null = run.params.src;
  const prev = fileState(p);
  const args = run.fileArgs();
  if (prev !== 'hard' && src === null) fail({ msg: 'src is required for creating new hardlinks' });
  if (src !== null && !exists(src)) fail({ msg: 'src does not exist', dest: p, src });
  const diff = initialDiff(p, 'hard', prev);
  let changed: boolean;
  try {
    changed = hardlinkNeeded(run, p, prev, diff);
  } catch (e) {
    if (e instanceof SameInode) return { path: p, changed: false };
    throw e;
  }
  if (changed && !run.check)
    replaceWithLink(p, prev === 'directory' ? 'file' : prev, src!, (at) => fs.linkSync(src!, at));
  if (run.check && !exists(p)) return { dest: p, src, changed, diff };
  changed = run.settle(args, changed, diff);
  return { dest: p, src, changed, diff };
}

/** additional_parameter_handling: a directory path with a basename to add, the state to default, the checks. */
function prepare(params: Record<string, any>): void {
  if (
    params.state !== 'link' &&
    params.state !== 'absent' &&
    fileState(params.path) === 'directory' &&
    statIsDir(params.path)
  ) {
    const base = params._original_basename ?? (params.src ? path.basename(params.src) : null);
    if (base) params.path = pyJoin(params.path, base);
  }
  const prev = fileState(params.path);
  params.state ??= prev !== 'absent' ? prev : params.recurse ? 'directory' : 'file';
  if (params.recurse && params.state !== 'directory')
    fail({ msg: "recurse option requires state to be 'directory'", path: params.path });
  if (params.src && params.state !== 'link' && params.state !== 'hard')
    fail({ msg: "src option requires state to be 'link' or 'hard'", path: params.path });
}
const statIsDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

/** In check mode, owners and groups that do not exist yet are warned about (a play may create them first). */
function checkOwners(run: FileRun): void {
  const kinds = [
    { kind: 'user', id: 'uid', value: run.params.owner, lookup: uidOf, nameOf: userName },
    { kind: 'group', id: 'gid', value: run.params.group, lookup: gidOf, nameOf: groupName },
  ];
  for (const { kind, id, value, lookup, nameOf } of kinds) {
    if (!value) continue;
    const byId = /^\s*[-+]?\d+\s*$/.test(value);
    if (lookup(value) !== undefined && !(byId && nameOf(Number(value)) === String(Number(value)))) continue;
    const what = byId ? `${kind} with ${id} ${Number(value)}` : `${kind} ${value}`;
    run.warnings.push(`failed to look up ${what}. Create ${kind} up to this point in real play`);
  }
}

const STATES: Record<string, (run: FileRun, p: string) => TaskResult> = {
  file: ensureFile,
  directory: ensureDirectory,
  link: ensureSymlink,
  hard: ensureHardlink,
  touch: executeTouch,
  absent: ensureAbsent,
};

export default defineModule({
  names: ['file', 'ansible.builtin.file', 'ansible.legacy.file'],
  argumentSpec: SPEC,
  supportsCheckMode: true,
  run(args, ctx): TaskResult {
    const params: Record<string, any> = { ...args, path: expandPath(args.path, ctx.env) };
    if (params.src !== null) params.src = expandPath(params.src, ctx.env);
    // the module reports its parameters as it changed them (the path with a basename added, the state found),
    // an alias the task used beside them
    const aliases = ctx.task.action === 'file' ? ['dest', 'name'].filter((a) => a in (ctx.task.args ?? {})) : [];
    const invocation = { module_args: params };
    for (const a of aliases) params[a] = args.path;
    const warnings: string[] = [];
    try {
      prepare(params);
      const run = new FileRun(params, ctx, warnings);
      if (ctx.checkMode && params.state !== 'absent') checkOwners(run);
      if (params._diff_peek !== null)
        return addPathInfo({
          path: params.path,
          changed: false,
          appears_binary: appearsBinary(params.path),
          invocation,
        });
      const result = STATES[params.state]!(run, params.path);
      if (warnings.length) result.warnings = warnings;
      return addPathInfo({ ...result, invocation });
    } catch (e) {
      if (e instanceof ModuleFailure) Object.assign(e.result, { invocation }, warnings.length ? { warnings } : {});
      throw e;
    }
  },
});

/** execute_diff_peek: a NUL in the first 8 KiB makes a file look binary. */
function appearsBinary(p: string): boolean {
  try {
    const fd = fs.openSync(p, 'r');
    const head = Buffer.alloc(8192);
    const n = fs.readSync(fd, head, 0, 8192, 0);
    fs.closeSync(fd);
    return head.subarray(0, n).includes(0);
  } catch {
    return false;
  }
}
