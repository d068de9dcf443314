// Ansible's way of pointing at YAML (errors/__init__.py): the position, the offending line with the one
// before it and a caret, and the common-mistake hints it adds.
import { readFileSync } from 'node:fs';
import type { Pos, TsibleError } from '../errors.js';

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
const SHORTHAND = "There appears to be both 'k=v' shorthand syntax and YAML in this task. Only one syntax may be used.\n";

export function extendedError(pos: Pos): string {
  let text = POSITION(pos);
  let lines: string[];
  try { lines = readFileSync(pos.file, 'utf8').split(/(?<=\n)/) } catch { return text + '\n(could not open file to display line)' }
  let n = Math.min(pos.line - 1, lines.length - 1);
  if (n < 0) return text;
  let target = lines[n] ?? '';
  while (!target.trim() && n > 0) { n--; target = lines[n]! }
  const prev = n > 0 ? lines[n - 1]! : '';
  if (!target) return text;
  if (/\w+(\s+)?=(\s+)?[\w/-]+/.test(prev)) {
    const at = prev.trimEnd().indexOf('=');
    text = POSITION(pos, pos.line - 1, at + 1) + `\nThe offending line appears to be:\n\n${prev.trimEnd()}\n${' '.repeat(at)}^ here\n\n` + SHORTHAND;
  } else {
    text += `\nThe offending line appears to be:\n\n${prev.trimEnd()}\n${target.trimEnd()}\n${' '.repeat(Math.max(0, pos.column - 1))}^ here\n`;
  }
  if (target.includes('\t')) text += LEADING_TAB;
  if (target.includes('{{') && target.includes('}}') && (!target.includes('"{{') || !target.includes("'{{"))) text += UNQUOTED_VARIABLE;
  return text;
}

export function formatError(err: TsibleError): string {
  return err.pos ? `ERROR! ${err.message}\n\n${extendedError(err.pos)}` : `ERROR! ${err.message}`;
}
