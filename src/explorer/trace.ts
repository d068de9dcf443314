// A schedule's trace: every move (an AWS call attempt, a wait, a task start) and the notes between them (a win, a
// release, a fault, a false invariant), with virtual time; and, for the traces people read, what each task changed.
import { pyRepr } from '../python/python.js';
import { scrub, secretsShown } from '../vault/index.js';
import { Secrets } from '../debugger/secrets.js';
import type { CallDetail } from './faults.js';

/** What a note is about, for pictures: a fault (`crashed`: the process is gone), the lock, a false invariant. */
export type StepMark = 'fault' | 'crashed' | 'won' | 'released' | 'invariant';

/** One move of one process; `at` is virtual milliseconds since the schedule began. `detail` is an AWS call's
 * answer (status 0: the reply was lost), `changed` the variables the move's task changed (when recorded). */
export interface Step {
  readonly process: number;
  readonly kind: 'aws' | 'sleep' | 'task' | 'note';
  readonly label: string;
  readonly task: string;
  readonly at: number;
  readonly mark?: StepMark;
  detail?: CallDetail;
  changed?: string;
  /** The log groups that exist after this move (recorded with the variables, for pictures). */
  groups?: string[];
}

/** Left out of the invariants' and the traces' view of a process: the inventory and the magic variables all
 * copies share. */
export const HIDDEN_VARS = new Set([
  'hostvars',
  'groups',
  'group_names',
  'inventory_hostname',
  'inventory_hostname_short',
  'inventory_dir',
  'inventory_file',
  'playbook_dir',
  'play_hosts',
  'ansible_play_hosts',
  'ansible_play_hosts_all',
  'ansible_play_batch',
  'role_names',
  'ansible_role_names',
  'role_path',
  'omit',
  'ansible_version',
  'vars',
]);

/** Where and when steps happen: the scheduler's virtual clock and each process's current task. */
interface TraceClock {
  elapsed(): number;
  taskOf(i: number): string;
}

export class TraceRecorder {
  readonly steps: Step[] = [];
  /** What each process's variables looked like as Python reprs, to show only what a task changed. */
  readonly #seen: Array<Map<string, string>>;
  /** All a move's tasks changed, by step (several tasks may end on one move: skipped loop items, includes). */
  readonly #changedAt = new Map<number, Map<string, string>>();
  constructor(
    private readonly clock: TraceClock,
    processes: number,
  ) {
    this.#seen = Array.from({ length: processes }, () => new Map());
  }

  get length(): number {
    return this.steps.length;
  }

  /** Process i's current task. */
  taskOf(i: number): string {
    return this.clock.taskOf(i);
  }

  /** A move that process i makes now. */
  move(i: number, kind: Exclude<Step['kind'], 'note'>, label: string): void {
    this.steps.push({ process: i, kind, label, task: this.clock.taskOf(i), at: this.clock.elapsed() });
  }

  /** A line in the trace that is not a move. */
  note(i: number, label: string, mark?: StepMark): void {
    const step: Step = { process: i, kind: 'note', label, task: this.clock.taskOf(i), at: this.clock.elapsed() };
    this.steps.push(mark ? { ...step, mark } : step);
  }

  /** Records on process i's last move what its task changed, as Python reprs; the run's secrets and what no_log
   * tasks set (`noLogNames`) and credentials masked as the debugger masks them. */
  recordChanges(i: number, vars: Record<string, unknown>, noLogNames: readonly string[] = []): void {
    const seen = this.#seen[i]!;
    const secrets = new Secrets();
    secrets.learn(vars, noLogNames, {});
    const changed = changedVars(seen, vars, secrets);
    const last = this.#lastMove(i);
    const step = this.steps[last];
    if (step && changed.length && seen.has('\u0000started')) {
      // a name keeps its latest value
      const all = this.#changedAt.get(last) ?? new Map<string, string>();
      for (const c of changed) all.set(c.slice(0, c.indexOf('=')), c);
      this.#changedAt.set(last, all);
      step.changed = [...all.values()].join(', ');
    }
    seen.set('\u0000started', '');
  }

  #lastMove(i: number): number {
    for (let k = this.steps.length - 1; k >= 0; k--)
      if (this.steps[k]!.process === i && this.steps[k]!.kind !== 'note') return k;
    return -1;
  }
}

/** `name=repr` for every variable whose repr differs from the one seen last (and remembers it). */
function changedVars(seen: Map<string, string>, vars: Record<string, unknown>, secrets: Secrets): string[] {
  const changed: string[] = [];
  for (const [k, v] of Object.entries(vars)) {
    if (HIDDEN_VARS.has(k) || typeof v === 'function') continue;
    let text: string;
    try {
      text = pyRepr(v);
    } catch {
      continue; // an undefined or unrenderable value: not shown
    }
    if (seen.get(k) !== text) {
      seen.set(k, text);
      const masked = secretsShown() ? v : secrets.mask(v, k);
      const shown = masked === v ? text : scrub(pyRepr(masked));
      changed.push(`${k}=${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown}`);
    }
  }
  return changed;
}
