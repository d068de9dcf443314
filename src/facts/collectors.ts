// Which fact collectors a gather_subset selects, as Ansible's setup module resolves it on Linux
// (collector.get_collector_names, _solve_deps), and the filter it applies to what they return.
import { fnmatchTranslate } from '../python/fnmatch.js';

/** One of Ansible's Linux fact collectors: its name, the facts it is also known by, the collectors it needs. */
interface CollectorInfo {
  readonly name: string;
  readonly ids?: readonly string[];
  readonly requires?: readonly string[];
}

/** In default_collectors' order (a later collector's facts win). */
const COLLECTORS: readonly CollectorInfo[] = [
  {
    name: 'platform',
    ids: ['system', 'kernel', 'kernel_version', 'machine', 'python_version', 'architecture', 'machine_id'],
  },
  {
    name: 'distribution',
    ids: ['distribution_version', 'distribution_release', 'distribution_major_version', 'os_family'],
  },
  { name: 'lsb' },
  { name: 'selinux' },
  { name: 'apparmor' },
  { name: 'chroot', ids: ['is_chroot'] },
  { name: 'fips' },
  { name: 'python' },
  { name: 'caps', ids: ['system_capabilities', 'system_capabilities_enforced'] },
  { name: 'pkg_mgr', requires: ['distribution'] },
  { name: 'service_mgr', requires: ['platform', 'distribution'] },
  { name: 'cmdline' },
  { name: 'date_time' },
  { name: 'env' },
  { name: 'loadavg' },
  {
    name: 'ssh_pub_keys',
    ids: [
      'ssh_host_pub_keys',
      'ssh_host_key_dsa_public',
      'ssh_host_key_rsa_public',
      'ssh_host_key_ecdsa_public',
      'ssh_host_key_ed25519_public',
    ],
  },
  {
    name: 'user',
    ids: [
      'user_id',
      'user_uid',
      'user_gid',
      'user_gecos',
      'user_dir',
      'user_shell',
      'real_user_id',
      'effective_user_id',
      'effective_group_ids',
    ],
  },
  {
    name: 'virtual',
    ids: ['virtualization_type', 'virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host'],
  },
  {
    name: 'hardware',
    ids: ['processor', 'processor_cores', 'processor_count', 'mounts', 'devices'],
    requires: ['platform'],
  },
  { name: 'dns' },
  { name: 'fibre_channel_wwn' },
  {
    name: 'network',
    ids: ['interfaces', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses'],
    requires: ['distribution', 'platform'],
  },
  { name: 'iscsi' },
  { name: 'nvme' },
  { name: 'local' },
  { name: 'facter', ids: ['facter'] },
  { name: 'ohai' },
];

/** What gather_subset=['!all'] still gathers (the setup module's minimal_gather_subset). */
const MINIMAL = new Set([
  'apparmor',
  'caps',
  'cmdline',
  'date_time',
  'distribution',
  'dns',
  'env',
  'fips',
  'local',
  'lsb',
  'pkg_mgr',
  'platform',
  'python',
  'selinux',
  'service_mgr',
  'ssh_pub_keys',
  'user',
]);

const byId = new Map<string, string>();
for (const c of COLLECTORS) for (const id of [c.name, ...(c.ids ?? [])]) byId.set(id, c.name);
const VALID = new Set(byId.keys());

/** The names of the collectors a gather_subset selects, their requirements included, in the table's order.
 * Throws the module's message for an unknown subset. */
export function collectorsFor(gatherSubset: readonly string[]): Set<string> {
  const add = new Set<string>(MINIMAL);
  const exclude = new Set<string>();
  const explicit = new Set<string>();
  for (const subset of gatherSubset.length ? gatherSubset : ['all']) {
    if (subset === 'min' || subset === 'all' || subset === '!min' || subset === '!all') {
      const group = subset.endsWith('min')
        ? [...MINIMAL]
        : [...VALID].filter((s) => subset === 'all' || !MINIMAL.has(s));
      for (const s of group) (subset.startsWith('!') ? exclude : add).add(s);
    } else if (subset.startsWith('!')) {
      const name = subset.slice(1);
      exclude.add(name);
      for (const id of COLLECTORS.find((c) => c.name === name)?.ids ?? []) exclude.add(id);
    } else if (!VALID.has(subset)) {
      const allowed = [...VALID].sort().join(', ');
      throw new Error(`Bad subset '${subset}' given to Ansible. gather_subset options allowed: all, ${allowed}`);
    } else {
      explicit.add(subset);
      add.add(subset);
    }
  }
  if (!add.size) for (const s of VALID) add.add(s);
  for (const s of exclude) if (!explicit.has(s)) add.delete(s);
  const names = new Set([...add].map((id) => byId.get(id)!));
  for (const c of COLLECTORS) if (names.has(c.name)) for (const r of c.requires ?? []) names.add(r);
  return new Set(COLLECTORS.map((c) => c.name).filter((n) => names.has(n)));
}

/** The facts (with their ansible_ names) that a filter keeps: shell patterns, tried also with ansible_ before
 * them (AnsibleFactCollector._filter); none or '*' keeps all. */
export function filterFacts(facts: Record<string, unknown>, filter: readonly string[]): Record<string, unknown> {
  if (keepsAll(filter)) return facts;
  const out: Record<string, unknown> = {};
  for (const f of filter) for (const [k, v] of Object.entries(facts)) if (patternKeeps(f, k)) out[k] = v;
  return out;
}

const keepsAll = (filter: readonly string[]) => !filter.length || (filter.length === 1 && filter[0] === '*');
const patternKeeps = (f: string, name: string) =>
  !f ||
  fnmatchTranslate(f).test(name) ||
  (!/^(ansible_|facter|ohai)/.test(f) && fnmatchTranslate(`ansible_${f}`).test(name));

/** Whether the filter keeps a fact (named without ansible_): collectors skip the child processes (Python,
 * lsb_release, capsh) of facts it would drop. */
export const filterKeeps = (filter: readonly string[], fact: string): boolean =>
  keepsAll(filter) || filter.some((f) => patternKeeps(f, `ansible_${fact}`));
