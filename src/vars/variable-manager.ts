// Ansible's variable precedence for what tsible supports, lowest to highest: role defaults, inventory
// group/host vars, play vars, vars_files, role vars, block vars, task vars, include_vars, set_fact and
// registered results, role/include params, extra vars. Magic variables are added on top.
import type { Block, Play, Role, Task } from '../playbook/model.js';
import { isDict } from '../python/python.js';
import { factsAsVars } from '../facts.js';
import { groupsOf, hostInventoryVars, type Inventory } from '../inventory/inventory.js';
import { groupHosts } from '../inventory/patterns.js';

export type Vars = Record<string, unknown>;

/** One task's variables, name by name: its value (undefined when not set), whether it is final (never templated
 * again: facts, registered results, magic variables), and the whole dictionary when needed. */
export interface TaskVars {
  lookup(name: string): unknown;
  isFinal(name: string): boolean;
  all(): Vars;
}

interface HostVarsState {
  facts: Vars;
  registered: Vars;
  includeVars: Vars;
  gathered?: Vars;
  /** Facts set_fact made with cacheable: yes (the fact cache): in ansible_facts beside the gathered ones. */
  cached?: Vars;
}

export class VariableManager {
  readonly hostState = new Map<string, HostVarsState>();
  constructor(
    readonly extraVars: Vars,
    readonly inventory: Inventory,
    readonly magic: Vars,
  ) {}

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
  /** set_fact and facts modules return: these names on top of the host's facts. */
  setFacts(host: string, facts: Vars): void {
    const s = this.state(host);
    s.facts = { ...s.facts, ...facts };
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
    }
    this.#version++;
  }
  addIncludeVars(host: string, vars: Vars): void {
    const s = this.state(host);
    s.includeVars = { ...s.includeVars, ...vars };
    this.#version++;
  }
  /** gather_facts / setup (undefined: meta clear_facts, which empties the fact cache too). */
  setGathered(host: string, facts: Vars | undefined): void {
    const s = this.state(host);
    s.gathered = facts;
    if (facts === undefined) s.cached = undefined;
    this.#version++;
  }
  /** set_fact with cacheable: yes: the facts join the host's fact cache as well. */
  cacheFacts(host: string, facts: Vars): void {
    const s = this.state(host);
    s.cached = { ...s.cached, ...facts };
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
      s = { facts: {}, registered: {}, includeVars: {} };
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
   * vars_files, play vars, gathered facts (ansible_*), inventory, role defaults. Magic variables come after all of
   * them. The host's facts, registered results and include_vars are taken as they are now.
   */
  #layers(play: Play, host: string, task: Task | Block | undefined, extra: Vars): Vars[] {
    const t = taskLayers(play, task);
    const s = this.state(host);
    const gathered = s.gathered ? gatheredAsVars(s.gathered) : NONE;
    // (indices 0, 1, 3 and 4 are named in LAYER)
    return [
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
      gathered,
      this.inventoryVars(host),
      t.defaults,
    ];
  }

  /** Everything a task on `host` sees, and which names hold final (never re-templated) values. */
  getVars(play: Play, host: string, task?: Task | Block, extra: Vars = {}): { vars: Vars; final: Set<string> } {
    const layers = this.#layers(play, host, task, extra);
    const vars: Vars = {};
    for (let i = layers.length - 1; i >= 0; i--) Object.assign(vars, layers[i]);
    const s = this.state(host);
    const final = new Set<string>([...Object.keys(s.facts), ...Object.keys(s.registered)]);
    for (const k of Object.keys(extra)) final.delete(k);
    for (const k of Object.keys(this.extraVars)) final.delete(k);
    for (const k in this.magic)
      if (k !== '__vars_files' && !(k in vars)) {
        vars[k] = this.magic[k];
        final.add(k);
      }
    for (const name of SPECIAL) {
      const sp = this.#special({ play, host, task }, name);
      if (sp) {
        vars[name] = sp.value;
        final.add(name);
      }
    }
    return { vars, final };
  }

  /** The magic variables worked out for each task: the inventory's view, the play's roles and the task's role. */
  #special(
    { play, host, task }: { play: Play; host: string; task: Task | Block | undefined },
    name: string,
  ): { value: unknown } | undefined {
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
        return { value: { ...(this.state(host).gathered ?? {}), ...(this.state(host).cached ?? {}) } };
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
    return new Resolver(this, this.#layers(play, host, task, extra), { play, host, task, extra });
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

/** One task's variables, name by name (made for every templar: a class, no closures). The host's facts and
 * registered results are the objects the layers were taken from: replaced, never changed, on a change. */
class Resolver implements TaskVars {
  #all: Vars | undefined;
  constructor(
    readonly vm: VariableManager,
    readonly ordered: readonly Vars[],
    readonly query: VarsQuery,
  ) {}
  lookup(name: string): unknown {
    const sp = SPECIAL.has(name) ? this.vm.special(this.query, name) : undefined;
    if (sp) return sp.value;
    for (const layer of this.ordered) if (Object.hasOwn(layer, name)) return layer[name];
    if (name !== '__vars_files' && Object.hasOwn(this.vm.magic, name)) return this.vm.magic[name];
    return undefined;
  }
  isFinal(name: string): boolean {
    if (SPECIAL.has(name) && this.vm.special(this.query, name)) return true;
    const o = this.ordered;
    if (Object.hasOwn(o[LAYER.extraVars]!, name) || Object.hasOwn(o[LAYER.extra]!, name)) return false;
    if (Object.hasOwn(o[LAYER.registered]!, name) || Object.hasOwn(o[LAYER.facts]!, name)) return true;
    if (this.ordered.some((layer) => Object.hasOwn(layer, name))) return false;
    return name !== '__vars_files' && Object.hasOwn(this.vm.magic, name);
  }
  all(): Vars {
    const { play, host, task, extra } = this.query;
    return (this.#all ??= this.vm.getVars(play, host, task, extra).vars);
  }
}

/** Where #layers puts the layers whose names are not templated again (or are, whatever else says). */
const LAYER = { extraVars: 0, extra: 1, registered: 3, facts: 4 } as const;
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

/** Gathered facts as the variables INJECT_FACTS_AS_VARS makes of them (ansible_*), once per gathering. */
const asVars = new WeakMap<Vars, Vars>();
function gatheredAsVars(gathered: Vars): Vars {
  let v = asVars.get(gathered);
  if (!v) {
    v = factsAsVars(gathered);
    asVars.set(gathered, v);
  }
  return v;
}

/** Role defaults and vars as a task sees them. Those of every role of the play are public in 2.14; then the task's
 * own role's, after the roles it came through (its dependency chain): defaults of its dependencies, of the chain,
 * its own (Role.get_default_vars); vars of the chain, of its dependencies, its own (Role.get_vars). */
function roleLayers(ofPlay: readonly Role[], chainRoles: readonly Role[]): { defaults: Vars; roleVars: Vars } {
  const defaults: Vars = {},
    roleVars: Vars = {};
  for (const r of ofPlay) {
    Object.assign(defaults, withDependencies(r, 'defaults'));
    Object.assign(roleVars, withDependencies(r, 'vars'));
  }
  const own = chainRoles.at(-1);
  if (!own) return { defaults, roleVars };
  const parents = chainRoles.slice(0, -1);
  for (const d of own.dependencies) Object.assign(defaults, withDependencies(d, 'defaults'));
  for (const p of parents) Object.assign(defaults, p.defaults);
  Object.assign(defaults, own.defaults);
  for (const p of parents) Object.assign(roleVars, p.vars);
  for (const d of own.dependencies) Object.assign(roleVars, withDependencies(d, 'vars'));
  Object.assign(roleVars, own.vars);
  return { defaults, roleVars };
}

/** A role's defaults or vars over those of the roles it depends on, theirs first (once per role: roles do not
 * change once loaded). */
const merged = { defaults: new WeakMap<Role, Vars>(), vars: new WeakMap<Role, Vars>() };
function withDependencies(role: Role, which: 'defaults' | 'vars'): Vars {
  let v = merged[which].get(role);
  if (!v) {
    v = {};
    for (const d of role.dependencies) Object.assign(v, withDependencies(d, which));
    Object.assign(v, role[which]);
    merged[which].set(role, v);
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
  /** How many public roles the play had (include_role with `public` adds to them while the play runs). */
  readonly publicRoles: number;
  readonly defaults: Vars;
  readonly roleVars: Vars;
  readonly chainVars: Vars;
  readonly params: Vars;
}
const byTask = new WeakMap<object, TaskLayers>();
function taskLayers(play: Play, task: Task | Block | undefined): TaskLayers {
  const key: object = task ?? play;
  const hit = byTask.get(key);
  if (hit && hit.play === play && hit.publicRoles === play.publicRoles.length) return hit;
  // the task's blocks, outermost first
  const chain: Array<Task | Block> = [];
  for (let n: Task | Block | undefined = task; n; n = n.parent) chain.unshift(n);
  const chainRoles = [...new Set(chain.map((n) => n.role).filter((r) => r !== undefined))];
  const { defaults, roleVars } = roleLayers(playRoles(play), chainRoles);
  const chainVars: Vars = {},
    params: Vars = {};
  for (const n of chain)
    for (const v of Array.isArray(n.keywords.vars) ? n.keywords.vars : [n.keywords.vars])
      if (isDict(v)) Object.assign(chainVars, v);
  // role parameters belong to that one use of the role
  for (const r of chainRoles) Object.assign(params, r.params);
  Object.assign(params, includeParams(chain));
  const layers = { play, publicRoles: play.publicRoles.length, defaults, roleVars, chainVars, params };
  byTask.set(key, layers);
  return layers;
}
