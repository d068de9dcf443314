// The linear strategy's rhythm for several hosts: every host walks its own tasks, but a task starts only
// when all hosts still running have reached their next task; hosts at the same task then run it under one
// banner, up to `forks` of them at once (one at a time when the task asks it), taken in inventory order, their
// output shown in that order (output-order.ts). Hosts elsewhere (another include, a rescue) wait their turn.
import type { Task } from '../playbook/model.js';
import { TurnOrder, type Turn } from './output-order.js';

interface Waiter {
  host: string;
  key: string;
  task: Task;
  /** How many includes deep the host is: an include's tasks run before the task after it (see #schedule). */
  depth: number;
  release: (first: boolean) => void;
}

export const taskKey = (t: Task): string => `${t.pos.file}:${t.pos.line}:${t.pos.column}`;

/** How many hosts may run a task at once (the first host's view of it). */
type Width = (task: Task, host: string) => number;

export class Lockstep {
  readonly #order: string[];
  readonly #active: Set<string>;
  readonly #waiting = new Map<string, Waiter>();
  /** A group of hosts is running its task. */
  #running = false;
  #queue: Waiter[] = [];
  /** The group's hosts released and not done yet, with their turns when several run at once. */
  readonly #current = new Map<string, Turn | undefined>();
  #width = 1;
  #turns: TurnOrder | undefined;
  #firstGiven = false;

  constructor(
    hosts: readonly string[],
    readonly widthOf: Width = () => 1,
  ) {
    this.#order = [...hosts];
    this.#active = new Set(hosts);
  }

  /** Waits until this host may run `task`; true when it is the first host of its group (print the banner). A lone
   * host goes on at once. */
  arrive(host: string, task: Task, depth = 0): boolean | Promise<boolean> {
    if (this.#order.length === 1) return true;
    return new Promise((release) => {
      this.#waiting.set(host, { host, key: taskKey(task), task, depth, release });
      this.#schedule();
    });
  }
  /** The turn the host runs its task in: its output waits for the hosts before it (none: one host at a time). */
  turnOf(host: string): Turn | undefined {
    return this.#current.get(host);
  }
  /** The host finished running the task it was released for. */
  done(host: string): void {
    if (this.#order.length === 1) return;
    this.#finish(host);
    this.#next();
  }
  /** The host has no more tasks in this play (finished, failed or unreachable). */
  leave(host: string): void {
    if (this.#order.length === 1) return;
    this.#active.delete(host);
    this.#waiting.delete(host);
    this.#queue = this.#queue.filter((w) => w.host !== host);
    this.#finish(host);
    if (!this.#queue.length && !this.#current.size) this.#running = false;
    this.#schedule();
  }

  #finish(host: string): void {
    if (!this.#current.has(host)) return;
    const turn = this.#current.get(host);
    this.#current.delete(host);
    if (turn) this.#turns?.finish(turn);
  }

  #schedule(): void {
    if (this.#running) return;
    if (![...this.#active].every((h) => this.#waiting.has(h))) return;
    // the linear strategy puts an include's tasks before the next task of the play, for all hosts: the hosts
    // deepest in includes go first, the others wait (Ansible gives them noop tasks)
    let first: string | undefined;
    for (const h of this.#order) {
      const w = this.#waiting.get(h);
      if (w && (first === undefined || w.depth > this.#waiting.get(first)!.depth)) first = h;
    }
    if (!first) return;
    const lead = this.#waiting.get(first)!;
    this.#queue = this.#order.filter((h) => this.#waiting.get(h)?.key === lead.key).map((h) => this.#waiting.get(h)!);
    for (const w of this.#queue) this.#waiting.delete(w.host);
    this.#running = true;
    this.#width = this.#queue.length > 1 ? Math.max(1, this.widthOf(lead.task, lead.host)) : 1;
    this.#turns = this.#width > 1 ? new TurnOrder() : undefined;
    this.#firstGiven = false;
    this.#next();
  }
  #next(): void {
    while (this.#current.size < this.#width && this.#queue.length) {
      const w = this.#queue.shift()!;
      this.#current.set(w.host, this.#turns?.next());
      const first = !this.#firstGiven;
      this.#firstGiven = true;
      w.release(first);
    }
    if (this.#current.size || this.#queue.length) return;
    this.#running = false;
    this.#schedule();
  }
}
