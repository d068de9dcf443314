// The default invariant: at most one process between its win variable (`won_lock`) turning true and its attempt
// log group (`lock_attempt_log_group_name`) being deleted. The observer follows each process's variables after
// every task and the endpoint's deletes; `--liveness` also asks it who never held the lock.
import type { TaskPoint } from '../executor/events.js';
import { truthy } from '../python/python.js';
import type { Verdict } from './invariants.js';
import type { TraceRecorder } from './trace.js';

/** The playbook's variable names the observer reads. */
export interface LockVariables {
  /** True once the process believes it holds the lock. */
  readonly won: string;
  /** The name of the log group that is its attempt; deleting it releases the lock. */
  readonly attempt: string;
}
const LOCK_VARIABLES: LockVariables = { won: 'won_lock', attempt: 'lock_attempt_log_group_name' };

interface LockWorld {
  readonly trace: TraceRecorder;
  readonly verdict: Verdict;
  /** Two holders at once are the violation (unless an invariant over the endpoint judges what they break). */
  readonly overlapViolates: boolean;
  /** Whether a log group exists now. */
  exists(name: string): boolean;
  /** Process i just won the lock (faults may pause it). */
  won(i: number): void;
}

export class LockObserver {
  readonly #holds: boolean[];
  readonly #everHeld: boolean[];
  readonly #attemptOf: string[] = [];
  constructor(
    private readonly world: LockWorld,
    processes: number,
    private readonly names: LockVariables = LOCK_VARIABLES,
  ) {
    this.#holds = Array<boolean>(processes).fill(false);
    this.#everHeld = Array<boolean>(processes).fill(false);
  }

  holds(i: number): boolean {
    return this.#holds[i]!;
  }

  /** Process i finished a task: has it just won? */
  afterTask(i: number, point: TaskPoint): void {
    const attempt = point.variable(this.names.attempt);
    if (typeof attempt === 'string') this.#attemptOf[i] = attempt;
    if (!truthy(point.variable(this.names.won) ?? false) || this.#holds[i]) return;
    if (!this.world.exists(this.#attemptOf[i]!)) return;
    this.#holds[i] = true;
    this.#everHeld[i] = true;
    this.world.won(i);
    const { trace, verdict } = this.world;
    trace.note(i, `${this.names.won} is true: holds ${this.#attemptOf[i]}`, 'won');
    const holders = this.#holds.flatMap((h, j) => (h ? [`p${j + 1}`] : []));
    if (holders.length > 1 && this.world.overlapViolates)
      verdict.violate(`processes ${holders.join(' and ')} hold the lock at the same time`, trace.length);
  }

  /** The endpoint deleted a log group on process i's call. */
  deleted(i: number, name: string): void {
    if (this.#attemptOf[i] !== name || !this.#holds[i]) return;
    this.#holds[i] = false;
    this.world.trace.note(i, `released ${name}`, 'released');
  }

  /** Process i is gone (crashed or finished): it holds nothing. */
  gone(i: number): void {
    this.#holds[i] = false;
  }

  /** The processes that never held the lock, leaving out those a fault crashed. */
  starved(crashed: (i: number) => boolean): string[] {
    return this.#everHeld.flatMap((held, i) => (held || crashed(i) ? [] : [`p${i + 1}`]));
  }
}
