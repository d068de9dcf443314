// `tsible explore --replay SCHEDULE --debug`: the step debugger on a schedule. It stops before every move (or,
// after `c`, at breakpoints and at the violation), shows which process moves and what it is about to do, and lets
// the user look at any process (`p2`, then `p EXPR`, `vars`), at the endpoint (`groups`), at the moves so far
// (`trace`), change a process's variables (`set won_lock = false`), or make another process move first
// (`move 2`): a what-if off the recorded schedule, which then goes on as recorded where it can.
import { pformat } from '../debugger/pformat.js';
import { Secrets, MASK } from '../debugger/secrets.js';
import { Breakpoints } from '../debugger/breakpoints.js';
import type { LineSource } from '../debugger/debugger.js';
import { TsibleError } from '../errors.js';
import { showSecrets } from '../vault/index.js';
import type { ProcessView, ScheduleController, ScheduleInspector } from './simulation.js';
import { formatTrace } from './trace-format.js';

const HELP = `Commands (the schedule stops before each move; expressions are Jinja2):
n, next              make the scheduled move and stop before the next one
s, step              go on until the next move or the end of a task, whichever comes first
c, continue          go on until a breakpoint, the violation or the end
p1, p2, ...          look at that process (p, vars and set apply to it)
p EXPR, print EXPR   evaluate EXPR with the selected process's variables
vars                 the selected process's variables
set NAME = EXPR      set a variable of the selected process, as set_fact would
move N               let process N move now instead of the scheduled one (a what-if)
w, where             where every process is: its next move, whether it holds the lock
groups               the log groups that exist now, with their creation times
trace                the moves so far
b, break [TEXT]      stop before moves whose call or task starts with TEXT, and after tasks named so
                     (no argument: list them)
clear [N]            remove breakpoint N (no argument: all)
reveal               show secrets (AWS credentials, vaulted and no_log values) for the rest of this run
q, quit              stop (exit code 99)
h, help              this text
`;

const describeProcess = (procs: ReturnType<ScheduleInspector['processes']>, i: number) => {
  const p = procs[i]!;
  return `p${i + 1}${p.task ? ` [${p.task}]` : ''} ${p.next}`;
};

/** Where a session stopped: the processes then, the process due to move (none after a task), who could move. */
interface Stop {
  readonly inspect: ScheduleInspector;
  readonly procs: ProcessView[];
  readonly scheduled: number | undefined;
  readonly runnable: readonly number[];
}
/** A command that ends the session: the process to move, or quit. */
type Resume = { readonly resume: number | 'quit' | undefined };
const NOT_A_COMMAND = Symbol('not a command');
const ALIASES: Record<string, string> = {
  n: 'next',
  s: 'step',
  c: 'continue',
  q: 'quit',
  h: 'help',
  '?': 'help',
  p: 'print',
  w: 'where',
  b: 'break',
};

/** `w`: every process, its next move, and whether it holds the lock, crashed, finished or sleeps. */
function where({ procs, scheduled }: Stop, selected: number): string {
  const state = (p: ProcessView) =>
    p.crashed
      ? '  (crashed)'
      : p.done
        ? '  (finished)'
        : p.sleepsUntil !== undefined
          ? `  (sleeps until +${p.sleepsUntil} ms)`
          : '';
  return (
    procs
      .map(
        (p, i) =>
          `${i === (scheduled ?? selected) ? '->' : '  '} ${describeProcess(procs, i)}${p.holds ? '  (holds the lock)' : ''}${state(p)}`,
      )
      .join('\n') + '\n'
  );
}

export class ScheduleDebugger implements ScheduleController {
  #stepping = true;
  #taskStepping = false;
  #selected = 0;
  #breakpoints = new Breakpoints();
  #reveal = false;
  #secrets = new Secrets();
  constructor(
    private readonly io: { out(s: string): void },
    private readonly input: LineSource,
    private readonly moves: number,
  ) {}

  async afterTask(i: number, task: string, inspect: ScheduleInspector): Promise<'quit' | void> {
    if (!this.#taskStepping && !this.#breakpoints.some((b) => task === b || task.startsWith(b))) return;
    this.#stepping = true;
    this.#taskStepping = false;
    this.#selected = i;
    this.#learn(inspect);
    this.io.out(`-- p${i + 1} finished [${task}] at +${inspect.now()} ms\n`);
    const answer = await this.#session(inspect, undefined, []);
    return answer === 'quit' ? 'quit' : undefined;
  }

  async beforeMove(
    decision: number,
    runnable: readonly number[],
    scheduled: number,
    inspect: ScheduleInspector,
  ): Promise<number | 'quit'> {
    const procs = inspect.processes();
    const mover = procs[scheduled]!;
    const hit = this.#breakpoints.some((b) => mover.next.startsWith(b) || mover.task.startsWith(b));
    if (!this.#stepping && !hit) return scheduled;
    this.#stepping = true;
    this.#taskStepping = false;
    this.#selected = scheduled;
    this.#learn(inspect);
    this.io.out(
      `-> move ${decision + 1}${decision < this.moves ? `/${this.moves}` : ' (past the recorded schedule)'} at +${inspect.now()} ms: ${describeProcess(procs, scheduled)}\n`,
    );
    if (runnable.length > 1)
      this.io.out(
        `   could also move: ${runnable
          .filter((r) => r !== scheduled)
          .map((r) => `p${r + 1}`)
          .join(', ')}\n`,
      );
    const answer = await this.#session(inspect, scheduled, runnable);
    return answer ?? scheduled;
  }

  #learn(inspect: ScheduleInspector): void {
    for (let k = 0; k < inspect.processes().length; k++)
      this.#secrets.learn(inspect.vars(k), inspect.noLogNames(k), {});
  }

  /** The prompt loop; before a move `scheduled` is the process due to move, after a task it is undefined. */
  async #session(
    inspect: ScheduleInspector,
    scheduled: number | undefined,
    runnable: readonly number[],
  ): Promise<number | 'quit' | undefined> {
    const stop: Stop = { inspect, procs: inspect.processes(), scheduled, runnable };
    for (;;) {
      const line = await this.input.next(`(explore p${this.#selected + 1})> `);
      if (line === null) return 'quit';
      const text = line.trim();
      if (!text) continue;
      const [cmd] = text.split(/\s+/);
      const arg = text.slice(cmd!.length).trim();
      try {
        const done = this.#command(stop, cmd!, arg);
        if (done === NOT_A_COMMAND) this.io.out(`***'${text}' is not a command (type h for help)\n`);
        else if (done) return done.resume;
      } catch (e) {
        const err = e as Error;
        this.io.out(
          `***${e instanceof TsibleError ? 'TemplateError' : (err.name ?? 'Error')}:${JSON.stringify(err.message ?? String(e))}\n`,
        );
      }
    }
  }

  /** Runs one command; `resume` ends the session with the process to move (or quit). */
  #command(stop: Stop, cmd: string, arg: string): Resume | typeof NOT_A_COMMAND | void {
    const sel = /^p(\d+)$/.exec(cmd);
    if (sel) return this.#select(stop, cmd, Number(sel[1]) - 1);
    const name = ALIASES[cmd] ?? cmd;
    if (!Object.hasOwn(this.#commands, name)) return NOT_A_COMMAND;
    return this.#commands[name]!(stop, arg);
  }

  readonly #commands: Record<string, (stop: Stop, arg: string) => Resume | void> = {
    next: (stop) => ({ resume: stop.scheduled }),
    step: (stop) => {
      this.#taskStepping = true;
      return { resume: stop.scheduled };
    },
    continue: (stop) => {
      this.#stepping = false;
      return { resume: stop.scheduled };
    },
    quit: () => ({ resume: 'quit' }),
    help: () => this.io.out(HELP),
    print: ({ inspect }, arg) => this.io.out(`${this.#show(inspect.evaluate(this.#selected, arg))}\n`),
    vars: ({ inspect }) => this.io.out(`${this.#show(inspect.vars(this.#selected))}\n`),
    set: ({ inspect }, arg) => this.#set(inspect, arg),
    move: (stop, arg) => this.#move(stop, arg),
    where: (stop) => this.io.out(where(stop, this.#selected)),
    groups: ({ inspect }) => {
      const groups = inspect.groups();
      this.io.out(
        groups.length
          ? groups.map((g) => `${g.name}  created at +${g.createdAt} ms`).join('\n') + '\n'
          : 'no log groups\n',
      );
    },
    trace: ({ inspect }) => this.io.out(`${formatTrace(inspect.trace) || '(no moves yet)'}\n`),
    break: (_stop, arg) => this.io.out(this.#breakpoints.command('break', arg)),
    clear: (_stop, arg) => this.io.out(this.#breakpoints.command('clear', arg)),
    reveal: () => {
      this.#reveal = true;
      showSecrets(true); // the traces recorded from now on too: the user asked to see them
      this.io.out('Secrets are shown for the rest of this run.\n');
    },
  };

  #select({ procs }: Stop, cmd: string, n: number): void {
    if (!procs[n]) {
      this.io.out(`there is no process ${cmd}\n`);
      return;
    }
    this.#selected = n;
    this.io.out(`${describeProcess(procs, n)}\n`);
  }

  #set(inspect: ScheduleInspector, arg: string): void {
    const m = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(arg);
    if (!m) {
      this.io.out('usage: set NAME = EXPR\n');
      return;
    }
    const value = inspect.evaluate(this.#selected, m[2]!);
    inspect.setFact(this.#selected, m[1]!, value);
    this.#secrets.learn(inspect.vars(this.#selected), inspect.noLogNames(this.#selected), {});
    this.io.out(`p${this.#selected + 1}: ${m[1]} = ${this.#show(value, m[1])}\n`);
  }

  /** `move N`: another process moves first, a what-if off the recorded schedule. */
  #move({ scheduled, runnable }: Stop, arg: string): Resume | void {
    if (scheduled === undefined) {
      this.io.out('no move is due here: the process is between two tasks (n, s or c go on)\n');
      return;
    }
    const n = Number(arg) - 1;
    if (!runnable.includes(n)) {
      this.io.out(`p${arg} cannot move now (movable: ${runnable.map((r) => `p${r + 1}`).join(', ')})\n`);
      return;
    }
    if (n !== scheduled)
      this.io.out(
        `what-if: p${n + 1} moves instead of p${scheduled + 1}; from here the schedule is followed where it can be\n`,
      );
    return { resume: n };
  }

  #show(v: unknown, name?: string): string {
    if (this.#reveal) return pformat(v);
    if (name && this.#secrets.names.has(name)) return pformat(MASK);
    return pformat(this.#secrets.mask(v, name));
  }
}
