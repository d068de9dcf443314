#!/usr/bin/env node
// Regenerates cases.ansible-2.14.json and ses-cases.ansible-2.14.json: every case of cases.json (CloudWatch Logs,
// amazon.aws 5.5.1) and of ses-cases.json (SES, community.aws 5.5.0) run by real ansible-playbook (boto3) against
// tsible's local endpoint, recording the task result and the API calls. A case's setup calls go to the service
// its file names. Needs `npm run build` and ansible-playbook with python3-boto3; CI only compares against the
// output. `node regenerate.mjs ID...` re-records only those cases.
//
// Cases with `tls: true` go through HTTPS: amazon.aws builds resource_actions from botocore's debug log by matching
// `https://<service>.`, so against the endpoint's plain http:// URL the module crashes. There botocore keeps its
// real endpoint (https://logs.us-east-1.amazonaws.com, https://email.us-east-1.amazonaws.com) and reaches it through HTTPS_PROXY: a CONNECT proxy here
// that terminates TLS with a throwaway self-signed certificate (openssl, trusted through AWS_CA_BUNDLE) and hands
// the plain bytes to the local endpoint.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEndpoint } from '../../../dist/src/endpoint/server.js';
import { caseEnvironment, writeCasePlaybook } from './case-run.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'aws-goldens-'));
const version = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
const only = process.argv.slice(2);
const SUITES = [
  { cases: 'cases.json', golden: 'cases.ansible-2.14.json' },
  { cases: 'ses-cases.json', golden: 'ses-cases.ansible-2.14.json' },
];

const HOSTS = ['logs.us-east-1.amazonaws.com', 'email.us-east-1.amazonaws.com'];
const keyFile = path.join(work, 'key.pem');
const certFile = path.join(work, 'cert.pem');
spawnSync('openssl', [
  'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', keyFile, '-out', certFile,
  '-subj', `/CN=${HOSTS[0]}`, '-addext', `subjectAltName=${HOSTS.map((h) => `DNS:${h}`).join(',')}`,
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

/** The case's setup calls on the model of the suite's service (`setupMany`: that many groups or rule sets). */
function setUp(ep, service, c) {
  const target = ep.services[service];
  const create = service === 'ses' ? 'CreateReceiptRuleSet' : 'CreateLogGroup';
  const member = service === 'ses' ? 'RuleSetName' : 'logGroupName';
  if (c.setupMany)
    for (let i = 0; i < c.setupMany.count; i++)
      target.call(create, { [member]: `${c.setupMany.prefix}${String(i).padStart(3, '0')}` }, 'setup');
  for (const [op, body] of c.setup ?? []) target.call(op, body, 'setup');
  ep.calls.length = 0;
}

/** One case run by ansible-playbook against a fresh endpoint: its exit code, task result and API calls. */
async function record(service, c) {
  const ep = await startEndpoint();
  setUp(ep, service, c);
  const playbook = writeCasePlaybook(work, c);
  const proxy = c.tls ? await tlsProxy(Number(new URL(ep.url).port)) : undefined;
  const connection = proxy
    ? { HTTPS_PROXY: proxy.url, https_proxy: proxy.url, AWS_CA_BUNDLE: certFile }
    : { AWS_URL: ep.url };
  // asynchronously: the endpoint answers from this very process
  const run = await new Promise((resolve) => {
    const child = spawn('ansible-playbook', [playbook, ...(c.check ? ['--check'] : [])], {
      env: caseEnvironment(c, connection),
    });
    let stdout = '';
    child.stdout.on('data', (b) => {
      stdout += b;
    });
    child.on('close', (status) => resolve({ status, stdout }));
  });
  const json = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
  const result = json.plays[0].tasks[0].hosts.localhost;
  const calls = ep.calls.map(({ operation, input }) => ({ operation, input }));
  await ep.close();
  proxy?.close();
  process.stdout.write(`${c.id}: rc=${run.status} calls=${calls.map((x) => x.operation).join(',')}\n`);
  return { id: c.id, rc: run.status, result, calls };
}

for (const suite of SUITES) {
  const { cases, service = 'logs' } = JSON.parse(readFileSync(path.join(here, suite.cases), 'utf8'));
  const goldenFile = path.join(here, suite.golden);
  const wanted = cases.filter((c) => !only.length || only.includes(c.id));
  if (!wanted.length) continue;
  const kept = only.length && existsSync(goldenFile) ? JSON.parse(readFileSync(goldenFile, 'utf8')).cases : [];
  const out = [];
  for (const c of wanted) out.push(await record(service, c));
  // the cases in the case file's order, those not re-recorded as they were
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
}
