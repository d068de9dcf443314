// slurp: a file's content, base64-encoded, with the module's words for a missing, unreadable or directory source.
import * as fs from 'node:fs';
import { defineModule, type TaskResult } from '../src/module.js';
import { errnoText, expandPath, fail } from './file_common.js';

const MESSAGES: Readonly<Record<string, string>> = {
  ENOENT: 'file not found',
  EACCES: 'file is not readable',
  EISDIR: 'source is a directory and must be a file',
};

export default defineModule({
  names: ['slurp', 'ansible.builtin.slurp', 'ansible.legacy.slurp'],
  argumentSpec: { src: { type: 'path', required: true, aliases: ['path'] } },
  supportsCheckMode: true,
  run(args): TaskResult {
    const source = expandPath(args.src);
    let content: Buffer;
    try {
      content = fs.readFileSync(source);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      return fail({
        msg: MESSAGES[code] ? `${MESSAGES[code]}: ${source}` : `unable to slurp file: ${errnoText(e, `'${source}'`)}`,
      });
    }
    return { changed: false, content: content.toString('base64'), source, encoding: 'base64' };
  },
});
