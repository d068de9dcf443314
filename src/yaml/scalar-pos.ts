// Where a plain string of a loaded file is. The loader records positions for mappings and sequences only (a JS
// string cannot carry one); the few errors that Ansible points at a string (its AnsibleUnicode has ansible_pos)
// find it again in the text, after the position of the node that holds it.
import { readFileSync } from 'node:fs';
import type { Pos } from '../errors.js';

/** The first appearance of `text` as a whole word at or after `after` (not as a k=v value); undefined when the
 * file cannot tell. */
export function scalarPosAfter(after: Pos | undefined, text: string): Pos | undefined {
  if (!after || !text) return undefined;
  let lines: string[];
  try {
    lines = readFileSync(after.file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // a value of k=v arguments follows `=`: Ansible's split of them keeps no position either
  const word = new RegExp(`(?<![\\w.=-])${escaped}(?![\\w.-])`);
  for (let i = after.line - 1; i < lines.length; i++) {
    const from = i === after.line - 1 ? after.column - 1 : 0;
    const at = lines[i]!.slice(from).search(word);
    if (at >= 0) return { file: after.file, line: i + 1, column: from + at + 1 };
  }
  return undefined;
}
