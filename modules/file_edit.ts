// What only the text-editing modules (lineinfile, blockinfile, replace, template) share, beyond file_common.ts:
// writing through a temporary file that `validate` checks before it replaces the target, check_file_attrs'
// message, match.expand, Python codec names, and refusing a directory.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModuleContext } from '../src/module.js';
import { translateReplacement } from '../filters/regex.js';
import { FileAttributes, fail, fileArgsOf, type FileDiff } from './file_common.js';

/** Python's `%` with one argument, as `validate % tmpfile` does it. */
const percentFormat = (template: string, value: string): string =>
  template.replace(/%(s|%)/g, (_m, c: string) => (c === '%' ? '%' : value));

/** How lineinfile, blockinfile and replace report a failed validation (the copy module reports it otherwise). */
const invalidChange = (run: { status: number | null; stderr: string }): never =>
  fail({ msg: `failed to validate: rc:${run.status ?? 1} error:${run.stderr}` });

/** write_changes: the new contents go to a temporary file, `validate` (if any) checks it, then it replaces the
 * target (atomic_move: an existing target's mode and ownership are kept). */
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

/** set_fs_attributes_if_different for the file an edit module wrote: whether anything differs (and, outside check
 * mode, was set), each difference noted in `diff`. */
export function setFileAttributes(
  file: string,
  args: Record<string, any>,
  ctx: ModuleContext,
  diff?: FileDiff,
): boolean {
  return new FileAttributes(ctx.checkMode).setIfDifferent(fileArgsOf(args, file), false, diff);
}

/** check_file_attrs: the attributes set when they differ, the message saying so. */
export function checkFileAttrs(
  file: string,
  at: { args: Record<string, any>; ctx: ModuleContext; diff?: FileDiff },
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
