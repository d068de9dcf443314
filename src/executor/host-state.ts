// Everything a host's run knows, in one object per host: what PlayIterator's HostState and the strategy keep
// about it (failed, unreachable, ended, the failed task and result, notified handlers), its include frames and the
// names its no_log tasks set.
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Frame } from './events.js';

/** What a redo (the debugger's) rolls back. */
interface HostStateSnapshot {
  readonly failed: boolean;
  readonly unreachable: boolean;
  readonly ended: boolean;
  readonly failedTask: Task | undefined;
  readonly failedResult: TaskResult | undefined;
}

export class HostState {
  failed = false;
  unreachable = false;
  /** end_host, end_batch, end_play or any_errors_fatal: no more tasks in this play. */
  ended = false;
  failedTask: Task | undefined;
  failedResult: TaskResult | undefined;
  /** Handlers notified and not yet run. */
  readonly notified = new Set<Task>();
  /** Handlers are running: what runs now (an included handler file's tasks) runs as a handler. */
  flushing = false;
  /** Include frames from the play down to the running task, for the debugger's `where`. */
  readonly frames: Frame[] = [];
  /** Roles (their keys) one of whose tasks ran on the host in this play, not skipped (Role._had_task_run). */
  readonly rolesRan = new Set<string>();
  /** Variables that no_log tasks set or registered (for the whole run: later plays see them too). */
  readonly noLogNames = new Set<string>();

  /** A play starts: nothing failed or ended yet, nothing notified. */
  startPlay(): void {
    this.restore({ failed: false, unreachable: false, ended: false, failedTask: undefined, failedResult: undefined });
    this.notified.clear();
    this.rolesRan.clear();
  }
  /** The host runs no more tasks in this play. */
  get done(): boolean {
    return this.failed || this.ended || this.unreachable;
  }
  snapshot(): HostStateSnapshot {
    const { failed, unreachable, ended, failedTask, failedResult } = this;
    return { failed, unreachable, ended, failedTask, failedResult };
  }
  restore(s: HostStateSnapshot): void {
    this.failed = s.failed;
    this.unreachable = s.unreachable;
    this.ended = s.ended;
    this.failedTask = s.failedTask;
    this.failedResult = s.failedResult;
  }
}
