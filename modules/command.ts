// command and shell, run on the local machine with Ansible's result keys.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';

const SPEC = {
  _raw_params: { type: 'str' as const },
  _uses_shell: { type: 'bool' as const, default: false },
  argv: { type: 'list' as const },
  chdir: { type: 'path' as const },
  executable: { type: 'path' as const },
  creates: { type: 'path' as const },
  removes: { type: 'path' as const },
  stdin: { type: 'str' as const },
  stdin_add_newline: { type: 'bool' as const, default: true },
  strip_empty_ends: { type: 'bool' as const, default: true },
};

const stamp = (d: Date) => {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000, 6)}`;
};
const delta = (ms: number) => {
  const s = ms / 1000;
  const h = Math.floor(s / 3600),
    m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${(s % 60).toFixed(6).padStart(9, '0')}`;
};

/** Splits a command line the way Python's shlex does for the common cases. */
export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = null;
      else if (c === '\\' && q === '"' && i + 1 < s.length) cur += s[++i];
      else cur += c;
      continue;
    }
    if (c === "'" || c === '"') {
      q = c;
      has = true;
      continue;
    }
    if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
      continue;
    }
    if (/\s/.test(c)) {
      if (cur || has) out.push(cur);
      cur = '';
      has = false;
      continue;
    }
    cur += c;
  }
  if (cur || has) out.push(cur);
  return out;
}

async function runCommand(args: Record<string, any>, ctx: ModuleContext, shell: boolean): Promise<TaskResult> {
  const raw: string | null = args._raw_params;
  const argv: string[] | null = args.argv;
  if (!raw && !argv?.length) return { failed: true, rc: 256, msg: 'no command given' };
  const chdir = args.chdir ? resolve(ctx.basedir, args.chdir) : undefined;
  const cmdText = raw ?? argv!.join(' ');
  if (args.creates && existsSync(resolve(chdir ?? ctx.basedir, args.creates)))
    return {
      changed: false,
      cmd: shell ? cmdText : shlexSplit(cmdText),
      rc: 0,
      stdout: `skipped, since ${args.creates} exists`,
      stderr: '',
      stdout_lines: [`skipped, since ${args.creates} exists`],
      stderr_lines: [],
      msg: `Did not run command since '${args.creates}' exists`,
    };
  if (args.removes && !existsSync(resolve(chdir ?? ctx.basedir, args.removes)))
    return {
      changed: false,
      cmd: shell ? cmdText : shlexSplit(cmdText),
      rc: 0,
      stdout: `skipped, since ${args.removes} does not exist`,
      stderr: '',
      stdout_lines: [`skipped, since ${args.removes} does not exist`],
      stderr_lines: [],
      msg: `Did not run command since '${args.removes}' does not exist`,
    };
  const started = new Date();
  if (ctx.checkMode) {
    const now = new Date();
    return {
      changed: false,
      cmd: shell ? cmdText : argv?.length ? argv : shlexSplit(cmdText),
      rc: 0,
      stdout: '',
      stderr: '',
      stdout_lines: [],
      stderr_lines: [],
      start: stamp(started),
      end: stamp(now),
      delta: delta(now.getTime() - started.getTime()),
      msg: 'Command would have run if not in check mode',
      skipped: true,
    };
  }
  const [file, list] = shell
    ? [args.executable ?? '/bin/sh', ['-c', cmdText]]
    : argv?.length
      ? [argv[0]!, argv.slice(1)]
      : (() => {
          const p = shlexSplit(cmdText);
          return [p[0]!, p.slice(1)];
        })();
  const cmdShown = shell ? cmdText : argv?.length ? argv : shlexSplit(cmdText);
  return new Promise((done) => {
    const child = spawn(file, list, {
      cwd: chdir ?? process.cwd(),
      env: ctx.env as NodeJS.ProcessEnv,
      signal: ctx.signal,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [],
      err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    if (args.stdin !== null && args.stdin !== undefined)
      child.stdin.end(args.stdin + (args.stdin_add_newline ? '\n' : ''));
    else child.stdin.end();
    const finish = (rc: number, msg?: string) => {
      const ended = new Date();
      let stdout = Buffer.concat(out).toString('utf8'),
        stderr = Buffer.concat(err).toString('utf8');
      if (args.strip_empty_ends) {
        stdout = stdout.replace(/[\r\n]+$/, '');
        stderr = stderr.replace(/[\r\n]+$/, '');
      }
      const result: TaskResult = {
        changed: true,
        cmd: cmdShown,
        rc,
        stdout,
        stderr,
        start: stamp(started),
        end: stamp(ended),
        delta: delta(ended.getTime() - started.getTime()),
        stdout_lines: stdout ? stdout.split(/\r?\n/) : [],
        stderr_lines: stderr ? stderr.split(/\r?\n/) : [],
        msg: msg ?? '',
      };
      if (rc !== 0) {
        result.failed = true;
        result.msg = msg ?? 'non-zero return code';
      }
      done(result);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT')
        done({
          failed: true,
          changed: false,
          cmd: cmdShown,
          rc: 2,
          stdout: '',
          stderr: '',
          msg: `[Errno 2] No such file or directory: b'${file}'`,
        });
      else finish(-1, e.message);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? -1 : 0)));
  });
}

export const commandModule = defineModule({
  names: ['command', 'ansible.builtin.command', 'ansible.legacy.command'],
  argumentSpec: SPEC,
  freeForm: true,
  supportsCheckMode: true,
  run: (args, ctx) => runCommand(args, ctx, false),
});
export const shellModule = defineModule({
  names: ['shell', 'ansible.builtin.shell', 'ansible.legacy.shell'],
  argumentSpec: SPEC,
  freeForm: true,
  supportsCheckMode: true,
  run: (args, ctx) => runCommand({ ...args, _uses_shell: true }, ctx, true),
});
export default commandModule;
