// command and shell, run on the local machine with Ansible's result keys.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import * as os from 'node:os';
import { resolve } from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { errnoText } from './file_common.js';
import { pyGlob } from '../filters/paths.js';

const SPEC = {
  _raw_params: { type: 'str' as const },
  _uses_shell: { type: 'bool' as const, default: false },
  argv: { type: 'list' as const },
  chdir: { type: 'path' as const },
  executable: { type: 'str' as const },
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

const SHLEX_WHITESPACE = ' \t\r\n';

/** Splits a command line the way Python's shlex.split does (POSIX mode, no comments). */
export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q: string | null = null;
  let has = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (q) {
      if (c === q) q = null;
      // within double quotes a backslash escapes only the quote and itself; before anything else it stays
      else if (c === '\\' && q === '"' && (s[i + 1] === '"' || s[i + 1] === '\\')) cur += s[++i];
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
    if (SHLEX_WHITESPACE.includes(c)) {
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

/** Python's str.splitlines(): a final line break ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** creates=/removes=: the command does not run when the file exists (creates) or does not (removes). */
function notNeeded(args: Record<string, any>, at: { cwd: string; cmd: unknown; checkMode: boolean }) {
  const did = at.checkMode ? 'Would' : 'Did';
  const skipped = (stdout: string, msg: string): TaskResult => ({
    changed: false,
    cmd: at.cmd,
    rc: 0,
    stdout,
    stderr: '',
    stdout_lines: [stdout],
    stderr_lines: [],
    msg,
    // the module promises these keys even when it runs nothing
    start: null,
    end: null,
    delta: null,
  });
  // glob patterns, as Python's glob.glob reads them in the command's folder
  const found = (p: string) => pyGlob(resolve(at.cwd, p)).length > 0;
  if (args.creates && found(args.creates))
    return skipped(`skipped, since ${args.creates} exists`, `${did} not run command since '${args.creates}' exists`);
  if (args.removes && !found(args.removes))
    return skipped(
      `skipped, since ${args.removes} does not exist`,
      `${did} not run command since '${args.removes}' does not exist`,
    );
  return undefined;
}

/** One run of command or shell: what runs, where, and since when. */
class CommandRun {
  readonly started = new Date();
  readonly cmdText: string;
  readonly chdir: string | undefined;
  /** Where it runs: chdir, else the play's directory (as Ansible runs a module on the controller). */
  readonly cwd: string;
  /** The result's `cmd`: the shell's text, or the argument list. */
  readonly cmdShown: string | string[];
  constructor(
    readonly args: Record<string, any>,
    readonly ctx: ModuleContext,
    readonly shell: boolean,
  ) {
    const argv: string[] | null = args.argv;
    this.cmdText = args._raw_params ?? argv!.join(' ');
    this.chdir = args.chdir ? resolve(ctx.basedir, args.chdir) : undefined;
    this.cwd = this.chdir ?? ctx.basedir;
    this.cmdShown = shell ? this.cmdText : argv?.length ? argv : shlexSplit(this.cmdText);
  }
  /** The times Ansible reports, from the start to now. */
  times(): { start: string; end: string; delta: string } {
    const now = new Date();
    return { start: stamp(this.started), end: stamp(now), delta: delta(now.getTime() - this.started.getTime()) };
  }
  /** Check mode runs nothing: with creates/removes the command would change something, else it is skipped. */
  checkMode(): TaskResult {
    const guarded = Boolean(this.args.creates || this.args.removes);
    return {
      changed: guarded,
      cmd: this.cmdShown,
      rc: 0,
      stdout: '',
      stderr: '',
      stdout_lines: [],
      stderr_lines: [],
      start: null,
      end: null,
      delta: null,
      msg: 'Command would have run if not in check mode',
      ...(guarded ? {} : { skipped: true }),
    };
  }
  /** The program and its arguments: the shell with the text, the argv list, or the text split as shlex does. */
  program(): [string, string[]] {
    if (this.shell) return [this.args.executable ?? '/bin/sh', ['-c', this.cmdText]];
    const argv: string[] | null = this.args.argv;
    const p = (argv?.length ? argv : shlexSplit(this.cmdText)).map((a) => expandUserAndVars(a, this.ctx.env));
    return [p[0]!, p.slice(1)];
  }
  run(): Promise<TaskResult> {
    const [file, list] = this.program();
    return new Promise((done) => {
      const child = spawn(file, list, {
        cwd: this.cwd,
        env: this.ctx.env as NodeJS.ProcessEnv,
        signal: this.ctx.signal,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out: Buffer[] = [],
        err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      const stdin = this.args.stdin;
      if (stdin !== null && stdin !== undefined) child.stdin.end(stdin + (this.args.stdin_add_newline ? '\n' : ''));
      else child.stdin.end();
      const finish = (rc: number, msg?: string) => done(this.result({ rc, msg }, [out, err]));
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT') done(this.notFound(file));
        else finish(-1, e.message);
      });
      child.on('close', (code, signal) => finish(code ?? (signal ? -1 : 0)));
    });
  }
  result({ rc, msg }: { rc: number; msg?: string }, [out, err]: Buffer[][]): TaskResult {
    const times = this.times();
    let stdout = Buffer.concat(out!).toString('utf8'),
      stderr = Buffer.concat(err!).toString('utf8');
    if (this.args.strip_empty_ends) {
      stdout = stdout.replace(/[\r\n]+$/, '');
      stderr = stderr.replace(/[\r\n]+$/, '');
    }
    const result: TaskResult = {
      changed: true,
      cmd: this.cmdShown,
      rc,
      stdout,
      stderr,
      ...times,
      stdout_lines: splitLines(stdout),
      stderr_lines: splitLines(stderr),
      msg: msg ?? '',
    };
    if (rc !== 0) {
      result.failed = true;
      result.msg = msg ?? 'non-zero return code';
    }
    return result;
  }
  notFound(file: string): TaskResult {
    return {
      failed: true,
      changed: false,
      cmd: this.cmdShown,
      rc: 2,
      stdout: '',
      stderr: '',
      msg: `[Errno 2] No such file or directory: b'${file}'`,
    };
  }
}

/** The keys the module promises in every result, as a failure before anything ran has them. */
const FAILED = {
  failed: true,
  changed: false,
  stdout: '',
  stderr: '',
  rc: null,
  cmd: null,
  start: null,
  end: null,
  delta: null,
  msg: '',
};

/** What os.chdir would say of the folder (Python shows the path as bytes), or nothing if it can go there. */
function chdirError(dir: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return errnoText({ code: 'ENOTDIR', message: 'not a directory' }, `b'${dir}'`);
    accessSync(dir, constants.X_OK);
    return undefined;
  } catch (e) {
    return errnoText(e, `b'${dir}'`);
  }
}

async function runCommand(args: Record<string, any>, ctx: ModuleContext, shell: boolean): Promise<TaskResult> {
  const argv: string[] | null = args.argv;
  if (!String(args._raw_params ?? '').trim() && !argv?.length) return { ...FAILED, rc: 256, msg: 'no command given' };
  if (args._raw_params && argv?.length)
    return { ...FAILED, rc: 256, msg: 'only command or argv can be given, not both' };
  const warnings: string[] = [];
  if (!shell && args.executable) {
    warnings.push(
      `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${args.executable}'.`,
    );
    args = { ...args, executable: undefined };
  }
  const run = new CommandRun(args, ctx, shell);
  const unusable = run.chdir === undefined ? undefined : chdirError(run.chdir);
  if (unusable)
    return { ...FAILED, cmd: run.cmdShown, msg: `Unable to change directory before execution: ${unusable}` };
  // creates/removes show the command as the shell's text or the text split, even when given as argv
  const skipped = notNeeded(args, {
    cwd: run.cwd,
    cmd: shell ? run.cmdText : shlexSplit(run.cmdText),
    checkMode: ctx.checkMode,
  });
  if (skipped) return warnings.length ? { ...skipped, warnings } : skipped;
  const result = ctx.checkMode ? run.checkMode() : await run.run();
  return warnings.length ? { ...result, warnings } : result;
}

export const commandModule = defineModule({
  names: ['command', 'ansible.builtin.command', 'ansible.legacy.command'],
  // the shell action runs the command module: both name it so in messages
  fqcn: 'ansible.legacy.command',
  argumentSpec: SPEC,
  freeForm: true,
  supportsCheckMode: true,
  run: (args, ctx) => runCommand(args, ctx, false),
});
export const shellModule = defineModule({
  names: ['shell', 'ansible.builtin.shell', 'ansible.legacy.shell'],
  fqcn: 'ansible.legacy.command',
  argumentSpec: SPEC,
  freeForm: true,
  supportsCheckMode: true,
  run: (args, ctx) => runCommand({ ...args, _uses_shell: true }, ctx, true),
});
export default commandModule;

/** os.path.expanduser(os.path.expandvars(arg)): what run_command does to each argument of a command run without a
 * shell (expand_user_and_vars); a variable that is not set stays as written. */
function expandUserAndVars(arg: string, env: Record<string, string | undefined>): string {
  const expanded = arg.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const value = env[name.startsWith('{') ? name.slice(1, -1) : name];
    return value ?? whole;
  });
  if (!expanded.startsWith('~')) return expanded;
  const end = expanded.includes('/') ? expanded.indexOf('/') : expanded.length;
  const user = expanded.slice(1, end);
  const home = !user ? (env.HOME ?? os.homedir()) : user === os.userInfo().username ? os.homedir() : undefined;
  return home === undefined ? expanded : home + expanded.slice(end);
}
