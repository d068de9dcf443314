// What the executor tells output callbacks, and the pause points controllers (debugger, --step, explorer)
// plug into.
import type { Play, Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { TsibleError } from '../errors.js';

export type ResultStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored' | 'rescued';

/** set_stats' statistics: by host name, or `_run` for the whole run. */
export type CustomStats = Record<string, Record<string, unknown>>;

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failures: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** One loop item's result as the callbacks are told it: its status and the label shown for the item. */
export interface ItemOutcome {
  readonly result: TaskResult;
  readonly status: ResultStatus;
  readonly label: string;
}
/** An until loop about to try again: the task's shown name, the retries left, the attempt's result. */
export interface RetryNotice {
  readonly name: string;
  readonly retriesLeft: number;
  readonly result: TaskResult;
}

export interface Callback {
  playbookStart?(file: string): void;
  playStart?(play: Play, name: string): void;
  taskStart?(task: Task, name: string, handler?: boolean): void;
  itemResult?(host: string, task: Task, item: ItemOutcome): void;
  taskResult?(host: string, task: Task, result: TaskResult, status: ResultStatus): void;
  retry?(host: string, task: Task, retry: RetryNotice): void;
  included?(file: string, hosts: string[], item?: string): void;
  /** A changed task notified this handler on this host. */
  notified?(handler: string, host: string): void;
  /** A warning; duringTask: raised while a task ran (Ansible's worker process, which shows a warning once per task
   * and host, not once per run); formatted: shown as written, on a line of its own (Display.warning's formatted). */
  warning?(message: string, duringTask?: boolean, formatted?: boolean): void;
  /** A line a module shows as it runs (Display.display: pause's notices), whatever the callback. */
  display?(text: string): void;
  /** An error that does not end the run (Display.error): an included role that could not be loaded. */
  error?(error: TsibleError): void;
  /** A line shown from the given verbosity on (display.vv and friends). */
  verbose?(level: number, message: string): void;
  playCount?(file: string, count: number): void;
  deprecation?(message: string): void;
  noHostsLeft?(): void;
  noHostsMatched?(): void;
  /** The end of the playbook: the hosts' statistics, and the custom ones (set_stats) when SHOW_CUSTOM_STATS is on:
   * per host, and the run's under `_run`. */
  playbookEnd?(stats: Map<string, HostStats>, custom?: CustomStats): void;
}

/** Where an include was entered: the debugger's `where`. */
export interface Frame {
  readonly file: string;
  readonly line: number;
  readonly name: string;
}

/** A task about to run (or just run) on one host: what a controller may look at. */
export interface TaskPoint {
  readonly host: string;
  readonly task: Task;
  readonly name: string;
  /** The raw variables the task sees (not templated). */
  vars(): Record<string, unknown>;
  /** One of them (undefined when not set), without building the whole dictionary. */
  variable(name: string): unknown;
  /** Evaluates Jinja2 against the task's variables, with extra names on top. */
  evaluate(expression: string, extra?: Record<string, unknown>): unknown;
  /** Templates a value (the task's arguments) with extra variables on top. */
  template(value: unknown, extra?: Record<string, unknown>): unknown;
  /** A keyword as the task inherits it (task, blocks, play). */
  keyword(key: string): unknown;
  /** Include frames from the play down to this task. */
  readonly stack: readonly Frame[];
  /** Names of variables that no_log tasks set or registered on this host. */
  readonly noLogNames: readonly string[];
  /** AWS calls this task made so far. */
  awsCalls(): readonly unknown[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What a controller asks after a task: run it again, with changed arguments or variables. */
export interface Redo {
  readonly redo: true;
  readonly args?: Record<string, unknown>;
  readonly vars?: Record<string, unknown>;
}

export interface ExecutorHooks {
  /** Return 'skip' to skip the task (--step's No), or changed arguments/variables to run it with. */
  beforeTask?(point: TaskPoint): Promise<'run' | 'skip' | Redo | void> | 'run' | 'skip' | Redo | void;
  /** Called once the result was reported; a Redo rolls the result back and runs the task again. */
  afterTask?(point: TaskPoint, result: TaskResult): Promise<Redo | void> | Redo | void;
  /** True when the controller may stop at a task (given how its keywords read): its hosts then run it one after
   * another, not `forks` at once. Without it, a controller with hooks holds every task. */
  holdsHosts?(keyword: (name: string) => unknown): boolean;
}

/** A result's delegate host, for the callback's "host -> delegate" label: a non-enumerable property, so no output
 * (json callback, registered variables) copies it. */
export const DELEGATED_HOST = '_tsible_delegated_host';
