// Ansible's variable precedence for what tsible supports, lowest to highest: role defaults, inventory
// group/host vars, play vars, vars_files, role vars, block vars, task vars, include_vars, set_fact and
// registered results, role/include params, extra vars. Magic variables are added on top.
import type { Block, Play, Task } from '../playbook/model.js';
import { isDict } from '../template/python.js';
import { groupsOf, hostInventoryVars, matchHosts, type Inventory } from '../inventory/inventory.js';

export type Vars = Record<string, unknown>;

export interface HostVarsState { facts: Vars; registered: Vars; includeVars: Vars; gathered?: Vars }


export class VariableManager {
  readonly hostState = new Map<string, HostVarsState>();
  constructor(readonly extraVars: Vars, readonly inventory: Inventory, readonly magic: Vars) {}

  #groups: Vars | null = null;
  /** The inventory changed (add_host, group_by): recompute `groups`. */
  invalidate(): void { this.#groups = null }
  groupsDict(): Vars {
    if (!this.#groups) { const g: Vars = {}; for (const name of [...this.inventory.groups.keys()].sort()) g[name] = matchHosts(this.inventory, name); this.#groups = g }
    return this.#groups;
  }

  state(host: string): HostVarsState {
    let s = this.hostState.get(host);
    if (!s) { s = { facts: {}, registered: {}, includeVars: {} }; this.hostState.set(host, s) }
    return s;
  }

  inventoryVars(host: string): Vars { return hostInventoryVars(this.inventory, host) }

  /** Everything a task on `host` sees, and which names hold final (never re-templated) values. */
  getVars(play: Play, host: string, task?: Task | Block, extra: Vars = {}): { vars: Vars; final: Set<string> } {
    const vars: Vars = {};
    const chain: Array<Task | Block> = [];
    for (let n: Task | Block | undefined = task; n; n = n.parent) chain.unshift(n);
    // role defaults and vars are public in 2.14: the play's roles are visible to every task of the play
    const playRoles = play.roles.map((b) => b.role).filter((r) => r !== undefined);
    const roles = [...new Set([...playRoles, ...chain.map((n) => n.role).filter((r) => r !== undefined)])];
    for (const r of roles) Object.assign(vars, r!.defaults);
    Object.assign(vars, this.inventoryVars(host));
    const s0 = this.state(host);
    // gathered facts sit between inventory and play vars, injected as ansible_* (INJECT_FACTS_AS_VARS)
    if (s0.gathered) for (const [k, v] of Object.entries(s0.gathered)) vars[k === 'gather_subset' || k === 'module_setup' ? k : `ansible_${k}`] = v;
    Object.assign(vars, play.vars);
    Object.assign(vars, this.magic.__vars_files ?? {});
    for (const r of roles) Object.assign(vars, r!.vars);
    for (const n of chain) for (const v of Array.isArray(n.keywords.vars) ? n.keywords.vars : [n.keywords.vars]) if (isDict(v)) Object.assign(vars, v);
    const s = this.state(host);
    Object.assign(vars, s.includeVars);
    const final = new Set<string>();
    for (const [k, v] of Object.entries(s.facts)) { vars[k] = v; final.add(k) }
    for (const [k, v] of Object.entries(s.registered)) { vars[k] = v; final.add(k) }
    // role parameters belong to that one use of the role
    for (const r of new Set(chain.map((n) => n.role).filter((x) => x !== undefined))) Object.assign(vars, r!.params);
    Object.assign(vars, extra);
    for (const k of Object.keys(extra)) final.delete(k);
    Object.assign(vars, this.extraVars);
    for (const k of Object.keys(this.extraVars)) final.delete(k);
    const { __vars_files, ...magic } = this.magic;
    void __vars_files;
    for (const [k, v] of Object.entries(magic)) if (!(k in vars)) { vars[k] = v; final.add(k) }
    vars.groups = this.groupsDict();
    final.add('groups');
    vars.inventory_hostname = host;
    vars.inventory_hostname_short = host.split('.')[0];
    vars.group_names = groupsOf(this.inventory, host).filter((n) => n !== 'all').sort();
    vars.ansible_facts = { ...(s.gathered ?? {}) };
    for (const k of ['inventory_hostname', 'inventory_hostname_short', 'group_names', 'ansible_facts']) final.add(k);
    if (chain.length && chain[chain.length - 1]!.role) { vars.role_name = chain[chain.length - 1]!.role!.name; vars.role_path = chain[chain.length - 1]!.role!.path; final.add('role_name'); final.add('role_path') }
    return { vars, final };
  }
}
