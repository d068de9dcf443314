// known_hosts: one host's key added to or removed from a known_hosts file, as ansible.builtin.known_hosts does it:
// ssh-keygen finds the host's lines (plain or hashed names, `[host]:port`), the key is compared by type and value,
// the file is rewritten through a temporary file, and the diff shows the file before and after.
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { addPathInfo, fail } from './file_common.js';
import { writeChanges } from './file_edit.js';

const SPEC = {
  name: { type: 'str' as const, required: true, aliases: ['host'] },
  key: { type: 'str' as const },
  path: { type: 'path' as const, default: '~/.ssh/known_hosts' },
  hash_host: { type: 'bool' as const, default: false },
  state: { type: 'str' as const, default: 'present', choices: ['absent', 'present'] },
};

/** AnsibleModule.get_bin_path(name, required=True): PATH, then the sbin folders it always adds. */
function binPath(name: string, env: ModuleContext['env']): string {
  const dirs = (env.PATH ?? '').split(':').filter(Boolean);
  for (const extra of ['/sbin', '/usr/sbin', '/usr/local/sbin']) if (!dirs.includes(extra)) dirs.push(extra);
  const found = dirs
    .map((d) => path.join(d, name))
    .find((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true);
  return found ?? fail({ msg: `Failed to find required executable "${name}" in paths: ${dirs.join(':')}` });
}

interface KeygenRun {
  rc: number;
  stdout: string;
  stderr: string;
}
const keygen = (sshkeygen: string, args: string[]): KeygenRun => {
  const run = spawnSync(sshkeygen, args, { encoding: 'utf8' });
  return { rc: run.status ?? 1, stdout: run.stdout ?? '', stderr: run.stderr ?? '' };
};

/** A key line's parts, the host part as written (a list of names or a hash), options (`@cert-authority`) apart. */
function normalizedKey(line: string): Record<string, string> {
  const k = line.trim().split(/\s+/);
  const at = k[0]!.startsWith('@') ? 1 : 0;
  const parts: Record<string, string> = { host: k[at]!, type: k[at + 1]!, key: k[at + 2]! };
  if (at) parts.options = k[0]!;
  return parts;
}
const sameKey = (a: Record<string, string>, b: Record<string, string>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** The host's name hashed as ssh-keygen -H writes it: |1|salt|HMAC-SHA1(salt, name), both base64. */
function hashedHostKey(host: string, key: string): string {
  const salt = randomBytes(20);
  const parts = key.trim().split(/\s+/);
  parts[parts[0]!.startsWith('@') ? 1 : 0] =
    `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
  return parts.join(' ');
}

/** The supplied key must name the host it is given for (Ansible asks ssh-keygen -F on a file of that key alone). */
function sanityCheck(host: string, key: string, sshkeygen: string): void {
  if (/\S+(\s+)?,(\s+)?/.test(host))
    fail({
      msg: 'Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.',
    });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsible-known-hosts-'));
  try {
    writeFileSync(path.join(dir, 'key'), key);
    if (keygen(sshkeygen, ['-F', host, '-f', path.join(dir, 'key')]).stdout === '')
      fail({ msg: 'Host parameter does not match hashed host field in supplied key' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Found {
  found: boolean;
  replaceOrAdd: boolean;
  line: number | null;
}

/** search_for_host_key: is the host in the file, is the key there different, and on which line. */
function searchForHostKey(host: string, key: string | null, file: string, sshkeygen: string): Found {
  if (!existsSync(file)) return { found: false, replaceOrAdd: false, line: null };
  const run = keygen(sshkeygen, ['-F', host, '-f', file]);
  if (run.stdout === '' && run.stderr === '' && (run.rc === 0 || run.rc === 1))
    return { found: false, replaceOrAdd: false, line: null };
  if (run.rc !== 0) fail({ msg: `ssh-keygen failed (rc=${run.rc}, stdout='${run.stdout}',stderr='${run.stderr}')` });
  if (!key) return { found: true, replaceOrAdd: false, line: null };
  const wanted = normalizedKey(key);
  let line: number | null = null;
  for (const l of run.stdout.split('\n')) {
    if (l === '') continue;
    if (l.startsWith('#')) {
      const m = /found: line (\d+)/.exec(l);
      if (m) line = Number(m[1]);
      continue;
    }
    const have = normalizedKey(l);
    // a hashed name is kept as it is in the file
    if (wanted.host!.startsWith('|1|') && have.host!.startsWith('|1|')) wanted.host = have.host!;
    if (sameKey(wanted, have)) return { found: true, replaceOrAdd: false, line };
    if (wanted.type === have.type) return { found: true, replaceOrAdd: true, line };
  }
  return { found: true, replaceOrAdd: true, line: null };
}

/** The file before and after, as compute_diff shows it. */
function computeDiff(file: string, f: Found, state: string, key: string | null): Record<string, string> {
  const diff = { before_header: file, after_header: file, before: '', after: '' };
  if (existsSync(file)) diff.before = readFileSync(file, 'utf8');
  else diff.before_header = '/dev/null';
  const lines: string[] = diff.before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  if ((f.replaceOrAdd || state === 'absent') && f.line !== null && f.line >= 1 && f.line <= lines.length)
    lines.splice(f.line - 1, 1);
  if (state === 'present' && (f.replaceOrAdd || f.line === null)) lines.push(key ?? '');
  diff.after = lines.join('');
  return diff;
}

/** The file rewritten: the found line dropped when replaced or removed, the key appended when present. */
function rewrite(file: string, f: Found, state: string, key: string | null): void {
  const lines: string[] = existsSync(file) ? (readFileSync(file, 'utf8').match(/[^\n]*\n|[^\n]+$/g) ?? []) : [];
  const kept = lines.filter((_, i) => !(f.line === i + 1 && (f.replaceOrAdd || state === 'absent')));
  if (state === 'present') kept.push(key ?? '');
  writeChanges(kept.join(''), file, null);
}

function enforceState(params: Record<string, any>, ctx: ModuleContext): TaskResult {
  const host = String(params.name).toLowerCase();
  const state: string = params.state;
  const file: string = params.path;
  const sshkeygen = binPath('ssh-keygen', ctx.env);
  let key: string | null = params.key || null;
  if (!key && state !== 'absent') fail({ msg: 'No key specified when adding a host' });
  if (key && params.hash_host) key = hashedHostKey(host, key);
  if (key && !key.endsWith('\n')) key += '\n';
  if (key) sanityCheck(host, key, sshkeygen);
  const f = searchForHostKey(host, key, file, sshkeygen);
  // Ansible's module keeps its answers in its own params, so its invocation shows them too
  const amend = (name: string, value: unknown) => {
    params[name] = value;
    if (ctx.invocationArgs) ctx.invocationArgs[name] = value;
  };
  amend('diff', computeDiff(file, f, state, key));
  if (state === 'absent' && f.line === null && key) {
    amend('changed', false);
    return addPathInfo({ ...params });
  }
  if (ctx.checkMode) return { changed: f.replaceOrAdd || (state === 'present') !== f.found, diff: params.diff };
  if (f.found && !key && state === 'absent') {
    const run = keygen(sshkeygen, ['-R', host, '-f', file]);
    if (run.rc !== 0)
      fail({
        cmd: [sshkeygen, '-R', host, '-f', file],
        rc: run.rc,
        stdout: run.stdout,
        stderr: run.stderr,
        msg: run.stderr,
      });
    amend('changed', true);
  }
  if (f.replaceOrAdd || f.found !== (state === 'present')) {
    rewrite(file, f, state, key);
    amend('changed', true);
  }
  return addPathInfo({ changed: false, ...params });
}

export default defineModule({
  names: ['known_hosts', 'ansible.builtin.known_hosts', 'ansible.legacy.known_hosts'],
  argumentSpec: SPEC,
  supportsCheckMode: true,
  amendsInvocation: true,
  run: (args, ctx) => enforceState(args, ctx),
});
