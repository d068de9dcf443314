// The scheduler: every process stops at interleaving points (each AWS call attempt and each wait), and once every
// live process has reached one, a chooser decides which one moves; everything between two points runs atomically.
// It owns the virtual clock: when nobody can move, time jumps to the earliest wake-up.
import { TraceRecorder, type Step } from './trace.js';

/** The virtual clock's start: creation times in traces are shown relative to it. */
export const SIM_EPOCH = 1_700_000_000_000;

/** Picks which waiting process moves next; `previous` is the process that made the last move. */
export type Chooser = (runnable: readonly number[], decision: number, previous: number | undefined) => number;

type MoveKind = Exclude<Step['kind'], 'note'>;

interface ProcessState {
  /** Parked at a point: called with true to move, false when the schedule stops. */
  waiting?: (go: boolean) => void;
  wakeAt?: number;
  /** Sleeps this long before its next move (a pause that the process does not know about). */
  pauseMs?: number;
  done: boolean;
  /** Its next move. */
  label: string;
  kind: MoveKind;
  /** Its current task. */
  task: string;
  crashed?: boolean;
  /** Ends its run at once (it never settles after a crash). */
  crash?: () => void;
}

/** What the schedule decides around the scheduler. */
export interface ScheduleHooks {
  /** The schedule is over (a violation, a quit, too many steps): every waiting process gives up. */
  finished(): boolean;
  /** Decision `decision` picked process i among `runnable`: the run applies its fault, then calls resume(i). */
  decided(decision: number, runnable: readonly number[], i: number): void;
}

export class Scheduler {
  now = SIM_EPOCH;
  readonly procs: ProcessState[];
  readonly choices: number[] = [];
  readonly stop = new AbortController();
  readonly trace: TraceRecorder;
  #kicked = false;
  readonly #schedule = () => this.#decide();

  constructor(
    processes: number,
    private readonly choose: Chooser,
    private readonly hooks: ScheduleHooks,
  ) {
    this.procs = Array.from({ length: processes }, () => ({ done: false, label: 'start', kind: 'task', task: '' }));
    this.trace = new TraceRecorder(
      { elapsed: () => this.now - SIM_EPOCH, taskOf: (i) => this.procs[i]!.task },
      processes,
    );
  }

  /** The interleaving point: process i stops here until the scheduler picks it (false: the schedule stopped). */
  point(i: number, kind: MoveKind, label: string): Promise<boolean> {
    return new Promise<boolean>((resolve) => this.#park(i, kind, label, resolve));
  }

  /** Process i waits `ms` of virtual time, an interleaving point at its end. */
  sleep(i: number, ms: number, label: string): Promise<boolean> {
    this.procs[i]!.wakeAt = this.now + ms;
    return this.point(i, 'sleep', label);
  }

  #park(i: number, kind: MoveKind, label: string, resolve: (go: boolean) => void): void {
    const p = this.procs[i]!;
    if (p.pauseMs !== undefined && !this.stop.signal.aborted) {
      // the pause is a move of its own: the process sleeps, then reaches this point as if nothing happened
      const ms = p.pauseMs;
      p.pauseMs = undefined;
      p.wakeAt = this.now + ms;
      p.waiting = () => {
        void this.point(i, kind, label).then(resolve);
      };
      p.kind = 'sleep';
      p.label = `wakes from the pause`;
      this.trace.note(i, `pauses for ${ms} ms (fault)`, 'fault');
      this.kick();
      return;
    }
    p.waiting = resolve;
    p.kind = kind;
    p.label = label;
    this.kick();
  }

  /** Something changed: decide the next move once the current run of microtasks is over. */
  kick(): void {
    if (!this.#kicked) {
      this.#kicked = true;
      queueMicrotask(this.#schedule);
    }
  }

  // while a controller is asked every live process is parked at its point, so nothing can kick
  #decide(): void {
    this.#kicked = false;
    // stopping: every waiting process gives up at its point (its call fails, its sleep ends) and the run unwinds
    if (this.hooks.finished()) {
      this.stopAll();
      return;
    }
    // every live process must have reached a point before anyone moves: that is what makes a run deterministic
    if (this.procs.some((p) => !p.done && !p.waiting)) return;
    const runnable = this.#runnable();
    if (!runnable) return;
    const decision = this.choices.length;
    this.hooks.decided(decision, runnable, this.choose(runnable, decision, this.choices[decision - 1]));
  }

  /** Who can move now; when nobody can, the virtual clock first jumps to the earliest wake-up. */
  #runnable(): number[] | undefined {
    const runnable = this.runnableNow();
    if (runnable.length) return runnable;
    const sleepers = this.procs.filter((p) => p.wakeAt !== undefined && !p.done);
    if (!sleepers.length) return undefined;
    this.now = Math.max(this.now, Math.min(...sleepers.map((p) => p.wakeAt!)));
    for (const p of sleepers) if (p.wakeAt! <= this.now) p.wakeAt = undefined;
    return this.runnableNow();
  }

  runnableNow(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.procs.length; i++)
      if (!this.procs[i]!.done && this.procs[i]!.wakeAt === undefined) out.push(i);
    return out;
  }

  /** Process i makes its move. */
  resume(i: number): void {
    const p = this.procs[i]!;
    this.trace.move(i, p.kind, p.label);
    const go = p.waiting!;
    p.waiting = undefined;
    go(true);
  }

  /** Process i is gone: it never moves again and nothing of it runs. */
  crash(i: number): void {
    const p = this.procs[i]!;
    p.waiting = undefined;
    p.done = true;
    p.crashed = true;
    p.crash?.();
  }

  stopAll(): void {
    this.stop.abort();
    for (const p of this.procs) {
      const w = p.waiting;
      p.waiting = undefined;
      w?.(false);
    }
  }
}
