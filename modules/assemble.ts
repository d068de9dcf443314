// assemble: the files of a directory concatenated in name order into dest, as the assemble module does it on the
// target (remote_src, the default) or as its action plugin does it from the controller's files/, handing the
// result to the copy module.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { pyBoolean } from '../src/python/python.js';
import { compileRegex } from '../filters/regex.js';
import { shlexSplit } from './command.js';
import { copyDefinition, diffData, execute, findNeedle } from './copy.js';
import {
  FILE_COMMON_SPEC,
  FileAttributes,
  actionFail,
  escapedActionResult,
  addPathInfo,
  atomicMove,
  backupLocal,
  digest,
  exists,
  expandPath,
  fail,
  fileArgsOf,
  statOf,
} from './file_common.js';

const SPEC = {
  src: { type: 'path' as const, required: true },
  delimiter: { type: 'str' as const },
  dest: { type: 'path' as const, required: true },
  backup: { type: 'bool' as const, default: false },
  remote_src: { type: 'bool' as const, default: true },
  regexp: { type: 'str' as const },
  ignore_hidden: { type: 'bool' as const, default: false },
  validate: { type: 'str' as const },
  ...FILE_COMMON_SPEC,
};

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\n': '',
};
/** codecs.escape_decode: Python's backslash escapes in bytes (octal and \x too); unknown ones kept as written. */
function escapeDecode(text: string): Buffer {
  const decoded = text.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'"abfnrtv\n])/g, (m, e: string) =>
    e[0] === 'x'
      ? String.fromCharCode(parseInt(e.slice(1), 16))
      : /^[0-7]/.test(e)
        ? String.fromCharCode(parseInt(e, 8) & 0xff)
        : (SIMPLE_ESCAPES[e] ?? m),
  );
  return Buffer.from(decoded, 'latin1');
}

/** Python's re.error text for the mistakes people make, where JavaScript words them otherwise. */
function regexpError(pattern: string, jsMessage: string): string {
  const opens: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '(') opens.push(i);
    else if (c === ')' && opens.pop() === undefined) return `unbalanced parenthesis at position ${i}`;
  }
  if (opens.length) return `missing ), unterminated subpattern at position ${opens[0]}`;
  if (/Unterminated character class/.test(jsMessage))
    return `unterminated character set at position ${pattern.indexOf('[')}`;
  if (/Nothing to repeat/.test(jsMessage)) return `nothing to repeat at position ${pattern.search(/[*+?{]/)}`;
  return jsMessage.replace(/^Invalid regular expression: /, '');
}

interface Fragments {
  readonly delimiter: string | null;
  readonly regexp: RegExp | null;
  readonly ignoreHidden: boolean;
}

/** assemble_from_fragments: each file in name order, a newline after one that lacks it, the delimiter (ended by a
 * newline) between them; written to a new temporary file. */
function assembleFromFragments(src: string, how: Fragments): string {
  const parts: Buffer[] = [];
  let delimit = false,
    addNewline = false;
  for (const name of fs.readdirSync(src).sort()) {
    if (how.regexp && !how.regexp.test(name)) continue;
    const fragment = `${src}/${name}`;
    if (!statOf(fragment)?.isFile() || (how.ignoreHidden && name.startsWith('.'))) continue;
    const content = fs.readFileSync(fragment);
    if (addNewline) parts.push(Buffer.from('\n'));
    if (delimit && how.delimiter) {
      const delimiter = escapeDecode(how.delimiter);
      parts.push(delimiter);
      if (delimiter[delimiter.length - 1] !== 10) parts.push(Buffer.from('\n'));
    }
    parts.push(content);
    delimit = true;
    addNewline = !content.toString('latin1').endsWith('\n');
  }
  // named as Ansible's local temporary files are (diff headers show the name)
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ansible-local-')), `tmp${process.pid}`);
  fs.writeFileSync(tmp, Buffer.concat(parts));
  return tmp;
}

const compiled = (regexp: string | null | undefined, onError: (why: string) => never): RegExp | null => {
  if (regexp === null || regexp === undefined) return null;
  try {
    return compileRegex(regexp);
  } catch (e) {
    return onError(
      regexpError(
        regexp,
        String((e as Error).message).replace(/^(?:re\.error: )?invalid regular expression '.*': |^re\.error: /s, ''),
      ),
    );
  }
};

/** The validate command run on the assembled file (as run_command runs a string: split, no shell). */
function validated(command: string, tmp: string): { rc: number; stdout: string; stderr: string } {
  const [program = '', ...rest] = shlexSplit(command.replaceAll('%s', tmp));
  const run = spawnSync(program, rest, { encoding: 'utf8' });
  const validation = { rc: run.status ?? (run.error ? 2 : -1), stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
  if (validation.rc !== 0) {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    fail({ msg: `failed to validate: rc:${validation.rc} error:${validation.stderr}` });
  }
  return validation;
}

/** The assemble module, on the target: dest replaced when the assembled content differs, then its attributes. */
function assembleModule(params: Record<string, any>): TaskResult {
  const { src, dest, validate } = params as { src: string; dest: string; validate: string | null };
  const result: TaskResult = { src, dest };
  if (!exists(src)) fail({ msg: `Source (${src}) does not exist` });
  if (!statOf(src)!.isDirectory()) fail({ msg: `Source (${src}) is not a directory` });
  const regexp = compiled(params.regexp, (why) => fail({ msg: `Invalid Regexp (${why}) in "${params.regexp}"` }));
  if (validate && !validate.includes('%s')) fail({ msg: `validate must contain %s: ${validate}` });
  const how = { delimiter: params.delimiter, regexp, ignoreHidden: params.ignore_hidden };
  const tmp = assembleFromFragments(src, how);
  result.checksum = digest(tmp, 'sha1');
  result.md5sum = digest(tmp, 'md5');
  const destHash = exists(dest) ? digest(dest, 'sha1') : null;
  let changed = false;
  try {
    if (result.checksum !== destHash) {
      if (validate) result.validation = validated(validate, tmp);
      if (params.backup && destHash !== null) result.backup_file = backupLocal(dest);
      atomicMove(tmp, dest);
      changed = true;
    }
  } finally {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
  result.changed = new FileAttributes(false).setIfDifferent(fileArgsOf(params), changed);
  result.msg = 'OK';
  return addPathInfo(result);
}

const moduleDefinition = defineModule({
  names: ['assemble', 'ansible.builtin.assemble', 'ansible.legacy.assemble'],
  argumentSpec: SPEC,
  supportsCheckMode: false,
  run: assembleModule,
});

/** The action's own options, which the copy module does not take. */
const ACTION_ONLY = new Set(['remote_src', 'regexp', 'delimiter', 'ignore_hidden', 'decrypt']);

/** The action plugin: the module on the target, or the fragments from files/ assembled here and copied. */
function assembleAction(args: Record<string, any>, ctx: ModuleContext): TaskResult {
  if (ctx.checkMode) return escapedActionResult({ skipped: true, msg: 'check mode is not supported for this task.' });
  const { decrypt: _decrypt, ...given } = args;
  const { src, dest } = given;
  if (src === undefined || src === null || dest === undefined || dest === null) actionFail('src and dest are required');
  if (pyBoolean(given.remote_src ?? 'yes', false)) return execute(moduleDefinition, given, ctx);
  const found = findNeedle(String(src), ctx);
  if (!statOf(found)?.isDirectory()) actionFail(`Source (${found}) is not a directory`);
  const regexp = compiled(given.regexp, (why) => actionFail(`Invalid Regexp (${why}) in "${given.regexp}"`));
  const tmp = assembleFromFragments(found, {
    delimiter: given.delimiter ?? null,
    regexp,
    ignoreHidden: pyBoolean(given.ignore_hidden ?? false, false)!,
  });
  try {
    const moduleArgs: Record<string, unknown> = Object.fromEntries(
      Object.entries(given).filter(([k]) => !ACTION_ONLY.has(k)),
    );
    moduleArgs.dest = expandPath(String(dest), ctx.env);
    // the action compares the checksum of the temporary file's *name* with dest's: the copy module always runs
    const diff = ctx.diff ? diffData(moduleArgs.dest as string, tmp, ctx) : {};
    const result = execute(copyDefinition, { ...moduleArgs, src: tmp }, ctx);
    return Object.keys(diff).length ? { ...result, diff } : result;
  } finally {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
}

export default defineModule({
  names: ['assemble', 'ansible.builtin.assemble', 'ansible.legacy.assemble'],
  anyArgs: true,
  actionPlugin: true,
  supportsCheckMode: true,
  run: assembleAction,
});
