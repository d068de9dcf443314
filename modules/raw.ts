// raw: the free-form text run by the shell as it is (the raw action plugin's _low_level_execute_command), with
// the result keys and failure Ansible gives it; never in check mode.
import { spawn } from 'node:child_process';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { splitLines } from './command.js';

/** What a low-level command runs with: the shell (the play's /bin/sh unless `executable`), a directory to `cd`
 * into first, the environment. */
interface LowLevel {
  readonly executable?: string | null;
  readonly chdir?: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** _low_level_execute_command on the local connection: `<shell> -c '<cmd>'` run from the playbook's directory;
 * rc, stdout and stderr with their lines. */
export function lowLevelExecute(cmd: string, how: LowLevel, ctx: ModuleContext): Promise<TaskResult> {
  const text = how.chdir ? `cd ${how.chdir} && ${cmd}` : cmd;
  return new Promise((done) => {
    const child = spawn(how.executable || '/bin/sh', ['-c', text], {
      cwd: ctx.basedir,
      env: how.env as NodeJS.ProcessEnv,
      signal: ctx.signal,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [],
      err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const finish = (rc: number, stderr = Buffer.concat(err).toString('utf8')) => {
      const stdout = Buffer.concat(out).toString('utf8');
      done({ rc, stdout, stdout_lines: splitLines(stdout), stderr, stderr_lines: splitLines(stderr) });
    };
    // the shell itself missing: what /bin/sh says of a command it cannot find
    child.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? finish(127, `/bin/sh: 1: ${how.executable}: not found\n`) : finish(1, e.message),
    );
    child.on('close', (code, signal) => finish(code ?? (signal ? -1 : 0)));
  });
}

async function raw(args: Record<string, any>, ctx: ModuleContext): Promise<TaskResult> {
  if (ctx.checkMode) return { skipped: true };
  const result = await lowLevelExecute(
    String(args._raw_params ?? ''),
    { executable: args.executable, env: process.env },
    ctx,
  );
  result.changed = true;
  if (result.rc !== 0) Object.assign(result, { failed: true, msg: 'non-zero return code' });
  return result;
}

export default defineModule({
  names: ['raw', 'ansible.builtin.raw', 'ansible.legacy.raw'],
  anyArgs: true,
  freeForm: true,
  actionPlugin: true,
  supportsCheckMode: true,
  run: raw,
});
