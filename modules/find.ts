// find: the files, directories or links under the given paths that match every filter (name patterns and
// excludes, age, size, content), each with the stat fields the module reports, walked as os.walk walks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModuleFailure, defineModule, type TaskResult } from '../src/module.js';
import { PyException } from '../src/python/python.js';
import { fnmatchTranslate } from '../src/python/fnmatch.js';
import { compileRegex } from '../filters/regex.js';
import { osWalk } from './file.js';
import { digest, errnoText, expandPath, fail, groupName, userName } from './file_common.js';
import { formatOutput } from './stat.js';

const SPEC = {
  paths: { type: 'list' as const, required: true, aliases: ['name', 'path'], elements: 'str' as const },
  patterns: { type: 'list' as const, default: [], aliases: ['pattern'], elements: 'str' as const },
  excludes: { type: 'list' as const, aliases: ['exclude'], elements: 'str' as const },
  contains: { type: 'str' as const },
  read_whole_file: { type: 'bool' as const, default: false },
  file_type: { type: 'str' as const, default: 'file', choices: ['any', 'directory', 'file', 'link'] },
  age: { type: 'str' as const },
  age_stamp: { type: 'str' as const, default: 'mtime', choices: ['atime', 'ctime', 'mtime'] },
  size: { type: 'str' as const },
  recurse: { type: 'bool' as const, default: false },
  hidden: { type: 'bool' as const, default: false },
  follow: { type: 'bool' as const, default: false },
  get_checksum: { type: 'bool' as const, default: false },
  use_regex: { type: 'bool' as const, default: false },
  depth: { type: 'int' as const },
};

const SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const BYTES: Readonly<Record<string, number>> = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `3d`, `-2w`, `10k`: the number times its unit, or the module's failure naming the option. */
function amount(name: 'age' | 'size', text: string | null, units: Readonly<Record<string, number>>): number | null {
  if (text === null || text === undefined) return null;
  const m = new RegExp(`^(-?\\d+)([${Object.keys(units).join('')}])?$`).exec(text.toLowerCase());
  if (!m) return fail({ [name]: text, msg: `failed to process ${name}` });
  return parseInt(m[1]!, 10) * (m[2] ? units[m[2]]! : 1);
}

/** pfilter: a name matching one of the patterns and none of the excludes (re.match or fnmatch). */
function nameMatches(name: string, args: Record<string, any>): boolean {
  const test = (p: string) => (args.use_regex ? compileRegex(p, { anchor: 'start' }) : fnmatchTranslate(p)).test(name);
  const excludes: string[] = args.excludes ?? [];
  return (args.patterns as string[]).some(test) && !excludes.some(test);
}

/** A positive limit is a minimum, a negative one a maximum (agefilter, sizefilter). */
const within = (value: number, limit: number | null) =>
  limit === null || (limit >= 0 ? value >= limit : value <= -limit);

/** contentfilter: a line that matches at its start, or the whole file searched; unreadable text matches nothing. */
function containsMatch(file: string, args: Record<string, any>): boolean {
  if (args.contains === null || args.contains === undefined) return true;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(file)).replace(/\r\n?/g, '\n');
  } catch {
    return false;
  }
  if (args.read_whole_file) return compileRegex(args.contains).test(text);
  const re = compileRegex(args.contains, { anchor: 'start' });
  return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).some((line) => re.test(line));
}

/** statinfo: stat's fields less those find leaves out, with the owner's and group's names ('' when unknown). */
function statInfo(p: string, st: fs.BigIntStats): Record<string, unknown> {
  const { exists: _e, blocks: _b, block_size: _s, device_type: _d, ...info } = formatOutput(p, st);
  const uid = Number(st.uid),
    gid = Number(st.gid);
  const pw = userName(uid),
    gr = groupName(gid);
  return { ...info, pw_name: pw === String(uid) ? '' : pw, gr_name: gr === String(gid) ? '' : gr };
}

interface Limits {
  readonly now: number;
  readonly age: number | null;
  readonly size: number | null;
}

/** One walked entry as the module judges it: its result, or null when a filter leaves it out. */
function judge(fsname: string, name: string, args: Record<string, any>, limits: Limits): TaskResult | null {
  const st = fs.lstatSync(fsname, { bigint: true });
  const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other';
  const type: string = args.file_type;
  if (type !== 'any' && type !== kind) return null;
  const stamp = Number(st[`${args.age_stamp as 'mtime'}Ms`]) / 1000;
  if (!nameMatches(name, args) || !within(limits.now - stamp, limits.age)) return null;
  if ((type === 'file' || kind === 'file') && !within(Number(st.size), limits.size)) return null;
  if (type === 'file' && !containsMatch(fsname, args)) return null;
  const r: TaskResult = { path: fsname, ...statInfo(fsname, st) };
  if (kind === 'file' && args.get_checksum) r.checksum = digest(fsname, 'sha1');
  return r;
}

/** What walking the paths found, looked at and had to skip (with the warnings saying why). */
class Search {
  readonly files: TaskResult[] = [];
  readonly skipped: Record<string, string> = {};
  readonly warnings: string[] = [];
  looked = 0;
  constructor(
    readonly args: Record<string, any>,
    readonly limits: Limits,
  ) {}

  /** One path walked (only its top unless recurse), down to `depth` levels. */
  walk(top: string): void {
    if (!fs.statSync(top, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`'${top}' is not a directory`);
    const base = top.replace(/\/+$/, '') + '/';
    for (const [root, dirs, files] of osWalk(top, { followLinks: this.args.follow, raiseErrors: true })) {
      this.looked += files.length + dirs.length;
      for (const name of [...files, ...dirs]) {
        const fsname = path.normalize(path.join(root, name));
        if (this.args.depth && count(fsname) - count(base) + 1 > this.args.depth) {
          dirs.length = 0;
          continue;
        }
        if (path.basename(fsname).startsWith('.') && !this.args.hidden) continue;
        this.entry(fsname, name);
      }
      if (!this.args.recurse) break;
    }
  }
  entry(fsname: string, name: string): void {
    try {
      const r = judge(fsname, name, this.args, this.limits);
      if (r) this.files.push(r);
    } catch (e) {
      // only lstat's errors skip the entry: a pattern re refuses ends the walk of the path (skipped as a whole)
      if (e instanceof PyException) throw e;
      const why = errnoText(e, `'${fsname}'`);
      this.warnings.push(`Skipped entry '${fsname}' due to this access issue: ${why}\n`);
      this.skipped[fsname] = why;
    }
  }
}
/** The parameters as the module reports them: the default patterns filled in, each alias the task used too. */
function invocation(args: Record<string, any>, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...args };
  for (const [name, option] of Object.entries(SPEC))
    for (const alias of 'aliases' in option ? option.aliases : []) if (alias in given) out[alias] = args[name];
  return out;
}
const count = (p: string) => p.split('/').length - 1;

/** Why a path could not be walked, as str() of the exception words it (re.error's without its type). */
function pathIssue(e: unknown, top: string): string {
  if (e instanceof PyException) return e.message.slice(`${e.pyType}: `.length);
  return e instanceof Error && !('code' in e) ? e.message : errnoText(e, `'${top}'`);
}

/** Every path searched, one after the other; a path that cannot be walked is skipped with a warning. */
function search(args: Record<string, any>): TaskResult {
  const limits = {
    now: Date.now() / 1000,
    age: amount('age', args.age, SECONDS),
    size: amount('size', args.size, BYTES),
  };
  const search = new Search(args, limits);
  for (const given of args.paths as string[]) {
    const top = expandPath(given);
    try {
      search.walk(top);
    } catch (e) {
      search.skipped[top] = pathIssue(e, top);
      search.warnings.push(`Skipped '${top}' path due to this access issue: ${search.skipped[top]}\n`);
    }
  }
  const msg = search.warnings.length ? 'Not all paths examined, check warnings for details' : 'All paths examined';
  return {
    files: search.files,
    changed: false,
    msg,
    matched: search.files.length,
    examined: search.looked,
    skipped_paths: search.skipped,
    ...(search.warnings.length ? { warnings: search.warnings } : {}),
  };
}

export default defineModule({
  names: ['find', 'ansible.builtin.find', 'ansible.legacy.find'],
  argumentSpec: SPEC,
  supportsCheckMode: true,
  run(args, ctx): TaskResult {
    if (!args.patterns.length) args = { ...args, patterns: [args.use_regex ? '.*' : '*'] };
    const reported = { invocation: { module_args: invocation(args, ctx.task.args ?? {}) } };
    try {
      return { ...search(args), ...reported };
    } catch (e) {
      if (e instanceof ModuleFailure) Object.assign(e.result, reported);
      throw e;
    }
  },
});
