// Ansible's way of printing an error: ERROR! <what>, then where it is and the offending line.
import { readFileSync } from 'node:fs';
import type { TsibleError } from '../errors.js';

export function formatError(err: TsibleError): string {
  let text = `ERROR! ${err.message}`;
  const pos = err.pos;
  if (pos) {
    text += `\n\nThe error appears to be in '${pos.file}': line ${pos.line}, column ${pos.column}, but may\nbe elsewhere in the file depending on the exact syntax problem.\n`;
    try {
      const lines = readFileSync(pos.file, 'utf8').split('\n');
      const line = lines[pos.line - 1];
      if (line !== undefined) {
        text += `\nThe offending line appears to be:\n\n`;
        if (pos.line > 1) text += `${lines[pos.line - 2]}\n`;
        text += `${line}\n${' '.repeat(Math.max(0, pos.column - 1))}^ here\n`;
      }
    } catch { /* the file is gone: the position is all we have */ }
  }
  return text;
}
