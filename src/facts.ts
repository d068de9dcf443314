// The local machine's facts, as Ansible's setup module gathers them on Linux: the collectors a gather_subset
// selects (src/facts/collectors.ts) run at once, each reading what Ansible's reads, and the filter applies.
import * as os from 'node:os';
import { DAYS, MONTHS } from './python/datetime.js';
import { collectorsFor, filterFacts, filterKeeps } from './facts/collectors.js';
import { fileContent, type Gathering } from './facts/sources.js';
import * as system from './facts/system.js';
import { hardwareFacts, virtualFacts } from './facts/hardware.js';
import { networkFacts } from './facts/network.js';
import { localFacts } from './facts/local.js';
import { describePython, discoverPython, pythonFacts, selinuxFacts } from './facts/python.js';

const FAMILY: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Debian',
  linuxmint: 'Debian',
  raspbian: 'Debian',
  rhel: 'RedHat',
  centos: 'RedHat',
  fedora: 'RedHat',
  rocky: 'RedHat',
  almalinux: 'RedHat',
  amzn: 'RedHat',
  ol: 'RedHat',
  sles: 'Suse',
  opensuse: 'Suse',
  'opensuse-leap': 'Suse',
  arch: 'Archlinux',
  alpine: 'Alpine',
  gentoo: 'Gentoo',
};
const DISTRO_NAME: Record<string, string> = {
  debian: 'Debian',
  ubuntu: 'Ubuntu',
  centos: 'CentOS',
  rhel: 'RedHat',
  fedora: 'Fedora',
  rocky: 'Rocky',
  almalinux: 'AlmaLinux',
  amzn: 'Amazon',
  alpine: 'Alpine',
  arch: 'Archlinux',
  sles: 'SLES',
  opensuse: 'openSUSE',
};

async function osRelease(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of ((await fileContent('/etc/os-release')) ?? '').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return out;
}

let zoneFormatter: Intl.DateTimeFormat | undefined;
/** The short time zone name's formatter, made once (ICU is slow to start). */
const zoneFormat = () => (zoneFormatter ??= Intl.DateTimeFormat('en', { timeZoneName: 'short' }));

/** date_time: now, local and UTC, as the collector formats it. */
function dateTime(now: Date): Record<string, string> {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const offset = -now.getTimezoneOffset();
  const tz = `${offset >= 0 ? '+' : '-'}${p(Math.floor(Math.abs(offset) / 60))}${p(Math.abs(offset) % 60)}`;
  const start = new Date(now.getFullYear(), 0, 1);
  const day = Math.floor((now.getTime() - start.getTime()) / 86400000);
  const ymd = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`;
  const hms = `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const micro = p(now.getMilliseconds(), 3) + '000';
  const zone = (d: Date) =>
    zoneFormat()
      .formatToParts(d)
      .find((x) => x.type === 'timeZoneName')?.value ?? 'UTC';
  const [jan, jul] = [new Date(now.getFullYear(), 0, 1), new Date(now.getFullYear(), 6, 1)];
  const dst =
    jan.getTimezoneOffset() === jul.getTimezoneOffset()
      ? zone(jan)
      : zone(jan.getTimezoneOffset() > jul.getTimezoneOffset() ? jul : jan);
  return {
    year: String(now.getFullYear()),
    month: p(now.getMonth() + 1),
    weekday: DAYS[(now.getDay() + 6) % 7]!,
    weekday_number: String(now.getDay()),
    weeknumber: p(Math.floor((day + 7 - ((now.getDay() + 6) % 7)) / 7)),
    day: p(now.getDate()),
    hour: p(now.getHours()),
    minute: p(now.getMinutes()),
    second: p(now.getSeconds()),
    epoch: String(Math.floor(now.getTime() / 1000)),
    epoch_int: String(Math.floor(now.getTime() / 1000)),
    date: `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`,
    time: `${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`,
    iso8601_micro: now.toISOString().replace(/\.(\d+)Z$/, `.$1000Z`),
    iso8601: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    iso8601_basic: `${ymd}T${hms}${micro}`,
    iso8601_basic_short: `${ymd}T${hms}`,
    tz: zone(now),
    tz_dst: dst,
    tz_offset: tz,
    monthname: MONTHS[now.getMonth()]!,
  };
}

/** What the setup module is asked: its options as the action gives them. */
export interface SetupOptions {
  readonly gatherSubset: readonly string[];
  readonly filter: readonly string[];
  readonly factPath: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One collector: the facts it adds, given what the collectors it requires found. */
type Collect = (g: Gathering, names: Set<string>) => Promise<Record<string, unknown>> | Record<string, unknown>;

const COLLECT: Record<string, Collect> = {
  platform: (g) => platformFacts(g),
  distribution: () => distributionFacts(),
  lsb: (g) => (g.wants('lsb') ? system.lsbFacts(g) : {}),
  selinux: async (g) =>
    g.wants('selinux') || g.wants('selinux_python_present') ? selinuxFacts(await interpreter(g)) : {},
  apparmor: (_g, n) => system.securityFacts(n),
  chroot: (g) => system.chrootFacts(g),
  fips: (_g, n) => system.securityFacts(new Set(['fips'].filter((x) => n.has(x)))),
  python: async (g) => {
    const d = g.wants('python') ? await interpreter(g) : undefined;
    return d ? pythonFacts(d) : {};
  },
  caps: (g) => (g.wants('system_capabilities') || g.wants('system_capabilities_enforced') ? system.capsFacts(g) : {}),
  pkg_mgr: (g) => system.pkgMgrFacts(g),
  service_mgr: (g) => system.serviceMgrFacts(g),
  cmdline: () => system.cmdlineFacts(),
  date_time: () => ({ date_time: dateTime(new Date()) }),
  env: (g) => ({ env: { ...g.env } }),
  loadavg: () => ({ loadavg: { '1m': os.loadavg()[0], '5m': os.loadavg()[1], '15m': os.loadavg()[2] } }),
  ssh_pub_keys: () => system.sshPubKeyFacts(),
  user: (g) => system.userFacts(g),
  virtual: () => virtualFacts(),
  hardware: (g) => hardwareFacts(g),
  dns: () => system.dnsFacts(),
  fibre_channel_wwn: () => ({ fibre_channel_wwn: [] }),
  network: () => networkFacts(),
  iscsi: async () => ({ iscsi_iqn: iqn((await fileContent('/etc/iscsi/initiatorname.iscsi')) ?? '') }),
  nvme: async () => ({ hostnqn: (await fileContent('/etc/nvme/hostnqn')) ?? '' }),
  local: (g) => localFacts(g),
  facter: () => ({}),
  ohai: () => ({}),
};

const iqn = (text: string): string => /^InitiatorName=(.*)$/m.exec(text)?.[1]?.trim() ?? '';

/** The Python discovery finds, described (undefined without one). */
async function interpreter(g: Gathering) {
  const rel = await osRelease();
  const found = discoverPython(g, { id: (rel.ID ?? '').toLowerCase(), version: rel.VERSION_ID ?? '' });
  return found ? describePython(found, g) : undefined;
}

/** The setup module's result on this machine: ansible_facts (with their ansible_ names) and its warnings.
 * Throws the module's message for a bad gather_subset. */
export async function gatherFacts(opts: SetupOptions): Promise<{ facts: Record<string, unknown>; warnings: string[] }> {
  const names = collectorsFor(opts.gatherSubset);
  const g: Gathering = {
    env: opts.env,
    factPath: opts.factPath,
    warnings: [],
    collected: {},
    wants: (fact) => filterKeeps(opts.filter, fact),
  };
  // distribution first: pkg_mgr reads its os_family; the rest at once
  if (names.has('distribution')) Object.assign(g.collected, await distributionFacts());
  const parts = await Promise.all([...names].map(async (n) => (n === 'distribution' ? {} : COLLECT[n]!(g, names))));
  const facts = Object.assign(g.collected, ...parts) as Record<string, unknown>;
  const named: Record<string, unknown> = {};
  for (const k of Object.keys(facts).sort()) named[`ansible_${k}`] = facts[k];
  named.gather_subset = [...opts.gatherSubset];
  named.module_setup = true;
  return { facts: filterFacts(named, opts.filter), warnings: g.warnings };
}

/** The host's names, kernel and architecture (python_version: the discovered Python's). */
async function platformFacts(g: Gathering): Promise<Record<string, unknown>> {
  const node = os.hostname();
  const arch = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i386' }[os.arch()] ?? os.arch();
  const fqdn = await getfqdn(node);
  const machineId = (await fileContent('/var/lib/dbus/machine-id')) || (await fileContent('/etc/machine-id'));
  const py = g.wants('python_version') ? await interpreter(g) : undefined;
  return {
    system: os.type(),
    kernel: os.release(),
    kernel_version: os.version(),
    machine: arch,
    ...(py ? { python_version: py.python_version } : {}),
    fqdn,
    hostname: node.split('.')[0],
    nodename: node,
    domain: fqdn.split('.').slice(1).join('.'),
    userspace_bits: '64',
    architecture: arch,
    ...(arch === 'x86_64' ? { userspace_architecture: 'x86_64' } : {}),
    ...(machineId ? { machine_id: machineId.split('\n')[0] } : {}),
  };
}

const fqdns = new Map<string, Promise<string>>();
/** socket.getfqdn: the name the host's address resolves back to (asked once per run). */
function getfqdn(node: string): Promise<string> {
  let p = fqdns.get(node);
  if (!p) fqdns.set(node, (p = resolveFqdn(node)));
  return p;
}

async function resolveFqdn(node: string): Promise<string> {
  try {
    const dns = await import('node:dns/promises'); // loaded when facts are gathered (start-up time)
    const { address } = await dns.lookup(node);
    const { hostname } = await dns.lookupService(address, 0);
    return hostname || node;
  } catch {
    return node;
  }
}

/** The distribution, from /etc/os-release (Debian's point release from /etc/debian_version). */
async function distributionFacts(): Promise<Record<string, unknown>> {
  const rel = await osRelease();
  const id = (rel.ID ?? 'linux').toLowerCase();
  const family = FAMILY[id] ?? (rel.ID_LIKE ? FAMILY[rel.ID_LIKE.split(' ')[0]!] : undefined) ?? os.type();
  let version = rel.VERSION_ID ?? 'NA';
  // only Debian's (from /etc/debian_version) and Amazon's give a minor version
  let minor: string | undefined;
  if (id === 'debian') {
    const point = /(\d+)\.(\d+)/.exec((await fileContent('/etc/debian_version')) ?? '');
    if (point) [version, minor] = [point[0], point[2]];
  } else if (id === 'amzn') minor = version.split('.')[1] ?? 'NA';
  const major = version.split('.')[0] || 'NA';
  return {
    distribution: DISTRO_NAME[id] ?? rel.NAME ?? os.type(),
    distribution_version: version,
    distribution_release: rel.VERSION_CODENAME ?? 'NA',
    distribution_major_version: major,
    ...(minor !== undefined ? { distribution_minor_version: minor } : {}),
    os_family: family,
    distribution_file_path: '/etc/os-release',
    distribution_file_variety: family === 'Debian' ? 'Debian' : (DISTRO_NAME[id] ?? family),
    distribution_file_parsed: true,
  };
}
