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
reveal               show secrets (no_log values, AWS credentials) for the rest of this session
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

  #before: Record<string, unknown> | undefined;
  #lastCalls: { name: string; calls: readonly unknown[] } | undefined;
  #mayStopAfter(point: TaskPoint): boolean {
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
    const argsOverride: Record<string, unknown> = {};
    const varsOverride: Record<string, unknown> = {};
    let args = this.#templatedArgs(point, varsOverride);
    const prompt = `[${point.host}] TASK: ${point.name} (debug)> `;
    const scope = () => ({
      task: { name: point.name, action: point.task.action, args: { ...args, ...argsOverride } },
      task_vars: { ...vars, ...varsOverride },
      host: point.host,
      result: { _result: result ?? {} },
      ...varsOverride,
    });
    for (;;) {
      const line = await this.input.next(prompt);
      if (line === null) {
        this.io.out('User interrupted execution\n');
        throw new InterruptedError('User interrupted execution');
      }
      const text = line.trim();
      if (!text) continue;
      const [cmd, ...rest] = text.split(/\s+/);
      const arg = text.slice(cmd!.length).trim();
      try {
        switch (cmd) {
          case 'p':
          case 'print':
          case 'pprint':
          case 'e':
          case 'eval':
            this.io.out(this.#print(arg, point, scope()) + '\n');
            break;
          case 'u':
          case 'update_task':
            args = this.#templatedArgs(point, varsOverride);
            break;
          case 'r':
          case 'redo':
            this.#lastVars = { ...point.vars(), ...varsOverride };
            return {
              redo: true,
              args: Object.keys(argsOverride).length ? { ...argsOverride } : undefined,
              vars: Object.keys(varsOverride).length ? { ...varsOverride } : undefined,
            };
          case 'c':
          case 'continue':
            this.#mode = { kind: 'run' };
            return this.#leave(point, result, argsOverride, varsOverride);
          case 'n':
          case 'next':
            this.#mode = { kind: 'next', depth: point.stack.length };
            return this.#leave(point, result, argsOverride, varsOverride);
          case 's':
          case 'step':
            this.#mode = { kind: 'step' };
            return this.#leave(point, result, argsOverride, varsOverride);
          case 'finish':
            this.#mode = { kind: 'finish', depth: point.stack.length };
            return this.#leave(point, result, argsOverride, varsOverride);
          case 'q':
          case 'quit':
          case 'EOF':
            this.io.out('User interrupted execution\n');
            throw new InterruptedError('User interrupted execution');
          case 'h':
          case 'help':
          case '?':
            this.io.out(HELP);
            break;
          case 'b':
          case 'break':
            this.io.out(this.#breakpoints.command('break', arg));
            break;
          case 'clear':
            this.io.out(this.#breakpoints.command('clear', arg));
            break;
          case 'l':
          case 'list':
            this.io.out(this.#list(point));
            break;
          case 'w':
          case 'where':
            this.io.out(this.#where(point, scope()));
            break;
          case 'diff':
            this.io.out(this.#diff({ ...point.vars(), ...varsOverride }));
            break;
          case 'calls':
            this.io.out(
              this.#calls(result === undefined ? this.#lastCalls : { name: point.name, calls: point.awsCalls() }),
            );
            break;
          case 'reveal':
            this.#reveal = true;
            this.io.out('Secrets are shown for the rest of this session.\n');
            break;
          default: {
            const assign = /^(task\.args|task_vars)\[(['"])(.+?)\2\]\s*=\s*(.+)$/.exec(text);
            if (!assign) {
              this.io.out(`***SyntaxError:'${text}' is not a debugger command or an assignment (type h for help)\n`);
              break;
            }
            const value = point.evaluate(assign[4]!, scope());
            if (assign[1] === 'task.args') argsOverride[assign[3]!] = value;
            else varsOverride[assign[3]!] = value;
          }
        }
        void rest;
      } catch (e) {
        if (e instanceof InterruptedError) throw e;
        const err = e as Error;
        this.io.out(
          `***${e instanceof TsibleError ? 'TemplateError' : (err.name ?? 'Error')}:${JSON.stringify(err.message ?? String(e))}\n`,
        );
      }
    }
  }

  /** Leaving a session: before a task, changes made in it go with the task; after one, they wait for a redo. */
  #leave(
    point: TaskPoint,
    result: TaskResult | undefined,
    args: Record<string, unknown>,
    vars: Record<string, unknown>,
  ): Redo | void {
    this.#lastVars = { ...point.vars(), ...vars };
    if (result === undefined && (Object.keys(args).length || Object.keys(vars).length))
      return { redo: true, args: { ...args }, vars: { ...vars } };
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

/** Lines typed at a terminal (or piped in): EOF quits, as it does in Ansible's debugger. */
export function stdinSource(io: { out(s: string): void }): LineSource & { close(): void } {
  const queue: string[] = [];
  const waiting: Array<(l: string | null) => void> = [];
  let closed = false,
    started = false;
  let rest = '';
  // stdin is read only once a session starts, so that a run that never stops does not wait for it
  const start = () => {
    if (started) return;
    started = true;
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop()!;
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
  };
}
