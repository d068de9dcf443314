#!/usr/bin/env node
// The local endpoint's conformance test: real ansible-playbook runs the CloudWatch Logs integration targets of
// amazon.aws 5.5.1 and community.aws 4.5.0 (their own checkouts, unchanged) against `tsible local-aws --tls`, with
// botocore's debug logs on (amazon.aws builds resource_actions from them, which needs an https:// endpoint).
//
//   node test/golden/aws/upstream-targets.mjs --amazon-aws DIR --community-aws DIR [--json]
//   (or AMAZON_AWS_CHECKOUT / COMMUNITY_AWS_CHECKOUT in the environment; either checkout may be left out)
//
// Needs `npm run build` and ansible-playbook with boto3. Prints, per target, the tasks that ran, failed and whose
// failure the target ignored; exits 1 when any task failed (an ignored failure counts: the targets ignore errors
// only in their clean-up), 2 when it cannot run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.resolve(here, '../../../bin/tsible.js');

function options(argv) {
  const o = { amazon: process.env.AMAZON_AWS_CHECKOUT, community: process.env.COMMUNITY_AWS_CHECKOUT, json: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--amazon-aws') o.amazon = argv[++i];
    else if (argv[i] === '--community-aws') o.community = argv[++i];
    else if (argv[i] === '--json') o.json = true;
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return o;
}

/** The targets to run: [label, targets dir, role, collections the play searches]. */
function targetsOf(o) {
  const list = [];
  if (o.amazon) list.push(['amazon.aws/cloudwatchlogs', o.amazon, 'cloudwatchlogs', ['amazon.aws']]);
  if (o.community)
    for (const role of ['cloudwatchlogs', 'cloudwatchlogs_log_group'])
      list.push([`community.aws/${role}`, o.community, role, ['community.aws', 'amazon.aws']]);
  return list.map(([label, checkout, role, collections]) => ({
    label,
    rolesPath: path.join(checkout, 'tests/integration/targets'),
    role,
    collections,
  }));
}

/** `tsible local-aws --tls` on a free port; resolves to its URL, CA path and process. */
function startLocalAws(work) {
  const child = spawn(process.execPath, [BIN, 'local-aws', '--port', '0', '--tls-dir', path.join(work, 'tls')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`tsible local-aws exited with ${code}: ${out}`)));
    child.stdout.on('data', (b) => {
      out += b;
      const url = /listening on (https:\/\/\S+)/.exec(out)?.[1];
      const ca = /CA certificate: (\S+)/.exec(out)?.[1];
      if (url && ca) resolve({ url, ca, child });
    });
  });
}

/** Runs one target as ansible-test would (its role in a play on localhost), the json callback's tasks and stats. */
function runTarget(t, endpoint, work) {
  const playbook = path.join(work, `${t.label.replace(/\W/g, '_')}.yml`);
  const play = { hosts: 'localhost', connection: 'local', gather_facts: false, collections: t.collections };
  writeFileSync(playbook, JSON.stringify([{ ...play, roles: [t.role] }]));
  const vars = { aws_access_key: 'AKIDTSIBLE', aws_secret_key: 'secret', aws_region: 'us-east-1' };
  const run = spawnSync(
    'ansible-playbook',
    [playbook, '-e', JSON.stringify({ ...vars, resource_prefix: 'tsible-conformance' })],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: {
        ...process.env,
        AWS_URL: endpoint.url,
        AWS_CA_BUNDLE: endpoint.ca,
        ANSIBLE_DEBUG_BOTOCORE_LOGS: 'True',
        ANSIBLE_ROLES_PATH: t.rolesPath,
        ANSIBLE_STDOUT_CALLBACK: 'json',
        ANSIBLE_LOCALHOST_WARNING: '0',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
        ANSIBLE_DEPRECATION_WARNINGS: '0',
      },
    },
  );
  const start = run.stdout.indexOf('{');
  if (start < 0) return { label: t.label, rc: run.status, error: run.stderr || run.stdout, tasks: [] };
  const json = JSON.parse(run.stdout.slice(start));
  const tasks = json.plays.flatMap((p) =>
    p.tasks.map(({ task, hosts }) => {
      const r = hosts.localhost ?? {};
      // a failure the target ignores (its clean-up's ignore_errors) still counts: none should happen here
      const status = r.failed ? 'failed' : r.skipped ? 'skipped' : 'ok';
      return { name: task.name, status, ...(r.failed ? { msg: r.msg } : {}) };
    }),
  );
  return { label: t.label, rc: run.status, stats: json.stats.localhost, tasks };
}

async function main() {
  const o = options(process.argv.slice(2));
  const targets = targetsOf(o);
  if (targets.length === 0) {
    process.stderr.write(
      'upstream-targets: give the checkouts: --amazon-aws DIR (amazon.aws 5.5.1) and/or --community-aws DIR (community.aws 4.5.0), or AMAZON_AWS_CHECKOUT / COMMUNITY_AWS_CHECKOUT\n',
    );
    return 2;
  }
  for (const t of targets)
    if (!existsSync(path.join(t.rolesPath, t.role))) {
      process.stderr.write(`upstream-targets: no target ${t.role} under ${t.rolesPath}\n`);
      return 2;
    }
  if (spawnSync('ansible-playbook', ['--version']).status !== 0) {
    process.stderr.write('upstream-targets: ansible-playbook is not installed\n');
    return 2;
  }
  const work = mkdtempSync(path.join(tmpdir(), 'tsible-upstream-targets-'));
  const endpoint = await startLocalAws(work);
  const results = [];
  try {
    for (const t of targets) results.push(runTarget(t, endpoint, work));
  } finally {
    endpoint.child.removeAllListeners('exit');
    endpoint.child.kill('SIGTERM');
  }
  let failed = false;
  for (const r of results) {
    const count = (s) => r.tasks.filter((x) => x.status === s).length;
    const bad = r.tasks.filter((x) => x.status !== 'ok' && x.status !== 'skipped');
    if (r.rc !== 0 || bad.length > 0 || r.error) failed = true;
    if (!o.json)
      process.stdout.write(
        `${r.label}: rc=${r.rc} tasks=${r.tasks.length} ok=${count('ok')} skipped=${count('skipped')} failed=${count('failed')} (ignored by the target: ${r.stats?.ignored ?? 0})\n` +
          bad.map((x) => `  ${x.status}: ${x.name}: ${x.msg ?? ''}\n`).join('') +
          (r.error ? `  ${r.error}\n` : ''),
      );
  }
  if (o.json) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  return failed ? 1 : 0;
}

process.exitCode = await main();
