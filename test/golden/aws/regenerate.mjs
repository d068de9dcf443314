#!/usr/bin/env node
// Regenerates cases.ansible-2.14.json: every case of cases.json run by real ansible-playbook (amazon.aws 5.5.1,
// boto3) against tsible's local CloudWatch Logs endpoint, recording the task result and the API calls.
// Needs `npm run build` and ansible-playbook with python3-boto3; CI only compares against the output.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEndpoint } from '../../../dist/src/endpoint/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(path.join(here, 'cases.json'), 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'aws-goldens-'));
const version = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const out = [];
for (const c of cases) {
  const ep = await startEndpoint();
  if (c.setupMany)
    for (let i = 0; i < c.setupMany.count; i++)
      ep.service.call('CreateLogGroup', { logGroupName: `${c.setupMany.prefix}${String(i).padStart(3, '0')}` });
  for (const [op, body] of c.setup ?? []) ep.service.call(op, body);
  ep.calls.length = 0;
  const playbook = path.join(work, `${c.id}.yml`);
  writeFileSync(
    playbook,
    JSON.stringify([
      { hosts: 'localhost', gather_facts: false, tasks: [{ name: c.id, [c.module]: c.args, register: 'r' }] },
    ]),
  );
  // asynchronously: the endpoint answers from this very process
  const run = await new Promise((resolve) => {
    const child = spawn('ansible-playbook', [playbook, ...(c.check ? ['--check'] : [])], {
      env: {
        ...process.env,
        AWS_URL: ep.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDTSIBLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        ANSIBLE_STDOUT_CALLBACK: 'json',
        ANSIBLE_LOCALHOST_WARNING: '0',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
        ANSIBLE_DEPRECATION_WARNINGS: '0',
      },
    });
    let stdout = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.on('close', (status) => resolve({ status, stdout }));
  });
  const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
  const result = json.plays[0].tasks[0].hosts.localhost;
  out.push({ id: c.id, rc: run.status, result, calls: ep.calls.map(({ operation, input }) => ({ operation, input })) });
  await ep.close();
  process.stdout.write(
    `${c.id}: rc=${run.status} calls=${out
      .at(-1)
      .calls.map((x) => x.operation)
      .join(',')}\n`,
  );
}
writeFileSync(
  path.join(here, 'cases.ansible-2.14.json'),
  JSON.stringify({ generator: 'test/golden/aws/regenerate.mjs', ansible: version, cases: out }, null, 1) + '\n',
);
