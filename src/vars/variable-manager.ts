// Ansible's variable precedence for what tsible supports, lowest to highest: role defaults, inventory
// group/host vars, play vars, vars_files, role vars, block vars, task vars, include_vars, set_fact and
// registered results, role/include params, extra vars. Magic variables are added on top.
import type { Block, Play, Task } from '../playbook/model.js';
import { isDict } from '../template/python.js';
import { factsAsVars } from '../facts.js';
import { groupsOf, hostInventoryVars, matchHosts, type Inventory } from '../inventory/inventory.js';

export type Vars = Record<string, unknown>;

/** One task's variables, name by name: its value (undefined when not set), whether it is final (never templated
 * again: facts, registered results, magic variables), and the whole dictionary when needed. */
export interface TaskVars { lookup(name: string): unknown; isFinal(name: string): boolean; all(): Vars }

export interface HostVarsState { facts: Vars; registered: Vars; includeVars: Vars; gathered?: Vars }


export class VariableManager {
  readonly hostState = new Map<string, HostVarsState>();
  constructor(readonly extraVars: Vars, readonly inventory: Inventory, readonly magic: Vars) {}

  #groups: Vars | null = null;
  #groupNames = new Map<string, string[]>();
  /** The layers below the host's facts that only change with the inventory or the play, per task and host. */
  #static = new WeakMap<object, Map<string, { gathered: Vars | undefined; base: Vars; params: Vars }>>();
  /** The inventory changed (add_host, group_by) or a play starts (its magic variables and vars_files):
   * recompute `groups` and the cached layers. */
  invalidate(): void { this.#groups = null; this.#groupNames.clear(); this.#inventoryVars.clear(); this.#static = new WeakMap() }
  groupsDict(): Vars {
    if (!this.#groups) { const g: Vars = {}; for (const name of [...this.inventory.groups.keys()].sort()) g[name] = matchHosts(this.inventory, name); this.#groups = g }
    return this.#groups;
  }

  // A host's facts, registered results and include_vars are replaced on every change, never changed in place: a
  // task's variables (resolver) keep the objects they started with as their snapshot, without copying them.
  /** set_fact and facts modules return: these names on top of the host's facts. */
  setFacts(host: string, facts: Vars): void { const s = this.state(host); s.facts = { ...s.facts, ...facts } }
  /** register: the task's result under this name. */
  register(host: string, name: string, result: Vars): void { const s = this.state(host); s.registered = { ...s.registered, [name]: result } }
  addIncludeVars(host: string, vars: Vars): void { const s = this.state(host); s.includeVars = { ...s.includeVars, ...vars } }

  state(host: string): HostVarsState {
    let s = this.hostState.get(host);
    if (!s) { s = { facts: {}, registered: {}, includeVars: {} }; this.hostState.set(host, s) }
    return s;
  }

  /** The groups a host belongs to, `all` left out, sorted (group_names); computed once until the inventory changes. */
  #groupNamesOf(host: string): readonly string[] {
    let names = this.#groupNames.get(host);
    if (!names) { names = groupsOf(this.inventory, host).filter((n) => n !== 'all').sort(); this.#groupNames.set(host, names) }
    return names;
  }

  #inventoryVars = new Map<string, Vars>();
  /** A host's inventory variables (group and host vars), computed once until the inventory changes. */
  inventoryVars(host: string): Vars {
    let v = this.#inventoryVars.get(host);
    if (!v) { v = hostInventoryVars(this.inventory, host); this.#inventoryVars.set(host, v) }
    return v;
  }

  /** Everything a task on `host` sees, and which names hold final (never re-templated) values. */
  getVars(play: Play, host: string, task?: Task | Block, extra: Vars = {}): { vars: Vars; final: Set<string> } {
    const chain: Array<Task | Block> = [];
    for (let n: Task | Block | undefined = task; n; n = n.parent) chain.unshift(n);
    const layers = this.#staticLayers(play, host, task, chain);
    const vars: Vars = { ...layers.base };
    const s = this.state(host);
    Object.assign(vars, s.includeVars);
    const final = new Set<string>();
    for (const [k, v] of Object.entries(s.facts)) { vars[k] = v; final.add(k) }
    for (const [k, v] of Object.entries(s.registered)) { vars[k] = v; final.add(k) }
    Object.assign(vars, layers.params);
    Object.assign(vars, extra);
    for (const k of Object.keys(extra)) final.delete(k);
    Object.assign(vars, this.extraVars);
    for (const k of Object.keys(this.extraVars)) final.delete(k);
    for (const k in this.magic) if (k !== '__vars_files' && !(k in vars)) { vars[k] = this.magic[k]; final.add(k) }
    vars.groups = this.groupsDict();
    final.add('groups');
    vars.inventory_hostname = host;
    vars.inventory_hostname_short = host.split('.')[0];
    vars.group_names = [...this.#groupNamesOf(host)];
    vars.ansible_facts = { ...(s.gathered ?? {}) };
    for (const k of ['inventory_hostname', 'inventory_hostname_short', 'group_names', 'ansible_facts']) final.add(k);
    if (chain.length && chain[chain.length - 1]!.role) { vars.role_name = chain[chain.length - 1]!.role!.name; vars.role_path = chain[chain.length - 1]!.role!.path; final.add('role_name'); final.add('role_path') }
    return { vars, final };
  }

  /**
   * The same variables as getVars, resolved one name at a time without building the whole dictionary (what a
   * task's templates need; `all()` builds it when something must list every name). The host's facts, registered
   * results and include_vars are taken as they are now, as getVars would.
   */
  resolver(play: Play, host: string, task?: Task | Block, extra: Vars = {}): TaskVars {
    const chain: Array<Task | Block> = [];
    for (let n: Task | Block | undefined = task; n; n = n.parent) chain.unshift(n);
    const layers = this.#staticLayers(play, host, task, chain);
    const s = this.state(host);
    const { facts, registered, includeVars } = s;
    // highest precedence first
    const ordered: Vars[] = [this.extraVars, extra, layers.params, registered, facts, includeVars, layers.base];
    const role = chain.length ? chain[chain.length - 1]!.role : undefined;
    const special = (name: string): { value: unknown } | undefined => {
      switch (name) {
        case 'groups': return { value: this.groupsDict() };
        case 'inventory_hostname': return { value: host };
        case 'inventory_hostname_short': return { value: host.split('.')[0] };
        case 'group_names': return { value: [...this.#groupNamesOf(host)] };
        case 'ansible_facts': return { value: { ...(s.gathered ?? {}) } };
        case 'role_name': return role ? { value: role.name } : undefined;
        case 'role_path': return role ? { value: role.path } : undefined;
      }
      return undefined;
    };
    let all: Vars | undefined;
    return {
      lookup: (name) => {
        const sp = special(name);
        if (sp) return sp.value;
        for (const layer of ordered) if (Object.hasOwn(layer, name)) return layer[name];
        if (name !== '__vars_files' && Object.hasOwn(this.magic, name)) return this.magic[name];
        return undefined;
      },
      isFinal: (name) => {
        if (special(name)) return true;
        if (Object.hasOwn(this.extraVars, name) || Object.hasOwn(extra, name)) return false;
        if (Object.hasOwn(registered, name) || Object.hasOwn(facts, name)) return true;
        if (ordered.some((layer) => Object.hasOwn(layer, name))) return false;
        return name !== '__vars_files' && Object.hasOwn(this.magic, name);
      },
      all: () => (all ??= this.getVars(play, host, task, extra).vars),
    };
  }

  /** Role defaults, inventory, gathered facts, play vars, vars_files, role vars and the blocks' and task's vars,
   * in that order, and the role parameters (applied above the facts): computed once per task and host. */
  #staticLayers(play: Play, host: string, task: Task | Block | undefined, chain: ReadonlyArray<Task | Block>): { base: Vars; params: Vars } {
    const key: object = task ?? play;
    let byHost = this.#static.get(key);
    if (!byHost) { byHost = new Map(); this.#static.set(key, byHost) }
    const gathered = this.state(host).gathered;
    const hit = byHost.get(host);
    if (hit && hit.gathered === gathered) return hit;
    const base: Vars = {};
    // role defaults and vars are public in 2.14: the play's roles are visible to every task of the play
    // a role's vars include its dependencies' (Role.get_vars), so the dependencies of the play's roles count too
    const playRoles: NonNullable<Block['role']>[] = [];
    // dependencies first: a role's own defaults and vars override its dependencies' (Role.get_vars)
    const collect = (b: Block) => { for (const c of b.block) if (c.kind === 'block') collect(c); if (b.roleRoot && b.role) playRoles.push(b.role) };
    for (const b of play.roles) collect(b);
    const roles = [...new Set([...playRoles, ...chain.map((n) => n.role).filter((r) => r !== undefined)])];
    for (const r of roles) Object.assign(base, r!.defaults);
    Object.assign(base, this.inventoryVars(host));
    // gathered facts sit between inventory and play vars, injected as ansible_* (INJECT_FACTS_AS_VARS)
    if (gathered) Object.assign(base, factsAsVars(gathered));
    Object.assign(base, play.vars);
    Object.assign(base, this.magic.__vars_files ?? {});
    for (const r of roles) Object.assign(base, r!.vars);
    for (const n of chain) for (const v of Array.isArray(n.keywords.vars) ? n.keywords.vars : [n.keywords.vars]) if (isDict(v)) Object.assign(base, v);
    // role parameters belong to that one use of the role
    const params: Vars = {};
    for (const r of new Set(chain.map((n) => n.role).filter((x) => x !== undefined))) Object.assign(params, r!.params);
    const entry = { gathered, base, params };
    byHost.set(host, entry);
    return entry;
  }
}
