// The local machine's facts for the play's "Gathering Facts" task: the commonly used subset of what Ansible's
// setup module returns for Linux, read with Node's os module and /etc/os-release. Keys Ansible would return
// that are not listed here are simply absent (README lists the set).
import * as os from 'node:os';
import { readFileSync } from 'node:fs';
import { DAYS, MONTHS } from './python/datetime.js';

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
const PKG: Record<string, string> = {
  Debian: 'apt',
  RedHat: 'dnf',
  Suse: 'zypper',
  Archlinux: 'pacman',
  Alpine: 'apk',
  Gentoo: 'portage',
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

function osRelease(): Record<string, string> {
  try {
    const out: Record<string, string> = {};
    for (const line of readFileSync('/etc/os-release', 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, '$1');
    }
    return out;
  } catch {
    return {};
  }
}

function dateTime(now: Date): Record<string, string> {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const offset = -now.getTimezoneOffset();
  const tz = `${offset >= 0 ? '+' : '-'}${p(Math.floor(Math.abs(offset) / 60))}${p(Math.abs(offset) % 60)}`;
  const start = new Date(now.getFullYear(), 0, 1);
  return {
    year: String(now.getFullYear()),
    month: p(now.getMonth() + 1),
    weekday: DAYS[(now.getDay() + 6) % 7]!,
    weekday_number: String(now.getDay()),
    weeknumber: p(Math.floor((Math.floor((now.getTime() - start.getTime()) / 86400000) + start.getDay()) / 7)),
    day: p(now.getDate()),
    hour: p(now.getHours()),
    minute: p(now.getMinutes()),
    second: p(now.getSeconds()),
    epoch: String(Math.floor(now.getTime() / 1000)),
    epoch_int: String(Math.floor(now.getTime() / 1000)),
    date: `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`,
    time: `${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`,
    iso8601_micro: now.toISOString().replace('Z', '000Z'),
    iso8601: now.toISOString().replace(/\.\d+Z$/, 'Z'),
    iso8601_basic: '',
    iso8601_basic_short: '',
    tz:
      Intl.DateTimeFormat('en', { timeZoneName: 'short' })
        .formatToParts(now)
        .find((x) => x.type === 'timeZoneName')?.value ?? 'UTC',
    tz_dst: '',
    tz_offset: tz,
    monthname: MONTHS[now.getMonth()]!,
  };
}

/** ansible_facts as setup returns them (without the ansible_ prefix). */
export function gatherFacts(
  env: Readonly<Record<string, string | undefined>>,
  now = new Date(),
): Record<string, unknown> {
  return {
    ...platformFacts(),
    ...distributionFacts(),
    ...userFacts(),
    env: { ...env },
    date_time: dateTime(now),
    ...hardwareFacts(),
    python_version: process.versions.node,
    python: {
      executable: process.execPath,
      type: 'node',
      version: { major: Number(process.versions.node.split('.')[0]) },
    },
    is_chroot: false,
    fips: false,
    selinux: { status: 'disabled' },
    apparmor: { status: 'disabled' },
    lsb: {},
    local: {},
    service_mgr: 'unknown',
    virtualization_role: 'NA',
    virtualization_type: 'NA',
    gather_subset: ['all'],
    module_setup: true,
  };
}

/** The host's names, kernel and architecture. */
function platformFacts(): Record<string, unknown> {
  const host = os.hostname();
  const arch = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i386' }[os.arch()] ?? os.arch();
  return {
    hostname: host.split('.')[0],
    nodename: host,
    fqdn: host,
    domain: host.includes('.') ? host.slice(host.indexOf('.') + 1) : '',
    system: os.type(),
    kernel: os.release(),
    kernel_version: os.version(),
    machine: arch,
    architecture: arch,
    userspace_architecture: arch,
    userspace_bits: '64',
  };
}

/** The distribution, from /etc/os-release. */
function distributionFacts(): Record<string, unknown> {
  const rel = osRelease();
  const id = (rel.ID ?? 'linux').toLowerCase();
  const family = FAMILY[id] ?? (rel.ID_LIKE ? FAMILY[rel.ID_LIKE.split(' ')[0]!] : undefined) ?? os.type();
  const version = rel.VERSION_ID ?? '';
  return {
    os_family: family,
    distribution: DISTRO_NAME[id] ?? rel.NAME ?? os.type(),
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_release: rel.VERSION_CODENAME ?? '',
    pkg_mgr: PKG[family] ?? 'unknown',
  };
}

/** The user tsible runs as. */
function userFacts(): Record<string, unknown> {
  const user = os.userInfo();
  return {
    user_id: user.username,
    user_uid: user.uid,
    user_gid: user.gid,
    user_dir: user.homedir,
    user_shell: user.shell ?? '',
    real_user_id: user.uid,
    effective_user_id: user.uid,
    real_group_id: user.gid,
    effective_group_id: user.gid,
  };
}

/** The addresses of the external network interfaces in one family. */
const addresses = (family: 'IPv4' | 'IPv6'): string[] =>
  Object.values(os.networkInterfaces())
    .flat()
    .filter((i) => i && i.family === family && !i.internal)
    .map((i) => i!.address);

/** Processors, memory, network and load. */
function hardwareFacts(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    processor_count: cpus.length,
    processor_cores: cpus.length,
    processor_vcpus: cpus.length,
    processor_nproc: cpus.length,
    processor_threads_per_core: 1,
    processor: cpus.flatMap((c, i) => [String(i), c.model]),
    memtotal_mb: Math.round(os.totalmem() / 1048576),
    memfree_mb: Math.round(os.freemem() / 1048576),
    all_ipv4_addresses: addresses('IPv4'),
    all_ipv6_addresses: addresses('IPv6'),
    interfaces: Object.keys(os.networkInterfaces()),
    uptime_seconds: Math.round(os.uptime()),
    loadavg: { '1m': os.loadavg()[0], '5m': os.loadavg()[1], '15m': os.loadavg()[2] },
  };
}

/** Facts as variables, as INJECT_FACTS_AS_VARS names them: `ansible_` before each (the setup module's own
 * gather_subset and module_setup keep their names). */
export function factsAsVars(facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts))
    out[k === 'gather_subset' || k === 'module_setup' ? k : `ansible_${k}`] = v;
  return out;
}
