// script: a script from the controller's files/ copied to a temporary directory and run there with the rest of
// the free-form text as its arguments (quoting kept), as the script action plugin does it: creates/removes first,
// an absolute chdir, an optional interpreter, the task's environment.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModuleFailure, defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { shlexSplit } from './command.js';
import { findNeedle } from './copy.js';
import { actionFail } from './file_common.js';
import { lowLevelExecute } from './raw.js';

/** An exception the action did not expect (Python's IndexError for no script at all): the task executor's
 * generic failure, which has neither `changed` nor `_ansible_no_log` to show. */
function unexpected(error: string, why: string): never {
  const result: TaskResult = {
    failed: true,
    msg: `Unexpected failure during module execution: ${why}`,
    exception: `${error}: ${why}\n`,
    stdout: '',
  };
  Object.defineProperty(result, 'changed', { value: false, enumerable: false, writable: true });
  throw new ModuleFailure(result);
}

/** creates/removes: the reason to skip the script, if any (a relative path is the playbook directory's). */
function skipReason(args: Record<string, any>, ctx: ModuleContext): string | undefined {
  const there = (p: string) => fs.existsSync(path.resolve(ctx.basedir, p));
  if (args.creates && there(String(args.creates))) return `${args.creates} exists, matching creates option`;
  if (args.removes && !there(String(args.removes))) return `${args.removes} does not exist, matching removes option`;
  return undefined;
}

/** The script in a fresh temporary directory, executable, as _transfer_file and _fixup_perms2 leave it. */
function transfer(source: string): string {
  const tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'ansible-tmp-'));
  const copy = path.join(tmpdir, path.basename(source));
  fs.copyFileSync(source, copy);
  fs.chmodSync(copy, 0o700);
  return copy;
}

async function script(args: Record<string, any>, ctx: ModuleContext): Promise<TaskResult> {
  const skipped = skipReason(args, ctx);
  if (skipped) return { skipped: true, changed: false, msg: skipped };
  const chdir = args.chdir ? String(args.chdir) : null;
  if (chdir && !chdir.startsWith('/'))
    actionFail(`chdir ${chdir} must be an absolute path for a Unix-aware remote node`);
  const rawParams = String(args._raw_params ?? '');
  const first = shlexSplit(rawParams.trim())[0];
  if (first === undefined) return unexpected('IndexError', 'list index out of range');
  const source = findNeedle(first, ctx);
  if (ctx.checkMode) {
    // a guarded script would run; what an unguarded one would change cannot be known
    if (args.creates || args.removes) return { changed: true };
    return { changed: false, skipped: true, msg: 'Check mode is not supported for this task.' };
  }
  const copy = transfer(source);
  try {
    const command = rawParams.trim().replace(first, copy);
    const cmd = [args.executable ? String(args.executable) : '', command].join(' ');
    const result = await lowLevelExecute(cmd, { chdir, env: ctx.env }, ctx);
    result.changed = true;
    if (result.rc !== 0)
      Object.assign(result, { failed: true, msg: 'non-zero return code', exception: 'NoneType: None\n' });
    return result;
  } finally {
    fs.rmSync(path.dirname(copy), { recursive: true, force: true });
  }
}

export default defineModule({
  names: ['script', 'ansible.builtin.script', 'ansible.legacy.script'],
  anyArgs: true,
  freeForm: true,
  actionPlugin: true,
  supportsCheckMode: true,
  run: script,
});
