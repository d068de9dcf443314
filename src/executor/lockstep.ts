// The linear strategy's rhythm for several hosts: every host walks its own tasks, but a task starts only
// when all hosts still running have reached their next task; hosts at the same task then run it one after
// another, in inventory order, under one banner. Hosts elsewhere (another include, a rescue) wait their turn.
import type { Task } from '../playbook/model.js';

interface Waiter {
  host: string;
  key: string;
  /** How many includes deep the host is: an include's tasks run before the task after it (see #schedule). */
  depth: number;
  release: (first: boolean) => void;
}

export const taskKey = (t: Task): string => `${t.pos.file}:${t.pos.line}:${t.pos.column}`;

export class Lockstep {
  readonly #order: string[];
  readonly #active: Set<string>;
  readonly #waiting = new Map<string, Waiter>();
  #running = false;
  #queue: Waiter[] = [];
  #current: Waiter | undefined;

  constructor(hosts: readonly string[]) {
    this.#order = [...hosts];
    this.#active = new Set(hosts);
  }

  /** Waits until this host may run `task`; true when it is the first host of its group (print the banner). A lone
   * host goes on at once. */
  arrive(host: string, task: Task, depth = 0): boolean | Promise<boolean> {
    if (this.#order.length === 1) return true;
    return new Promise((release) => {
      this.#waiting.set(host, { host, key: taskKey(task), depth, release });
      this.#schedule();
    });
  }
  /** The host finished running the task it was released for. */
  done(host: string): void {
    if (this.#order.length === 1) return;
    if (this.#current?.host === host) this.#current = undefined;
    this.#next();
  }
  /** The host has no more tasks in this play (finished, failed or unreachable). */
  leave(host: string): void {
    if (this.#order.length === 1) return;
    this.#active.delete(host);
    this.#waiting.delete(host);
    this.#queue = this.#queue.filter((w) => w.host !== host);
    if (this.#current?.host === host) this.#current = undefined;
    if (!this.#queue.length && !this.#current) this.#running = false;
    this.#schedule();
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
    const key = this.#waiting.get(first)!.key;
    this.#queue = this.#order.filter((h) => this.#waiting.get(h)?.key === key).map((h) => this.#waiting.get(h)!);
    for (const w of this.#queue) this.#waiting.delete(w.host);
    this.#running = true;
    this.#next(true);
  }
  #next(first = false): void {
    if (this.#current) return;
    const w = this.#queue.shift();
    if (!w) {
      this.#running = false;
      this.#schedule();
      return;
    }
    this.#current = w;
    w.release(first);
  }
}
