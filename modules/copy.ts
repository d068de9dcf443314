// copy: Ansible's action plugin (content or src found in files/, directories walked, the file module for what is
// already there) and the copy module it runs for each file that differs (backup, validate, atomic move).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ModuleFailure,
  defineModule,
  validateArgs,
  type ModuleContext,
  type ModuleDefinition,
  type TaskResult,
} from '../src/module.js';
import { isDict, pyStr } from '../src/python/python.js';
import { pyJson } from '../src/python/pyjson.js';
import fileDefinition, { osWalk } from './file.js';
import {
  addPathInfo,
  FILE_COMMON_SPEC,
  FileAttributes,
  atomicMove,
  backupLocal,
  digest,
  exists,
  expandPath,
  fail,
  fileArgsOf,
  isLink,
  octal,
  pyDirname,
  randomName,
  realpath,
  statOf,
  type FileArgs,
} from './file_common.js';

const SPEC = {
  src: { type: 'path' as const },
  _original_basename: { type: 'str' as const },
  // no_log in the module, which never sees it: the action plugin censors it only in invocation
  content: { type: 'raw' as const },
  dest: { type: 'path' as const },
  backup: { type: 'bool' as const, default: false },
  force: { type: 'bool' as const, default: true },
  validate: { type: 'str' as const },
  directory_mode: { type: 'raw' as const },
  remote_src: { type: 'bool' as const },
  local_follow: { type: 'bool' as const },
  checksum: { type: 'str' as const },
  follow: { type: 'bool' as const, default: false },
  ...FILE_COMMON_SPEC,
};
/** The action plugin also takes decrypt (the module never sees it). */
const ACTION_SPEC = { ...SPEC, decrypt: { type: 'bool' as const, default: true } };

/** Ends the module early with a result that is not a failure (exit_json). */
class Exit {
  constructor(readonly result: TaskResult) {}
}

/** The copy module's checks on its source and the checksum it was told to expect. */
function checkSource(params: Record<string, any>): { checksum: string | null; md5: string | null } {
  const src: string = params.src;
  if (!exists(src)) fail({ msg: `Source ${src} not found` });
  try {
    fs.accessSync(src, fs.constants.R_OK);
  } catch {
    fail({ msg: `Source ${src} not readable` });
  }
  if (params.mode === 'preserve') params.mode = octal(fs.statSync(src).mode & 0o7777);
  let checksum: string | null = null,
    md5: string | null = null;
  if (fs.statSync(src).isFile()) [checksum, md5] = [digest(src, 'sha1'), digest(src, 'md5')];
  else if (params.remote_src && !fs.statSync(src).isDirectory())
    fail({ msg: `Cannot copy invalid source '${src}': not a file` });
  if (params.checksum && checksum !== params.checksum)
    fail({
      msg: 'Copied file does not match the expected checksum. Transfer failed.',
      checksum,
      expected_checksum: params.checksum,
    });
  return { checksum, md5 };
}

/** Where the file goes: into a directory dest (made when it ends in / and is missing), past a followed link. */
function destination(params: Record<string, any>, ctx: ModuleContext): string {
  let dest: string = params.dest.includes('/') ? params.dest : `./${params.dest}`;
  const base: string | null = params._original_basename;
  if (dest.endsWith('/')) {
    if (base) dest = path.join(dest, base);
    const dir = pyDirname(dest);
    if (!exists(dir)) {
      if (ctx.checkMode)
        throw new Exit({ msg: `dest directory ${dir} would be created`, changed: true, src: params.src });
      fs.mkdirSync(dir, { recursive: true });
      if (params.directory_mode !== null)
        new FileAttributes(false).setIfDifferent({ ...fileArgsOf(params, dir), mode: params.directory_mode }, false);
    }
  }
  if (fs.statSync(dest, { throwIfNoEntry: false })?.isDirectory())
    dest = path.join(dest, base ?? path.basename(params.src));
  if (exists(dest)) {
    if (isLink(dest) && params.follow) dest = realpath(dest);
    if (!params.force) throw new Exit({ msg: 'file already exists', src: params.src, dest, changed: false });
  } else if (!exists(pyDirname(dest))) fail({ msg: `Destination directory ${pyDirname(dest)} does not exist` });
  return dest;
}

/** A module's stdout or stderr with the lines _execute_module adds. */
const outputLines = (key: string, text: string) => ({
  [key]: text,
  [`${key}_lines`]: text.split(/\r?\n/).filter((l, i, a) => l !== '' || i < a.length - 1),
});

/** The new content in place: backed up first, validated as it would be, then moved over dest. */
function replace(params: Record<string, any>, dest: string, ctx: ModuleContext): string | null {
  const src: string = params.src;
  let backup: string | null = null;
  if (params.backup && exists(dest)) backup = backupLocal(dest);
  if (isLink(dest)) {
    fs.unlinkSync(dest);
    fs.closeSync(fs.openSync(dest, 'w'));
  }
  if (params.validate) {
    const attrs = new FileAttributes(false);
    attrs.setIfDifferent(
      { path: src, mode: params.mode, owner: params.owner, group: params.group, attributes: null },
      false,
    );
    if (!params.validate.includes('%s')) fail({ msg: `validate must contain %s: ${params.validate}` });
    const r = spawnSync('/bin/sh', ['-c', params.validate.replaceAll('%s', src)], {
      encoding: 'utf8',
      env: ctx.env as NodeJS.ProcessEnv,
    });
    if (r.status !== 0)
      fail({
        msg: 'failed to validate',
        exit_status: r.status ?? -1,
        ...outputLines('stdout', r.stdout ?? ''),
        ...outputLines('stderr', r.stderr ?? ''),
      });
  }
  let mine = src;
  if (params.remote_src && fs.statSync(src).isFile()) {
    mine = path.join(pyDirname(dest), `.tsible_copy${process.pid}${Date.now()}`);
    fs.copyFileSync(src, mine);
    const st = fs.statSync(src);
    fs.chmodSync(mine, st.mode & 0o7777);
    fs.utimesSync(mine, st.atime, st.mtime);
  }
  atomicMove(mine, dest);
  return backup;
}

/** The copy module on the managed host: src (a file already there) put at dest when it differs. */
function copyModule(params: Record<string, any>, ctx: ModuleContext): TaskResult {
  params.src = expandPath(params.src, ctx.env);
  params.dest = expandPath(params.dest, ctx.env);
  try {
    const sums = checkSource(params);
    const dest = destination(params, ctx);
    const destSum = statOf(dest)?.isFile() ? digest(dest, 'sha1') : null;
    let changed = false,
      backup: string | null = null;
    if (sums.checksum !== destSum || isLink(dest)) {
      if (!ctx.checkMode) backup = replace(params, dest, ctx);
      changed = true;
    }
    if (sums.checksum === null && destSum === null && params.remote_src && fs.statSync(params.src).isDirectory())
      changed = copyTree(params, ctx) || changed;
    const result: TaskResult = { dest, src: params.src, md5sum: sums.md5, checksum: sums.checksum, changed };
    if (backup) result.backup_file = backup;
    const args: FileArgs = fileArgsOf(params, dest);
    result.changed = new FileAttributes(ctx.checkMode).setIfDifferent(args, changed);
    return addPathInfo({ ...result, invocation: { module_args: params } });
  } catch (e) {
    if (e instanceof Exit) return addPathInfo({ ...e.result, invocation: { module_args: params } });
    if (e instanceof ModuleFailure) e.result.invocation ??= { module_args: params };
    throw e;
  }
}

/** remote_src with a directory: its files copied where they differ or are missing (src/ copies what it holds). */
function copyTree(params: Record<string, any>, ctx: ModuleContext): boolean {
  const src: string = params.src;
  const into = src.endsWith('/') ? params.dest : path.join(params.dest, path.basename(src));
  return syncTree(src.replace(/\/+$/, ''), into, ctx.checkMode);
}
function syncTree(from: string, to: string, check: boolean): boolean {
  let changed = false;
  if (!exists(to)) {
    if (check) return true;
    fs.mkdirSync(to, { recursive: true });
    changed = true;
  }
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, e.name),
      b = path.join(to, e.name);
    if (e.isDirectory()) changed = syncTree(a, b, check) || changed;
    else if (e.isSymbolicLink()) {
      if (isLink(b) && fs.readlinkSync(b) === fs.readlinkSync(a)) continue;
      if (!check) {
        fs.rmSync(b, { force: true });
        fs.symlinkSync(fs.readlinkSync(a), b);
      }
      changed = true;
    } else if (!exists(b) || digest(a, 'sha1') !== digest(b, 'sha1')) {
      if (!check) fs.copyFileSync(a, b);
      changed = true;
    }
  }
  return changed;
}

// ---- the action plugin, on the controller

/** The task arguments the file module accepts (REAL_FILE_ARGS). */
const FILE_ARGS = new Set([
  ...Object.keys(FILE_COMMON_SPEC),
  'state',
  'path',
  '_original_basename',
  'recurse',
  'force',
  '_diff_peek',
  'src',
]);
/** The task's arguments as given, as far as validated ones tell: not null, not their default. */
const givenArgs = (args: Record<string, unknown>) =>
  pick(args, (k) => args[k] !== (ACTION_SPEC as Record<string, { default?: unknown }>)[k]?.default);
const pick = (args: Record<string, unknown>, keep: (k: string) => boolean) =>
  Object.fromEntries(Object.entries(args).filter(([k, v]) => keep(k) && v !== null));

/** Another module run from this one, its arguments validated as the executor would; its failure as a result. */
export function execute(def: ModuleDefinition, raw: Record<string, unknown>, ctx: ModuleContext): TaskResult {
  const v = validateArgs(def, raw, def.names[2]!, ctx.env);
  if (v.error) return { failed: true, msg: v.error, invocation: { module_args: v.invocation } };
  // the module's parameters as it reports them, over the arguments as given (aliases included)
  const withGiven = (r: TaskResult): TaskResult => {
    const own = (r.invocation as { module_args?: object } | undefined)?.module_args ?? {};
    return { ...r, invocation: { module_args: { ...v.invocation, ...own } } };
  };
  try {
    return withGiven(def.run(v.args, ctx) as TaskResult);
  } catch (e) {
    if (e instanceof ModuleFailure) return withGiven(e.result);
    throw e;
  }
}
const fileModule = (raw: Record<string, unknown>, ctx: ModuleContext) => execute(fileDefinition, raw, ctx);

/** The action plugin's own checks, before anything runs. */
function argumentError(args: Record<string, any>): string | undefined {
  const { src, content, dest } = args;
  if (!src && content === null) return 'src (or content) is required';
  if (!dest) return 'dest is required';
  if (src && content !== null) return 'src and content are mutually exclusive';
  if (content !== null && String(dest).endsWith('/')) return 'can not use content with a dir as dest';
  return undefined;
}

/** _find_needle('files', src): the task's role, its file's directory and the play's, each with files/ first. */
export function findNeedle(src: string, ctx: ModuleContext): string {
  if (path.isAbsolute(src)) {
    if (exists(src) || isLink(src)) return src;
  }
  const bases = [ctx.task.role?.path, ctx.task.pos ? pyDirname(ctx.task.pos.file) : undefined, ctx.basedir].filter(
    (b): b is string => Boolean(b),
  );
  const candidates = path.isAbsolute(src)
    ? [src]
    : bases.flatMap((b) => [path.join(b, 'files', src), path.join(b, src)]);
  const found = candidates.find((c) => exists(c));
  if (found) return src.endsWith('/') && !found.endsWith('/') ? found + '/' : found;
  const msg = `Could not find or access '${src}'\nSearched in:\n${candidates.map((c) => `\t${c}`).join('\n')} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`;
  // Ansible's AnsibleFileNotFound comes with its traceback, whose last line the callback shows
  throw new ModuleFailure({ failed: true, msg, exception: msg });
}

interface Walked {
  files: [string, string][];
  directories: [string, string][];
  symlinks: [string, string][];
}
/** _walk_dirs: what a directory src holds, each with its path relative to what dest receives (the directory
 * itself too, unless src ends in /). Links are followed (local_follow) unless they loop. */
function walkDirs(top: string, localFollow: boolean): Walked {
  const out: Walked = { files: [], directories: [], symlinks: [] };
  let base = top;
  if (!top.endsWith('/')) base = pyDirname(base);
  const offset = base.length + (base.endsWith('/') ? 0 : 1);
  const visit = (dir: string, rel: (full: string) => string, seen: Set<string>) => {
    for (const [root, dirs, files] of osWalk(dir)) {
      for (const f of files) {
        const full = path.join(root, f);
        const real = realpath(full);
        if (!isLink(full)) out.files.push([full, rel(full)]);
        else if (localFollow && statOf(real)?.isFile()) out.files.push([real, rel(full)]);
        else out.symlinks.push([fs.readlinkSync(full), rel(full)]);
      }
      for (const d of dirs) {
        const full = path.join(root, d);
        if (!isLink(full)) out.directories.push([full, rel(full)]);
        else if (!localFollow || seen.has(realpath(full))) out.symlinks.push([fs.readlinkSync(full), rel(full)]);
        else {
          const real = realpath(full),
            at = rel(full);
          out.directories.push([real, at]);
          visit(real, (p) => path.join(at, p.slice(real.length + 1)), new Set([...seen, real]));
        }
      }
    }
  };
  visit(top, (p) => p.slice(offset), new Set([realpath(top)]));
  return out;
}

/** MAX_FILE_SIZE_FOR_DIFF: larger files are not diffed. */
const MAX_DIFF = 104448;

/** _get_diff_data: the destination's content before (peeked at with the file module, read with slurp), the
 * source's after, or why there is no diff (binary, too large). */
export function diffData(destination: string, source: string, ctx: ModuleContext): Record<string, unknown> {
  const diff: Record<string, unknown> = {};
  const peek = addPathInfo(fileModule({ path: destination, _diff_peek: true }, ctx));
  if (peek.failed) return diff;
  if (peek.state === undefined || peek.state === 'absent') diff.before = '';
  else if (peek.appears_binary) diff.dst_binary = 1;
  else if (typeof peek.size === 'number' && peek.size > MAX_DIFF) diff.dst_larger = MAX_DIFF;
  else {
    diff.before_header = destination;
    diff.before = fs.readFileSync(destination).toString('utf8');
  }
  const data = fs.readFileSync(source);
  if (data.length > MAX_DIFF) diff.src_larger = MAX_DIFF;
  else if (data.includes(0)) diff.src_binary = 1;
  else {
    diff.after_header = source;
    diff.after = data.toString('utf8');
  }
  return diff;
}

/** What one copy task is doing: its arguments, the content's temporary file, the run's context. */
interface CopyTask {
  readonly args: Record<string, any>;
  readonly ctx: ModuleContext;
  /** For the copy module: the task's arguments less the action's own. */
  readonly moduleArgs: Record<string, unknown>;
}

/** stat of the destination as the action plugin asks for it (checksum only when force). */
function remoteStat(p: string, follow: boolean): { exists: boolean; isdir?: boolean; checksum?: string } {
  const st = follow ? statOf(p) : fs.lstatSync(p, { throwIfNoEntry: false });
  if (!st) return { exists: false };
  return { exists: true, isdir: st.isDirectory(), ...(st.isFile() ? { checksum: digest(p, 'sha1') } : {}) };
}

/** _copy_file: one file to dest, through the copy module when it differs, the file module when it does not. */
function copyFile(t: CopyTask, [full, rel]: [string, string], follow: boolean): TaskResult | null {
  const { args, ctx } = t;
  const dest: string = args.dest;
  const result: TaskResult = { diff: [] };
  const lmode = args.mode === 'preserve' ? octal(fs.statSync(full).mode & 0o7777) : undefined;
  let destFile = dest.endsWith('/') ? path.join(dest, rel) : dest;
  let status = remoteStat(destFile, follow);
  if (status.exists && status.isdir) {
    if (args.content !== null) return { ...result, failed: true, msg: 'can not use content with a dir as dest' };
    destFile = path.join(dest, rel);
    status = remoteStat(destFile, follow);
  }
  if (status.exists && !args.force) return null;
  const local = digest(full, 'sha1');
  let ran: TaskResult;
  if (local !== status.checksum) {
    if (ctx.diff) (result.diff as unknown[]).push(diffData(destFile, full, ctx));
    if (ctx.checkMode) return { ...result, changed: true };
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tsible-copy-')), 'source');
    fs.copyFileSync(full, tmp);
    const params = { ...t.moduleArgs, src: tmp, dest, _original_basename: rel, follow };
    ran = execute(
      copyDefinition,
      { ...params, ...(args.checksum ? {} : { checksum: local }), ...(lmode ? { mode: lmode } : {}) },
      ctx,
    );
    fs.rmSync(pyDirname(tmp), { recursive: true, force: true });
  } else {
    let at = dest;
    if (follow && isLink(destFile)) at = realpath(destFile);
    const params = {
      ...pick(givenArgs(args), (k) => FILE_ARGS.has(k) && k !== 'src'),
      dest: at,
      _original_basename: rel,
      recurse: false,
      state: 'file',
    };
    ran = addPathInfo(fileModule(lmode ? { ...params, mode: lmode } : params, ctx));
  }
  if (!ran.checksum) ran.checksum = local;
  return { ...result, ...ran };
}

/** The source files: the content written to a temporary file, or src found on the controller and walked. */
function sources(t: CopyTask): { walked: Walked; source: string; tmp?: string } {
  const { args } = t;
  if (args.content !== null) {
    const c = args.content;
    const text = Array.isArray(c) || isDict(c) ? pyJson(c) : pyStr(c);
    // named as Ansible's controller names it (its --diff shows the name)
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ansible-local-')), `tmp${randomName()}`);
    fs.writeFileSync(tmp, text);
    return { walked: { files: [[tmp, path.basename(tmp)]], directories: [], symlinks: [] }, source: tmp, tmp };
  }
  const source = findNeedle(args.src, t.ctx);
  if (!statOf(source)?.isDirectory())
    return { walked: { files: [[source, path.basename(source)]], directories: [], symlinks: [] }, source };
  if (!args.dest.endsWith('/')) args.dest += '/';
  return { walked: walkDirs(source, args.local_follow ?? true), source };
}

/** The directories and links of a directory copy, through the file module. */
function directoriesAndLinks(t: CopyTask, walked: Walked): { changed: boolean; last?: TaskResult } {
  const base = pick(givenArgs(t.args), (k) => FILE_ARGS.has(k) && k !== 'src');
  let changed = false,
    last: TaskResult | undefined;
  for (const [, rel] of walked.directories) {
    if (rel === '') continue;
    const r = fileModule(
      { ...base, path: path.join(t.args.dest, rel), state: 'directory', mode: t.args.directory_mode, recurse: false },
      t.ctx,
    );
    if (r.failed) throw new ModuleFailure(r);
    [changed, last] = [changed || Boolean(r.changed), r];
  }
  for (const [target, rel] of walked.symlinks) {
    const params: Record<string, unknown> = {
      ...base,
      path: path.join(t.args.dest, rel),
      src: target,
      state: 'link',
      force: true,
    };
    if (walked.directories.length) params.follow = false;
    if (params.mode === 'preserve') delete params.mode;
    const r = fileModule(params, t.ctx);
    if (r.failed) throw new ModuleFailure(r);
    [changed, last] = [changed || Boolean(r.changed), r];
  }
  return { changed, last };
}

/** The action plugin's run: each source file copied, then the directories and links; one file's result as it is. */
function copyAction(args: Record<string, any>, ctx: ModuleContext): TaskResult {
  let result: TaskResult;
  try {
    result = runAction(args, ctx);
  } catch (e) {
    if (!(e instanceof ModuleFailure)) throw e;
    result = e.result;
  }
  // _ensure_invocation: the task's arguments, content censored
  if (!('invocation' in result)) {
    const given = givenArgs(args);
    const censored = 'content' in given ? { content: 'CENSORED: content is a no_log parameter' } : {};
    const masked = 'content' in given ? { content: 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' } : {};
    result.invocation = { ...given, ...censored, module_args: { ...given, ...masked } };
  }
  return result;
}
function runAction(args: Record<string, any>, ctx: ModuleContext): TaskResult {
  const error = argumentError(args);
  if (error) return { failed: true, msg: error };
  const moduleArgs = pick(args, (k) => k !== 'content' && k !== 'decrypt');
  if (args.remote_src)
    return execute(
      copyDefinition,
      pick(args, (k) => k !== 'decrypt'),
      ctx,
    );
  const t: CopyTask = { args: { ...args }, ctx, moduleArgs };
  const { walked, source, tmp } = sources(t);
  t.args.dest = expandPath(t.args.dest, ctx.env);
  let changed = false,
    executed = false,
    last: TaskResult = { changed: false };
  try {
    for (const file of walked.files) {
      const follow = walked.directories.length ? false : Boolean(args.follow);
      const r = copyFile(t, file, follow);
      if (r === null) continue;
      if (r.failed) return r;
      [last, executed, changed] = [r, true, changed || Boolean(r.changed)];
    }
  } finally {
    if (tmp) fs.rmSync(pyDirname(tmp), { recursive: true, force: true });
  }
  const rest = directoriesAndLinks(t, walked);
  if (rest.last) [last, executed, changed] = [rest.last, true, changed || rest.changed];
  if (executed && walked.files.length === 1)
    return 'path' in last && !('dest' in last) ? { ...last, dest: last.path } : last;
  return { dest: t.args.dest, src: source, changed };
}

/** The copy module itself, as the action plugin runs it for a file that differs. */
export const copyDefinition = defineModule({
  names: ['copy', 'ansible.builtin.copy', 'ansible.legacy.copy'],
  argumentSpec: SPEC,
  supportsCheckMode: true,
  run: copyModule,
});

export default defineModule({
  names: ['copy', 'ansible.builtin.copy', 'ansible.legacy.copy'],
  argumentSpec: ACTION_SPEC,
  supportsCheckMode: true,
  run: copyAction,
});
