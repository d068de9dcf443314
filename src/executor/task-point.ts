// A task as hooks (the debugger, --step, the explorer) see it: made for every task, so cheap until asked.
import type { Task } from '../playbook/model.js';
import type { Templar } from '../template/templar.js';
import type { TaskVars, Vars } from '../vars/variable-manager.js';
import type { Frame, TaskPoint } from './events.js';

/** What the task points of one executor ask it. */
export interface PointSource {
  readonly env: TaskPoint['env'];
  pointVars(host: string, task: Task, extra: Vars): Vars;
  resolver(host: string, task: Task, extra: Vars): TaskVars;
  version(): number;
  pointTemplar(at: PointAt, more: Vars, final: boolean): Templar;
  pointKeyword(task: Task, key: string): unknown;
  stack(host: string): Frame[];
  noLogNames(host: string): string[];
  awsCallsSince(from: number): readonly unknown[];
}

/** Where a point is: the task (as hooks changed it) on a host, with the variables it runs with. */
export interface PointAt {
  readonly host: string;
  readonly task: Task;
  readonly name: string;
  readonly extra: Vars;
}

export class ExecutorPoint implements TaskPoint, PointAt {
  readonly host: string;
  readonly task: Task;
  readonly name: string;
  readonly extra: Vars;
  #resolver: { version: number; vars: TaskVars } | undefined;
  constructor(
    readonly source: PointSource,
    at: PointAt,
    readonly callsBefore: number,
  ) {
    this.host = at.host;
    this.task = at.task;
    this.name = at.name;
    this.extra = at.extra;
  }
  get env() {
    return this.source.env;
  }
  vars() {
    return this.source.pointVars(this.host, this.task, this.extra);
  }
  variable(n: string) {
    // one resolver while the variables stay as they are (a hook often asks for several names)
    const version = this.source.version();
    if (this.#resolver?.version !== version)
      this.#resolver = { version, vars: this.source.resolver(this.host, this.task, this.extra) };
    return this.#resolver.vars.lookup(n);
  }
  // the debugger's names (task, task_vars, result) are values, never templates
  evaluate(expression: string, more: Vars = {}) {
    return this.source.pointTemplar(this, more, true).evaluate(expression);
  }
  template(value: unknown, more: Vars = {}) {
    return this.source.pointTemplar(this, more, false).template(value);
  }
  keyword(key: string) {
    return this.source.pointKeyword(this.task, key);
  }
  // copied when asked (most tasks run without anyone asking)
  get stack() {
    return this.source.stack(this.host);
  }
  get noLogNames() {
    return this.source.noLogNames(this.host);
  }
  awsCalls() {
    return this.source.awsCallsSince(this.callsBefore);
  }
}
