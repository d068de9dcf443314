// The system collectors of Ansible's setup module on Linux (module_utils/facts/system/): each returns the
// facts (without the ansible_ prefix) it would, from the same files and programs.
import * as os from 'node:os';
import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { binPath, fileContent, runOnce, type Gathering } from './sources.js';

type Facts = Record<string, unknown>;

/** cmdline and proc_cmdline: /proc/cmdline split as shlex.split(posix=False) splits it. */
export async function cmdlineFacts(): Promise<Facts> {
  const data = await fileContent('/proc/cmdline');
  if (!data) return {};
  const pieces = data.match(/(?:"[^"]*"|'[^']*'|\S)+/g) ?? [];
  const cmdline: Facts = {};
  const proc: Facts = {};
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    if (eq < 0) {
      cmdline[piece] = true;
      proc[piece] = true;
      continue;
    }
    const [k, v] = [piece.slice(0, eq), piece.slice(eq + 1)];
    cmdline[k] = v;
    const had = proc[k];
    proc[k] = had === undefined || had === true ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return { cmdline, proc_cmdline: proc };
}

/** dns: /etc/resolv.conf's nameservers, domain, search, sortlist and options. */
export async function dnsFacts(): Promise<Facts> {
  const dns: Record<string, unknown> = {};
  const list = (k: string): unknown[] => (dns[k] ??= []) as unknown[];
  for (const line of ((await fileContent('/etc/resolv.conf')) ?? '').split('\n')) {
    if (line.startsWith('#') || line.startsWith(';') || !line.trim()) continue;
    const tokens = line.split(/\s+/);
    if (!tokens.length) continue;
    const [key, ...rest] = tokens;
    if (key === 'nameserver' && rest[0]) list('nameservers').push(rest[0]);
    else if (key === 'domain' && rest[0]) dns.domain = rest[0];
    else if (key === 'search') list('search').push(...rest);
    else if (key === 'sortlist') list('sortlist').push(...rest);
    else if (key === 'options') {
      const options = (dns.options ??= {}) as Record<string, unknown>;
      for (const o of rest) {
        const [ok, ov] = o.split(':', 2);
        options[ok!] = ov ?? true;
      }
    }
  }
  return { dns };
}

/** user: the account tsible runs as, from /etc/passwd (getpass.getuser: LOGNAME, USER, LNAME, USERNAME first). */
export async function userFacts(g: Gathering): Promise<Facts> {
  const uid = process.getuid?.() ?? os.userInfo().uid;
  const gid = process.getgid?.() ?? os.userInfo().gid;
  const name = g.env.LOGNAME || g.env.USER || g.env.LNAME || g.env.USERNAME || os.userInfo().username;
  const rows = ((await fileContent('/etc/passwd')) ?? '').split('\n').map((l) => l.split(':'));
  const row = rows.find((r) => r[0] === name) ?? rows.find((r) => Number(r[2]) === uid);
  const info = os.userInfo();
  return {
    user_id: name,
    user_uid: row ? Number(row[2]) : info.uid,
    user_gid: row ? Number(row[3]) : info.gid,
    user_gecos: row?.[4] ?? '',
    user_dir: row?.[5] ?? info.homedir,
    user_shell: row?.[6] ?? info.shell ?? '',
    real_user_id: uid,
    effective_user_id: process.geteuid?.() ?? uid,
    real_group_id: gid,
    effective_group_id: gid,
  };
}

/** ssh_pub_keys: the host's public keys in the first of /etc/ssh, /etc/openssh, /etc that has any. */
export async function sshPubKeyFacts(): Promise<Facts> {
  for (const dir of ['/etc/ssh', '/etc/openssh', '/etc']) {
    const facts: Facts = {};
    for (const algo of ['dsa', 'rsa', 'ecdsa', 'ed25519']) {
      const key = await fileContent(`${dir}/ssh_host_${algo}_key.pub`);
      if (!key) continue;
      const [keytype, body] = key.split(/\s+/);
      facts[`ssh_host_key_${algo}_public`] = body;
      facts[`ssh_host_key_${algo}_public_keytype`] = keytype;
    }
    if (Object.keys(facts).length) return facts;
  }
  return {};
}

/** caps: capsh --print, when capsh is there. */
export async function capsFacts(g: Gathering): Promise<Facts> {
  const capsh = binPath('capsh', g.env);
  if (!capsh) return {};
  const res = await runOnce(capsh, ['--print'], g.env);
  const facts: Facts = { system_capabilities_enforced: 'N/A', system_capabilities: 'N/A' };
  if (!res || res.rc !== 0) return facts;
  for (const line of res.out.split('\n')) {
    if (!line.startsWith('Current:')) continue;
    const value = line.split(':', 2)[1]!.trim();
    if (value === '=ep') {
      facts.system_capabilities_enforced = 'False';
      facts.system_capabilities = [];
    } else {
      facts.system_capabilities_enforced = 'True';
      facts.system_capabilities = (value.split('=')[1] ?? '').split(',').map((c) => c.trim());
    }
  }
  return facts;
}

/** lsb: lsb_release -a, else /etc/lsb-release. */
export async function lsbFacts(g: Gathering): Promise<Facts> {
  let lsb: Record<string, string> = {};
  const bin = binPath('lsb_release', g.env);
  const res = bin ? await runOnce(bin, ['-a'], g.env) : undefined;
  const fields: Record<string, string> = {
    'LSB Version:': 'release',
    'Distributor ID:': 'id',
    'Description:': 'description',
    'Release:': 'release',
    'Codename:': 'codename',
  };
  if (res && res.rc === 0)
    for (const line of res.out.split('\n')) {
      if (!line.includes(':')) continue;
      const field = Object.keys(fields).find((f) => line.includes(f));
      if (field) lsb[fields[field]!] = line.slice(line.indexOf(':') + 1).trim();
    }
  if (!Object.keys(lsb).length) lsb = await lsbFile();
  if (lsb.release !== undefined) lsb.major_release = lsb.release.split('.')[0]!;
  for (const [k, v] of Object.entries(lsb)) if (v) lsb[k] = v.replace(/^['"\\]+|['"\\]+$/g, '');
  return { lsb };
}

async function lsbFile(): Promise<Record<string, string>> {
  const text = await fileContent('/etc/lsb-release');
  const lsb: Record<string, string> = {};
  const names: Record<string, string> = {
    DISTRIB_ID: 'id',
    DISTRIB_RELEASE: 'release',
    DISTRIB_DESCRIPTION: 'description',
    DISTRIB_CODENAME: 'codename',
  };
  for (const line of (text ?? '').split('\n')) {
    const key = Object.keys(names).find((n) => line.includes(n));
    if (key && line.includes('=')) lsb[names[key]!] = line.slice(line.indexOf('=') + 1).trim();
  }
  return lsb;
}

/** is_chroot: / is not the root of process 1 (or the debian_chroot variable says so). */
export function chrootFacts(g: Gathering): Facts {
  if (g.env.debian_chroot) return { is_chroot: true };
  try {
    const mine = statSync('/');
    const init = statSync('/proc/1/root/.');
    return { is_chroot: mine.ino !== init.ino || mine.dev !== init.dev };
  } catch {
    return { is_chroot: statSync('/').ino !== 2 };
  }
}

/** service_mgr: the name of process 1, else what the system's files suggest. */
export async function serviceMgrFacts(g: Gathering): Promise<Facts> {
  const map: Record<string, string> = {
    procd: 'openwrt_init',
    'runit-init': 'runit',
    svscan: 'svc',
    'openrc-init': 'openrc',
  };
  let proc1 = await fileContent('/proc/1/comm');
  if (proc1 === undefined && isLink('/sbin/init')) proc1 = readlinkSync('/sbin/init');
  if (proc1 !== undefined) proc1 = path.basename(proc1).trim();
  if (proc1 !== undefined && proc1 !== 'init' && !proc1.endsWith('sh')) return { service_mgr: map[proc1] ?? proc1 };
  const systemctl = binPath('systemctl', g.env);
  const canaries = ['/run/systemd/system/', '/dev/.run/systemd/', '/dev/.systemd/'];
  if (systemctl && canaries.some((c) => existsSync(c))) return { service_mgr: 'systemd' };
  if (binPath('initctl', g.env) && existsSync('/etc/init/')) return { service_mgr: 'upstart' };
  if (existsSync('/sbin/openrc')) return { service_mgr: 'openrc' };
  if (systemctl && isLink('/sbin/init') && path.basename(readlinkSync('/sbin/init')) === 'systemd')
    return { service_mgr: 'systemd' };
  return { service_mgr: existsSync('/etc/init.d/') ? 'sysvinit' : 'service' };
}

const isLink = (file: string): boolean => {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
};

/** The package managers setup knows, by the program each installs (PKG_MGRS; the last one found wins). */
const PKG_MGRS: ReadonlyArray<readonly [string, string]> = [
  ['/usr/bin/rpm-ostree', 'atomic_container'],
  ['/usr/bin/yum', 'yum'],
  ['/usr/bin/dnf', 'dnf'],
  ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'],
  ['/usr/sbin/urpmi', 'urpmi'],
  ['/usr/bin/pacman', 'pacman'],
  ['/bin/opkg', 'opkg'],
  ['/usr/pkg/bin/pkgin', 'pkgin'],
  ['/opt/local/bin/pkgin', 'pkgin'],
  ['/opt/tools/bin/pkgin', 'pkgin'],
  ['/opt/local/bin/port', 'macports'],
  ['/usr/local/bin/brew', 'homebrew'],
  ['/opt/homebrew/bin/brew', 'homebrew'],
  ['/sbin/apk', 'apk'],
  ['/usr/sbin/pkg', 'pkgng'],
  ['/usr/sbin/swlist', 'swdepot'],
  ['/usr/bin/emerge', 'portage'],
  ['/usr/sbin/pkgadd', 'svr4pkg'],
  ['/usr/bin/pkg', 'pkg5'],
  ['/usr/bin/xbps-install', 'xbps'],
  ['/usr/local/sbin/pkg', 'pkgng'],
  ['/usr/bin/swupd', 'swupd'],
  ['/usr/sbin/sorcery', 'sorcery'],
  ['/usr/bin/installp', 'installp'],
];

/** pkg_mgr: the last package manager found, the distribution family's own where it has one. */
export function pkgMgrFacts(g: Gathering): Facts {
  let name = 'unknown';
  for (const [file, mgr] of PKG_MGRS) if (existsSync(file)) name = mgr;
  const family = g.collected.os_family;
  if (family === 'RedHat') name = existsSync('/usr/bin/dnf') ? 'dnf' : existsSync('/usr/bin/yum') ? 'yum' : name;
  else if (family === 'Debian') name = 'apt';
  else if (family === 'Altlinux' && name === 'apt') name = 'apt_rpm';
  return { pkg_mgr: name };
}

/** selinux, apparmor and fips: the kernel's security switches. */
export async function securityFacts(names: Set<string>): Promise<Facts> {
  const facts: Facts = {};
  if (names.has('apparmor'))
    facts.apparmor = { status: existsSync('/sys/kernel/security/apparmor') ? 'enabled' : 'disabled' };
  if (names.has('fips')) facts.fips = (await fileContent('/proc/sys/crypto/fips_enabled')) === '1';
  return facts;
}
