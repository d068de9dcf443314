// `node scripts/applicability.mjs --ansible DIR`: a first pass at the applicability table
// (test/conformance/applicability.tsv) from what each target of ansible-core needs: its aliases, its files, its
// tasks and its runme.sh. It prints the table; the committed table is its output, reviewed. The decision is by
// need, never by whether tsible passes: a target that needs only the local machine and builtin modules that act
// locally is runnable.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The fixed set of reasons, in the order they are tried (the first that applies is given). */
const REASONS = [
  ['disabled', 'disabled, unsupported or unstable upstream'],
  ['hidden', 'setup or prepare target, run only as a dependency'],
  ['windows', 'Windows'],
  ['network-os', 'network devices'],
  ['root', 'needs root/become or changes the system (destructive)'],
  ['packages', 'package managers'],
  ['containers', 'containers'],
  ['connection', 'SSH or another connection plugin'],
  ['network', 'network beyond loopback'],
  ['python', 'custom modules or plugins (Python-only plugin types), Python scripts'],
  ['cli', 'Ansible CLIs tsible does not serve (ansible, ansible-test, ansible-galaxy, ansible-doc, ...)'],
];

const PACKAGE_MODULES =
  /^\s*-?\s*(?:ansible\.builtin\.)?(apt|apt_key|apt_repository|yum|yum_repository|dnf|package|pip|rpm_key|dpkg_selections|debconf|package_facts)\s*:/m;
const PYTHON_PLUGIN_DIRS =
  /(^|\/)(library|module_utils|action_plugins|filter_plugins|lookup_plugins|callback_plugins|connection_plugins|test_plugins|vars_plugins|inventory_plugins|strategy_plugins|cache_plugins|become_plugins|terminal_plugins|cliconf_plugins|plugins|collections|ansible_collections|collection_root\w*)\//;
const UNSERVED_CLI =
  /(^|[\s;|&(`"])(ansible-test|ansible-galaxy|ansible-doc|ansible-config|ansible-console|ansible-pull|ansible-inventory|ansible-connection|ansible)(\s|$)/m;

function files(dir, prefix = '') {
  const out = [];
  for (const name of readdirSync(dir)) {
    const rel = prefix + name;
    const full = path.join(dir, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...files(full, `${rel}/`));
    else out.push(rel);
  }
  return out;
}

const read = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** The first reason that applies to a target, or undefined when it is runnable. */
function classify(dir) {
  const name = path.basename(dir);
  const aliases = read(path.join(dir, 'aliases'))
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const all = files(dir);
  // comments and task names say nothing about needs (they often cite an issue's URL)
  const text = (f) =>
    read(path.join(dir, f))
      .split('\n')
      .filter((l) => !/^\s*#/.test(l) && !/^\s*-?\s*name\s*:/.test(l))
      .map((l) => l.replace(/\s#.*$/, ''))
      .join('\n');
  const yaml = all
    .filter((f) => /\.ya?ml$/.test(f) || !f.includes('.'))
    .map(text)
    .join('\n');
  const shell = all
    .filter((f) => /\.sh$/.test(f))
    .map(text)
    .join('\n');
  const has = (re) => re.test(yaml) || re.test(shell);
  const kind = existsSync(path.join(dir, 'runme.sh')) || existsSync(path.join(dir, 'tasks'));
  const checks = {
    disabled: () => aliases.some((a) => ['disabled', 'unsupported', 'unstable'].includes(a)),
    hidden: () => /^(setup|prepare)_/.test(name) || aliases.includes('hidden') || !kind,
    windows: () => name.startsWith('win_') || aliases.some((a) => a === 'windows' || a.startsWith('shippable/windows')),
    'network-os': () => aliases.some((a) => a.startsWith('network/')),
    root: () =>
      aliases.some((a) => ['destructive', 'needs/root', 'needs/privileged'].includes(a)) ||
      has(/^\s*(become|become_user|become_method)\s*:\s*(yes|true|True|\S+)/m) ||
      /\bsudo\b/.test(shell) ||
      has(
        /^\s*-?\s*(?:ansible\.builtin\.)?(systemd|systemd_service|service|sysvinit|user|group|hostname|mount|cron|reboot)\s*:/m,
      ),
    packages: () => has(PACKAGE_MODULES) || /\b(pip|apt-get|yum|dnf)\s+install\b/.test(shell),
    containers: () => aliases.some((a) => /docker|podman|container/.test(a)) || has(/\b(docker|podman)\b/),
    connection: () =>
      name.startsWith('connection') ||
      aliases.some((a) => a === 'needs/ssh' || a.startsWith('needs/target/connection')) ||
      has(
        /ansible_connection\s*[:=]\s*['"]?(ssh|paramiko|paramiko_ssh|winrm|psrp|docker|podman|netconf|network_cli)/,
      ) ||
      has(/ansible_(ssh|host|port)\s*[:=]/),
    network: () =>
      aliases.some((a) => a === 'needs/httptester' || (a.startsWith('cloud/') && a !== 'cloud/aws')) ||
      has(/https?:\/\/(?!(localhost|127\.0\.0\.1)[:/])[a-z0-9.-]+\.[a-z]{2,}/i) ||
      has(/^\s*-?\s*(?:ansible\.builtin\.)?(git|subversion|get_url|uri)\s*:/m),
    python: () =>
      all.some((f) => PYTHON_PLUGIN_DIRS.test(f) && f.endsWith('.py')) ||
      all.some((f) => f.endsWith('.py') || /(^|\/)library\//.test(f)) ||
      aliases.includes('needs/target/binary_modules') ||
      /\bpython[0-9.]*\b|ANSIBLE_TEST_PYTHON_INTERPRETER|\.py\b/.test(shell),
    cli: () => UNSERVED_CLI.test(shell),
  };
  return REASONS.find(([key]) => checks[key]())?.[1];
}

const i = process.argv.indexOf('--ansible');
const root = i > 0 ? process.argv[i + 1] : undefined;
const targetsDir = root && path.join(root, 'test', 'integration', 'targets');
if (!targetsDir || !existsSync(targetsDir)) {
  process.stderr.write(
    'usage: node scripts/applicability.mjs --ansible DIR (a checkout of ansible/ansible, stable-2.14)\n',
  );
  process.exit(2);
}
const lines = ['# target\tapplicability\treason'];
for (const name of readdirSync(targetsDir).sort()) {
  const dir = path.join(targetsDir, name);
  if (!statSync(dir).isDirectory()) continue;
  const reason = classify(dir);
  lines.push(reason ? `${name}\tnot applicable\t${reason}` : `${name}\trunnable\t`);
}
process.stdout.write(lines.join('\n') + '\n');
