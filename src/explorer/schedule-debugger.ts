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
import type { ScheduleController, ScheduleInspector } from './simulation.js';
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
reveal               show secrets (AWS credentials, no_log values) for the rest of this session
q, quit              stop (exit code 99)
h, help              this text
`;

const describeProcess = (procs: ReturnType<ScheduleInspector['processes']>, i: number) => {
  const p = procs[i]!;
  return `p${i + 1}${p.task ? ` [${p.task}]` : ''} ${p.next}`;
};

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
    const procs = inspect.processes();
    const describe = (i: number) => describeProcess(procs, i);
    for (;;) {
      const line = await this.input.next(`(explore p${this.#selected + 1})> `);
      if (line === null) return 'quit';
      const text = line.trim();
      if (!text) continue;
      const [cmd] = text.split(/\s+/);
      const arg = text.slice(cmd!.length).trim();
      try {
        const sel = /^p(\d+)$/.exec(cmd!);
        if (sel) {
          const n = Number(sel[1]) - 1;
          if (!procs[n]) {
            this.io.out(`there is no process ${cmd}\n`);
            continue;
          }
          this.#selected = n;
          this.io.out(`${describe(n)}\n`);
          continue;
        }
        switch (cmd) {
          case 'n':
          case 'next':
            return scheduled;
          case 's':
          case 'step':
            this.#taskStepping = true;
            return scheduled;
          case 'c':
          case 'continue':
            this.#stepping = false;
            return scheduled;
          case 'q':
          case 'quit':
            return 'quit';
          case 'h':
          case 'help':
          case '?':
            this.io.out(HELP);
            break;
          case 'p':
          case 'print': {
            const v = inspect.evaluate(this.#selected, arg);
            this.io.out(`${this.#show(v)}\n`);
            break;
          }
          case 'vars':
            this.io.out(`${this.#show(inspect.vars(this.#selected))}\n`);
            break;
          case 'set': {
            const m = /^([A-Za-z_]\w*)\s*=\s*(.+)$/.exec(arg);
            if (!m) {
              this.io.out('usage: set NAME = EXPR\n');
              break;
            }
            const value = inspect.evaluate(this.#selected, m[2]!);
            inspect.setFact(this.#selected, m[1]!, value);
            this.#secrets.learn(inspect.vars(this.#selected), inspect.noLogNames(this.#selected), {});
            this.io.out(`p${this.#selected + 1}: ${m[1]} = ${this.#show(value, m[1])}\n`);
            break;
          }
          case 'move': {
            if (scheduled === undefined) {
              this.io.out('no move is due here: the process is between two tasks (n, s or c go on)\n');
              break;
            }
            const n = Number(arg) - 1;
            if (!runnable.includes(n)) {
              this.io.out(`p${arg} cannot move now (movable: ${runnable.map((r) => `p${r + 1}`).join(', ')})\n`);
              break;
            }
            if (n !== scheduled)
              this.io.out(
                `what-if: p${n + 1} moves instead of p${scheduled + 1}; from here the schedule is followed where it can be\n`,
              );
            return n;
          }
          case 'w':
          case 'where':
            this.io.out(
              procs
                .map(
                  (p, i) =>
                    `${i === (scheduled ?? this.#selected) ? '->' : '  '} ${describe(i)}${p.holds ? '  (holds the lock)' : ''}${p.crashed ? '  (crashed)' : p.done ? '  (finished)' : p.sleepsUntil !== undefined ? `  (sleeps until +${p.sleepsUntil} ms)` : ''}`,
                )
                .join('\n') + '\n',
            );
            break;
          case 'groups': {
            const groups = inspect.groups();
            this.io.out(
              groups.length
                ? groups.map((g) => `${g.name}  created at +${g.createdAt} ms`).join('\n') + '\n'
                : 'no log groups\n',
            );
            break;
          }
          case 'trace':
            this.io.out(`${formatTrace(inspect.trace) || '(no moves yet)'}\n`);
            break;
          case 'b':
          case 'break':
            this.io.out(this.#breakpoints.command('break', arg));
            break;
          case 'clear':
            this.io.out(this.#breakpoints.command('clear', arg));
            break;
          case 'reveal':
            this.#reveal = true;
            this.io.out('Secrets are shown for the rest of this session.\n');
            break;
          default:
            this.io.out(`***'${text}' is not a command (type h for help)\n`);
        }
      } catch (e) {
        const err = e as Error;
        this.io.out(
          `***${e instanceof TsibleError ? 'TemplateError' : (err.name ?? 'Error')}:${JSON.stringify(err.message ?? String(e))}\n`,
        );
      }
    }
  }

  #show(v: unknown, name?: string): string {
    if (this.#reveal) return pformat(v);
    if (name && this.#secrets.names.has(name)) return pformat(MASK);
    return pformat(this.#secrets.mask(v, name));
  }
}
