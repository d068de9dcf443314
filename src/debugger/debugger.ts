// The task debugger: Ansible's (the `debugger` keyword, ANSIBLE_ENABLE_TASK_DEBUGGER, strategy: debug; p, u, r,
// c, q, h and assignments) plus breakpoints, stepping over and into includes, where/list/diff/calls, and
// scripted sessions. A controller on the executor's pause points; expressions are Jinja2, not Python.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InterruptedError, TsibleError } from '../errors.js';
import type { ExecutorHooks, Redo, TaskPoint } from '../executor/events.js';
import type { TaskResult } from '../module.js';
import { isDict, pyStr, truthy } from '../python/python.js';
import { pformat } from './pformat.js';
import { MASK, Secrets } from './secrets.js';
import { Breakpoints } from './breakpoints.js';
import { showSecrets } from '../vault/index.js';

export interface LineSource {
  next(prompt: string): Promise<string | null>;
}

interface DebuggerOptions {
  /** ANSIBLE_ENABLE_TASK_DEBUGGER or strategy: debug: stop on failed and unreachable results. */
  readonly globallyEnabled: boolean;
  readonly breakpoints: readonly string[];
  readonly breakWhen: readonly string[];
}

type Mode = { kind: 'run' } | { kind: 'step' } | { kind: 'next'; depth: number } | { kind: 'finish'; depth: number };

/** One session at a pause point: what its commands read and change. */
interface Session {
  readonly point: TaskPoint;
  readonly result: TaskResult | undefined;
  /** The variables the task ran with (after it) or will run with (before it). */
  readonly vars: Record<string, unknown>;
  readonly argsOverride: Record<string, unknown>;
  readonly varsOverride: Record<string, unknown>;
  /** The task's arguments, templated when the session began or at the last update_task. */
  args: Record<string, unknown>;
}

/** What a command does to its session: nothing (it goes on), or ends it with what the task gets. */
type Outcome = { end: Redo | void } | void;

/** The names the expressions in a session see. */
const scopeOf = ({ point, args, argsOverride, vars, varsOverride, result }: Session) => ({
  task: { name: point.name, action: point.task.action, args: { ...args, ...argsOverride } },
  task_vars: { ...vars, ...varsOverride },
  host: point.host,
  result: { _result: result ?? {} },
  ...varsOverride,
});

const ALIASES: Record<string, string> = {
  p: 'print',
  pprint: 'print',
  e: 'print',
  eval: 'print',
  u: 'update_task',
  r: 'redo',
  c: 'continue',
  n: 'next',
  s: 'step',
  q: 'quit',
  EOF: 'quit',
  h: 'help',
  '?': 'help',
  b: 'break',
  l: 'list',
  w: 'where',
};

const HELP = `Documented commands (type help <topic>):
========================================
p EXPR, print EXPR   evaluate a Jinja2 expression and pretty-print it (tsible evaluates Jinja2, not Python)
                     names: task, task.args, task_vars, host, result._result, and every variable
e EXPR               the same
task.args['k'] = EXPR   change an argument for the next redo
task_vars['k'] = EXPR   change a variable for the next redo
u, update_task       re-template the task's arguments with the changed variables
r, redo              run the task again
c, continue          go on until the next breakpoint
n, next              go to the next task, stepping over includes
s, step              go to the next task, into includes
finish               go on until the current include has finished
b, break [NAME|FILE:LINE]   add a breakpoint (no argument: list them)
clear [N]            remove breakpoint N (no argument: all)
l, list              show the task's source with the current line marked
w, where             show the include stack
diff                 variables changed since the last stop
calls                the AWS API calls the last task made
reveal               show secrets (vaulted and no_log values, AWS credentials) for the rest of this run
q, quit              stop the run (exit code 99)
h, help              this text
`;

export class Debugger implements ExecutorHooks {
  #mode: Mode = { kind: 'run' };
  #breakpoints: Breakpoints;
  #lastVars: Record<string, unknown> | undefined;
  #reveal = false;
  #secrets = new Secrets();

  constructor(
    private readonly io: { out(s: string): void },
    private readonly input: LineSource,
    private readonly opts: DebuggerOptions,
  ) {
    this.#breakpoints = new Breakpoints(opts.breakpoints);
  }

  async beforeTask(point: TaskPoint): Promise<Redo | void> {
    // task_vars in a session after the task are the variables the task ran with, as in Ansible
    this.#before = this.#mayStopAfter(point) ? point.vars() : undefined;
    const depth = point.stack.length;
    const m = this.#mode;
    let stop = m.kind === 'step' || (m.kind === 'next' && depth <= m.depth) || (m.kind === 'finish' && depth < m.depth);
    if (!stop) stop = this.#breakpoints.some((b) => this.#matches(b, point));
    if (!stop)
      stop = this.opts.breakWhen.some((expr) => {
        try {
          return truthy(point.evaluate(expr));
        } catch {
          return false;
        }
      });
    // before a task, whatever was changed applies to the run that follows
    if (stop) return this.#session(point, undefined);
  }

  async afterTask(point: TaskPoint, result: TaskResult): Promise<Redo | void> {
    this.#lastCalls = { name: point.name, calls: point.awsCalls() };
    if (!this.#needsDebugger(point, result)) return;
    return this.#session(point, result, this.#before);
  }

  /** Whether the debugger may stop at a task: stepping, a breakpoint or condition set, or the task's (or the
   * run's) debugger setting; the executor then runs the task on one host at a time. */
  holdsHosts(keyword: (name: string) => unknown): boolean {
    if (this.#mode.kind !== 'run' || this.#breakpoints.all.length || this.opts.breakWhen.length) return true;
    return this.#mayStopAfter({ keyword });
  }

  #before: Record<string, unknown> | undefined;
  #lastCalls: { name: string; calls: readonly unknown[] } | undefined;
  #mayStopAfter(point: Pick<TaskPoint, 'keyword'>): boolean {
    const kw = point.keyword('debugger');
    return (kw !== undefined && kw !== 'never') || this.opts.globallyEnabled || point.keyword('strategy') === 'debug';
  }

  /** TaskResult.needs_debugger, with TASK_DEBUGGER_IGNORE_ERRORS on (Ansible's default). */
  #needsDebugger(point: TaskPoint, r: TaskResult): boolean {
    const kw = point.keyword('debugger');
    const ignore = truthy(point.keyword('ignore_errors') ?? false);
    const failed =
      truthy(r.failed ?? false) ||
      (Array.isArray(r.results) && r.results.some((x) => isDict(x) && truthy(x.failed ?? false)));
    const unreachable = truthy(r.unreachable ?? false);
    const skipped = Array.isArray(r.results)
      ? r.results.length > 0 && r.results.every((x) => isDict(x) && x.skipped)
      : truthy(r.skipped ?? false);
    const global = this.opts.globallyEnabled || point.keyword('strategy') === 'debug';
    let on = global && ((failed && !ignore) || unreachable);
    if (kw === 'always') on = true;
    else if (kw === 'never') on = false;
    else if (kw === 'on_failed' && failed && !ignore) on = true;
    else if (kw === 'on_unreachable' && unreachable) on = true;
    else if (kw === 'on_skipped' && skipped) on = true;
    return on;
  }

  #matches(bp: string, point: TaskPoint): boolean {
    const m = /^(.*):(\d+)$/.exec(bp);
    if (m) {
      const [, file, line] = m as unknown as [string, string, string];
      return (
        Number(line) === point.task.pos.line &&
        (point.task.pos.file === file ||
          point.task.pos.file.endsWith(`/${file}`) ||
          path.basename(point.task.pos.file) === file)
      );
    }
    return point.name === bp || point.task.name === bp;
  }

  #show(v: unknown, name?: string): string {
    return pformat(this.#reveal ? v : this.#secrets.mask(v, name));
  }

  async #session(
    point: TaskPoint,
    result: TaskResult | undefined,
    before?: Record<string, unknown>,
  ): Promise<Redo | void> {
    const vars = before ?? point.vars();
    this.#secrets.learn(vars, point.noLogNames, point.env);
    const s: Session = { point, result, vars, argsOverride: {}, varsOverride: {}, args: {} };
    s.args = this.#templatedArgs(point, s.varsOverride);
    const prompt = `[${point.host}] TASK: ${point.name} (debug)> `;
    for (;;) {
      const line = await this.input.next(prompt);
      if (line === null) this.#quit();
      const text = line.trim();
      if (!text) continue;
      const outcome = this.#command(s, text);
      if (outcome) return outcome.end;
    }
  }

  /** Runs one line: a command, or an assignment to task.args or task_vars. */
  #command(s: Session, text: string): Outcome {
    const [cmd] = text.split(/\s+/) as [string];
    const arg = text.slice(cmd.length).trim();
    try {
      const name = Object.hasOwn(ALIASES, cmd) ? ALIASES[cmd]! : cmd;
      if (Object.hasOwn(this.#commands, name)) return this.#commands[name]!(s, arg);
      this.#assign(s, text);
    } catch (e) {
      if (e instanceof InterruptedError) throw e;
      const err = e as Error;
      this.io.out(
        `***${e instanceof TsibleError ? 'TemplateError' : (err.name ?? 'Error')}:${JSON.stringify(err.message ?? String(e))}\n`,
      );
    }
  }

  readonly #commands: Record<string, (s: Session, arg: string) => Outcome> = {
    print: (s, arg) => this.io.out(this.#print(arg, s.point, scopeOf(s)) + '\n'),
    update_task: (s) => void (s.args = this.#templatedArgs(s.point, s.varsOverride)),
    redo: ({ point, argsOverride, varsOverride }) => {
      this.#lastVars = { ...point.vars(), ...varsOverride };
      return {
        end: {
          redo: true,
          args: Object.keys(argsOverride).length ? { ...argsOverride } : undefined,
          vars: Object.keys(varsOverride).length ? { ...varsOverride } : undefined,
        },
      };
    },
    continue: (s) => this.#leave(s, { kind: 'run' }),
    next: (s) => this.#leave(s, { kind: 'next', depth: s.point.stack.length }),
    step: (s) => this.#leave(s, { kind: 'step' }),
    finish: (s) => this.#leave(s, { kind: 'finish', depth: s.point.stack.length }),
    quit: () => this.#quit(),
    help: () => this.io.out(HELP),
    break: (_s, arg) => this.io.out(this.#breakpoints.command('break', arg)),
    clear: (_s, arg) => this.io.out(this.#breakpoints.command('clear', arg)),
    list: (s) => this.io.out(this.#list(s.point)),
    where: (s) => this.io.out(this.#where(s.point, scopeOf(s))),
    diff: (s) => this.io.out(this.#diff({ ...s.point.vars(), ...s.varsOverride })),
    calls: ({ point, result }) =>
      this.io.out(this.#calls(result === undefined ? this.#lastCalls : { name: point.name, calls: point.awsCalls() })),
    reveal: () => {
      this.#reveal = true;
      showSecrets(true); // the run's output too: the user asked to see them
      this.io.out('Secrets are shown for the rest of this run.\n');
    },
  };

  #quit(): never {
    this.io.out('User interrupted execution\n');
    throw new InterruptedError('User interrupted execution');
  }

  /** `task.args['k'] = EXPR` or `task_vars['k'] = EXPR`: a change for the task's next run. */
  #assign(s: Session, text: string): void {
    const assign = /^(task\.args|task_vars)\[(['"])(.+?)\2\]\s*=\s*(.+)$/.exec(text);
    if (!assign) {
      this.io.out(`***SyntaxError:'${text}' is not a debugger command or an assignment (type h for help)\n`);
      return;
    }
    const value = s.point.evaluate(assign[4]!, scopeOf(s));
    if (assign[1] === 'task.args') s.argsOverride[assign[3]!] = value;
    else s.varsOverride[assign[3]!] = value;
  }

  /** Leaving a session to go on in `mode`: before a task, changes made in it go with the task; after one, they
   * wait for a redo. */
  #leave({ point, result, argsOverride: args, varsOverride: vars }: Session, mode: Mode): Outcome {
    this.#mode = mode;
    this.#lastVars = { ...point.vars(), ...vars };
    if (result === undefined && (Object.keys(args).length || Object.keys(vars).length))
      return { end: { redo: true, args: { ...args }, vars: { ...vars } } };
    return { end: undefined };
  }

  #templatedArgs(point: TaskPoint, vars: Record<string, unknown>): Record<string, unknown> {
    try {
      return point.template(point.task.args, vars) as Record<string, unknown>;
    } catch {
      return { ...point.task.args };
    }
  }

  #print(expr: string, point: TaskPoint, scope: Record<string, unknown>): string {
    if (expr === 'task') return `TASK: ${point.name}`;
    if (expr === 'host') return point.host; // a Host object's repr is its name
    if (expr === 'task_vars') return this.#show(scope.task_vars);
    const direct = /^task_vars\[(['"])(.+?)\1\]$/.exec(expr);
    if (direct)
      return this.#show(
        (scope.task_vars as Record<string, unknown>)[direct[2]!] ?? point.evaluate(expr, scope),
        direct[2],
      );
    if (/^[A-Za-z_]\w*$/.test(expr) && this.#secrets.names.has(expr) && !this.#reveal) return pformat(MASK);
    return this.#show(point.evaluate(expr, scope));
  }

  #list(point: TaskPoint): string {
    let lines: string[];
    try {
      lines = readFileSync(point.task.pos.file, 'utf8').split('\n');
    } catch {
      return `(cannot read ${point.task.pos.file})\n`;
    }
    const at = point.task.pos.line;
    const from = Math.max(1, at - 5),
      to = Math.min(lines.length, at + 10);
    let out = `${point.task.pos.file}\n`;
    for (let i = from; i <= to; i++) out += `${String(i).padStart(4)}${i === at ? ' ->' : '   '} ${lines[i - 1]}\n`;
    return out;
  }

  #where(point: TaskPoint, scope: Record<string, unknown>): string {
    const frames = point.stack.map((f, i) => `${'  '.repeat(i)}${f.file}:${f.line}  ${f.name}`);
    const vars = scope.task_vars as Record<string, unknown>;
    const loopVar = typeof vars.ansible_loop_var === 'string' ? vars.ansible_loop_var : undefined;
    const item = loopVar
      ? `  (${loopVar}=${pyStr(this.#reveal ? vars[loopVar] : this.#secrets.mask(vars[loopVar]))})`
      : '';
    frames.push(
      `${'  '.repeat(point.stack.length)}${point.task.pos.file}:${point.task.pos.line}  ${point.name}${item}  <- here`,
    );
    return frames.join('\n') + '\n';
  }

  #diff(now: Record<string, unknown>): string {
    const before = this.#lastVars;
    this.#lastVars = now;
    if (!before) return 'No earlier stop to compare with.\n';
    const out: string[] = [];
    const show = (k: string, v: unknown) =>
      pformat(this.#reveal ? v : this.#secrets.mask(v, k)).replace(/\n/g, '\n    ');
    for (const k of Object.keys(now).sort()) {
      if (k === 'vars' || k === 'hostvars') continue;
      if (!(k in before)) out.push(`+ ${k} = ${show(k, now[k])}`);
      else if (JSON.stringify(before[k]) !== JSON.stringify(now[k]))
        out.push(`~ ${k}: ${show(k, before[k])} -> ${show(k, now[k])}`);
    }
    for (const k of Object.keys(before).sort())
      if (!(k in now) && k !== 'vars' && k !== 'hostvars') out.push(`- ${k} (was ${show(k, before[k])})`);
    return out.length ? out.join('\n') + '\n' : 'No variable changed.\n';
  }

  #calls(last: { name: string; calls: readonly unknown[] } | undefined): string {
    if (!last) return 'No task has run yet.\n';
    const calls = last.calls as Array<{ operation: string; input: unknown; error?: { code: string }; ms?: number }>;
    if (!calls.length) return `TASK [${last.name}] made no AWS call.\n`;
    return (
      `TASK [${last.name}]:\n` +
      calls
        .map(
          (c, i) =>
            `${i + 1}. ${c.operation} ${pformat(this.#reveal ? c.input : this.#secrets.mask(c.input))} -> ${c.error ? c.error.code : 'ok'}${c.ms !== undefined ? ` (${c.ms} ms)` : ''}`,
        )
        .join('\n') +
      '\n'
    );
  }
}

/** Commands from a file, one a line; when they run out the debugger continues and stops no more. */
export function scriptSource(file: string, io: { out(s: string): void }): LineSource {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  let done = false;
  return {
    async next(prompt) {
      if (done) return 'c';
      const line = lines.shift();
      if (line === undefined) {
        done = true;
        io.out(`${prompt}c\n`);
        return 'c';
      }
      io.out(`${prompt}${line}\n`);
      return line;
    },
  };
}

/** Raw-mode input, where the terminal edits nothing: Enter (\r) ends the hidden line and turns echo back on,
 * DEL rubs out, ^C interrupts. */
function rawChars(typing: { rest: string; hidden: boolean }, chunk: string, io: { out(s: string): void }): string {
  let out = '';
  for (const ch of chunk) {
    if (ch === '\r' || ch === '\n') {
      out += '\n';
      typing.hidden = false;
      process.stdin.setRawMode(false);
      io.out('\n');
    } else if (ch === '\u007f') typing.rest = typing.rest.slice(0, -1);
    else if (ch === '\u0003') process.kill(process.pid, 'SIGINT');
    else out += ch;
  }
  return out;
}

/** Lines typed at a terminal (or piped in): EOF quits, as it does in Ansible's debugger. A hidden line (a
 * private vars_prompt) is read with the terminal's echo off, as getpass reads it. */
export function stdinSource(io: {
  out(s: string): void;
}): LineSource & { close(): void; nextHidden(prompt: string): Promise<string | null> } {
  const queue: string[] = [];
  const waiting: Array<(l: string | null) => void> = [];
  let closed = false,
    started = false;
  const typing = { rest: '', hidden: false };
  // stdin is read only once a session starts, so that a run that never stops does not wait for it
  const start = () => {
    if (started) return;
    started = true;
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      typing.rest += typing.hidden ? rawChars(typing, chunk, io) : chunk;
      const parts = typing.rest.split('\n');
      typing.rest = parts.pop()!;
      for (const p of parts) {
        const w = waiting.shift();
        if (w) w(p.replace(/\r$/, ''));
        else queue.push(p.replace(/\r$/, ''));
      }
    });
    process.stdin.on('end', () => {
      closed = true;
      for (const w of waiting.splice(0)) w(null);
    });
  };
  return {
    close() {
      if (started) process.stdin.destroy();
    },
    next(prompt) {
      start();
      io.out(prompt);
      const l = queue.shift();
      // like Python's cmd module, nothing is echoed: a terminal shows what was typed, a pipe shows nothing
      if (l !== undefined) return Promise.resolve(l);
      if (closed) return Promise.resolve(null);
      return new Promise((resolve) => waiting.push(resolve));
    },
    nextHidden(prompt) {
      if (process.stdin.isTTY && !queue.length && !closed) {
        typing.hidden = true;
        process.stdin.setRawMode(true);
      }
      return this.next(prompt);
    },
  };
}
