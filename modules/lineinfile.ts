// lineinfile: one line present (added, or replacing the line a regexp or search string finds) or absent, as
// ansible.builtin.lineinfile decides it, with its messages, its diff and the file's attributes.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { compileRegex } from '../filters/regex.js';
import { FILE_COMMON_SPEC, backupLocal, expandPath, fail } from './file_common.js';
import { checkFileAttrs, expandMatch, refuseDirectory, writeChanges } from './file_edit.js';

/** bytes.readlines: each line keeps its '\n'. */
const readLines = (file: string): string[] =>
  existsSync(file) ? (readFileSync(file, 'utf8').match(/[^\n]*\n|[^\n]+$/g) ?? []) : [];

/** A line as Python's re searches it: `$` also matches before the line's final newline. */
const searchLine = (re: RegExp, line: string) => re.exec(line.endsWith('\n') ? line.slice(0, -1) : line);

const contentDiff = (dest: string) => ({
  before: '',
  after: '',
  before_header: `${dest} (content)`,
  after_header: `${dest} (content)`,
});
const withHeaders = (d: Record<string, unknown>, dest: string) =>
  Object.assign(d, { before_header: `${dest} (file attributes)`, after_header: `${dest} (file attributes)` });

/** Where the line goes: index[0] the line found (by regexp, search string or as it is), index[1] the insertion
 * point insertafter/insertbefore found. */
interface Found {
  index: [number, number];
  match: RegExpExecArray | boolean | null;
  exactLineMatch: boolean;
}

function findLine(lines: string[], a: Record<string, any>, insert: { after?: string; before?: string }): Found {
  const found: Found = { index: [-1, -1], match: null, exactLineMatch: false };
  const firstmatch = a.firstmatch as boolean;
  if (a.regexp !== null) {
    const re = compileRegex(a.regexp);
    for (let i = 0; i < lines.length; i++) {
      const m = searchLine(re, lines[i]!);
      if (!m) continue;
      [found.index[0], found.match] = [i, m];
      if (firstmatch) break;
    }
  }
  if (a.search_string !== null) {
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i]!.includes(a.search_string)) continue;
      [found.index[0], found.match] = [i, true];
      if (firstmatch) break;
    }
  }
  if (found.match) return found;
  const insertRe =
    insert.after !== undefined && !['BOF', 'EOF'].includes(insert.after)
      ? compileRegex(insert.after)
      : insert.before !== undefined && insert.before !== 'BOF'
        ? compileRegex(insert.before)
        : null;
  for (let i = 0; i < lines.length; i++) {
    if (a.line === lines[i]!.replace(/[\r\n]+$/, '')) {
      found.index[0] = i;
      found.exactLineMatch = true;
    } else if (insertRe && searchLine(insertRe, lines[i]!)) {
      found.index[1] = insert.after ? i + 1 : i;
      if (firstmatch) break;
    }
  }
  return found;
}

const bare = (l: string | undefined) => (l ?? '').replace(/[\r\n]+$/, '');

const ADDED = 'line added';

/** Inserts the line at `at` unless the line next to it (below for insertafter, above for insertbefore) is it. */
function insertUnlessThere(lines: string[], at: number, line: string, after: boolean): string {
  if (after && lines.length && !/[\r\n]$/.test(lines[lines.length - 1]!)) lines[lines.length - 1] += '\n';
  const neighbour = after ? (at === lines.length ? lines[at - 1] : lines[at]) : at <= 0 ? lines[at] : lines[at - 1];
  if (bare(neighbour) === line) return '';
  lines.splice(at, 0, line + '\n');
  return ADDED;
}

/** present()'s decision: the lines changed in place, and the message ('' when nothing changed). */
function placeLine(lines: string[], a: Record<string, any>, insert: { after?: string; before?: string }): string {
  const line: string = a.line;
  const { index, match, exactLineMatch } = findLine(lines, a, insert);
  if (index[0] !== -1) {
    let newLine = a.backrefs && match instanceof Object ? expandMatch(line, match as RegExpExecArray) : line;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (a.regexp === null && a.search_string === null && !match && !exactLineMatch) {
      // the line was found nowhere but an insertion point was: only reached with firstmatch
      if (insert.after && insert.after !== 'EOF') return insertUnlessThere(lines, index[1], line, true);
      if (insert.before && insert.before !== 'BOF') return insertUnlessThere(lines, index[1], line, false);
      return '';
    }
    if (lines[index[0]] === newLine) return '';
    lines[index[0]] = newLine;
    return 'line replaced';
  }
  if (a.backrefs) return '';
  if (insert.before === 'BOF' || insert.after === 'BOF') {
    lines.unshift(line + '\n');
    return ADDED;
  }
  if (insert.after === 'EOF' || index[1] === -1) {
    if (lines.length && !/[\r\n]$/.test(lines[lines.length - 1]!)) lines.push('\n');
    lines.push(line + '\n');
    return ADDED;
  }
  if (insert.after) return insertUnlessThere(lines, index[1], line, true);
  lines.splice(index[1], 0, line + '\n');
  return ADDED;
}

/** The file written (with a backup first, if asked) when it changed, outside check mode. */
function save(dest: string, lines: string[], a: Record<string, any>, ctx: ModuleContext): string {
  let backup = '';
  if (a.backup && existsSync(dest)) backup = backupLocal(dest, new Date(ctx.clock.now()));
  writeChanges(lines.join(''), dest, a.validate);
  return backup;
}

function present(dest: string, a: Record<string, any>, ctx: ModuleContext): TaskResult {
  const diff = contentDiff(dest);
  const exists = existsSync(dest);
  if (!exists) {
    if (!a.create) fail({ rc: 257, msg: `Destination ${dest} does not exist !` });
    const dir = path.dirname(dest);
    if (dir && !existsSync(dir) && !ctx.checkMode) mkdirSync(dir, { recursive: true });
  }
  const lines = readLines(dest);
  if (ctx.diff) diff.before = lines.join('');
  const insert =
    a.insertbefore === null && a.insertafter === null
      ? { after: 'EOF' }
      : { after: a.insertafter ?? undefined, before: a.insertbefore ?? undefined };
  const msg = placeLine(lines, a, insert);
  const changed = msg !== '';
  if (ctx.diff) diff.after = lines.join('');
  let backup = '';
  if (changed && !ctx.checkMode) backup = save(dest, lines, a, ctx);
  if (ctx.checkMode && !existsSync(dest)) return { changed, msg, backup, diff };
  const attrDiff: Record<string, unknown> = {};
  const outcome = checkFileAttrs(dest, { args: a, ctx, diff: attrDiff }, { changed, msg });
  return { ...outcome, backup, diff: [diff, withHeaders(attrDiff, dest)] };
}

function absent(dest: string, a: Record<string, any>, ctx: ModuleContext): TaskResult {
  if (!existsSync(dest)) return { changed: false, msg: 'file not present' };
  const diff = contentDiff(dest);
  const lines = readLines(dest);
  if (ctx.diff) diff.before = lines.join('');
  const re = a.regexp !== null ? compileRegex(a.regexp) : null;
  const matches = (l: string) =>
    re ? searchLine(re, l) !== null : a.search_string !== null ? l.includes(a.search_string) : a.line === bare(l);
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  if (ctx.diff) diff.after = kept.join('');
  let backup = '';
  if (found > 0 && !ctx.checkMode) backup = save(dest, kept, a, ctx);
  const attrDiff: Record<string, unknown> = {};
  const outcome = checkFileAttrs(
    dest,
    { args: a, ctx, diff: attrDiff },
    { changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : '' },
  );
  return { changed: outcome.changed, found, msg: outcome.msg, backup, diff: [diff, withHeaders(attrDiff, dest)] };
}

function lineinfile(args: Record<string, any>, ctx: ModuleContext): TaskResult {
  const a: Record<string, any> = { ...args, path: expandPath(args.path, ctx.env) };
  const warnings: string[] = [];
  if (a.regexp === '' || a.search_string === '') {
    const what = a.regexp === '' ? 'regular expression' : 'search string';
    warnings.push(
      `The ${what} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.${a.regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : ''}`,
    );
  }
  refuseDirectory(a.path);
  let result: TaskResult;
  if (a.state === 'present') {
    if (a.backrefs && a.regexp === null) fail({ msg: 'regexp is required with backrefs=true' });
    if (a.line === null) fail({ msg: 'line is required with state=present' });
    result = present(a.path, a, ctx);
  } else {
    if (a.regexp === null && a.search_string === null && a.line === null)
      fail({ msg: 'one of line, search_string, or regexp is required with state=absent' });
    result = absent(a.path, a, ctx);
  }
  return warnings.length ? { ...result, warnings } : result;
}

export default defineModule({
  names: ['lineinfile', 'ansible.builtin.lineinfile', 'ansible.legacy.lineinfile'],
  argumentSpec: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
    regexp: { type: 'str', aliases: ['regex'] },
    search_string: { type: 'str' },
    line: { type: 'str', aliases: ['value'] },
    insertafter: { type: 'str' },
    insertbefore: { type: 'str' },
    backrefs: { type: 'bool', default: false },
    create: { type: 'bool', default: false },
    backup: { type: 'bool', default: false },
    firstmatch: { type: 'bool', default: false },
    validate: { type: 'str' },
    ...FILE_COMMON_SPEC,
  },
  mutuallyExclusive: [
    ['insertbefore', 'insertafter'],
    ['regexp', 'search_string'],
    ['backrefs', 'search_string'],
  ],
  supportsCheckMode: true,
  run: (args, ctx) => lineinfile(args, ctx),
});
