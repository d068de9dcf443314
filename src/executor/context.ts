// What every part of a run shares: the options, the callbacks and hooks, the variables, each host's state, the
// play's state (lockstep, handlers, --start-at-task) and the statistics. The parts (play run, block walk, task
// gate, task run, results, handlers, includes, actions) read and change it; only the facade creates it.
import type { Block, Play, Task, TaskOrBlock } from '../playbook/model.js';
import type { KeywordName } from '../playbook/keywords.js';
import type { TaskResult } from '../module.js';
import { Templar } from '../template/templar.js';
import { truthy } from '../python/python.js';
import type { Vars, TaskVars, VariableManager } from '../vars/variable-manager.js';
import { hostVarsView, lazyVarsView } from '../vars/hostvars.js';
import { matchHosts } from '../inventory/patterns.js';
import type { AwsCallEvent } from '../aws/client.js';
import { Lockstep } from './lockstep.js';
import { heldBack } from './output-order.js';
import type { Callback, CustomStats, ExecutorHooks, Frame, HostStats } from './events.js';
import { HostState } from './host-state.js';
import type { RunOptions } from './options.js';
import { keyword } from './task-keywords.js';
import { TemplarScope, taskPaths, type ScopeSource } from './templar-scope.js';
import { ExecutorPoint, type PointAt, type PointSource } from './task-point.js';

/** What parts below the walk call back into (includes run their tasks, meta flush_handlers runs handlers). */
export interface Walk {
  runList(list: readonly TaskOrBlock[], host: string, extra?: Vars): Promise<void>;
  flushHandlers(host: string): Promise<void>;
}

/** meta: end_play: the play is over for every host. */
export class EndPlay extends Error {}

const noStats = (): HostStats => ({
  ok: 0,
  changed: 0,
  unreachable: 0,
  failures: 0,
  skipped: 0,
  rescued: 0,
  ignored: 0,
});

export class RunContext implements ScopeSource, PointSource {
  readonly stats = new Map<string, HostStats>();
  /** set_stats' custom statistics (custom-stats.ts). */
  readonly customStats: CustomStats = {};
  readonly awsCalls: AwsCallEvent[] = [];
  vm!: VariableManager;
  walk!: Walk;
  readonly hosts = new Map<string, HostState>();
  /** Hosts that failed or were unreachable: later plays leave them out. */
  readonly gone = new Set<string>();
  /** Hosts that ended a play failed (not rescued): the run's exit code is then 2 (the iterator's failed hosts). */
  readonly failed = new Set<string>();
  /** run_once results by task, registered for the hosts that did not run it. */
  readonly onceResults = new Map<string, TaskResult>();
  /** any_errors_fatal fired: the current task (fatalAt) finishes for every host, then the playbook stops. */
  fatal = false;
  fatalAt = '';
  /** The play's max_fail_percentage (null: none); maxFailed: the batch went over it (fatal is then set too). */
  maxFailPercentage: number | null = null;
  maxFailed = false;
  /** The hosts of the batch being run (max_fail_percentage measures against them). */
  batch: readonly string[] = [];
  // the play's state
  play!: Play;
  /** The play's hosts pattern, templated (meta: refresh_inventory matches it again). */
  hostPattern: unknown;
  lockstep = new Lockstep(['localhost']);
  /** --start-at-task found (or not asked for). */
  started = false;
  rolesRun = new Set<string>();
  handlers: Task[] = [];
  handlerRoles = new Set<string>();
  readonly warn = (message: string): void => this.emit('warning', message);
  readonly taskWarn = (message: string): void => this.emit('warning', message, true);

  constructor(
    readonly opts: RunOptions,
    readonly callbacks: Callback[],
    readonly hooks: ExecutorHooks,
  ) {}

  emit<K extends keyof Callback>(name: K, ...args: Parameters<NonNullable<Callback[K]>>): void {
    // a host running a task beside others shows its events after theirs (output-order.ts)
    if (heldBack(() => this.#emitNow(name, args))) return;
    this.#emitNow(name, args);
  }
  #emitNow<K extends keyof Callback>(name: K, args: Parameters<NonNullable<Callback[K]>>): void {
    for (const c of this.callbacks) (c[name] as ((...a: unknown[]) => void) | undefined)?.apply(c, args);
  }
  stat(host: string, key: keyof HostStats): void {
    let s = this.stats.get(host);
    if (!s) this.stats.set(host, (s = noStats()));
    s[key]++;
  }
  /** Every host of the play starts it with a clean state and statistics. */
  startPlay(hosts: readonly string[]): void {
    this.batch = [...hosts];
    for (const h of hosts) {
      let state = this.hosts.get(h);
      if (!state) this.hosts.set(h, (state = new HostState()));
      state.startPlay();
      if (!this.stats.has(h)) this.stats.set(h, noStats());
    }
  }
  hostState(host: string): HostState {
    return this.hosts.get(host)!;
  }

  /** A task keyword as this play's task sees it (task-keywords.ts says how each is found). */
  keyword(task: Task, key: KeywordName): unknown {
    return keyword(task, key, this.play);
  }
  /** True when the task's output is censored (no_log on the task, a block, a role or the play). */
  noLog(task: Task): boolean {
    return truthy(this.keyword(task, 'no_log') ?? false);
  }

  templar(host: string, task?: Task | Block, extra: Vars = {}): Templar {
    const scope = this.#scope(host, task, extra);
    return (scope.templar = new Templar(scope));
  }
  #scope(host: string, task: Task | Block | undefined, extra: Vars): TemplarScope {
    // variables are resolved name by name as templates ask for them; `vars` and `hostvars` are views built on use
    const resolver = this.vm.resolver(this.play, host, task, extra);
    return new TemplarScope(this, host, resolver, taskPaths(task, this.play));
  }
  /** The inventory's hosts a pattern selects, --limit aside (the inventory_hostnames lookup). */
  hostsMatching(pattern: unknown): string[] {
    return matchHosts(this.vm.inventory, pattern, { ignoreLimits: true, warn: this.warn });
  }
  /** hostvars: every inventory host's variables (no play's among them), templated when read. */
  hostvars(host: string): Record<string, unknown> {
    const names = () => [...new Set([...this.vm.inventory.hosts.keys(), host])];
    return lazyVarsView(names, (h) => {
      const vars = this.vm.hostVars(this.play, h);
      const scope = new TemplarScope(this, h, vars, taskPaths(undefined, this.play));
      const templar = (scope.templar = new Templar(scope));
      return hostVarsView(vars, (k) => templar.lookup(k));
    });
  }

  // task points (PointSource): the executor's side of what hooks ask
  point(at: PointAt): ExecutorPoint {
    return new ExecutorPoint(this, at, this.awsCalls.length);
  }
  get env() {
    return this.opts.env;
  }
  pointVars(host: string, task: Task, extra: Vars): Vars {
    return this.vm.getVars(this.play, host, task, extra).vars;
  }
  resolver(host: string, task: Task, extra: Vars): TaskVars {
    return this.vm.resolver(this.play, host, task, extra);
  }
  version(): number {
    return this.vm.version;
  }
  pointTemplar(at: PointAt, more: Vars, final: boolean): Templar {
    const scope = this.#scope(at.host, at.task, { ...at.extra, ...more });
    if (final) scope.finalNames = Object.keys(more);
    return (scope.templar = new Templar(scope));
  }
  /** (a task point may ask for any name: one the table does not know is read as the task's own) */
  pointKeyword(task: Task, key: string): unknown {
    return keyword(task, key as KeywordName, this.play);
  }
  stack(host: string): Frame[] {
    return [...(this.hosts.get(host)?.frames ?? [])];
  }
  noLogNames(host: string): string[] {
    return [...(this.hosts.get(host)?.noLogNames ?? [])];
  }
  awsCallsSince(from: number): readonly unknown[] {
    return this.awsCalls.slice(from);
  }
}
