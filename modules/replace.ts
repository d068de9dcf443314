// replace: every match of a Python regular expression in a file (or in the part between `after` and `before`)
// replaced, as ansible.builtin.replace does it, with its message, diff and the file's attributes.
import { existsSync, readFileSync } from 'node:fs';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { compileRegex } from '../filters/regex.js';
import { FILE_COMMON_SPEC, backupLocal, expandPath, fail } from './file_common.js';
import { checkFileAttrs, expandMatch, nodeEncoding, refuseDirectory, writeChanges } from './file_edit.js';

/** The part of the text the replacement applies to: between the `after` and `before` patterns (re.DOTALL). */
function section(contents: string, after: string | null, before: string | null): { from: number; to: number } | string {
  const pattern =
    after && before
      ? `${after}(?P<subsection>.*?)${before}`
      : after
        ? `${after}(?P<subsection>.*)`
        : before
          ? `(?P<subsection>.*)${before}`
          : '';
  if (!pattern) return { from: 0, to: contents.length };
  const re = compileRegex(pattern, { dotall: true });
  // (the `d` flag gives the group's own start and end)
  const m = new RegExp(re.source, re.flags + 'd').exec(contents);
  if (!m) return `Pattern for before/after params did not match the given file: ${pattern}`;
  const [from, to] = m.indices!.groups!.subsection!;
  return { from, to };
}

/** re.subn(regexp, replace, text) with re.MULTILINE: the new text and how many matches were replaced. */
function substitute(text: string, regexp: string, replace: string): [string, number] {
  let out = '',
    last = 0,
    count = 0;
  for (const m of text.matchAll(compileRegex(regexp, { multiline: true, global: true }))) {
    out += text.slice(last, m.index) + expandMatch(replace, m);
    last = m.index + m[0].length;
    count++;
  }
  return [out + text.slice(last), count];
}

function replace(args: Record<string, any>, ctx: ModuleContext): TaskResult {
  const file = expandPath(args.path, ctx.env);
  refuseDirectory(file);
  if (!existsSync(file)) fail({ rc: 257, msg: `Path ${file} does not exist !` });
  const encoding = nodeEncoding(args.encoding);
  const contents = readFileSync(file, encoding);
  const part = section(contents, args.after, args.before);
  if (typeof part === 'string') return { rc: 0, msg: part, changed: false };
  const text = contents.slice(part.from, part.to);
  const [replaced, count] = substitute(text, args.regexp, args.replace ?? '');
  const result: TaskResult = { rc: 0 };
  let changed = false,
    msg = '';
  let after = contents;
  if (count > 0 && replaced !== text) {
    after = contents.slice(0, part.from) + replaced + contents.slice(part.to);
    msg = `${count} replacements made`;
    changed = true;
    if (ctx.diff) result.diff = { before_header: file, before: contents, after_header: file, after };
  }
  if (changed && !ctx.checkMode) {
    if (args.backup && existsSync(file)) result.backup_file = backupLocal(file, new Date(ctx.clock.now()));
    writeChanges(Buffer.from(after, encoding), file, args.validate);
  }
  return { ...result, ...checkFileAttrs(file, { args, ctx }, { changed, msg }) };
}

export default defineModule({
  names: ['replace', 'ansible.builtin.replace', 'ansible.legacy.replace'],
  argumentSpec: {
    path: { type: 'path', required: true, aliases: ['dest', 'destfile', 'name'] },
    regexp: { type: 'str', required: true },
    replace: { type: 'str', default: '' },
    after: { type: 'str' },
    before: { type: 'str' },
    backup: { type: 'bool', default: false },
    validate: { type: 'str' },
    encoding: { type: 'str', default: 'utf-8' },
    ...FILE_COMMON_SPEC,
  },
  supportsCheckMode: true,
  run: (args, ctx) => replace(args, ctx),
});
