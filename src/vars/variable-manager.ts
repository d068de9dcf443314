// Ansible's variable precedence for what tsible supports, lowest to highest: role defaults, inventory
// group/host vars, play vars, vars_files, role vars, block vars, task vars, include_vars, set_fact and
// registered results, role/include params, extra vars. Magic variables are added on top.
import type { Block, Play, Role, Task } from '../playbook/model.js';
import { combineVars, isDict, mergeHash } from '../python/python.js';
import { groupsOf, hostInventoryVars, type Inventory } from '../inventory/inventory.js';
import { groupHosts } from '../inventory/patterns.js';
import { openFactCache, type FactCache } from './fact-cache.js';
import { connectionVariable } from './connection-vars.js';

export type Vars = Record<string, unknown>;

/** One task's variables, name by name: its value (undefined when not set), whether it is final (never templated
 * again: facts, registered results, magic variables), and the whole dictionary when needed. */
export interface TaskVars {
  lookup(name: string): unknown;
  isFinal(name: string): boolean;
  /** Whether the name holds an unsafe value: a registered result, a fact set from an unsafe value. */
  isUnsafe(name: string): boolean;
  all(): Vars;
}

interface HostVarsState {
  facts: Vars;
  /** the names of facts that hold unsafe values (as a layer of `true`s: final, never templated again) */
  unsafeFacts: Vars;
  registered: Vars;
  includeVars: Vars;
}

/** How variables are put together (Ansible's settings). */
export interface VarsOptions {
  /** The fact cache (memory, or ANSIBLE_CACHE_PLUGIN's). */
  readonly factCache?: FactCache;
  /** DEFAULT_HASH_BEHAVIOUR merge: dictionaries of the same name are merged across precedence levels. */
  readonly hashMerge?: boolean;
  /** INJECT_FACTS_AS_VARS (true unless turned off): cached facts are variables too, not only ansible_facts. */
  readonly injectFacts?: boolean;
  /** The run's environment (the connection settings' defaults). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export class VariableManager {
  readonly hostState = new Map<string, HostVarsState>();
  readonly factCache: FactCache;
  readonly hashMerge: boolean;
  readonly injectFacts: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  constructor(
    readonly extraVars: Vars,
    readonly inventory: Inventory,
    readonly magic: Vars,
    options: VarsOptions = {},
  ) {
    this.factCache = options.factCache ?? openFactCache({}, () => {});
    this.hashMerge = options.hashMerge ?? false;
    this.injectFacts = options.injectFacts ?? true;
    this.env = options.env ?? {};
  }

  #groups: Vars | null = null;
  #groupNames = new Map<string, string[]>();
  /** The inventory changed (add_host, group_by) or a play starts: recompute `groups` and the hosts' inventory
   * variables. */
  invalidate(): void {
    this.#groups = null;
    this.#groupNames.clear();
    this.#inventoryVars.clear();
    this.#version++;
  }
  groupsDict(): Vars {
    if (!this.#groups) {
      const g: Vars = {};
      for (const name of [...this.inventory.groups.keys()].sort()) g[name] = groupHosts(this.inventory, name);
      this.#groups = g;
    }
    return this.#groups;
  }

  // A host's facts, registered results and include_vars are replaced on every change, never changed in place: a
  // task's variables (resolver) keep the objects they started with as their snapshot, without copying them.
  /** set_fact returns: these names on top of the host's facts (set_nonpersistent_facts). */
  setFacts(host: string, facts: Vars, unsafe: ReadonlyMap<string, unknown> = new Map()): void {
    const s = this.state(host);
    s.facts = { ...s.facts, ...facts };
    // a wholly unsafe value is final; one that mixes unsafe text with safe is kept marked (its safe text is
    // templated when read, its unsafe text not)
    const unsafeFacts = { ...s.unsafeFacts };
    for (const k of Object.keys(facts)) {
      delete unsafeFacts[k];
      if (!unsafe.has(k)) continue;
      if (whollyUnsafe(unsafe.get(k))) unsafeFacts[k] = true;
      else s.facts[k] = unsafe.get(k);
    }
    s.unsafeFacts = unsafeFacts;
    // registered results and set_fact facts are one dictionary in Ansible (nonpersistent facts): the last write wins
    if (Object.keys(facts).some((k) => Object.hasOwn(s.registered, k))) {
      const registered = { ...s.registered };
      for (const k of Object.keys(facts)) delete registered[k];
      s.registered = registered;
    }
    this.#version++;
  }
  /** register: the task's result under this name. */
  register(host: string, name: string, result: Vars): void {
    const s = this.state(host);
    s.registered = { ...s.registered, [name]: result };
    if (Object.hasOwn(s.facts, name)) {
      const facts = { ...s.facts };
      delete facts[name];
      s.facts = facts;
      const unsafeFacts = { ...s.unsafeFacts };
      delete unsafeFacts[name];
      s.unsafeFacts = unsafeFacts;
    }
    this.#version++;
  }
  /** include_vars (set_host_variable): a dictionary over one of the same name is combined with it. */
  addIncludeVars(host: string, vars: Vars): void {
    const s = this.state(host);
    s.includeVars = combineVars({ ...s.includeVars }, vars, this.hashMerge);
    this.#version++;
  }
  /** Facts modules return and cacheable set_fact facts: into the host's fact cache (set_host_facts). */
  setHostFacts(host: string, facts: Vars): void {
    this.factCache.set(host, { ...(this.factCache.get(host) ?? {}), ...facts });
    this.#version++;
  }
  /** The host's cached facts, as modules returned them (undefined: none). */
  hostFacts(host: string): Vars | undefined {
    return this.factCache.get(host);
  }
  /** meta clear_facts and --flush-cache: the host's fact cache emptied. */
  clearFacts(host: string): void {
    this.factCache.delete(host);
    this.#version++;
  }
  #version = 0;
  /** Changes with every change above (and of the inventory): a resolver made at the same version sees the same. */
  get version(): number {
    return this.#version;
  }

  state(host: string): HostVarsState {
    let s = this.hostState.get(host);
    if (!s) {
      s = { facts: {}, unsafeFacts: {}, registered: {}, includeVars: {} };
      this.hostState.set(host, s);
    }
    return s;
  }

  /** The groups a host belongs to, `all` left out, sorted (group_names); computed once until the inventory changes. */
  #groupNamesOf(host: string): readonly string[] {
    let names = this.#groupNames.get(host);
    if (!names) {
      names = groupsOf(this.inventory, host)
        .filter((n) => n !== 'all')
        .sort();
      this.#groupNames.set(host, names);
    }
    return names;
  }

  #inventoryVars = new Map<string, Vars>();
  /** A host's inventory variables (group and host vars), computed once until the inventory changes. */
  inventoryVars(host: string): Vars {
    let v = this.#inventoryVars.get(host);
    if (!v) {
      v = hostInventoryVars(this.inventory, host);
      this.#inventoryVars.set(host, v);
    }
    return v;
  }

  /**
   * Where a task's variables come from, highest precedence first: extra vars, the include's and loop's variables,
   * role parameters, registered results, set_fact facts, include_vars, the blocks' and task's vars, role vars,
   * vars_files, play vars, cached facts (ansible_*), inventory, role defaults. Magic variables come after all of
   * them. The host's facts, registered results and include_vars are taken as they are now.
   */
  #taskView(play: Play, host: string, task: Task | Block | undefined, extra: Vars): VarsView {
    const t = taskLayers(play, task, this.hashMerge);
    const s = this.state(host);
    const ordered = [
      this.extraVars,
      extra,
      t.params,
      s.registered,
      s.facts,
      s.includeVars,
      t.chainVars,
      t.roleVars,
      (this.magic.__vars_files as Vars | undefined) ?? NONE,
      play.vars,
      this.#factVars(host),
      this.inventoryVars(host),
      t.defaults,
    ];
    const templated = [this.extraVars, extra];
    return {
      ordered,
      templated,
      final: [s.registered, s.unsafeFacts],
      special: SPECIAL,
      magic: 'task',
      connection: true,
    };
  }
  /**
   * hostvars[host]: what VariableManager.get_vars gives for the host alone, without a play or task: extra vars,
   * set_fact facts and registered results, include_vars, cached facts, inventory; the run's magic variables and
   * the host's own (inventory_hostname, groups, ...), none of a play's (its vars, vars_files, vars_prompt, roles).
   */
  #hostView(host: string): VarsView {
    const s = this.state(host);
    const ordered = [
      this.extraVars,
      s.registered,
      s.facts,
      s.includeVars,
      this.#factVars(host),
      this.inventoryVars(host),
    ];
    const final = [s.registered, s.unsafeFacts];
    return { ordered, templated: [this.extraVars], final, special: HOST_SPECIAL, magic: 'host', connection: false };
  }

  /** The host's cached facts as variables (INJECT_FACTS_AS_VARS; else only ansible_local), once per change. */
  #factVars(host: string): Vars {
    const facts = this.factCache.get(host);
    if (!facts) return NONE;
    let v = asVars.get(facts);
    if (!v) {
      v = {};
      for (const [k, x] of Object.entries(facts))
        if (!k.startsWith('_ansible_') && (this.injectFacts || k === 'ansible_local')) v[k] = x;
      asVars.set(facts, v);
    }
    return v;
  }

  /** Everything a task on `host` sees, and which names hold final (never re-templated) values. */
  getVars(play: Play, host: string, task?: Task | Block, extra: Vars = {}): { vars: Vars; final: Set<string> } {
    return this.collect(this.#taskView(play, host, task, extra), { play, host, task, extra });
  }
  /** (for getVars and Resolver.all) The whole dictionary of a view. */
  collect(view: VarsView, query: VarsQuery): { vars: Vars; final: Set<string> } {
    const vars: Vars = {};
    for (let i = view.ordered.length - 1; i >= 0; i--) combineVars(vars, view.ordered[i]!, this.hashMerge);
    const final = new Set<string>(view.final.flatMap((l) => Object.keys(l)));
    for (const l of view.templated) for (const k of Object.keys(l)) final.delete(k);
    for (const k in this.magic)
      if (this.#isMagic(view, k) && !(k in vars)) {
        vars[k] = this.magic[k];
        final.add(k);
      }
    for (const name of view.special) {
      const sp = this.#special(query, name);
      if (sp) {
        vars[name] = sp.value;
        final.add(name);
      }
    }
    return { vars, final };
  }
  /** (for Resolver) Whether a run or play magic variable belongs in the view. */
  isMagic(view: VarsView, name: string): boolean {
    return this.#isMagic(view, name);
  }
  #isMagic(view: VarsView, name: string): boolean {
    return (
      Object.hasOwn(this.magic, name) && name !== '__vars_files' && (view.magic === 'task' || !PLAY_MAGIC.has(name))
    );
  }

  /** The magic variables worked out for each task: the inventory's view, the play's roles and the task's role. */
  #special({ play, host, task }: VarsQuery, name: string): { value: unknown } | undefined {
    switch (name) {
      case 'groups':
        return { value: this.groupsDict() };
      case 'inventory_hostname':
        return { value: host };
      case 'inventory_hostname_short':
        return { value: host.split('.')[0] };
      case 'group_names':
        return { value: [...this.#groupNamesOf(host)] };
      case 'ansible_facts':
        return { value: namespaceFacts(this.factCache.get(host)) };
      case 'role_name':
        return task?.role
          ? { value: task.role.collection ? task.role.name.split('.').at(-1) : task.role.name }
          : undefined;
      case 'ansible_role_name':
        return task?.role ? { value: task.role.name } : undefined;
      case 'ansible_collection_name':
        return task?.role ? { value: task.role.collection ?? null } : undefined;
      case 'role_path':
        return task?.role ? { value: task.role.path } : undefined;
      case 'role_names':
      case 'ansible_play_role_names':
        return { value: playRoles(play).map((r) => r.name) };
      case 'ansible_dependent_role_names':
        return { value: dependentRoleNames(play) };
      case 'ansible_role_names':
        return { value: [...new Set([...dependentRoleNames(play), ...playRoles(play).map((r) => r.name)])] };
    }
    return undefined;
  }

  /**
   * The same variables as getVars, resolved one name at a time without building the whole dictionary (what a
   * task's templates need; `all()` builds it when something must list every name).
   */
  resolver(play: Play, host: string, task?: Task | Block, extra: Vars = {}): TaskVars {
    return new Resolver(this, this.#taskView(play, host, task, extra), { play, host, task, extra });
  }
  /** hostvars[host]'s variables, name by name (the play is only asked for nothing: no play magic is in them). */
  hostVars(play: Play, host: string): TaskVars {
    return new Resolver(this, this.#hostView(host), { play, host, task: undefined, extra: NONE });
  }
  /** (for Resolver) */
  special(query: VarsQuery, name: string): { value: unknown } | undefined {
    return this.#special(query, name);
  }
}

/** Whose variables a Resolver resolves: getVars' arguments. */
interface VarsQuery {
  readonly play: Play;
  readonly host: string;
  readonly task: Task | Block | undefined;
  readonly extra: Vars;
}

/** A set of layers and what is final in it: a task's variables, or a host's (hostvars). */
interface VarsView {
  /** highest precedence first */
  readonly ordered: readonly Vars[];
  /** layers whose names are templated again, whatever a lower layer says (extra vars) */
  readonly templated: readonly Vars[];
  /** layers whose values are final and unsafe (registered results; the names of facts set from unsafe values):
   * never templated again */
  readonly final: readonly Vars[];
  readonly special: ReadonlySet<string>;
  /** which magic variables of the run apply: all, or none of the play's */
  readonly magic: 'task' | 'host';
  /** whether the connection variables a task sees are offered (never in `vars`: update_vars comes after it) */
  readonly connection: boolean;
}

/** One task's (or host's) variables, name by name (made for every templar: a class, no closures). The host's facts
 * and registered results are the objects the layers were taken from: replaced, never changed, on a change. */
class Resolver implements TaskVars {
  #all: Vars | undefined;
  constructor(
    readonly vm: VariableManager,
    readonly view: VarsView,
    readonly query: VarsQuery,
  ) {}
  lookup(name: string): unknown {
    const v = this.#variable(name);
    if (v !== undefined || !this.view.connection) return v;
    const { play, host, task } = this.query;
    const source = { lookup: (n: string) => this.#variable(n), host, play, task, env: this.vm.env };
    return connectionVariable(name, { ...source, defaultConnection: this.vm.inventory.defaultConnection })?.value;
  }
  #variable(name: string): unknown {
    const sp = this.view.special.has(name) ? this.vm.special(this.query, name) : undefined;
    if (sp) return sp.value;
    const layers = this.view.ordered;
    for (let i = 0; i < layers.length; i++)
      if (Object.hasOwn(layers[i]!, name)) {
        const v = layers[i]![name];
        return this.vm.hashMerge && isDict(v) ? mergedBelow(layers, i, name) : v;
      }
    if (this.vm.isMagic(this.view, name)) return this.vm.magic[name];
    return undefined;
  }
  isFinal(name: string): boolean {
    if (this.view.special.has(name) && this.vm.special(this.query, name)) return true;
    if (this.view.templated.some((l) => Object.hasOwn(l, name))) return false;
    if (this.view.final.some((l) => Object.hasOwn(l, name))) return true;
    if (this.view.ordered.some((layer) => Object.hasOwn(layer, name))) return false;
    return this.vm.isMagic(this.view, name);
  }
  isUnsafe(name: string): boolean {
    if (this.view.special.has(name) && this.vm.special(this.query, name)) return false;
    if (this.view.templated.some((l) => Object.hasOwn(l, name))) return false;
    return this.view.final.some((l) => Object.hasOwn(l, name));
  }
  all(): Vars {
    return (this.#all ??= this.vm.collect(this.view, this.query).vars);
  }
}

/** With hash merging: the dictionary at layers[top] over those of the same name below it, down to the first value
 * that is no dictionary (which a dictionary above replaces). */
function mergedBelow(layers: readonly Vars[], top: number, name: string): Vars {
  const found: Vars[] = [];
  for (let i = top; i < layers.length; i++) {
    if (!Object.hasOwn(layers[i]!, name)) continue;
    const v = layers[i]![name];
    if (!isDict(v)) break;
    found.push(v);
  }
  return found.reduceRight((acc: Vars, d) => mergeHash(acc, d), {});
}

/** Whether every text in a value is unsafe (UnsafeText): nothing in it would be templated. */
function whollyUnsafe(v: unknown, seen = new Set<object>()): boolean {
  if (typeof v === 'string') return false;
  if (!Array.isArray(v) && !isDict(v)) return true;
  // (a list or dict YAML aliases share is looked into once)
  if (seen.has(v)) return true;
  seen.add(v);
  return (Array.isArray(v) ? v : Object.values(v)).every((x) => whollyUnsafe(x, seen));
}

const NONE: Vars = Object.freeze({}) as Vars;
const SPECIAL = new Set([
  'groups',
  'inventory_hostname',
  'inventory_hostname_short',
  'group_names',
  'ansible_facts',
  'role_name',
  'role_path',
  'ansible_role_name',
  'ansible_collection_name',
  'role_names',
  'ansible_play_role_names',
  'ansible_dependent_role_names',
  'ansible_role_names',
]);
/** The magic variables a host has without a play (Host.get_magic_vars, the inventory's groups, its facts). */
const HOST_SPECIAL = new Set([
  'groups',
  'inventory_hostname',
  'inventory_hostname_short',
  'group_names',
  'ansible_facts',
]);
/** The magic variables a play sets: not in hostvars. */
const PLAY_MAGIC = new Set([
  'ansible_play_hosts',
  'ansible_play_batch',
  'ansible_play_hosts_all',
  'play_hosts',
  'ansible_play_name',
]);

/** The play's roles (Play.roles): those of `roles:`, then import_role's and public include_role's, as added. */
function playRoles(play: Play): Role[] {
  return [...play.roles.flatMap((b) => (b.role ? [b.role] : [])), ...play.publicRoles];
}
/** The names of every role the play's roles depend on, directly or through others (Role.get_all_dependencies). */
function dependentRoleNames(play: Play): string[] {
  const names = new Set<string>();
  const visit = (r: Role) => {
    for (const d of r.dependencies) {
      visit(d);
      names.add(d.name);
    }
  };
  playRoles(play).forEach(visit);
  return [...names];
}

/** Cached facts as variables, once per change of the host's cache. */
const asVars = new WeakMap<Vars, Vars>();
/** namespace_facts: the cached facts as ansible_facts holds them, ansible_ taken off their names (ansible_local
 * keeps it). */
const namespaced = new WeakMap<Vars, Vars>();
function namespaceFacts(facts: Vars | undefined): Vars {
  if (!facts) return {};
  let v = namespaced.get(facts);
  if (!v) {
    v = {};
    for (const [k, x] of Object.entries(facts))
      v[k.startsWith('ansible_') && k !== 'ansible_local' ? k.slice(8) : k] = x;
    namespaced.set(facts, v);
  }
  return v;
}

/** Role defaults and vars as a task sees them. Those of every role of the play are public in 2.14; then the task's
 * own role's, after the roles it came through (its dependency chain): defaults of its dependencies, of the chain,
 * its own (Role.get_default_vars); vars of the chain, of its dependencies, its own (Role.get_vars). */
function roleLayers(
  ofPlay: readonly Role[],
  chainRoles: readonly Role[],
  merge: boolean,
): { defaults: Vars; roleVars: Vars } {
  const defaults: Vars = {},
    roleVars: Vars = {};
  const add = (into: Vars, from: Vars) => combineVars(into, from, merge);
  for (const r of ofPlay) {
    add(defaults, withDependencies(r, 'defaults', merge));
    add(roleVars, withDependencies(r, 'vars', merge));
  }
  const own = chainRoles.at(-1);
  if (!own) return { defaults, roleVars };
  const parents = chainRoles.slice(0, -1);
  for (const d of own.dependencies) add(defaults, withDependencies(d, 'defaults', merge));
  for (const p of parents) add(defaults, p.defaults);
  add(defaults, own.defaults);
  for (const p of parents) add(roleVars, p.vars);
  for (const d of own.dependencies) add(roleVars, withDependencies(d, 'vars', merge));
  add(roleVars, own.vars);
  return { defaults, roleVars };
}

/** A role's defaults or vars over those of the roles it depends on, theirs first (once per role and hash
 * behaviour: roles do not change once loaded). */
const merged = {
  defaults: [new WeakMap<Role, Vars>(), new WeakMap<Role, Vars>()],
  vars: [new WeakMap<Role, Vars>(), new WeakMap<Role, Vars>()],
};
function withDependencies(role: Role, which: 'defaults' | 'vars', merge: boolean): Vars {
  const cache = merged[which][merge ? 1 : 0]!;
  let v = cache.get(role);
  if (!v) {
    v = {};
    for (const d of role.dependencies) combineVars(v, withDependencies(d, which, merge), merge);
    combineVars(v, role[which], merge);
    cache.set(role, v);
  }
  return v;
}

/** The include parameters of a task's chain, outermost first: a static `include`'s, and for a role that
 * include_role or import_role brought from inside another role, the roles it was brought from, innermost first
 * (IncludeRole.get_include_params). */
function includeParams(chain: ReadonlyArray<Task | Block>): Vars {
  const params: Vars = {};
  for (const n of chain) {
    if (n.kind !== 'block') continue;
    if (n.includeParams) Object.assign(params, n.includeParams);
    const parent = n.roleRoot?.parentRole;
    if (!parent) continue;
    Object.assign(params, parent.params);
    const names = Array.isArray(params.ansible_parent_role_names) ? params.ansible_parent_role_names : [];
    const paths = Array.isArray(params.ansible_parent_role_paths) ? params.ansible_parent_role_paths : [];
    params.ansible_parent_role_names = [parent.name, ...names];
    params.ansible_parent_role_paths = [parent.path, ...paths];
  }
  return params;
}

/** What a task's place in the play decides: its roles' defaults and vars, its blocks' and own vars, its role's
 * parameters. They never change once loaded, so they are merged once per task (and play). */
interface TaskLayers {
  readonly play: Play;
  readonly merge: boolean;
  /** How many public roles the play had (include_role with `public` adds to them while the play runs). */
  readonly publicRoles: number;
  readonly defaults: Vars;
  readonly roleVars: Vars;
  readonly chainVars: Vars;
  readonly params: Vars;
}
const byTask = new WeakMap<object, TaskLayers>();
function taskLayers(play: Play, task: Task | Block | undefined, merge: boolean): TaskLayers {
  const key: object = task ?? play;
  const hit = byTask.get(key);
  if (hit && hit.play === play && hit.merge === merge && hit.publicRoles === play.publicRoles.length) return hit;
  // the task's blocks, outermost first
  const chain: Array<Task | Block> = [];
  for (let n: Task | Block | undefined = task; n; n = n.parent) chain.unshift(n);
  const chainRoles = [...new Set(chain.map((n) => n.role).filter((r) => r !== undefined))];
  const { defaults, roleVars } = roleLayers(playRoles(play), chainRoles, merge);
  const chainVars: Vars = {},
    params: Vars = {};
  for (const n of chain)
    for (const v of Array.isArray(n.keywords.vars) ? n.keywords.vars : [n.keywords.vars])
      if (isDict(v)) Object.assign(chainVars, v);
  // role parameters belong to that one use of the role
  for (const r of chainRoles) combineVars(params, r.params, merge);
  Object.assign(params, includeParams(chain));
  const layers = { play, merge, publicRoles: play.publicRoles.length, defaults, roleVars, chainVars, params };
  byTask.set(key, layers);
  return layers;
}
