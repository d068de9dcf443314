// Walks plays, blocks and tasks for each host (block/rescue/always, includes, handlers) and feeds results to
// the callbacks. Controllers (--step, the debugger) plug into the hooks; they never fork this walk.
import * as path from 'node:path';
import { readdirSync, statSync } from 'node:fs';
import { InterruptedError, ParseError, UndefinedError } from '../errors.js';
import type { Block, Play, Playbook, Task, TaskOrBlock } from '../playbook/model.js';
import { RESERVED_NAMES } from '../playbook/keywords.js';
import { GLOBALS } from '../template/lookups.js';
import { forgetRunCaches, loadTaskList, readYamlFile, resolveTaskFile } from '../playbook/loader.js';
import type { Clock, TaskResult } from '../module.js';
import { Templar, type JinjaMode, type TemplarOptions } from '../template/templar.js';
import { isDict, pyBoolean, pyStr, truthy, typeName } from '../python/python.js';
import { VariableManager, type TaskVars, type Vars } from '../vars/variable-manager.js';
import { lazyVarsView } from '../vars/hostvars.js';
import {
  addGroupToInventory,
  addHostToInventory,
  loadInventory,
  matchHosts,
  isImplicitLocalhostName,
  isLocal,
  type Inventory,
} from '../inventory/inventory.js';
import { Lockstep, taskKey } from './lockstep.js';
import { factsAsVars, gatherFacts } from '../facts.js';
import { resolveModule } from '../../modules/index.js';
import type { AwsSettings, AwsCallEvent } from '../aws/client.js';
import {
  DELEGATED_HOST,
  type Callback,
  type ExecutorHooks,
  type Frame,
  type HostStats,
  type ResultStatus,
  type TaskPoint,
} from './events.js';
import {
  OMIT,
  mergedKeyword,
  applyConditions,
  conditionalError,
  falseCondition,
  inherited,
  isFailed,
  itemLabel,
  loopItems,
  prepareModule,
  removeOmitted,
  skippedByWhen,
  templateFailure,
  whenChain,
} from './task-executor.js';

export interface RunOptions {
  readonly extraVars: Vars;
  readonly checkMode: boolean;
  readonly diff: boolean;
  readonly verbosity: number;
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly startAtTask?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly random: { next(): number };
  readonly signal: AbortSignal;
  readonly aws: AwsSettings;
  readonly jinja?: JinjaMode;
  readonly inventory?: Inventory;
  /** Asks the user at the terminal (pause's prompt); absent when there is no terminal. */
  readonly prompt?: (text: string) => Promise<string | null>;
  /** Included files as they were first read, kept here by include task and file: what a simulation wants (its
   * runs must not change when a file is edited under them, and reading again is what costs). Without it an
   * include reads its file every time, as Ansible does. */
  readonly frozenIncludes?: WeakMap<Task, Map<string, { file: string; tasks: TaskOrBlock[] }>>;
}

interface HostRun {
  failed: boolean;
  unreachable: boolean;
  ended: boolean;
  failedTask?: Task;
  failedResult?: TaskResult;
  notified: Set<string>;
}

class EndPlay extends Error {}

/** A task's tags with its blocks' and its play's (they never change once loaded: worked out once per task). */
const tagsOf = new WeakMap<Task, { play: Play; tags: ReadonlySet<string> }>();
function taskTags(task: Task, play: Play): ReadonlySet<string> {
  const hit = tagsOf.get(task);
  if (hit?.play === play) return hit.tags;
  const tags = new Set<string>();
  const add = (t: unknown) => {
    for (const x of Array.isArray(t) ? t : t === undefined || t === null ? [] : [t]) tags.add(pyStr(x));
  };
  for (let n: Task | Block | undefined = task; n; n = n.parent) add(n.keywords.tags);
  add(play.keywords.tags);
  tagsOf.set(task, { play, tags });
  return tags;
}

/** Meta actions the linear strategy runs (and shows) per host; the others run once for all hosts. */
const PER_HOST_META = new Set(['noop', 'reset_connection', 'end_host', 'role_complete', 'flush_handlers']);
/** Actions whose tasks report themselves (an include shows no banner of its own). */
const INCLUDES = new Set(['include_tasks', 'include_role', 'include']);

/** The actions the executor carries out itself (#runAction); every other action is a module. */
const OWN_ACTIONS = new Set([
  'debug',
  'assert',
  'meta',
  'include_vars',
  'set_stats',
  'import_tasks',
  'import_role',
  'gather_facts',
  'setup',
  'add_host',
  'group_by',
]);

/** What the task points of one executor ask it. */
interface PointSource {
  readonly env: TaskPoint['env'];
  vars(host: string, task: Task, extra: Vars): Vars;
  resolver(host: string, task: Task, extra: Vars): TaskVars;
  version(): number;
  templar(host: string, task: Task, extra: Vars, finalNames?: readonly string[]): Templar;
  keyword(task: Task, key: string): unknown;
  stack(host: string): Frame[];
  noLogNames(host: string): string[];
  awsCalls(from: number): readonly unknown[];
}
/** A task as hooks (the debugger, --step, the explorer) see it: made for every task, so cheap until asked. */
class ExecutorPoint implements TaskPoint {
  constructor(
    readonly source: PointSource,
    readonly host: string,
    readonly task: Task,
    readonly name: string,
    readonly extra: Vars,
    readonly callsBefore: number,
  ) {}
  get env() {
    return this.source.env;
  }
  vars() {
    return this.source.vars(this.host, this.task, this.extra);
  }
  variable(n: string) {
    // one resolver while the variables stay as they are (a hook often asks for several names)
    const version = this.source.version();
    if (this.#resolver?.version !== version)
      this.#resolver = { version, vars: this.source.resolver(this.host, this.task, this.extra) };
    return this.#resolver.vars.lookup(n);
  }
  #resolver: { version: number; vars: TaskVars } | undefined;
  // the debugger's names (task, task_vars, result) are values, never templates
  evaluate(expression: string, more: Vars = {}) {
    return this.source
      .templar(this.host, this.task, { ...this.extra, ...more }, Object.keys(more))
      .evaluate(expression);
  }
  template(value: unknown, more: Vars = {}) {
    return this.source.templar(this.host, this.task, { ...this.extra, ...more }).template(value);
  }
  keyword(key: string) {
    return this.source.keyword(this.task, key);
  }
  // copied when asked (most tasks run without anyone asking)
  get stack() {
    return this.source.stack(this.host);
  }
  get noLogNames() {
    return this.source.noLogNames(this.host);
  }
  awsCalls() {
    return this.source.awsCalls(this.callsBefore);
  }
}

/** Where lookups (file, template, ...) look first: the task's role, its file's directory, the play's directory. */
const basedirsOf = new WeakMap<object, { play: Play | undefined; dirs: string[] }>();
function lookupBasedirs(task: Task | Block | undefined, play: Play | undefined): string[] {
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

/** What templar scopes ask their executor (one per executor). */
interface ScopeSource {
  hostvars(host: string, varsView: Record<string, unknown>): Record<string, unknown>;
  warn(message: string): void;
}
/** What a task's Templar reads: its variables (with the `vars` and `hostvars` views, built when first asked) and
 * what lookups need. One object per templar: made for every task, so no closures to build. */
class TemplarScope implements TemplarOptions {
  templar!: Templar;
  #varsView: Record<string, unknown> | undefined;
  #hostvars: Record<string, unknown> | undefined;
  constructor(
    readonly taskVars: TaskVars,
    readonly finalNames: readonly string[],
    readonly run: RunOptions,
    readonly basedirs: readonly string[],
    readonly source: ScopeSource,
    readonly host: string,
  ) {}
  get random() {
    return this.run.random;
  }
  get jinja() {
    return this.run.jinja;
  }
  #view(n: 'vars' | 'hostvars'): Record<string, unknown> {
    const templar = this.templar,
      taskVars = this.taskVars;
    this.#varsView ??= lazyVarsView(
      () => Object.keys(taskVars.all()),
      (k) => templar.lookup(k),
    );
    return n === 'vars' ? this.#varsView : (this.#hostvars ??= this.source.hostvars(this.host, this.#varsView));
  }
  lookupVar(n: string): unknown {
    return n === 'vars' || n === 'hostvars' ? this.#view(n) : this.taskVars.lookup(n);
  }
  isFinal(n: string): boolean {
    return n === 'vars' || n === 'hostvars' || this.finalNames.includes(n) || this.taskVars.isFinal(n);
  }
  get lookup(): NonNullable<TemplarOptions['lookup']> {
    return {
      basedirs: this.basedirs,
      vars: () => ({ ...this.taskVars.all(), vars: this.#view('vars'), hostvars: this.#view('hostvars') }),
      warn: this.source.warn,
    };
  }
}

/** The implicit first task of a play that gathers facts. */
const gatherTask = (play: Play): Task => ({
  kind: 'task',
  name: 'Gathering Facts',
  action: 'gather_facts',
  actionAsWritten: 'gather_facts',
  args: {},
  keywords: {},
  pos: play.pos,
});
/** An action plugin raised AnsibleError: TaskExecutor.run returns dict(failed=True, msg=...) as it is. */
class ActionFailure extends Error {
  constructor(readonly result: TaskResult) {
    super(String(result.msg));
  }
}

export class PlaybookExecutor {
  readonly stats = new Map<string, HostStats>();
  readonly awsCalls: AwsCallEvent[] = [];
  vm!: VariableManager;
  #play!: Play;
  #hosts = new Map<string, HostRun>();
  #started = false;
  #lockstep = new Lockstep(['localhost']);
  /** Hosts that failed or were unreachable: later plays leave them out. */
  #gone = new Set<string>();
  #rolesRun = new Set<string>();
  /** Include frames per host, for the debugger's `where`. */
  #stacks = new Map<string, Frame[]>();
  #secretNames = new Map<string, Set<string>>();
  #onceResults = new Map<string, TaskResult>();
  /** any_errors_fatal fired: the current task finishes for every host, then the playbook stops. */
  #fatal = false;
  #fatalAt = '';
  #handlers: Task[] = [];
  #handlerRoles = new Set<string>();

  constructor(
    readonly opts: RunOptions,
    readonly callbacks: Callback[],
    readonly hooks: ExecutorHooks = {},
  ) {}

  #emit<K extends keyof Callback>(name: K, ...args: Parameters<NonNullable<Callback[K]>>): void {
    for (const c of this.callbacks) (c[name] as ((...a: unknown[]) => void) | undefined)?.apply(c, args);
  }
  #stat(host: string, key: keyof HostStats): void {
    let s = this.stats.get(host);
    if (!s) {
      s = { ok: 0, changed: 0, unreachable: 0, failures: 0, skipped: 0, rescued: 0, ignored: 0 };
      this.stats.set(host, s);
    }
    s[key]++;
  }

  async run(playbook: Playbook): Promise<void> {
    forgetRunCaches(); // include files are looked up afresh for every run
    this.#emit('playbookStart', playbook.file);
    this.#emit('playCount', path.relative(process.cwd(), playbook.file) || playbook.file, playbook.plays.length);
    for (const w of playbook.warnings) this.#emit('warning', w);
    const inventory = this.opts.inventory ?? loadInventory([], path.dirname(playbook.file));
    const magic: Vars = {
      playbook_dir: path.dirname(playbook.file),
      ansible_check_mode: this.opts.checkMode,
      ansible_diff_mode: this.opts.diff,
      ansible_verbosity: this.opts.verbosity,
      omit: OMIT,
      ansible_version: { full: '2.14.18', major: 2, minor: 14, revision: 18, string: '2.14.18' },
      ansible_run_tags: this.opts.tags.length ? [...this.opts.tags] : ['all'],
      ansible_skip_tags: [...this.opts.skipTags],
      ansible_inventory_sources: inventory.sources,
      ansible_config_file: null,
    };
    this.vm = new VariableManager(this.opts.extraVars, inventory, magic);
    for (const play of playbook.plays) {
      this.#play = play;
      await this.#runPlay(play);
      if (this.#fatal) {
        this.#emit('noHostsLeft');
        break;
      }
    }
    this.#emit('playbookEnd', this.stats);
  }

  #warnReserved(names: string[], warned: Set<string>): void {
    for (const n of [...new Set(names)].sort()) {
      if (n === 'vars' || warned.has(n) || !(RESERVED_NAMES.has(n) || Object.hasOwn(GLOBALS, n))) continue;
      warned.add(n);
      this.#emit('warning', `Found variable using reserved name: ${n}`);
    }
  }

  async #runPlay(play: Play): Promise<void> {
    const inv = this.vm.inventory;
    const templar = this.#templar('localhost');
    const pattern = templar.template(play.hosts);
    // an unnamed play is named after its hosts pattern (Play.get_name)
    const name =
      play.name !== undefined
        ? pyStr(templar.template(play.name))
        : play.implicit
          ? ''
          : Array.isArray(pattern)
            ? pattern.map(pyStr).join(',')
            : pyStr(pattern);
    // TaskQueueManager.run, before the play's banner: its variables must not shadow keywords or template globals
    const warned = new Set<string>();
    this.#warnReserved(
      [
        ...play.roles.flatMap((b) => (b.role ? [...Object.keys(b.role.defaults), ...Object.keys(b.role.vars)] : [])),
        ...Object.keys(play.vars),
        ...Object.keys(this.vm.extraVars),
      ],
      warned,
    );
    this.#emit('playStart', play, name);
    const hosts = matchHosts(inv, pattern).filter((h) => !this.#gone.has(h));
    if (!hosts.length) {
      if (!matchHosts(inv, pattern).length)
        this.#emit('warning', `Could not match supplied host pattern, ignoring: ${pyStr(pattern)}`);
      this.#emit('noHostsMatched');
      return;
    }
    for (const h of hosts) this.#hosts.set(h, { failed: false, unreachable: false, ended: false, notified: new Set() });
    for (const h of hosts)
      if (!this.stats.has(h))
        this.stats.set(h, { ok: 0, changed: 0, unreachable: 0, failures: 0, skipped: 0, rescued: 0, ignored: 0 });
    const magic = this.vm.magic as Vars;
    magic.ansible_play_hosts = [...hosts];
    magic.ansible_play_batch = [...hosts];
    magic.ansible_play_hosts_all = [...hosts];
    magic.play_hosts = [...hosts];
    magic.ansible_play_name = name;
    this.#started = !this.opts.startAtTask;
    this.#rolesRun = new Set();
    this.#handlers = [...play.handlers];
    this.#handlerRoles = new Set(play.roles.map((b) => b.roleRoot?.key ?? ''));
    const varsFiles: Vars = {};
    for (const vf of play.varsFiles) {
      const file = path.resolve(play.basedir, pyStr(templar.template(vf)));
      const doc = readYamlFile(file).documents[0];
      if (isDict(doc)) Object.assign(varsFiles, doc);
    }
    magic.__vars_files = varsFiles;
    this.vm.invalidate(); // the play's magic variables and vars_files are part of the cached variable layers
    this.#warnReserved(Object.keys(varsFiles), warned);
    this.#lockstep = new Lockstep(hosts);
    await Promise.all(hosts.map((h) => this.#runHost(play, h)));
    for (const h of hosts) {
      const hr = this.#hosts.get(h)!;
      if (hr.failed || hr.unreachable) this.#gone.add(h);
    }
  }

  async #runHost(play: Play, host: string): Promise<void> {
    try {
      if (this.#gathers(play)) await this.#runTask(gatherTask(play), host, {});
      // roles and tasks are one section: handlers flush after pre_tasks, after roles+tasks, after post_tasks
      const sections: Array<readonly TaskOrBlock[]> = [play.preTasks, [...play.roles, ...play.tasks], play.postTasks];
      for (const section of sections) {
        await this.#runList(section, host);
        await this.#flushHandlers(host);
        const hr = this.#hosts.get(host)!;
        if (hr.failed || hr.ended || hr.unreachable) break;
      }
    } catch (e) {
      if (!(e instanceof EndPlay)) throw e;
      for (const hr of this.#hosts.values()) hr.ended = true;
    } finally {
      this.#lockstep.leave(host);
    }
  }

  #kw(task: Task, key: string): unknown {
    return inherited(task, key, this.#play);
  }
  #inRescuableBlock(task: Task): boolean {
    for (let b = task.parent; b; b = b.parent) if (b.rescue.length) return true;
    return false;
  }
  /** True when the task's output is censored (no_log on the task, a block, a role or the play). */
  noLog(task: Task): boolean {
    return truthy(this.#kw(task, 'no_log') ?? false);
  }

  /** gather_facts: the play keyword, else ANSIBLE_GATHERING (implicit, the default, gathers; explicit does not). */
  #gathers(play: Play): boolean {
    const kw = play.keywords.gather_facts;
    if (kw !== undefined && kw !== null) return truthy(this.#templar('localhost').template(kw));
    if (play.implicit) return false;
    return (this.opts.env.ANSIBLE_GATHERING ?? 'implicit').toLowerCase() !== 'explicit';
  }

  /** hostvars: this host's view, and every other inventory host's variables, templated when read. */
  #hostvars(host: string, own: Record<string, unknown>): Record<string, unknown> {
    const names = () => [...new Set([...this.vm.inventory.hosts.keys(), host])];
    return lazyVarsView(names, (h) => {
      if (h === host) return own;
      const other = this.#templar(h);
      const { vars } = this.vm.getVars(this.#play, h);
      return lazyVarsView(
        () => Object.keys(vars),
        (k) => other.lookup(k),
      );
    });
  }

  #templar(host: string, task?: Task | Block, extra: Vars = {}, finalNames: readonly string[] = []): Templar {
    // variables are resolved name by name as templates ask for them; `vars` and `hostvars` are views built on use
    const scope = new TemplarScope(
      this.vm.resolver(this.#play, host, task, extra),
      finalNames,
      this.opts,
      lookupBasedirs(task, this.#play),
      (this.#scopeSource ??= this.#makeScopeSource()),
      host,
    );
    return (scope.templar = new Templar(scope));
  }
  #scopeSource: ScopeSource | undefined;
  #makeScopeSource(): ScopeSource {
    return { hostvars: (host, varsView) => this.#hostvars(host, varsView), warn: (m) => this.#emit('warning', m) };
  }

  async #runList(list: readonly TaskOrBlock[], host: string, extra: Vars = {}): Promise<void> {
    for (const node of list) {
      const hr = this.#hosts.get(host)!;
      if (hr.failed || hr.ended || hr.unreachable) return;
      if (this.opts.signal.aborted) throw new InterruptedError('User interrupted execution');
      if (node.kind === 'block') await this.#runBlock(node, host, extra);
      else {
        const running = this.#runTask(node, host, extra);
        if (running) await running;
      }
    }
  }

  async #runBlock(block: Block, host: string, extra: Vars): Promise<void> {
    const hr = this.#hosts.get(host)!;
    if (block.roleRoot) {
      // a dependency that already ran with the same parameters does not run again (Role.has_run)
      const key = `${host}\u0000${block.roleRoot.key}`;
      if (block.roleRoot.dependency && this.#rolesRun.has(key)) return;
      this.#rolesRun.add(key);
    }
    await this.#runList(block.block, host, extra);
    if (hr.failed && block.rescue.length) {
      const failedTask = hr.failedTask,
        failedResult = hr.failedResult;
      hr.failed = false;
      const st = this.stats.get(host)!;
      st.failures = Math.max(0, st.failures - 1);
      this.#stat(host, 'rescued');
      const rescueExtra = {
        ...extra,
        ansible_failed_task: failedTask ? failedTaskFields(failedTask) : {},
        ansible_failed_result: failedResult ?? {},
      };
      await this.#runList(block.rescue, host, rescueExtra);
    }
    if (block.always.length) {
      const wasFailed = hr.failed;
      hr.failed = false;
      await this.#runList(block.always, host, extra);
      hr.failed = hr.failed || wasFailed;
    }
  }

  #tagsMatch(task: Task): boolean {
    const tags = taskTags(task, this.#play);
    if (!this.opts.tags.length && !this.opts.skipTags.length) return !tags.has('never');
    if (this.opts.skipTags.some((t) => tags.has(t) || (t === 'always' && tags.has('always')))) return false;
    if (tags.has('always') && !this.opts.skipTags.includes('always')) return true;
    if (!this.opts.tags.length || this.opts.tags.includes('all')) return !tags.has('never');
    if (this.opts.tags.includes('tagged') && tags.size) return true;
    if (this.opts.tags.includes('untagged') && !tags.size) return true;
    return this.opts.tags.some((t) => tags.has(t));
  }

  #taskName(task: Task, templar: Templar): string {
    let name: string;
    if (task.name !== undefined) {
      try {
        name = pyStr(templar.template(task.name));
      } catch {
        name = task.name;
      }
    } else if (task.action === 'include_role' || task.action === 'import_role') {
      let r = task.args.name;
      try {
        r = templar.template(r);
      } catch {
        /* the raw name */
      }
      name = `${task.actionAsWritten} : ${pyStr(r)}`;
    } else name = task.actionAsWritten;
    return task.role ? `${task.role.name} : ${name}` : name;
  }

  /** Decides whether and how the task runs (tags, --start-at-task, any_errors_fatal, run_once, the lockstep of
   * hosts) without an async frame, then runs it. */
  #runTask(task: Task, host: string, extra: Vars, handler = false): Promise<void> | void {
    if (!this.#tagsMatch(task) && task.action !== 'include_tasks' && task.action !== 'include_role') return;
    const hr = this.#hosts.get(host)!;
    const templar = this.#templar(host, task, extra);
    const name = this.#taskName(task, templar);
    if (!this.#started) {
      if (name === this.opts.startAtTask || task.name === this.opts.startAtTask) this.#started = true;
      else return;
    }
    // any_errors_fatal: the failing task finishes on every host, then the play is over for all of them
    if (this.#fatal && this.#fatalAt !== taskKey(task)) {
      hr.ended = true;
      return;
    }
    const arrived = this.#lockstep.arrive(host, task);
    if (typeof arrived === 'boolean') return this.#runArrived(task, host, extra, handler, hr, templar, name, arrived);
    return arrived.then((first) => this.#runArrived(task, host, extra, handler, hr, templar, name, first));
  }

  #runArrived(
    task: Task,
    host: string,
    extra: Vars,
    handler: boolean,
    hr: HostRun,
    templar: Templar,
    name: string,
    first: boolean,
  ): Promise<void> | void {
    if (this.#fatal && this.#fatalAt !== taskKey(task)) {
      hr.ended = true;
      this.#lockstep.done(host);
      return;
    }
    const def = resolveModule(task.action);
    // the linear strategy runs most meta actions once for all hosts; these run (and show) per host
    const metaAction = task.action === 'meta' ? pyStr(task.args._raw_params ?? '').trim() : '';
    const perHostMeta = PER_HOST_META.has(metaAction);
    const once =
      def?.bypassHostLoop || (task.action === 'meta' && !perHostMeta) || truthy(this.#kw(task, 'run_once') ?? false);
    if (once && !first) {
      // run_once: the first host ran it for everyone; its result is registered for each host, without output
      const shared = this.#onceResults.get(taskKey(task));
      if (shared && !def?.bypassHostLoop) {
        if (task.keywords.register !== undefined) this.vm.register(host, pyStr(task.keywords.register), shared);
        if (isDict(shared.ansible_facts) && task.action === 'set_fact') this.vm.setFacts(host, shared.ansible_facts);
      }
      this.#lockstep.done(host);
      return;
    }
    return this.#runHere(task, host, extra, handler, hr, templar, name, first, perHostMeta, once);
  }

  /** The task on this host: the hooks before and after it, its run, its result. */
  async #runHere(
    task: Task,
    host: string,
    extra: Vars,
    handler: boolean,
    hr: HostRun,
    templar: Templar,
    name: string,
    first: boolean,
    perHostMeta: boolean,
    once: boolean,
  ): Promise<void> {
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        this.#lockstep.done(host);
      }
    };
    let runTask = task,
      runExtra = extra,
      redone = false;
    try {
      for (;;) {
        const callsBefore = this.awsCalls.length;
        const point = this.#point(runTask, host, runExtra, name, callsBefore);
        // --step asks before the banner, as Ansible's _take_step does
        // (hooks may answer at once: no await then, each one costs every task a turn of the microtask queue)
        let decision = this.hooks.beforeTask?.(point);
        if (decision instanceof Promise) decision = await decision;
        if (decision === 'skip') return;
        if (decision && typeof decision === 'object') {
          if (decision.args) runTask = { ...runTask, args: { ...runTask.args, ...decision.args } };
          if (decision.vars) runExtra = { ...runExtra, ...decision.vars };
        }
        // a redo shows its new result under the same banner, as Ansible's debugger does
        if ((first || perHostMeta) && !redone && !INCLUDES.has(task.action))
          this.#emit('taskStart', task, name, handler);
        if (runTask !== task || runExtra !== extra || redone) templar = this.#templar(host, runTask, runExtra);
        const running = this.#execute(runTask, host, runExtra, templar, name, first, release);
        const result = running instanceof Promise ? await running : running;
        if (result === null) return; // an include: its tasks reported themselves
        if (task.action === 'meta') {
          // meta tasks report nothing (a skipped one shows as skipping) and count in no statistic;
          // flush_handlers runs the handlers right here
          if (result.skipped) this.#emit('taskResult', host, task, result, 'skipped');
          else if (isFailed(result)) this.#finish(task, host, result, templar, hr);
          else if (result._meta === 'flush_handlers') {
            release();
            await this.#flushHandlers(host);
          }
          return;
        }
        if (once) this.#onceResults.set(taskKey(task), result);
        const stats = { ...this.stats.get(host)! },
          state = { ...hr };
        this.#finish(runTask, host, result, templar, hr);
        if (this.noLog(runTask) && task.keywords.register !== undefined)
          this.#noLogNames(host).add(pyStr(task.keywords.register));
        if (this.noLog(runTask) && isDict(result.ansible_facts))
          for (const k of Object.keys(result.ansible_facts)) this.#noLogNames(host).add(k);
        // the debugger comes after the result is shown, as in Ansible; redo rolls the host back
        let after = this.hooks.afterTask?.(point, result);
        if (after instanceof Promise) after = await after;
        if (after && after.redo) {
          this.stats.set(host, stats);
          Object.assign(hr, state);
          if (after.args) runTask = { ...runTask, args: { ...runTask.args, ...after.args } };
          if (after.vars) runExtra = { ...runExtra, ...after.vars };
          redone = true;
          continue;
        }
        return;
      }
    } finally {
      release();
    }
  }

  #noLogNames(host: string): Set<string> {
    let s = this.#secretNames.get(host);
    if (!s) {
      s = new Set();
      this.#secretNames.set(host, s);
    }
    return s;
  }

  #point(task: Task, host: string, extra: Vars, name: string, callsBefore: number): TaskPoint {
    return new ExecutorPoint((this.#pointSource ??= this.#makePointSource()), host, task, name, extra, callsBefore);
  }
  #pointSource: PointSource | undefined;
  // (apart from #point: closures there would cost every call a context)
  #makePointSource(): PointSource {
    return {
      env: this.opts.env,
      vars: (h, t, x) => this.vm.getVars(this.#play, h, t, x).vars,
      resolver: (h, t, x) => this.vm.resolver(this.#play, h, t, x),
      version: () => this.vm.version,
      templar: (h, t, x, finalNames) => this.#templar(h, t, x, finalNames),
      keyword: (t, key) => this.#kw(t, key),
      stack: (h) => [...(this.#stacks.get(h) ?? [])],
      noLogNames: (h) => [...this.#noLogNames(h)],
      awsCalls: (from) => this.awsCalls.slice(from),
    };
  }

  /** Runs a task (with its loop) and returns its final result; null for includes. */
  #execute(
    task: Task,
    host: string,
    extra: Vars,
    templar: Templar,
    name: string,
    first: boolean,
    release: () => void,
  ): Promise<TaskResult | null> | TaskResult {
    const conditions = whenChain(task);
    let items: unknown[] | null;
    try {
      items = loopItems(task, templar);
    } catch (e) {
      // Ansible evaluates when before the loop only when the loop itself cannot be templated
      try {
        if (falseCondition(templar, conditions) !== null) return skippedByWhen(pyStr(conditions[0]));
      } catch {
        /* report the loop error */
      }
      return templateFailure(e, task);
    }
    if (task.action === 'include_tasks' || task.action === 'include' || task.action === 'include_role')
      return this.#include(task, host, extra, templar, items, first, release).then(() => null);
    if (items === null) return this.#executeOnce(task, host, extra, templar, name, conditions);
    return this.#executeLoop(task, host, extra, name, conditions, items);
  }

  /** A task's loop: each item in turn, then the loop's result. */
  async #executeLoop(
    task: Task,
    host: string,
    extra: Vars,
    name: string,
    conditions: readonly unknown[],
    items: unknown[],
  ): Promise<TaskResult> {
    const lc = isDict(task.keywords.loop_control) ? task.keywords.loop_control : {};
    const loopVar = pyStr(lc.loop_var ?? 'item');
    const results: TaskResult[] = [];
    if (!items.length) return { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] };
    for (let i = 0; i < items.length; i++) {
      const itemExtra: Vars = { ...extra, [loopVar]: items[i], ansible_loop_var: loopVar };
      if (lc.index_var !== undefined) itemExtra[pyStr(lc.index_var)] = i;
      if (truthy(lc.extended ?? false)) {
        const loop: Vars = {
          allitems: items,
          first: i === 0,
          index: i + 1,
          index0: i,
          last: i === items.length - 1,
          length: items.length,
          revindex: items.length - i,
          revindex0: items.length - i - 1,
        };
        if (i > 0) loop.previtem = items[i - 1];
        if (i < items.length - 1) loop.nextitem = items[i + 1];
        itemExtra.ansible_loop = loop;
      }
      const t = this.#templar(host, task, itemExtra);
      const r = await this.#executeOnce(task, host, itemExtra, t, name, conditions);
      // facts an item sets are visible to the next item (TaskExecutor._run_loop updates task_vars)
      if (isDict(r.ansible_facts) && !isFailed(r) && task.action === 'set_fact')
        this.vm.setFacts(host, r.ansible_facts);
      r[loopVar] = items[i];
      r.ansible_loop_var = loopVar;
      if (itemExtra.ansible_loop) r.ansible_loop = itemExtra.ansible_loop;
      delete r._ansible_facts_cacheable;
      delete r._ansible_delegated_vars; // an item names its delegate for the label only
      if (lc.index_var !== undefined) {
        r[pyStr(lc.index_var)] = i;
        r.ansible_index_var = pyStr(lc.index_var);
      }
      const label = itemLabel(task, t, items[i]);
      r._ansible_no_log = r._ansible_no_log ?? this.noLog(task);
      r._ansible_item_label = isDict(lc) && lc.label !== undefined ? label : items[i];
      const status: ResultStatus = r.skipped ? 'skipped' : isFailed(r) ? 'failed' : r.changed ? 'changed' : 'ok';
      this.#emit('itemResult', host, task, r, status, this.#censorLabel(task, label));
      results.push(r);
      if (lc.pause) await this.opts.clock.sleep(Number(lc.pause) * 1000, this.opts.signal);
    }
    const out: TaskResult = {
      results,
      changed: results.some((r) => truthy(r.changed ?? false)),
      msg: 'All items completed',
    };
    if (results.every((r) => r.skipped)) {
      out.skipped = true;
      out.msg = 'All items skipped';
    }
    if (results.some((r) => isFailed(r))) {
      out.failed = true;
      out.msg = 'One or more items failed';
    }
    return out;
  }

  #censorLabel(task: Task, label: string): string {
    return this.noLog(task) ? '(censored due to no_log)' : label;
  }

  #executeOnce(
    task: Task,
    host: string,
    extra: Vars,
    templar: Templar,
    name: string,
    conditions: readonly unknown[],
  ): TaskResult | Promise<TaskResult> {
    const delegate = this.#kw(task, 'delegate_to');
    const running = this.#executeOnceHere(task, host, extra, templar, name, conditions);
    if (delegate === undefined || delegate === null) return running;
    return running instanceof Promise
      ? running.then((result) => this.#delegated(result, delegate, templar))
      : this.#delegated(running, delegate, templar);
  }

  #delegated(result: TaskResult, delegate: unknown, templar: Templar): TaskResult {
    if (result.skipped) return result;
    // a delegated result carries the delegate's connection (the callback labels it "host -> delegate")
    let to: string;
    try {
      to = pyStr(templar.template(delegate));
    } catch {
      return result;
    }
    const hv = this.vm.inventory.hosts.has(to) ? this.vm.inventoryVars(to) : {};
    const local = !this.vm.inventory.hosts.has(to) && isImplicitLocalhostName(to);
    // the delegate's name rides along for the callback's label, non-enumerable so that no output copies it
    const delegated: TaskResult = {
      ...result,
      _ansible_delegated_vars: {
        ansible_connection: hv.ansible_connection ?? (local ? 'local' : (this.vm.inventory.defaultConnection ?? 'ssh')),
        ansible_host: hv.ansible_host ?? to,
        ansible_port: hv.ansible_port ?? null,
        ansible_user: hv.ansible_user ?? null,
      },
    };
    Object.defineProperty(delegated, DELEGATED_HOST, { value: to, enumerable: false });
    return delegated;
  }

  /** One run of the task: a false `when` or arguments that do not validate answer at once, the module later. */
  #executeOnceHere(
    task: Task,
    host: string,
    extra: Vars,
    templar: Templar,
    name: string,
    conditions: readonly unknown[],
  ): TaskResult | Promise<TaskResult> {
    try {
      const cond = falseCondition(templar, conditions);
      if (cond !== null) return task.action === 'meta' ? this.#metaSkipped(task, host) : skippedByWhen(cond);
    } catch (e) {
      return templateFailure(e, task);
    }
    const checkKw = this.#kw(task, 'check_mode');
    const checkMode = checkKw === undefined ? this.opts.checkMode : truthy(templar.template(checkKw));
    const noLog = this.noLog(task);
    const prepared = this.#prepare(this.#withModuleDefaults(task), host, {
      templar,
      ctx: this.#moduleContext(task, host, checkMode, templar),
    });
    if ('failure' in prepared) return prepared.failure; // TaskExecutor.run's dict(failed=True, msg=...) has no `changed`
    return this.#attempts(task, host, extra, templar, name, prepared.invoke, noLog);
  }

  /** The module's runs: once, or until `until` holds (retries, delay), with changed_when and failed_when. A module
   * that answers at once (set_fact, the executor's own actions) is settled without an async frame. */
  #attempts(
    task: Task,
    host: string,
    extra: Vars,
    templar: Templar,
    name: string,
    invoke: () => TaskResult | Promise<TaskResult>,
    noLog: boolean,
  ): TaskResult | Promise<TaskResult> {
    const untilKw = task.keywords.until;
    let retries = 1;
    if (untilKw !== undefined && untilKw !== null) {
      const r = task.keywords.retries === undefined ? null : Number(templar.template(task.keywords.retries));
      retries = r === null ? 3 : r <= 0 ? 1 : r + 1;
    }
    let delay = Number(task.keywords.delay === undefined ? 5 : templar.template(task.keywords.delay));
    if (delay < 0) delay = 1;
    if (retries > 1) return this.#untilLoop(task, host, extra, name, invoke, noLog, retries, delay);
    const actionFailed = (e: unknown): TaskResult => {
      if (e instanceof ActionFailure) return e.result;
      throw e;
    };
    let running: TaskResult | Promise<TaskResult>;
    try {
      running = invoke();
    } catch (e) {
      return actionFailed(e);
    }
    if (running instanceof Promise)
      return running.then((r) => this.#settle(task, host, extra, r, noLog, 1, false).result, actionFailed);
    return this.#settle(task, host, extra, running, noLog, 1, false).result;
  }

  /** One attempt's result as TaskExecutor finishes it: no_log, failed and changed filled in, changed_when and
   * failed_when applied with the result registered; `withResult` is the templar that saw it (for until). */
  #settle(
    task: Task,
    host: string,
    extra: Vars,
    result: TaskResult,
    noLog: boolean,
    attempt: number,
    retrying: boolean,
  ): { result: TaskResult; withResult?: Templar } {
    result._ansible_no_log = noLog || result._ansible_no_log === true;
    if (!('failed' in result)) result.failed = 'rc' in result && result.rc !== 0 && result.rc !== '0';
    if (task.keywords.until !== undefined) result.attempts = attempt;
    if (!('changed' in result)) result.changed = false;
    // the result's own variables for changed_when, failed_when and until (most tasks have none of them)
    if (!retrying && task.keywords.changed_when === undefined && task.keywords.failed_when === undefined)
      return { result };
    const attemptVars: Vars = { ...extra };
    if (isDict(result.ansible_facts) && (task.action === 'set_fact' || task.action === 'include_vars'))
      Object.assign(attemptVars, result.ansible_facts);
    if (task.keywords.register !== undefined) attemptVars[pyStr(task.keywords.register)] = result;
    const withResult = this.#templar(host, task, attemptVars);
    return { result: applyConditions(task, withResult, result), withResult };
  }

  async #untilLoop(
    task: Task,
    host: string,
    extra: Vars,
    name: string,
    invoke: () => TaskResult | Promise<TaskResult>,
    noLog: boolean,
    retries: number,
    delay: number,
  ): Promise<TaskResult> {
    const untilKw = task.keywords.until;
    let result: TaskResult = {};
    let exhausted = true;
    for (let attempt = 1; attempt <= retries; attempt++) {
      let raw: TaskResult;
      try {
        raw = await invoke();
      } catch (e) {
        if (e instanceof ActionFailure) return e.result;
        throw e;
      }
      const settled = this.#settle(task, host, extra, raw, noLog, attempt, true);
      result = settled.result;
      const withResult = settled.withResult!;
      let done: boolean;
      try {
        done = (Array.isArray(untilKw) ? untilKw : [untilKw]).every((c) => withResult.evaluateConditional(c));
      } catch (e) {
        result = { ...result, ...templateFailure(e, task) };
        exhausted = false;
        break;
      }
      if (done) {
        exhausted = false;
        break;
      }
      if (attempt < retries) {
        result.retries = retries;
        this.#emit('retry', host, task, name, retries - attempt, result);
        await this.opts.clock.sleep(delay * 1000, this.opts.signal);
      }
    }
    if (exhausted) {
      result.attempts = retries - 1;
      result.failed = true;
    }
    return result;
  }

  #moduleContext(task: Task, host: string, checkMode: boolean, templar: Templar) {
    // environment: play, blocks, task merge in that order, values templated
    const layers = mergedKeyword(task, 'environment', this.#play);
    const env: Record<string, string | undefined> = layers.length ? { ...this.opts.env } : this.opts.env;
    for (const e of layers) {
      const t = templar.template(e);
      if (isDict(t)) for (const [k, v] of Object.entries(t)) env[k] = pyStr(v);
    }
    return {
      task,
      host,
      checkMode,
      diff: this.opts.diff,
      verbosity: this.opts.verbosity,
      basedir: this.#play.basedir,
      signal: this.opts.signal,
      invokedAs: task.actionAsWritten,
      env,
      clock: this.opts.clock,
      random: this.opts.random,
      warn: (m: string) => this.#emit('warning', m),
      services: {
        awsSettings: this.opts.aws,
        recordAwsCall: (e: AwsCallEvent) => {
          this.awsCalls.push(e);
        },
        prompt: this.opts.prompt,
      },
    };
  }

  /** module_defaults (play, blocks, task): defaults for this module by any of its names or its action group. */
  #withModuleDefaults(task: Task): Task {
    const layers = mergedKeyword(task, 'module_defaults', this.#play);
    if (!layers.length) return task;
    const def = resolveModule(task.action);
    if (!def) return task;
    const names = new Set([...def.names, task.actionAsWritten]);
    const groups = def.groups ?? [];
    const defaults: Record<string, unknown> = {};
    for (const layer of layers) {
      for (const entry of Array.isArray(layer) ? layer : [layer]) {
        if (!isDict(entry)) continue;
        for (const [key, value] of Object.entries(entry)) {
          if (!isDict(value)) continue;
          const group = key.startsWith('group/') ? key.slice(6) : undefined;
          if (
            names.has(key) ||
            (group && groups.some((g) => g === group || g.endsWith(`.${group}`) || group.endsWith(`.${g}`)))
          )
            Object.assign(defaults, value);
        }
      }
    }
    return Object.keys(defaults).length ? { ...task, args: { ...defaults, ...task.args } } : task;
  }

  /** Templates the arguments once; the executor's own actions run here, modules through prepareModule. */
  #prepare(
    task: Task,
    host: string,
    run: { templar: Templar; ctx: any },
  ): { failure: TaskResult } | { invoke: () => TaskResult | Promise<TaskResult> } {
    const templar = run.templar;
    const def = OWN_ACTIONS.has(task.action) ? undefined : resolveModule(task.action)!;
    // what runs on the host (a module, fact gathering) needs a connection tsible has: local only
    const onHost =
      task.action === 'gather_facts' ||
      task.action === 'setup' ||
      (def !== undefined && !def.actionPlugin && !def.executorAction);
    const hv = this.vm.inventoryVars(host);
    if (onHost && !isLocal(hv, host, this.vm.inventory)) {
      const conn = pyStr(hv.ansible_connection ?? this.vm.inventory.defaultConnection ?? 'ssh');
      return {
        failure: {
          unreachable: true,
          changed: false,
          msg: `Failed to connect to the host via ${conn}: tsible runs modules on the local machine only; set ansible_connection=local for hosts it should run here`,
        },
      };
    }
    if (def) return prepareModule(task, run);
    let args: Record<string, unknown>;
    try {
      args = removeOmitted(templar.template(task.args)) as Record<string, unknown>;
    } catch (e) {
      return { failure: templateFailure(e, task, task.args) };
    }
    const act = async (): Promise<TaskResult> => {
      try {
        return this.#runAction(task, host, args, templar);
      } catch (e) {
        if (e instanceof EndPlay || e instanceof ActionFailure) throw e;
        return templateFailure(e, task);
      }
    };
    return { invoke: act };
  }

  /** The modules the executor carries out itself. */
  #runAction(task: Task, host: string, args: Record<string, unknown>, templar: Templar): TaskResult {
    switch (task.action) {
      case 'debug': {
        const verbosity = Number(args.verbosity ?? 0);
        if (verbosity > this.opts.verbosity)
          return { skipped: true, skipped_reason: 'Verbosity threshold not met.', changed: false };
        if (args.var !== undefined) {
          const expr = pyStr(args.var);
          let value: unknown;
          // the debug action: any undefined variable on the way (a.c included) is "VARIABLE IS NOT DEFINED!",
          // with the error at -v
          try {
            value = templar.template(expr.includes('{{') ? expr : `{{ ${expr} }}`);
          } catch (e) {
            if (!(e instanceof UndefinedError)) throw e;
            value = `VARIABLE IS NOT DEFINED!${this.opts.verbosity > 0 ? `: ${e.message}. ${e.message}` : ''}`;
          }
          return { [expr]: value, _ansible_verbose_always: true, changed: false };
        }
        return {
          msg: args.msg === undefined ? 'Hello world!' : args.msg,
          _ansible_verbose_always: true,
          changed: false,
        };
      }
      case 'assert': {
        if (args.that === undefined)
          throw new ActionFailure({ failed: true, msg: 'conditional required in "that" string' });
        const that = args.that;
        const list = Array.isArray(that) ? that : [that];
        // the assert action checks its messages before any condition: strings or lists of strings
        const pyClass = (v: unknown) => `<class '${typeName(v)}'>`;
        const checkMsg = (v: unknown, what: string) => {
          if (v === undefined || v === null || typeof v === 'string') return;
          if (Array.isArray(v)) {
            if (!v.every((x) => typeof x === 'string'))
              throw new ActionFailure({
                failed: true,
                msg: `Type of one of the elements in ${what} list is not string type`,
              });
            return;
          }
          throw new ActionFailure({
            failed: true,
            msg: `Incorrect type for ${what}, expected a string or list and got ${pyClass(v)}`,
          });
        };
        checkMsg(args.fail_msg ?? args.msg, 'fail_msg or msg');
        checkMsg(args.success_msg, 'success_msg');
        const quiet = pyBoolean(args.quiet ?? false, false); // the assert action: boolean(quiet, strict=False)
        const verbose = quiet ? {} : { _ansible_verbose_always: true }; // set before evaluating: failures show indented too
        for (const c of list) {
          let holds: boolean;
          try {
            holds = templar.evaluateConditional(c);
          } catch (e) {
            const why = conditionalError(c, e);
            if (why === undefined) throw e;
            throw new ActionFailure({ failed: true, msg: why });
          }
          if (!holds) {
            const fm = args.fail_msg ?? args.msg;
            return {
              failed: true,
              changed: false,
              assertion: pyStr(c),
              evaluated_to: false,
              msg: fm === undefined ? 'Assertion failed' : fm,
              ...verbose,
            };
          }
        }
        return {
          changed: false,
          msg: args.success_msg === undefined ? 'All assertions passed' : args.success_msg,
          ...verbose,
        };
      }
      case 'meta':
        return this.#meta(String(args._raw_params ?? '').trim(), host);
      case 'include_vars':
        return this.#includeVars(task, host, args);
      case 'gather_facts':
      case 'setup': {
        const facts = gatherFacts(this.opts.env);
        this.vm.setGathered(host, facts);
        // verbose_override: even -v does not print the facts
        return {
          ansible_facts: factsAsVars(facts),
          changed: false,
          deprecations: [],
          warnings: [],
          _ansible_verbose_override: true,
        };
      }
      case 'add_host': {
        const name = args.name ?? args.hostname ?? args.host;
        if (name === undefined || name === null)
          throw new ActionFailure({ failed: true, msg: 'name or hostname arg needs to be provided' });
        const groupsArg = args.groups ?? args.group ?? args.groupname ?? [];
        const groups = (Array.isArray(groupsArg) ? groupsArg : pyStr(groupsArg).split(','))
          .map((g) => pyStr(g).trim())
          .filter(Boolean);
        const hostVars: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(args))
          if (!['name', 'hostname', 'host', 'groups', 'group', 'groupname'].includes(k)) hostVars[k] = v;
        const hostName = pyStr(name).split(':')[0]!;
        addHostToInventory(this.vm.inventory, hostName, groups, hostVars);
        this.vm.invalidate();
        return { add_host: { host_name: hostName, groups, host_vars: hostVars }, changed: true };
      }
      case 'group_by': {
        if (args.key === undefined)
          throw new ActionFailure({ failed: true, msg: "the 'key' param is required when using group_by" });
        const key = pyStr(args.key).replace(/[^A-Za-z0-9_]/g, '_');
        const parents = (Array.isArray(args.parents) ? args.parents : [args.parents ?? 'all']).map(pyStr);
        addGroupToInventory(this.vm.inventory, key, host, parents);
        this.vm.invalidate();
        return { add_group: key, parent_groups: parents, changed: true };
      }
      case 'set_stats':
        return {
          changed: false,
          ansible_stats: { data: args.data, per_host: args.per_host ?? false, aggregate: args.aggregate ?? true },
        };
      default:
        return { changed: false };
    }
  }

  #metaSkipped(task: Task, host: string): TaskResult {
    const what = pyStr(task.args._raw_params ?? '').trim();
    const suffix: Record<string, string> = {
      flush_handlers: `, not running handlers for ${host}`,
      clear_facts: `, not clearing facts and fact cache for ${host}`,
      clear_host_errors: `, not clearing host error state for ${host}`,
      end_batch: ', continuing current batch',
      end_play: ', continuing play',
      end_host: `, continuing execution for ${host}`,
    };
    const skip_reason = `${what} conditional evaluated to False${suffix[what] ?? ''}`;
    this.#emit('verbose', 2, `META: ${skip_reason}`);
    return {
      msg: what === 'end_host' ? `end_host conditional evaluated to false, continuing execution for ${host}` : what,
      skipped: true,
      skip_reason,
    };
  }

  /** strategy/__init__.py _execute_meta: its result is {msg}, its header goes to -vv as "META: ...". */
  #meta(what: string, host: string): TaskResult {
    let msg: string;
    switch (what) {
      case 'noop':
        msg = 'noop';
        break;
      case 'refresh_inventory':
        msg = 'inventory successfully refreshed';
        break;
      case 'clear_facts':
        this.vm.setGathered(host, undefined);
        msg = 'facts cleared';
        break;
      case 'reset_connection':
        msg = 'no connection, nothing to reset';
        break;
      case 'flush_handlers':
        msg = `triggered running handlers for ${host}`;
        break;
      case 'end_play':
        msg = 'ending play';
        break;
      case 'end_batch':
        msg = 'ending batch';
        for (const hr of this.#hosts.values()) hr.ended = true;
        break;
      case 'end_host':
        msg = `ending play for ${host}`;
        this.#hosts.get(host)!.ended = true;
        break;
      case 'clear_host_errors':
        for (const hr of this.#hosts.values()) hr.failed = false;
        msg = 'cleared host errors';
        break;
      default:
        throw new ActionFailure({ failed: true, msg: `invalid meta action requested: ${what}` });
    }
    this.#emit('verbose', 2, `META: ${msg}`);
    if (what === 'end_play') throw new EndPlay();
    return { msg, changed: false, _meta: what };
  }

  #includeVars(task: Task, host: string, a: Record<string, unknown>): TaskResult {
    const loaded: Vars = {};
    const files: string[] = [];
    const base = task.role ? path.join(task.role.path, 'vars') : path.dirname(task.pos.file);
    if (a.dir !== undefined) {
      const dir = path.resolve(base, pyStr(a.dir));
      const walk = (d: string, depth: number): string[] =>
        readdirSync(d)
          .sort()
          .flatMap((n) => {
            const p = path.join(d, n);
            return statSync(p).isDirectory() ? (a.depth && depth >= Number(a.depth) ? [] : walk(p, depth + 1)) : [p];
          });
      const exts = (a.extensions as string[] | undefined) ?? ['yaml', 'yml', 'json'];
      files.push(
        ...walk(dir, 1).filter(
          (f) =>
            exts.includes(path.extname(f).slice(1)) &&
            (!a.files_matching || new RegExp(pyStr(a.files_matching)).test(path.basename(f))),
        ),
      );
    } else {
      // find_needle('vars', file): each search directory's vars/ first, then the directory itself (the role's, the
      // task file's, the playbook's), as ActionBase's search path lists them
      const name = pyStr(a.file ?? a._raw_params);
      const dirs = [...(task.role ? [task.role.path] : []), path.dirname(task.pos.file), this.#play.basedir];
      const candidates = path.isAbsolute(name)
        ? [name]
        : dirs.flatMap((d) => [path.join(d, 'vars', name), path.join(d, name)]);
      const found = candidates.find((c) => statSync(c, { throwIfNoEntry: false })?.isFile());
      if (!found) {
        return {
          failed: true,
          changed: false,
          ansible_facts: {},
          ansible_included_var_files: [],
          message: `Could not find or access '${name}'\nSearched in:\n${candidates.map((c) => `\t${c}`).join('\n')} on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option`,
        };
      }
      files.push(found);
    }
    for (const f of files) {
      const d = readYamlFile(f).documents[0];
      if (d !== null && d !== undefined && !isDict(d))
        return { failed: true, msg: `${f} must be stored as a dictionary/hash` };
      Object.assign(loaded, d ?? {});
    }
    const facts = a.name ? { [pyStr(a.name)]: loaded } : loaded;
    this.vm.addIncludeVars(host, facts);
    return { changed: false, ansible_facts: facts, ansible_included_var_files: files };
  }

  /** include_tasks/include_role: one banner, an `included:` line per file (loop item), then each file's tasks. */
  /** An included task file, loaded under a block that carries the include's `apply:` keywords; null when the
   * file is not there. A file that does not parse throws its ParseError, which ends the run as in Ansible. */
  #loadIncludedFile(task: Task, file: string, asWritten = file): TaskOrBlock[] | null {
    const frozen = this.opts.frozenIncludes;
    const kept = frozen?.get(task)?.get(asWritten);
    if (kept?.file === file) return kept.tasks;
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return null;
    const apply = isDict(task.args.apply) ? (task.args.apply as Record<string, unknown>) : {};
    const holder: Block = {
      kind: 'block',
      block: [],
      rescue: [],
      always: [],
      keywords: apply,
      pos: task.pos,
      parent: task.parent,
      role: task.role,
      implicit: true,
    };
    const { documents } = readYamlFile(file);
    const tasks = loadTaskList(
      documents[0] ?? [],
      { file, basedir: this.#play.basedir, role: task.role, depth: 0, warnings: [] },
      holder,
    );
    (holder as unknown as { block: TaskOrBlock[] }).block = tasks;
    if (frozen) {
      let byName = frozen.get(task);
      if (!byName) frozen.set(task, (byName = new Map()));
      byName.set(asWritten, { file, tasks });
    }
    return tasks;
  }

  async #include(
    task: Task,
    host: string,
    extra: Vars,
    templar: Templar,
    items: unknown[] | null,
    first: boolean,
    release: () => void,
  ): Promise<void> {
    const lc = isDict(task.keywords.loop_control) ? task.keywords.loop_control : {};
    const loopVar = pyStr(lc.loop_var ?? 'item');
    if (first) this.#emit('taskStart', task, this.#taskName(task, templar));
    if (items !== null && !items.length) {
      this.#emit(
        'taskResult',
        host,
        task,
        { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] },
        'skipped',
      );
      this.#stat(host, 'skipped');
      return;
    }
    const runs =
      items === null
        ? [extra]
        : items.map((item, i) => ({
            ...extra,
            [loopVar]: item,
            ansible_loop_var: loopVar,
            ...(lc.index_var !== undefined ? { [pyStr(lc.index_var)]: i } : {}),
          }));
    const planned: Array<{
      runExtra: Vars;
      templar: Templar;
      file?: string;
      loaded?: TaskOrBlock[];
      role?: Record<string, unknown>;
    }> = [];
    const includeResults: TaskResult[] = [];
    let skippedAll = true;
    for (const runExtra of runs) {
      const t = this.#templar(host, task, runExtra);
      let cond: string | null;
      try {
        cond = falseCondition(t, whenChain(task));
      } catch (e) {
        this.#finish(task, host, templateFailure(e, task), t, this.#hosts.get(host)!);
        return;
      }
      if (cond !== null) {
        const r = { ...skippedByWhen(cond), _ansible_no_log: this.noLog(task) };
        if (items === null) this.#emit('taskResult', host, task, r, 'skipped');
        else
          this.#emit(
            'itemResult',
            host,
            task,
            { ...r, [loopVar]: runExtra[loopVar] },
            'skipped',
            itemLabel(task, t, runExtra[loopVar]),
          );
        continue;
      }
      skippedAll = false;
      try {
        if (task.action === 'include_role') {
          const roleArgs = t.template(task.args) as Record<string, unknown>;
          planned.push({ runExtra, templar: t, role: roleArgs });
          includeResults.push({
            include_args: roleArgs,
            ...(items === null
              ? {}
              : { _ansible_item_label: runExtra[loopVar], ansible_loop_var: loopVar, [loopVar]: runExtra[loopVar] }),
          });
        } else {
          const fileName = pyStr(t.template(task.args.file ?? task.args._raw_params));
          const file =
            this.opts.frozenIncludes?.get(task)?.get(fileName)?.file ??
            resolveTaskFile(fileName, { basedir: this.#play.basedir, file: task.pos.file, role: task.role });
          // the strategy loads an included file before it says "included" (and counts it ok): a file that is not
          // there fails the host at the include, ignore_errors or not; one that does not parse ends the run
          const loaded = this.#loadIncludedFile(task, file, fileName);
          if (loaded === null) {
            this.#emit(
              'taskResult',
              host,
              task,
              { failed: true, reason: `Could not find or access '${file}' on the Ansible Controller.` },
              'failed',
            );
            this.#stat(host, 'failures');
            this.#hosts.get(host)!.failed = true;
            return;
          }
          this.#emit('included', file, [host], items === null ? undefined : itemLabel(task, t, runExtra[loopVar]));
          this.#stat(host, 'ok');
          planned.push({ runExtra, templar: t, file, loaded });
          const { file: _f, _raw_params: _r, ...includeArgs } = t.template(task.args) as Record<string, unknown>;
          void _f;
          void _r;
          includeResults.push({
            include: fileName,
            include_args: includeArgs,
            ...(items === null
              ? {}
              : { _ansible_item_label: runExtra[loopVar], ansible_loop_var: loopVar, [loopVar]: runExtra[loopVar] }),
          });
        }
      } catch (e) {
        if (e instanceof ParseError) throw e; // an included file that does not parse ends the run
        this.#finish(task, host, templateFailure(e, task), t, this.#hosts.get(host)!);
        return;
      }
    }
    if (skippedAll) {
      if (items !== null)
        this.#emit(
          'taskResult',
          host,
          task,
          { changed: false, skipped: true, msg: 'All items skipped', results: [] },
          'skipped',
        );
      this.#stat(host, 'skipped');
      return;
    }
    if (includeResults.length) {
      const r: TaskResult =
        items === null
          ? { changed: false, ...includeResults[0] }
          : { changed: false, msg: 'All items completed', results: includeResults };
      this.#emit('taskResult', host, task, r, 'ok');
    }
    // the include itself is done: its tasks take their own turns with the other hosts
    release();
    const untilKw = task.keywords.until;
    const retries = untilKw !== undefined ? Number(templar.template(task.keywords.retries ?? 3)) + 1 : 1;
    for (const p of planned) {
      const taskVars = isDict(task.keywords.vars) ? (p.templar.template(task.keywords.vars) as Vars) : {};
      const includeExtra = { ...p.runExtra, ...taskVars };
      for (let attempt = 1; attempt <= retries; attempt++) {
        const frames = this.#stacks.get(host) ?? [];
        this.#stacks.set(host, frames);
        frames.push({ file: task.pos.file, line: task.pos.line, name: this.#taskName(task, p.templar) });
        try {
          if (p.role) {
            const { loadRole } = await import('../playbook/loader.js');
            const a = p.role;
            const block = loadRole(
              pyStr(a.name),
              {},
              { file: task.pos.file, basedir: this.#play.basedir, depth: 0, warnings: [] },
              task.parent,
              task.pos,
              {
                tasks: a.tasks_from as string,
                defaults: a.defaults_from as string,
                vars: a.vars_from as string,
                handlers: a.handlers_from as string,
              },
            );
            // each use of a role brings its own handlers: notifying by name runs every handler of that name
            if (!this.#handlerRoles.has(block.roleRoot!.key)) {
              this.#handlerRoles.add(block.roleRoot!.key);
              this.#handlers.push(...block.role!.handlers);
            }
            await this.#runList([block], host, includeExtra);
          } else {
            // loaded when planned; a retry (until:) loads the file again, as a new include would
            const loaded = attempt === 1 ? p.loaded : this.#loadIncludedFile(task, p.file!);
            if (!loaded) {
              this.#emit(
                'taskResult',
                host,
                task,
                { failed: true, reason: `Could not find or access '${p.file}' on the Ansible Controller.` },
                'failed',
              );
              this.#stat(host, 'failures');
              this.#hosts.get(host)!.failed = true;
              return;
            }
            await this.#runList(loaded, host, includeExtra);
          }
        } finally {
          frames.pop();
        }
        if (untilKw === undefined || this.#hosts.get(host)!.failed) break;
        // tsible extension: until/retries on includes (ansible/ansible#17098)
        const after = this.#templar(host, task, includeExtra);
        if ((Array.isArray(untilKw) ? untilKw : [untilKw]).every((c) => after.evaluateConditional(c))) break;
        if (attempt < retries) {
          this.#emit('retry', host, task, this.#taskName(task, after), retries - attempt, {});
          await this.opts.clock.sleep(Number(after.template(task.keywords.delay ?? 5)) * 1000, this.opts.signal);
          this.#emit('included', p.file ?? pyStr(p.role?.name), [host], undefined);
        } else {
          this.#emit('taskStart', task, this.#taskName(task, after));
          this.#finish(
            task,
            host,
            { failed: true, msg: `include did not satisfy 'until' after ${retries} attempts`, attempts: retries - 1 },
            after,
            this.#hosts.get(host)!,
          );
        }
      }
      if (this.#hosts.get(host)!.failed) return;
    }
  }

  #finish(task: Task, host: string, result: TaskResult, templar: Templar, hr: HostRun): void {
    const failed = isFailed(result);
    if (result._ansible_no_log === undefined && !Array.isArray(result.results))
      result._ansible_no_log = this.noLog(task);
    const ignoreErrors = !!this.#kw(task, 'ignore_errors') && truthy(templar.template(this.#kw(task, 'ignore_errors')));
    if (task.keywords.register !== undefined) {
      const { _ansible_verbose_always, _ansible_facts_cacheable, ...registered } = result;
      void _ansible_verbose_always;
      void _ansible_facts_cacheable;
      if (failed && registered.failed === undefined) registered.failed = true;
      this.vm.register(host, pyStr(task.keywords.register), registered);
    }
    if (
      isDict(result.ansible_facts) &&
      !failed &&
      task.action !== 'include_vars' &&
      task.action !== 'gather_facts' &&
      task.action !== 'setup'
    )
      this.vm.setFacts(host, result.ansible_facts);
    let status: ResultStatus;
    if (result.unreachable) {
      const ignore = truthy(this.#kw(task, 'ignore_unreachable') ?? false);
      status = 'unreachable';
      this.#stat(host, 'unreachable');
      if (!ignore) hr.unreachable = true;
      this.#emit('taskResult', host, task, result, status);
      return;
    }
    if (result.skipped) {
      status = 'skipped';
      this.#stat(host, 'skipped');
    } else if (failed) {
      status = ignoreErrors ? 'ignored' : 'failed';
      if (ignoreErrors) {
        this.#stat(host, 'ignored');
        this.#stat(host, 'ok');
        if (result.changed) this.#stat(host, 'changed');
      } else {
        this.#stat(host, 'failures');
        hr.failed = true;
        hr.failedTask = task;
        hr.failedResult = result;
        if (truthy(this.#kw(task, 'any_errors_fatal') ?? false) && !this.#inRescuableBlock(task)) {
          this.#fatal = true;
          this.#fatalAt = taskKey(task);
        }
      }
    } else if (result.changed) {
      status = 'changed';
      this.#stat(host, 'changed');
      this.#stat(host, 'ok');
    } else {
      status = 'ok';
      this.#stat(host, 'ok');
    }
    if (!failed && result.changed && this.#kw(task, 'notify') !== undefined) {
      const n = this.#kw(task, 'notify');
      for (const h of Array.isArray(n) ? n : [n]) {
        hr.notified.add(pyStr(h));
        // the strategy reports each handler it notifies before the result itself
        for (const handler of this.#handlers)
          if (handler.listen?.includes(pyStr(h))) this.#emit('notified', handler.name ?? handler.actionAsWritten, host);
      }
    }
    this.#emit('taskResult', host, task, result, status);
  }

  async #flushHandlers(host: string): Promise<void> {
    const hr = this.#hosts.get(host)!;
    if (!hr.notified.size || hr.failed) return;
    const notified = new Set(hr.notified);
    hr.notified.clear();
    for (const h of this.#handlers) {
      if (h.listen?.some((n) => notified.has(n))) await this.#runTask(h, host, {}, true);
    }
  }
}

/** ansible_failed_task: the failed task's attributes as Task.serialize() gives them (an unnamed task's name is ''),
 * with Ansible's defaults for the keywords the task did not set. */
function failedTaskFields(task: Task): Record<string, unknown> {
  const k = task.keywords;
  const list = (v: unknown) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
  return {
    name: task.name ?? '',
    action: task.actionAsWritten,
    args: task.args,
    when: list(k.when),
    tags: list(k.tags),
    notify: k.notify ?? null,
    register: k.register ?? null,
    ignore_errors: k.ignore_errors ?? null,
    ignore_unreachable: k.ignore_unreachable ?? null,
    no_log: k.no_log ?? null,
    loop: k.loop ?? null,
    loop_control: k.loop_control ?? null,
    until: list(k.until),
    retries: k.retries ?? null,
    delay: k.delay ?? 5,
    changed_when: list(k.changed_when),
    failed_when: list(k.failed_when),
    delegate_to: k.delegate_to ?? null,
    run_once: k.run_once ?? null,
    vars: k.vars ?? {},
    environment: list(k.environment),
    check_mode: k.check_mode ?? null,
    diff: k.diff ?? null,
    any_errors_fatal: k.any_errors_fatal ?? null,
    debugger: k.debugger ?? null,
  };
}
