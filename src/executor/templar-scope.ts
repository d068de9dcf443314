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
    readonly paths: TaskPaths,
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
    if (n === 'vars' || n === 'hostvars') return this.#view(n);
    // (TaskExecutor sets it among the task's variables, above all others)
    if (n === 'ansible_search_path' && this.paths.searchPath) return [...this.paths.searchPath];
    return this.taskVars.lookup(n);
  }
  isFinal(n: string): boolean {
    if (n === 'vars' || n === 'hostvars' || this.finalNames.includes(n) || this.taskVars.isFinal(n)) return true;
    if (n === 'ansible_search_path' && this.paths.searchPath) return true;
    return n.startsWith('ansible_failed_') && isRescueValue(n, this.taskVars.lookup(n));
  }
  isUnsafe(n: string): boolean {
    return !this.finalNames.includes(n) && this.taskVars.isUnsafe(n);
  }
  get lookup(): NonNullable<TemplarOptions['lookup']> {
    return {
      basedirs: this.paths.basedirs,
      vars: () => ({ ...this.taskVars.all(), vars: this.#view('vars'), hostvars: this.#view('hostvars') }),
      warn: this.source.taskWarn,
      hosts: (pattern) => this.source.hostsMatching(pattern),
    };
  }
}

/** Where a task's files are found: lookups' base directories (its role, its file's directory, the play's) and,
 * for a task, its ansible_search_path. */
interface TaskPaths {
  readonly basedirs: readonly string[];
  readonly searchPath?: readonly string[];
}

const pathsOf = new WeakMap<object, { play: Play | undefined; paths: TaskPaths }>();
export function taskPaths(task: Task | Block | undefined, play: Play | undefined): TaskPaths {
  const hit = task && pathsOf.get(task);
  if (hit && hit.play === play) return hit.paths;
  const basedirs = [
    task?.role?.path,
    task && 'pos' in task ? path.dirname(task.pos.file) : undefined,
    play?.basedir,
  ].filter((x): x is string => Boolean(x));
  const paths = { basedirs, searchPath: task?.kind === 'task' ? searchPath(task, play) : undefined };
  if (task) pathsOf.set(task, { play, paths });
  return paths;
}

/** Task.get_search_path with the playbook's directory added, as TaskExecutor sets ansible_search_path: the roles
 * of the task's chain, innermost first (a dependency, then the roles that depend on it or brought it), the task
 * file's directory, then the playbook's. */
function searchPath(task: Task, play: Play | undefined): string[] {
  const dirs: string[] = [];
  for (let b = task.parent; b; b = b.parent) {
    if (!b.roleRoot || !b.role) continue;
    dirs.push(b.role.path);
    if (b.roleRoot.parentRole) dirs.push(b.roleRoot.parentRole.path);
  }
  const chain = [...new Set(dirs)];
  for (const dir of [path.dirname(task.pos.file), play?.basedir])
    if (dir !== undefined && !chain.includes(dir)) chain.push(dir);
  return chain;
}
