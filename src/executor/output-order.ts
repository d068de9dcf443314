// What hosts show while they run a task together (forks): each host's events are held until the hosts before it
// in the batch have shown theirs, so the output keeps host order however their runs interleave. The run a
// callback event belongs to is found through the async context it was raised in.
import { AsyncLocalStorage } from 'node:async_hooks';

/** One host's share of a task run by several hosts at once. */
export class Turn {
  /** Its events, waiting for the hosts before it. */
  readonly held: Array<() => void> = [];
  /** Its events go straight out: the hosts before it have shown everything. */
  open = false;
  finished = false;
}

/** The turns of one task's hosts, in host order. */
export class TurnOrder {
  readonly #turns: Turn[] = [];
  #head = 0;

  /** The next host's turn: open at once when every host before it is done. */
  next(): Turn {
    const turn = new Turn();
    this.#turns.push(turn);
    this.#advance();
    return turn;
  }
  /** The host is done with the task: the hosts after it show what they held. */
  finish(turn: Turn): void {
    turn.finished = true;
    this.#advance();
  }
  #advance(): void {
    for (let turn = this.#turns[this.#head]; turn; turn = this.#turns[this.#head]) {
      turn.open = true;
      for (const emit of turn.held.splice(0)) emit();
      if (!turn.finished) return;
      this.#head++;
    }
  }
}

const current = new AsyncLocalStorage<Turn>();

/** Runs a host's task in its turn (or in none: one host at a time shows its events as they come). */
export function inTurn<T>(turn: Turn | undefined, run: () => T): T {
  return turn ? current.run(turn, run) : current.exit(run);
}

/** Holds an event back when it belongs to a turn whose hosts before it are still running; false: show it now. */
export function heldBack(emit: () => void): boolean {
  const turn = current.getStore();
  if (!turn || turn.open) return false;
  turn.held.push(emit);
  return true;
}
