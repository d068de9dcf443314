// What a task's Templar reads: its variables (with the `vars` and `hostvars` views, built when first asked) and
// what lookups need. One object per templar: made for every task, so no closures to build.
import * as path from 'node:path';
import type { Block, Play, Task } from '../playbook/model.js';
import type { Templar, TemplarOptions } from '../template/templar.js';
import type { TaskVars } from '../vars/variable-manager.js';
import { lazyVarsView } from '../vars/hostvars.js';
import type { RunOptions } from './options.js';
import { isRescueValue } from './block-walk.js';

/** What templar scopes ask their executor (one per executor). */
export interface ScopeSource {
  readonly opts: RunOptions;
  hostvars(host: string): Record<string, unknown>;
  readonly taskWarn: (message: string) => void;
  hostsMatching(pattern: unknown): string[];
}

const NO_NAMES: readonly string[] = [];

export class TemplarScope implements TemplarOptions {
  templar!: Templar;
  /** Names whose values are never templated (the debugger's task, task_vars, result). */
  finalNames = NO_NAMES;
  #varsView: Record<string, unknown> | undefined;
  #hostvars: Record<string, unknown> | undefined;
  constructor(
    readonly source: ScopeSource,
    readonly host: string,
    readonly taskVars: TaskVars,
    readonly basedirs: readonly string[],
  ) {}
  get random() {
    return this.source.opts.random;
  }
  get jinja() {
    return this.source.opts.jinja;
  }
  #view(n: 'vars' | 'hostvars'): Record<string, unknown> {
    const templar = this.templar,
      taskVars = this.taskVars;
    this.#varsView ??= lazyVarsView(
      () => Object.keys(taskVars.all()),
      (k) => templar.lookup(k),
    );
    return n === 'vars' ? this.#varsView : (this.#hostvars ??= this.source.hostvars(this.host));
  }
  lookupVar(n: string): unknown {
    return n === 'vars' || n === 'hostvars' ? this.#view(n) : this.taskVars.lookup(n);
  }
  isFinal(n: string): boolean {
    if (n === 'vars' || n === 'hostvars' || this.finalNames.includes(n) || this.taskVars.isFinal(n)) return true;
    return n.startsWith('ansible_failed_') && isRescueValue(n, this.taskVars.lookup(n));
  }
  get lookup(): NonNullable<TemplarOptions['lookup']> {
    return {
      basedirs: this.basedirs,
      vars: () => ({ ...this.taskVars.all(), vars: this.#view('vars'), hostvars: this.#view('hostvars') }),
      warn: this.source.taskWarn,
      hosts: (pattern) => this.source.hostsMatching(pattern),
    };
  }
}

/** Where lookups (file, template, ...) look first: the task's role, its file's directory, the play's directory. */
const basedirsOf = new WeakMap<object, { play: Play | undefined; dirs: string[] }>();
export function lookupBasedirs(task: Task | Block | undefined, play: Play | undefined): string[] {
  const hit = task && basedirsOf.get(task);
  if (hit && hit.play === play) return hit.dirs;
  const dirs = [
    task?.role?.path,
    task && 'pos' in task ? path.dirname(task.pos.file) : undefined,
    play?.basedir,
  ].filter((x): x is string => Boolean(x));
  if (task) basedirsOf.set(task, { play, dirs });
  return dirs;
}
