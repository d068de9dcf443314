// tempfile: a new file (mode 0600) or directory (0700) with a random name, as Python's mkstemp and mkdtemp make
// them, in the given directory or the temporary one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { addPathInfo, errnoText, exists, fail, randomName } from './file_common.js';

const SPEC = {
  state: { type: 'str' as const, default: 'file', choices: ['file', 'directory'] },
  path: { type: 'path' as const },
  prefix: { type: 'str' as const, default: 'ansible.' },
  suffix: { type: 'str' as const, default: '' },
};

/** tempfile.gettempdir: the first of $TMPDIR, $TEMP, $TMP and the usual places that is a directory. */
function tempDir(env: ModuleContext['env']): string {
  const candidates = [env.TMPDIR, env.TEMP, env.TMP, '/tmp', '/var/tmp', '/usr/tmp'];
  return (
    candidates.find(
      (d): d is string => Boolean(d) && fs.statSync(d!, { throwIfNoEntry: false })?.isDirectory() === true,
    ) ?? process.cwd()
  );
}

/** mkstemp/mkdtemp: names tried until one is free (Python tries 10000). */
function make(dir: string, args: Record<string, any>): string {
  for (let tries = 0; tries < 10000; tries++) {
    const p = path.join(dir, `${args.prefix}${randomName()}${args.suffix}`);
    if (exists(p)) continue;
    if (args.state === 'directory') fs.mkdirSync(p, 0o700);
    else fs.closeSync(fs.openSync(p, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_RDWR, 0o600));
    return p;
  }
  return fail({ msg: `[Errno 17] No usable temporary file name found` });
}

export default defineModule({
  names: ['tempfile', 'ansible.builtin.tempfile', 'ansible.legacy.tempfile'],
  argumentSpec: SPEC,
  supportsCheckMode: false,
  run(args, ctx): TaskResult {
    const dir: string = args.path ?? tempDir(ctx.env);
    let made: string;
    try {
      made = make(dir, args);
    } catch (e) {
      const at = (e as NodeJS.ErrnoException).path;
      const msg = errnoText(e, at === undefined ? undefined : `'${at}'`);
      const kind = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'FileNotFoundError' : 'OSError';
      return fail({ msg, exception: `${kind}: ${msg}` });
    }
    return addPathInfo({ changed: true, path: made });
  },
});
