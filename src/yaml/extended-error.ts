// Ansible's way of pointing at YAML (errors/__init__.py): the position, the offending line with the one
// before it and a caret, and the common-mistake hints it adds.
import { readFileSync } from 'node:fs';
import type { Pos } from '../errors.js';

const POSITION = (p: Pos, line = p.line, column = p.column) =>
  `The error appears to be in '${p.file}': line ${line}, column ${column}, but may\nbe elsewhere in the file depending on the exact syntax problem.\n`;

const UNQUOTED_VARIABLE = `We could be wrong, but this one looks like it might be an issue with
missing quotes. Always quote template expression brackets when they
start a value. For instance:

    with_items:
      - {{ foo }}

Should be written as:

    with_items:
      - "{{ foo }}"
`;
const LEADING_TAB = `There appears to be a tab character at the start of the line.

YAML does not use tabs for formatting. Tabs should be replaced with spaces.

For example:
    - name: update tooling
      vars:
        version: 1.2.3
#    ^--- there is a tab there.

Should be written as:
    - name: update tooling
      vars:
        version: 1.2.3
# ^--- all spaces here.
`;
const DICT_ERROR = `This one looks easy to fix. YAML thought it was looking for the start of a
hash/dictionary and was confused to see a second "{". Most likely this was
meant to be an ansible template evaluation instead, so we have to give the
parser a small hint that we wanted a string instead. The solution here is to
just quote the entire value.

For instance, if the original line was:

    app_path: {{ base_path }}/foo

It should be written as:

    app_path: "{{ base_path }}/foo"
`;
const UNQUOTED_COLON = `This one looks easy to fix. There seems to be an extra unquoted colon in the line
and this is confusing the parser. It was only expecting to find one free
colon. The solution is just add some quotes around the colon, or quote the
entire line after the first colon.

For instance, if the original line was:

    copy: src=file.txt dest=/path/filename:with_colon.txt

It can be written as:

    copy: src=file.txt dest='/path/filename:with_colon.txt'

Or:

    copy: 'src=file.txt dest=/path/filename:with_colon.txt'
`;
const PARTIALLY_QUOTED = `This one looks easy to fix. It seems that there is a value started
with a quote, and the YAML parser is expecting to see the line ended
with the same kind of quote. For instance:

    when: "ok" in result.stdout

Could be written as:

   when: '"ok" in result.stdout'

Or equivalently:

   when: "'ok' in result.stdout"
`;
const UNBALANCED_QUOTES = `We could be wrong, but this one looks like it might be an issue with
unbalanced quotes. If starting a value with a quote, make sure the
line ends with the same set of quotes. For instance this arbitrary
example:

    foo: "bad" "wolf"

Could be written as:

    foo: '"bad" "wolf"'
`;
const count = (s: string, c: string) => s.split(c).length - 1;
const SHORTHAND =
  "There appears to be both 'k=v' shorthand syntax and YAML in this task. Only one syntax may be used.\n";

export function extendedError(pos: Pos): string {
  let text = POSITION(pos);
  let lines: string[];
  try {
    lines = readFileSync(pos.file, 'utf8').split(/(?<=\n)/);
  } catch {
    return text + '\n(could not open file to display line)';
  }
  let n = Math.min(pos.line - 1, lines.length - 1);
  if (n < 0) return text;
  let target = lines[n] ?? '';
  while (!target.trim() && n > 0) {
    n--;
    target = lines[n]!;
  }
  const prev = n > 0 ? lines[n - 1]! : '';
  if (!target) return text;
  if (/\w+(\s+)?=(\s+)?[\w/-]+/.test(prev)) {
    const at = prev.trimEnd().indexOf('=');
    text =
      POSITION(pos, pos.line - 1, at + 1) +
      `\nThe offending line appears to be:\n\n${prev.trimEnd()}\n${' '.repeat(at)}^ here\n\n` +
      SHORTHAND;
  } else {
    text += `\nThe offending line appears to be:\n\n${prev.trimEnd()}\n${target.trimEnd()}\n${' '.repeat(Math.max(0, pos.column - 1))}^ here\n`;
  }
  if (target.includes('\t')) text += LEADING_TAB;
  const line = target.replace(/\n$/, '');
  const stripped = line.replace(/ /g, '');
  if (line.includes('{{') && line.includes('}}') && (!line.includes('"{{') || !line.includes("'{{")))
    text += UNQUOTED_VARIABLE;
  else if (stripped.includes(':{{') && stripped.includes('}}')) text += DICT_ERROR;
  else if (line.length > 1 && line.length > pos.column && line[pos.column] === ':' && count(line, ':') > 1)
    text += UNQUOTED_COLON;
  else {
    const parts = line.split(':');
    if (parts.length > 1) {
      const middle = parts[1]!.trim();
      const match =
        (middle.startsWith("'") && !middle.endsWith("'")) || (middle.startsWith('"') && !middle.endsWith('"'));
      // Python's precedence: (a and b and c and d) or e
      const unbalanced =
        (middle.length > 0 &&
          `"'`.includes(middle[0]!) &&
          `"'`.includes(middle[middle.length - 1]!) &&
          count(line, "'") > 2) ||
        count(line, '"') > 2;
      if (match) text += PARTIALLY_QUOTED;
      if (unbalanced) text += UNBALANCED_QUOTES;
    }
  }
  return text;
}
