// Inventories as Ansible reads them: `-i host1,host2,` lists, INI and YAML files, group_vars/ and host_vars/
// folders beside the inventory and the playbook, and the implicit localhost.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { ParseError, TsibleError } from '../errors.js';
import { loadYaml } from '../yaml/loader.js';
import { addSecrets, decryptIfVaulted, isEncrypted } from '../vault/index.js';
import { combineVars, isDict, truthy, typeName } from '../python/python.js';
import { pyJson } from '../python/pyjson.js';
import { resolvePlainScalar } from '../yaml/loader.js';
import { parseKv } from '../playbook/kv.js';
import { configValue } from '../config.js';

export type Vars = Record<string, unknown>;
interface Group {
  hosts: string[];
  vars: Vars;
  children: string[];
}
export interface Inventory {
  readonly hosts: Map<string, Vars>;
  readonly groups: Map<string, Group>;
  /** Hosts named in no source: only the implicit localhost. */
  readonly implicitLocalhost: boolean;
  readonly sources: string[];
  /** Some source gave hosts: else Ansible warns that only the implicit localhost is available. */
  parsed: boolean;
  /** The connection for hosts that set none (`-c`); Ansible's default is ssh. */
  defaultConnection?: string;
  /** Where group_vars/ and host_vars/ are read from: the inventory sources' directories, then the playbook's. */
  varsDirs?: { readonly inventory: readonly string[]; readonly playbook: readonly string[] };
  /** DEFAULT_HASH_BEHAVIOUR merge: a dictionary variable set again is merged with the one it replaces. */
  readonly hashMerge?: boolean;
  /** --limit as given (ansible_limit) and its patterns (InventoryManager's subset), set by applyLimit. */
  limit?: { readonly text: string; readonly patterns: readonly string[] };
}

/** The Python Ansible would run the controller's modules with: the distribution's, else the first on PATH (a
 * playbook that runs `{{ ansible_python_interpreter }} -c ...` needs a Python, never Node). */
export function controllerPython(): string {
  const onPath = (process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .map((d) => path.join(d, 'python3'));
  return ['/usr/bin/python3', ...onPath].find((p) => existsSync(p)) ?? 'python3';
}
const IMPLICIT_LOCALHOST: Vars = { ansible_connection: 'local', ansible_python_interpreter: controllerPython() };

// Group names are Python identifiers; TRANSFORM_INVALID_GROUP_CHARS says whether others are kept (never, the
// default, and ignore) or get an underscore for each invalid character (always, silently), and whether to warn.
const INVALID_GROUP_CHARS = /^[^\p{L}\p{N}_]|^\p{Nd}|[^\p{L}\p{N}_]/gu;
/** The loading inventory's TRANSFORM_INVALID_GROUP_CHARS and its warning (given once, as Display gives one). */
let groupNaming: { mode: string; warned: boolean; warn: (message: string) => void } | undefined;

/** A group's name as Ansible's to_safe_group_name leaves it. */
function safeGroupName(name: string): string {
  if (!groupNaming || !name.match(INVALID_GROUP_CHARS)) return name;
  const { mode } = groupNaming;
  const replace = mode !== 'never' && mode !== 'ignore';
  const message = replace
    ? 'Invalid characters were found in group names and automatically replaced, use -vvvv to see details'
    : 'Invalid characters were found in group names but not replaced, use -vvvv to see details';
  if (!groupNaming.warned && (replace ? mode !== 'silently' : mode === 'never')) {
    groupNaming.warned = true;
    groupNaming.warn(message);
  }
  return replace ? name.replace(INVALID_GROUP_CHARS, '_') : name;
}

function group(inv: Inventory, rawName: string): Group {
  const name = safeGroupName(rawName);
  let g = inv.groups.get(name);
  if (!g) {
    g = { hosts: [], vars: {}, children: [] };
    inv.groups.set(name, g);
  }
  return g;
}
function addHost(inv: Inventory, name: string, groupName: string, vars: Vars = {}): void {
  if (!inv.hosts.has(name)) inv.hosts.set(name, {});
  combineVars(inv.hosts.get(name)!, vars, inv.hashMerge === true);
  const g = group(inv, groupName);
  if (!g.hosts.includes(name)) g.hosts.push(name);
}

/** INI values are YAML-ish scalars when they come from host lines and [group:vars] (ini plugin _parse_value). */
function iniValue(v: string): unknown {
  const t = v.trim();
  if (/^(['"]).*\1$/.test(t)) return t.slice(1, -1);
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return t;
    }
  }
  const r = resolvePlainScalar(t);
  return typeof r === 'number' || t === 'True' || t === 'False' ? r : t;
}

/** Expands host ranges: web[01:03] → web01 web02 web03. */
function expandHostPattern(p: string): string[] {
  const m = /^(.*)\[([0-9a-z]+):([0-9a-z]+)(?::(\d+))?\](.*)$/.exec(p);
  if (!m) return [p];
  const [, pre, a, b, step, post] = m as unknown as [string, string, string, string, string | undefined, string];
  const out: string[] = [];
  if (/^\d+$/.test(a)) {
    for (let i = Number(a); i <= Number(b); i += Number(step ?? 1))
      out.push(...expandHostPattern(`${pre}${String(i).padStart(a.length, '0')}${post}`));
  } else
    for (let c = a.charCodeAt(0); c <= b.charCodeAt(0); c += Number(step ?? 1))
      out.push(...expandHostPattern(`${pre}${String.fromCharCode(c)}${post}`));
  return out;
}

function parseIni(inv: Inventory, text: string, file: string): void {
  let section = 'ungrouped',
    kind: 'hosts' | 'vars' | 'children' = 'hosts';
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/^\s+|\s+$/g, '');
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[([^\]:]+)(?::(\w+))?\]$/.exec(line);
    if (header) {
      section = header[1]!;
      kind = (header[2] as 'vars' | 'children' | undefined) ?? 'hosts';
      if (!['hosts', 'vars', 'children'].includes(kind))
        throw new ParseError(`${file}:${i + 1}: Section [${section}:${kind}] has unknown type: ${kind}`);
      group(inv, section);
      return;
    }
    if (kind === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) throw new ParseError(`${file}:${i + 1}: Expected key=value, got: ${line}`);
      const name = line.slice(0, eq).trim();
      combineVars(group(inv, section).vars, { [name]: iniValue(line.slice(eq + 1)) }, inv.hashMerge === true);
    } else if (kind === 'children') {
      const g = group(inv, section);
      const child = safeGroupName(line);
      group(inv, child);
      if (!g.children.includes(child)) g.children.push(child);
    } else {
      const [pattern, ...rest] = line.split(/\s+/);
      const kv = parseKv(rest.join(' '), false);
      const vars: Vars = {};
      for (const [k, v] of Object.entries(kv)) if (k !== '_raw_params') vars[k] = iniValue(String(v));
      for (const h of expandHostPattern(pattern!)) addHost(inv, h, section, vars);
    }
  });
}

const require = createRequire(import.meta.url);
/** The shape of a YAML inventory, checked with ajv (loaded only when a YAML inventory is read). */
const GROUP_SCHEMA = {
  $id: 'group',
  type: ['object', 'null'],
  additionalProperties: true,
  properties: {
    hosts: { type: ['object', 'null'], additionalProperties: { type: ['object', 'null'] } },
    vars: { type: ['object', 'null'] },
    children: { type: ['object', 'null'], additionalProperties: { $ref: 'group' } },
  },
};
let validateInventory:
  (((doc: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string }> | null }) | undefined;
const pyClass = (v: unknown) =>
  Array.isArray(v)
    ? "<class 'list'>"
    : typeof v === 'string'
      ? "<class 'str'>"
      : typeof v === 'number'
        ? "<class 'int'>"
        : typeof v === 'boolean'
          ? "<class 'bool'>"
          : "<class 'dict'>";

function checkYamlInventory(doc: unknown, file: string): void {
  if (!validateInventory) {
    const Ajv = require('ajv').default ?? require('ajv');
    validateInventory = new Ajv({ allErrors: false, strict: false }).compile({
      type: 'object',
      additionalProperties: GROUP_SCHEMA,
    });
  }
  if (validateInventory!(doc)) return;
  const err = validateInventory!.errors?.[0];
  const parts = (err?.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: unknown = doc;
  for (const p of parts) value = (value as Record<string, unknown>)?.[p];
  const entry = parts[parts.length - 1] ?? '';
  const group =
    parts.length >= 2
      ? parts[parts.length - 2] === 'hosts' || parts[parts.length - 2] === 'children'
        ? parts[parts.length - 3]
        : parts[parts.length - 2]
      : entry;
  throw new ParseError(
    `Invalid "${entry}" entry for "${group}" group in ${file}, requires a dictionary, found "${pyClass(value)}" instead.`,
  );
}

function parseYamlInventory(inv: Inventory, doc: unknown, file: string): void {
  checkYamlInventory(doc, file);
  const walk = (name: string, data: unknown) => {
    const g = group(inv, name);
    if (data === null || data === undefined) return;
    if (!isDict(data))
      throw new ParseError(
        `Invalid "${name}" entry for "${file}" group, requires a dictionary, found "${typeof data}" instead.`,
      );
    for (const [h, hv] of Object.entries(isDict(data.hosts) ? data.hosts : {}))
      for (const hn of expandHostPattern(h)) addHost(inv, hn, name, isDict(hv) ? hv : {});
    if (isDict(data.vars)) combineVars(g.vars, data.vars, inv.hashMerge === true);
    for (const [c, cd] of Object.entries(isDict(data.children) ? data.children : {})) {
      const child = safeGroupName(c);
      if (!g.children.includes(child)) g.children.push(child);
      walk(child, cd);
    }
  };
  if (!isDict(doc)) throw new ParseError(`${file}: a YAML inventory must be a mapping of groups`);
  for (const [name, data] of Object.entries(doc)) walk(name, data);
}

function readVarsDir(dir: string, name: string, merge: boolean): Vars {
  const out: Vars = {};
  const candidates = [path.join(dir, name), ...['yml', 'yaml', 'json'].map((e) => path.join(dir, `${name}.${e}`))];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const files = statSync(c).isDirectory()
      ? readdirSync(c)
          .sort()
          .map((f) => path.join(c, f))
          .filter((f) => /\.(ya?ml|json)$|^[^.]+$/.test(path.basename(f)))
      : [c];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const d = loadYaml(text, f).documents[0];
      if (isEncrypted(text)) addSecrets(d);
      if (isDict(d)) combineVars(out, d, merge);
      else if (truthy(d)) throw notCombinable(out, d);
    }
  }
  return out;
}

/** One inventory file, or each file of a directory. A file that does not parse leaves the inventory as it was
 * and is only warned about, as Ansible's InventoryManager does: the run goes on with the sources that parsed. */
function parseSource(inv: Inventory, src: string, warn: (message: string) => void): boolean {
  if (statSync(src).isDirectory()) {
    let parsed = false;
    for (const f of readdirSync(src).sort())
      if (!['group_vars', 'host_vars', 'vars_plugins'].includes(f) && !IGNORED_IN_DIRECTORY.test(f))
        parsed = parseSource(inv, path.join(src, f), warn) || parsed;
    if (!parsed) warn(`Unable to parse ${src} as an inventory source`);
    return parsed;
  }
  const before = { hosts: structuredClone(inv.hosts), groups: structuredClone(inv.groups) };
  const yamlFile = /\.(ya?ml|json)$/.test(src);
  try {
    const text = readFileSync(src, 'utf8');
    if (yamlFile) parseYamlInventory(inv, loadYaml(text, src).documents[0], src);
    else parseIni(inv, decryptIfVaulted(text, src), src); // the ini plugin reads a vault encrypted file decrypted
  } catch (e) {
    if (!(e instanceof TsibleError)) throw e;
    for (const [k, v] of before.hosts) inv.hosts.set(k, v);
    for (const k of [...inv.hosts.keys()]) if (!before.hosts.has(k)) inv.hosts.delete(k);
    inv.groups.clear();
    for (const [k, v] of before.groups) inv.groups.set(k, v);
    warn(`\n* Failed to parse ${src} with ${yamlFile ? 'yaml' : 'ini'} plugin: ${e.message}`);
    warn(`Unable to parse ${src} as an inventory source`);
    return false;
  }
  inv.sources.push(src);
  inv.parsed = true;
  return true;
}

/** A vars file that is not a mapping (combine_vars' error; an empty one is skipped). */
function notCombinable(data: Vars, value: unknown): ParseError {
  // the loader's own classes for what YAML gives
  const kind = { str: 'AnsibleUnicode', list: 'AnsibleSequence' }[typeName(value)] ?? typeName(value);
  return new ParseError(
    `failed to combine variables, expected dicts but got a 'dict' and a '${kind}': \n${pyJson(data)}\n${pyJson(value)}`,
  );
}

/** Parents first, so that a child group's vars win over its parent's (Ansible sorts groups by depth, then name). */
function groupDepths(inv: Inventory): Map<string, number> {
  const depth = new Map<string, number>([['all', 0]]);
  const visit = (name: string, d: number, seen: Set<string>) => {
    if (seen.has(name)) return;
    depth.set(name, Math.max(depth.get(name) ?? 0, d));
    for (const c of inv.groups.get(name)?.children ?? []) visit(c, d + 1, new Set([...seen, name]));
  };
  for (const name of inv.groups.keys()) if (name !== 'all') visit(name, 1, new Set());
  return depth;
}

/** What an inventory directory's listing skips: hidden files and INVENTORY_IGNORE_EXTS (which has `.ini`). */
const IGNORED_IN_DIRECTORY = /^\.|(\.pyc|\.pyo|\.swp|\.bak|~|\.rpm|\.md|\.txt|\.rst|\.orig|\.ini|\.cfg|\.retry)$/;

/** Options of loadInventory: the playbook's directory (its group_vars/ and host_vars/), and where the warnings
 * about a source that does not parse go. */
interface InventoryOptions {
  playbookDir?: string;
  warn?: (message: string) => void;
  /** The environment its settings come from (DEFAULT_HASH_BEHAVIOUR). */
  env?: Readonly<Record<string, string | undefined>>;
}

export function loadInventory(sources: string[], options: InventoryOptions = {}): Inventory {
  const mode = String(configValue('TRANSFORM_INVALID_GROUP_CHARS', options.env)).toLowerCase();
  groupNaming = { mode, warned: false, warn: options.warn ?? (() => {}) };
  try {
    return readInventory(sources, options);
  } finally {
    groupNaming = undefined;
  }
}

function readInventory(
  sources: string[],
  { playbookDir, warn = () => {}, env = process.env }: InventoryOptions,
): Inventory {
  const inv: Inventory = {
    hosts: new Map(),
    groups: new Map([
      ['all', { hosts: [], vars: {}, children: [] }],
      ['ungrouped', { hosts: [], vars: {}, children: [] }],
    ]),
    implicitLocalhost: sources.length === 0,
    sources: [],
    parsed: false,
    hashMerge: configValue('DEFAULT_HASH_BEHAVIOUR', env) === 'merge',
  };
  const dirs: string[] = [];
  for (const src of sources) {
    if (src.includes(',') && !existsSync(src)) {
      for (const h of src
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean))
        addHost(inv, h, 'ungrouped');
      inv.parsed = true;
      continue;
    }
    if (!existsSync(src)) {
      warn(`Unable to parse ${path.resolve(src)} as an inventory source`);
      continue;
    }
    dirs.push(statSync(src).isDirectory() ? src : path.dirname(src));
    parseSource(inv, path.resolve(src), warn);
  }
  // every group is a child of all; hosts in no group other than all are ungrouped
  const all = inv.groups.get('all')!;
  for (const name of inv.groups.keys())
    if (
      name !== 'all' &&
      !all.children.includes(name) &&
      ![...inv.groups.values()].some((g) => g.children.includes(name))
    )
      all.children.push(name);
  // all's own hosts are those add_host adds; the others are all's through its child groups
  for (const h of inv.hosts.keys()) {
    const inGroup = [...inv.groups].some(([n, g]) => n !== 'all' && n !== 'ungrouped' && g.hosts.includes(h));
    const ung = inv.groups.get('ungrouped')!;
    if (inGroup) ung.hosts = ung.hosts.filter((x) => x !== h);
    else if (!ung.hosts.includes(h)) ung.hosts.push(h);
  }
  inv.varsDirs = { inventory: dirs, playbook: playbookDir ? [playbookDir] : [] };
  origins.set(inv, { sources: [...sources], options: { playbookDir, warn } });
  // read now, so that a file that does not parse fails the run before it starts, as Ansible's vars plugins do
  for (const d of [...inv.varsDirs.inventory, ...inv.varsDirs.playbook]) {
    for (const name of inv.groups.keys()) varsFileVars(inv, d, 'group_vars', name);
    for (const name of inv.hosts.keys()) varsFileVars(inv, d, 'host_vars', name);
  }
  return inv;
}

/** The groups a host belongs to, through children too. */
export function groupsOf(inv: Inventory, host: string): string[] {
  const direct = [...inv.groups].filter(([, g]) => g.hosts.includes(host)).map(([n]) => n);
  const out = new Set(direct);
  let changed = true;
  while (changed) {
    changed = false;
    for (const [n, g] of inv.groups)
      if (!out.has(n) && g.children.some((c) => out.has(c))) {
        out.add(n);
        changed = true;
      }
  }
  return [...out];
}

/** Names that mean the controller itself when the inventory does not list them (C.LOCALHOST). */
export const isImplicitLocalhostName = (name: string): boolean =>
  name === 'localhost' || name === '127.0.0.1' || name === '::1';

/** Inventory variables of a host: groups by depth then name, then the host's own. */
/** group_vars/NAME or host_vars/NAME under a directory, read once per inventory (the files are not read again). */
const dirVarsCache = new WeakMap<Inventory, Map<string, Vars>>();
function varsFileVars(inv: Inventory, dir: string, kind: 'group_vars' | 'host_vars', name: string): Vars {
  let cache = dirVarsCache.get(inv);
  if (!cache) dirVarsCache.set(inv, (cache = new Map()));
  const key = path.join(dir, kind, name);
  let v = cache.get(key);
  if (!v) cache.set(key, (v = readVarsDir(path.join(dir, kind), name, inv.hashMerge === true)));
  return v;
}

/** A host's inventory variables in VariableManager's order (VARIABLE_PRECEDENCE): the inventory files' vars of
 * all, then of its other groups; group_vars/all of the inventory, then of the playbook; group_vars of its other
 * groups, the inventory's then the playbook's; then the host's own: inventory file, host_vars of the inventory,
 * of the playbook. Groups go by depth, ansible_group_priority, then name. */
export function hostInventoryVars(inv: Inventory, host: string): Vars {
  const depths = groupDepths(inv);
  const priority = (g: string) => Number(inv.groups.get(g)?.vars.ansible_group_priority ?? 1);
  const groups = groupsOf(inv, host)
    .filter((g) => g !== 'all')
    .sort(
      (a, b) =>
        (depths.get(a) ?? 0) - (depths.get(b) ?? 0) || priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0),
    );
  const dirs = inv.varsDirs ?? { inventory: [], playbook: [] };
  const fromDirs = (ds: readonly string[], kind: 'group_vars' | 'host_vars', names: readonly string[]) =>
    ds.flatMap((d) => names.map((n) => varsFileVars(inv, d, kind, n)));
  const implicit = isImplicitLocalhostName(host);
  const layers: Vars[] = [
    inv.groups.get('all')!.vars,
    ...groups.map((g) => inv.groups.get(g)!.vars),
    ...fromDirs(dirs.inventory, 'group_vars', ['all']),
    ...fromDirs(dirs.playbook, 'group_vars', ['all']),
    ...fromDirs(dirs.inventory, 'group_vars', groups),
    ...fromDirs(dirs.playbook, 'group_vars', groups),
    inv.hosts.get(host) ?? (implicit ? IMPLICIT_LOCALHOST : {}),
    ...fromDirs(dirs.inventory, 'host_vars', [host]),
    ...fromDirs(dirs.playbook, 'host_vars', [host]),
  ];
  const out: Vars = {};
  for (const l of layers) combineVars(out, l, inv.hashMerge === true);
  if (implicit && out.ansible_connection === undefined) Object.assign(out, IMPLICIT_LOCALHOST);
  return out;
}

/** True when tsible can run modules on this host: a local connection (tsible has no SSH or WinRM). The
 * implicit localhost is local; a localhost written in the inventory without ansible_connection=local is not,
 * as in Ansible. */
export function isLocal(vars: Vars, host: string, inv?: Inventory): boolean {
  const c = vars.ansible_connection;
  if (c !== undefined) return c === 'local';
  if (isImplicitLocalhostName(host) && !(inv?.hosts.has(host) ?? false)) return true;
  return inv?.defaultConnection === 'local';
}

/** What an inventory was read from, for meta: refresh_inventory. */
const origins = new WeakMap<Inventory, { sources: string[]; options: InventoryOptions }>();
/** What add_host and group_by added to an inventory, in order, replayed when it is read again. */
interface DynamicChange {
  readonly addsHost: boolean;
  apply(inv: Inventory, refreshing: boolean): void;
}
const dynamic = new WeakMap<Inventory, DynamicChange[]>();
function remember(inv: Inventory, change: DynamicChange): void {
  let changes = dynamic.get(inv);
  if (!changes) dynamic.set(inv, (changes = []));
  changes.push(change);
  change.apply(inv, false);
}

/** meta: refresh_inventory (InventoryManager.refresh_inventory): the sources read again, in place, then the hosts
 * add_host added, then the groupings of group_by. */
export function refreshInventory(inv: Inventory): void {
  const origin = origins.get(inv);
  if (!origin) return;
  const fresh = loadInventory(origin.sources, origin.options);
  inv.hosts.clear();
  for (const [name, vars] of fresh.hosts) inv.hosts.set(name, vars);
  inv.groups.clear();
  for (const [name, g] of fresh.groups) inv.groups.set(name, g);
  inv.sources.splice(0, inv.sources.length, ...fresh.sources);
  inv.parsed = fresh.parsed;
  inv.varsDirs = fresh.varsDirs;
  dirVarsCache.delete(inv);
  const changes = dynamic.get(inv) ?? [];
  for (const change of changes) if (change.addsHost) change.apply(inv, true);
  for (const change of changes) if (!change.addsHost) change.apply(inv, true);
}

/** add_host: the host joins `all` directly (after the hosts a YAML inventory lists under `all`; a pattern lists
 * all's own hosts before its groups') and the named groups. */
export function addHostToInventory(inv: Inventory, host: string, groups: string[], vars: Vars): void {
  remember(inv, { addsHost: true, apply: (into) => addDynamicHost(into, host, groups, vars) });
}
function addDynamicHost(inv: Inventory, host: string, groups: string[], vars: Vars): void {
  const isNew = !inv.hosts.has(host);
  if (isNew) inv.hosts.set(host, {});
  combineVars(inv.hosts.get(host)!, vars, inv.hashMerge === true);
  const all = inv.groups.get('all')!;
  if (isNew && !all.hosts.includes(host)) all.hosts.push(host);
  for (const g of groups) {
    const grp = inv.groups.get(g) ?? { hosts: [], vars: {}, children: [] };
    inv.groups.set(g, grp);
    if (!grp.hosts.includes(host)) grp.hosts.push(host);
    if (!all.children.includes(g)) all.children.push(g);
  }
  if (groups.length) leaveUngrouped(inv, host);
  // a host in no group but all is ungrouped (reconcile_inventory)
  else if (!groupsOf(inv, host).some((g) => g !== 'all' && g !== 'ungrouped')) {
    const ung = inv.groups.get('ungrouped');
    if (ung && !ung.hosts.includes(host)) ung.hosts.push(host);
  }
}

/** A host in some group is no longer ungrouped (InventoryData.reconcile_inventory). */
function leaveUngrouped(inv: Inventory, host: string): void {
  const ung = inv.groups.get('ungrouped');
  if (ung) ung.hosts = ung.hosts.filter((h) => h !== host);
}

/** group_by: a group named after the key, holding this host, under the given parents. */
export function addGroupToInventory(inv: Inventory, group: string, host: string, parents: string[]): void {
  remember(inv, {
    addsHost: false,
    apply(into, refreshing) {
      // after a refresh, a host the sources no longer have stays out (the implicit localhost aside)
      if (refreshing && !into.hosts.has(host) && !isImplicitLocalhostName(host)) return;
      addDynamicGroup(into, group, host, parents);
    },
  });
}
function addDynamicGroup(inv: Inventory, group: string, host: string, parents: string[]): void {
  const grp = inv.groups.get(group) ?? { hosts: [], vars: {}, children: [] };
  inv.groups.set(group, grp);
  if (!grp.hosts.includes(host)) grp.hosts.push(host);
  leaveUngrouped(inv, host);
  for (const p of parents) {
    const parent = inv.groups.get(p) ?? { hosts: [], vars: {}, children: [] };
    inv.groups.set(p, parent);
    if (!parent.children.includes(group)) parent.children.push(group);
  }
}
