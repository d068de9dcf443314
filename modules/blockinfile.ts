// blockinfile: a block of lines between two marker lines, inserted, updated or removed, as
// ansible.builtin.blockinfile decides it, with its messages, its diff and the file's attributes.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { compileRegex } from '../filters/regex.js';
import { FILE_COMMON_SPEC, backupLocal, expandPath, fail } from './file_common.js';
import { checkFileAttrs, refuseDirectory, writeChanges } from './file_edit.js';

/** bytes.splitlines(True): \n, \r\n and \r end lines, each kept. */
const splitLines = (text: string): string[] => text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];

const countNewlines = (text: string, end: number): number => text.slice(0, end).split('\n').length - 1;

/** Where the block goes when its markers are not both in the file: after/before the last line insertafter or
 * insertbefore matches, else at the end (or the start for insertbefore=BOF). */
function insertionPoint(lines: string[], insertafter: string | null, insertbefore: string | null): number {
  const pattern =
    insertafter !== null && insertafter !== 'EOF' ? insertafter : insertbefore !== 'BOF' ? insertbefore : null;
  if (pattern === null) return insertbefore !== null ? 0 : lines.length;
  const re = compileRegex(pattern);
  let at: number | undefined;
  if (re.multiline) {
    // (?m): the pattern may span lines, so it is searched in the whole text and the line counted from the match
    const original = lines.join('');
    const match = re.exec(original);
    if (match) at = countNewlines(original, insertafter !== null ? match.index + match[0].length : match.index);
  } else {
    lines.forEach((line, i) => {
      if (re.exec(line.replace(/\n$/, ''))) at = i;
    });
  }
  if (at === undefined) return lines.length;
  return insertafter !== null ? at + 1 : at;
}

/** The file's lines with the block in place (or taken out), as the module computes them. */
function placeBlock(lines: string[], a: Record<string, any>): string[] {
  const marker = (mark: string) => String(a.marker).replaceAll('{mark}', mark) + '\n';
  const [begin, end] = [marker(a.marker_begin), marker(a.marker_end)];
  let block = String(a.block ?? '');
  const blockLines: string[] = [];
  if (a.state === 'present' && block) {
    if (!block.endsWith('\n')) block += '\n';
    blockLines.push(begin, ...splitLines(block), end);
  }
  let [n0, n1]: (number | undefined)[] = [undefined, undefined];
  lines.forEach((line, i) => {
    if (line === begin) n0 = i;
    if (line === end) n1 = i;
  });
  const insertafter = a.insertbefore === null && a.insertafter === null ? 'EOF' : a.insertafter;
  let at: number;
  if (n0 === undefined || n1 === undefined) at = insertionPoint(lines, insertafter, a.insertbefore);
  else {
    at = Math.min(n0, n1);
    lines.splice(at, Math.abs(n1 - n0) + 1);
  }
  if (at > 0 && !lines[at - 1]!.endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...blockLines);
  return lines;
}

function blockinfile(args: Record<string, any>, ctx: ModuleContext): TaskResult {
  const file = expandPath(args.path, ctx.env);
  refuseDirectory(file);
  const exists = existsSync(file);
  if (!exists) {
    if (!args.create) fail({ rc: 257, msg: `Path ${file} does not exist !` });
    if (!existsSync(path.dirname(file)) && !ctx.checkMode) mkdirSync(path.dirname(file), { recursive: true });
  }
  const original = exists ? readFileSync(file, 'utf8') : null;
  const diff = { before: '', after: '', before_header: `${file} (content)`, after_header: `${file} (content)` };
  if (ctx.diff && original) diff.before = original;
  if (args.state !== 'present' && !exists) return { changed: false, msg: `File ${file} not present` };
  const result = placeBlock(splitLines(original ?? ''), args).join('');
  if (ctx.diff) diff.after = result;
  const removed = args.state !== 'present' || !args.block;
  const msg =
    original === result ? '' : original === null ? 'File created' : removed ? 'Block removed' : 'Block inserted';
  const changed = msg !== '';
  let backupFile: string | undefined;
  if (changed && !ctx.checkMode) {
    if (args.backup && exists) backupFile = backupLocal(file, new Date(ctx.clock.now()));
    writeChanges(result, file, args.validate);
  }
  if (ctx.checkMode && !exists) return { changed, msg, diff };
  const attrDiff: Record<string, unknown> = {};
  const outcome = checkFileAttrs(file, { args, ctx, diff: attrDiff }, { changed, msg });
  Object.assign(attrDiff, { before_header: `${file} (file attributes)`, after_header: `${file} (file attributes)` });
  return { ...outcome, diff: [diff, attrDiff], ...(backupFile === undefined ? {} : { backup_file: backupFile }) };
}

export default defineModule({
  names: ['blockinfile', 'ansible.builtin.blockinfile', 'ansible.legacy.blockinfile'],
  argumentSpec: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK' },
    block: { type: 'str', default: '', aliases: ['content'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    create: { type: 'bool', default: false },
    backup: { type: 'bool', default: false },
    validate: { type: 'str' },
    marker_begin: { type: 'str', default: 'BEGIN' },
    marker_end: { type: 'str', default: 'END' },
    ...FILE_COMMON_SPEC,
  },
  mutuallyExclusive: [['insertbefore', 'insertafter']],
  supportsCheckMode: true,
  run: (args, ctx) => blockinfile(args, ctx),
});
