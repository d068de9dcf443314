// What the executor tells output callbacks, and the pause points controllers (debugger, --step, explorer)
// plug into.
import type { Play, Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';

export type ResultStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored' | 'rescued';

export interface HostStats { ok: number; changed: number; unreachable: number; failures: number; skipped: number; rescued: number; ignored: number }

export interface Callback {
  playbookStart?(file: string): void;
  playStart?(play: Play, name: string): void;
  taskStart?(task: Task, name: string, handler?: boolean): void;
  itemResult?(host: string, task: Task, result: TaskResult, status: ResultStatus, label: string): void;
  taskResult?(host: string, task: Task, result: TaskResult, status: ResultStatus): void;
  retry?(host: string, task: Task, name: string, retriesLeft: number, result: TaskResult): void;
  included?(file: string, hosts: string[], item?: string): void;
  warning?(message: string): void;
  deprecation?(message: string): void;
  noHostsLeft?(): void;
  noHostsMatched?(): void;
  playbookEnd?(stats: Map<string, HostStats>): void;
}

export interface TaskPoint { readonly host: string; readonly task: Task; readonly name: string; readonly vars: () => Record<string, unknown> }
export interface ExecutorHooks {
  /** Return 'skip' to skip the task (--step's No). */
  beforeTask?(point: TaskPoint): Promise<'run' | 'skip' | void> | 'run' | 'skip' | void;
  afterTask?(point: TaskPoint, result: TaskResult): Promise<'redo' | void> | 'redo' | void;
}
