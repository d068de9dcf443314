#!/usr/bin/env node
// Regenerates cases.ansible-2.14.json: every case of cases.json run by real ansible-playbook (amazon.aws 5.5.1,
// boto3) against tsible's local CloudWatch Logs endpoint, recording the task result and the API calls.
// Needs `npm run build` and ansible-playbook with python3-boto3; CI only compares against the output.
// `node regenerate.mjs ID...` re-records only those cases.
//
// Cases with `tls: true` go through HTTPS: amazon.aws builds resource_actions from botocore's debug log by matching
// `https://<service>.`, so against the endpoint's plain http:// URL the module crashes. There botocore keeps its
// real endpoint (https://logs.us-east-1.amazonaws.com) and reaches it through HTTPS_PROXY: a CONNECT proxy here
// that terminates TLS with a throwaway self-signed certificate (openssl, trusted through AWS_CA_BUNDLE) and hands
// the plain bytes to the local endpoint.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEndpoint } from '../../../dist/src/endpoint/server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { cases } = JSON.parse(readFileSync(path.join(here, 'cases.json'), 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'aws-goldens-'));
const version = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const only = process.argv.slice(2);
const goldenFile = path.join(here, 'cases.ansible-2.14.json');
const kept = only.length ? JSON.parse(readFileSync(goldenFile, 'utf8')).cases : [];

const HOST = 'logs.us-east-1.amazonaws.com';
const keyFile = path.join(work, 'key.pem');
const certFile = path.join(work, 'cert.pem');
spawnSync('openssl', [
  'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', keyFile, '-out', certFile,
  '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`,
], { stdio: 'ignore' }); // prettier-ignore
const tlsOptions = { isServer: true, key: readFileSync(keyFile), cert: readFileSync(certFile) };

/** The CONNECT proxy in front of the endpoint at `port`; resolves to its URL. */
async function tlsProxy(port) {
  const proxy = createServer();
  proxy.on('connect', (_req, socket, head) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    const secure = new TLSSocket(socket, tlsOptions);
    const upstream = connect(port, '127.0.0.1');
    secure.pipe(upstream).pipe(secure);
    secure.on('error', () => upstream.destroy());
    upstream.on('error', () => secure.destroy());
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${proxy.address().port}`, close: () => proxy.close() };
}

const out = [];
for (const c of cases) {
  if (only.length && !only.includes(c.id)) continue;
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
  const proxy = c.tls ? await tlsProxy(Number(new URL(ep.url).port)) : undefined;
  const connection = proxy
    ? { HTTPS_PROXY: proxy.url, https_proxy: proxy.url, AWS_CA_BUNDLE: certFile }
    : { AWS_URL: ep.url };
  // asynchronously: the endpoint answers from this very process
  const run = await new Promise((resolve) => {
    const child = spawn('ansible-playbook', [playbook, ...(c.check ? ['--check'] : [])], {
      env: {
        ...process.env,
        ...connection,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDTSIBLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        ANSIBLE_STDOUT_CALLBACK: 'json',
        ANSIBLE_LOCALHOST_WARNING: '0',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
        ANSIBLE_DEPRECATION_WARNINGS: '0',
        ...c.env,
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
  proxy?.close();
  process.stdout.write(
    `${c.id}: rc=${run.status} calls=${out
      .at(-1)
      .calls.map((x) => x.operation)
      .join(',')}\n`,
  );
}
// the cases in cases.json's order, those not re-recorded as they were
const recorded = new Map([...kept, ...out].map((x) => [x.id, x]));
writeFileSync(
  goldenFile,
  JSON.stringify(
    {
      generator: 'test/golden/aws/regenerate.mjs',
      ansible: version,
      cases: cases.map((x) => recorded.get(x.id)).filter(Boolean),
    },
    null,
    1,
  ) + '\n',
);
