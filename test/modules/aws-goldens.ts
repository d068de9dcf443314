// The AWS module goldens (test/golden/aws): a suite's cases and what real ansible-playbook recorded for them
// (regenerate.mjs), one case run by tsible against a local endpoint set up the same way, and the comparison
// with what only the environment or the clock decides masked.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import type { LocalEndpoint } from '../../src/endpoint/server.js';
import { BIN, ROOT } from '../helpers.js';
import { caseEnvironment, writeCasePlaybook } from '../golden/aws/case-run.mjs';

const dir = path.join(ROOT, 'test/golden/aws');

/** `cases` (CloudWatch Logs) or `ses-cases`: the case file and its recording, by case id. */
export function goldenSuite(name: string): { cases: any[]; golden: Map<string, any> } {
  const { cases } = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const recorded = JSON.parse(readFileSync(path.join(dir, `${name}.ansible-2.14.json`), 'utf8')).cases;
  return { cases, golden: new Map(recorded.map((c: any) => [c.id, c])) };
}

/** The case's setup calls on the service's model, as regenerate.mjs makes them. */
export function setUpCase(ep: LocalEndpoint, service: 'logs' | 'ses', c: any): void {
  const target = ep.services[service];
  const [create, member] =
    service === 'ses' ? ['CreateReceiptRuleSet', 'RuleSetName'] : ['CreateLogGroup', 'logGroupName'];
  if (c.setupMany)
    for (let i = 0; i < c.setupMany.count; i++)
      target.call(create, { [member]: `${c.setupMany.prefix}${String(i).padStart(3, '0')}` }, 'setup');
  for (const [op, body] of c.setup ?? []) target.call(op, body, 'setup');
  ep.calls.length = 0;
}

export interface CaseRun {
  code: number;
  result: any;
  calls: Array<{ operation: string; input: unknown }>;
}

/** The case's one-task playbook run by tsible (json callback) against the endpoint; the calls it made. */
export async function runGoldenCase(c: any, ep: LocalEndpoint, work: string): Promise<CaseRun> {
  const playbook = writeCasePlaybook(work, c);
  const { code, out } = await new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, playbook, ...(c.check ? ['--check'] : [])], {
      env: caseEnvironment(c, { AWS_URL: ep.url }),
    });
    let text = '';
    child.stdout.on('data', (b) => {
      text += b;
    });
    child.on('close', (status) => resolve({ code: status ?? -1, out: text }));
  });
  const calls = ep.calls.map(({ operation, input }) => ({ operation, input }));
  return { code, result: JSON.parse(out).plays[0].tasks[0].hosts.localhost, calls };
}

/** A creation time as Python prints an aware UTC datetime. */
const PY_ISOFORMAT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/;

/** What only the environment or the clock decides, and what botocore 1.29 drops (members newer than its model). */
function mask(v: any): any {
  if (Array.isArray(v)) return v.map((x) => mask(x));
  if (!v || typeof v !== 'object') return v;
  const o: any = {};
  for (const [k, x] of Object.entries(v)) {
    if (k === 'log_group_class' || k === 'log_group_arn') continue;
    // Python's own: the library versions
    if (k === 'boto3_version' || k === 'botocore_version') continue;
    if (k === 'http_headers') {
      o[k] = Object.keys(x as object)
        .filter((h) => !['date', 'x-amzn-requestid', 'connection', 'keep-alive'].includes(h))
        .sort();
      continue;
    }
    // a Python set's order; the last line of a traceback (tsible's module crash has only that line), on stderr and
    // as the exception
    if (k === 'resource_actions') o[k] = [...(x as string[])].sort();
    else if (k === 'module_stderr' || k === 'exception') o[k] = String(x).trim().split('\n').at(-1);
    // tsible's argument spec has no suboptions: the ones not given are not shown as null
    else if (k === 'metric_transformation' && x && typeof x === 'object')
      o[k] = Object.fromEntries(Object.entries(x).filter(([, y]) => y !== null));
    // the order of a Python set, which changes with the hash seed of each run
    else if (k === 'msg' && typeof x === 'string')
      o[k] = x.replace(/Valid booleans include: .*/, 'Valid booleans include: <set>');
    else if (k === 'created_timestamp') o[k] = PY_ISOFORMAT.test(String(x)) ? '<isoformat>' : x;
    else o[k] = ['creation_time', 'endpoint_url', 'aws_ca_bundle', 'request_id'].includes(k) ? '<masked>' : mask(x);
  }
  return o;
}

/** tsible's run of a case against what ansible-playbook recorded: the same calls, result and exit code. */
export function expectLikeGolden(run: CaseRun, theirs: any): void {
  expect(run.calls).toEqual(theirs.calls);
  // a module crash has no invocation in Ansible (the module never exits); tsible's executor adds one
  if (String(theirs.result.msg).startsWith('MODULE FAILURE')) delete run.result.invocation;
  expect(mask(run.result)).toEqual(mask(theirs.result));
  expect(run.code).toBe(theirs.rc);
}
