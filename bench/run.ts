// npm run bench: tsible's speed against ansible-playbook on the same files (when installed), and the
// targets of the issues. Prints figures; never asserts (timing belongs here, not in the tests).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as http from 'node:http';
import { Templar } from '../src/template/templar.js';
import { startEndpoint } from '../src/endpoint/server.js';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/tsible.js');
const dir = mkdtempSync(path.join(tmpdir(), 'tsible-bench-'));
const hasAnsible = spawnSync('ansible-playbook', ['--version']).status === 0;
const env = {
  ...process.env,
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_LOCALHOST_WARNING: '0',
  ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
};

function time(cmd: string, args: string[], runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    times.push(performance.now() - t);
  }
  return Math.min(...times);
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const line = (label: string, ours: number, theirs?: number) =>
  console.log(
    `${label.padEnd(52)} tsible ${ms(ours).padStart(10)}${theirs === undefined ? '' : `   ansible-playbook ${ms(theirs).padStart(10)}   ratio ${(theirs / ours).toFixed(1)}x faster`}`,
  );

const play = (tasks: string) => `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}`;
writeFileSync(path.join(dir, 'empty.yml'), play('    - meta: noop\n'));
writeFileSync(
  path.join(dir, 'loop1000.yml'),
  play(
    '    - set_fact:\n        total: "{{ (total | default(0) | int) + item }}"\n      loop: "{{ range(1000) | list }}"\n',
  ),
);
let t200 = '';
for (let i = 0; i < 200; i++)
  t200 +=
    i % 3 === 0
      ? `    - set_fact:\n        v${i}: "{{ ${i} * 2 }}"\n`
      : i % 3 === 1
        ? `    - assert:\n        that: v${i - 1} | int == ${(i - 1) * 2}\n        quiet: true\n`
        : `    - debug:\n        msg: "v is {{ v${i - 2} }}"\n`;
writeFileSync(path.join(dir, 'tasks200.yml'), play(t200));
let t10 = '';
for (let i = 0; i < 10; i++) t10 += `    - set_fact:\n        x${i}: ${i}\n`;
writeFileSync(path.join(dir, 'tasks10.yml'), play(t10));

console.log(
  `tsible bench (node ${process.version}); ansible-playbook ${hasAnsible ? execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0] : 'not installed'}\n`,
);
const empty = time(process.execPath, [bin, 'empty.yml']);
const ansibleEmpty = hasAnsible ? time('ansible-playbook', ['empty.yml']) : undefined;
line('start-up (one meta task)', empty, ansibleEmpty);
const cold10 = time(process.execPath, [bin, 'tasks10.yml']);
line(
  'cold run, 10 set_fact tasks (target <= 150 ms)',
  cold10,
  hasAnsible ? time('ansible-playbook', ['tasks10.yml']) : undefined,
);
const loop = time(process.execPath, [bin, 'loop1000.yml']);
line('1,000-iteration set_fact loop', loop, hasAnsible ? time('ansible-playbook', ['loop1000.yml'], 1) : undefined);
const t200run = time(process.execPath, [bin, 'tasks200.yml']);
line(
  '200 tasks of set_fact/assert/debug',
  t200run,
  hasAnsible ? time('ansible-playbook', ['tasks200.yml'], 1) : undefined,
);
console.log(
  `${'per-task overhead (loop: (run - start-up) / 1000)'.padEnd(52)} tsible ${((loop - empty) / 1000).toFixed(3)} ms (target <= 0.1 ms)`,
);
console.log(
  `${'per-task overhead (200 tasks: (run - start-up) / 200)'.padEnd(52)} tsible ${((t200run - empty) / 200).toFixed(3)} ms`,
);

// Templating (issue 3): obtain-lock.yaml's expressions, first render and cached
const exprs = [
  '{{ lock_log_group_prefix }}/{{ lock_process_id|default(resource_prefix) }}',
  '{{ res.creation_time - (lock_timeout_seconds * 1000) }}',
  "{{ groups_found|selectattr('creation_time', 'lt', expired|int)|list }}",
  "{{ groups_found|sort(attribute='creation_time')|first }}",
  '{{ winning.log_group_name == name }}',
  'not won_lock|bool',
];
const vars: Record<string, unknown> = {
  lock_log_group_prefix: 'locks/x',
  resource_prefix: 'p1',
  lock_timeout_seconds: 900,
  res: { creation_time: 1_700_000_000_000 },
  expired: '1699999100000',
  groups_found: [{ log_group_name: 'locks/x/p1', creation_time: 1_700_000_000_000 }],
  winning: { log_group_name: 'locks/x/p1' },
  name: 'locks/x/p1',
  won_lock: true,
};
const tpl = new Templar({ lookupVar: (n) => vars[n] });
let t = performance.now();
for (const e of exprs) {
  if (e.includes('{{')) tpl.template(e);
  else tpl.evaluateConditional(e);
}
const first = performance.now() - t;
t = performance.now();
for (let i = 0; i < 1000; i++)
  for (const e of exprs) {
    if (e.includes('{{')) new Templar({ lookupVar: (n) => vars[n] }).template(e);
    else tpl.evaluateConditional(e);
  }
console.log(`\n${"obtain-lock's 6 expressions, first render".padEnd(52)} tsible ${ms(first)}`);
console.log(
  `${"obtain-lock's 6 expressions, cached render (each)".padEnd(52)} tsible ${ms((performance.now() - t) / 1000)}`,
);
const big = Array.from({ length: 10_000 }, (_x, i) => ({
  log_group_name: `locks/x/p${i}`,
  creation_time: 1_700_000_000_000 + ((i * 7919) % 10_000),
}));
const bigT = new Templar({
  lookupVar: (n) => (n === 'groups_found' ? big : n === 'n' ? 1_700_000_005_000 : undefined),
});
bigT.template("{{ groups_found|selectattr('creation_time','lt',n)|list|length }}");
t = performance.now();
for (let i = 0; i < 10; i++) {
  bigT.template("{{ groups_found|selectattr('creation_time','lt',n)|list }}");
  bigT.template("{{ groups_found|sort(attribute='creation_time')|first }}");
}
const bigMs = (performance.now() - t) / 10;
let ansibleBig: number | undefined;
if (hasAnsible) {
  writeFileSync(
    path.join(dir, 'big.yml'),
    play(
      `    - set_fact:\n        groups_found: "{{ range(10000) | map('string') | map('regex_replace', '^(.*)$', '{\\"log_group_name\\": \\"locks/x/p\\\\1\\", \\"creation_time\\": \\\\1}') | map('from_json') | list }}"\n    - set_fact:\n        a: "{{ groups_found|selectattr('creation_time','lt',5000)|list }}"\n        b: "{{ groups_found|sort(attribute='creation_time')|first }}"\n`,
    ),
  );
  const withExpr = time('ansible-playbook', ['big.yml'], 1);
  writeFileSync(
    path.join(dir, 'big0.yml'),
    play(
      `    - set_fact:\n        groups_found: "{{ range(10000) | map('string') | map('regex_replace', '^(.*)$', '{\\"log_group_name\\": \\"locks/x/p\\\\1\\", \\"creation_time\\": \\\\1}') | map('from_json') | list }}"\n`,
    ),
  );
  ansibleBig = Math.max(0, withExpr - time('ansible-playbook', ['big0.yml'], 1));
}
line('selectattr(...)|list + sort(...)|first, 10,000 groups (<= 20 ms)', bigMs, ansibleBig);

// The local endpoint (issue 4): requests per second on loopback
const ep = await startEndpoint({ record: false });
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'; // as tsible itself does (src/aws/client.ts)
const client = new CloudWatchLogsClient({
  endpoint: ep.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'k', secretAccessKey: 's' },
});
await client.send(new DescribeLogGroupsCommand({}));
const n = 4000;
t = performance.now();
let inFlight: Promise<unknown>[] = [];
for (let i = 0; i < n; i++) {
  inFlight.push(client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'x' })));
  if (inFlight.length >= 32) {
    await Promise.all(inFlight);
    inFlight = [];
  }
}
await Promise.all(inFlight);
const rps = n / ((performance.now() - t) / 1000);
console.log(
  `\n${'local endpoint, DescribeLogGroups through the JS SDK'.padEnd(52)} ${Math.round(rps)} requests/s (client-bound: SDK signing and parsing)`,
);
client.destroy();
// the server alone: raw keep-alive HTTP, 32 requests in flight
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
const body = JSON.stringify({ logGroupNamePrefix: 'x' });
const one = () =>
  new Promise<void>((resolve, reject) => {
    const req = http.request(
      ep.url,
      {
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': 'Logs_20140328.DescribeLogGroups',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
const raw = 20_000;
t = performance.now();
let pending = 0,
  sent = 0;
await new Promise<void>((resolve, reject) => {
  const pump = () => {
    while (pending < 32 && sent < raw) {
      pending++;
      sent++;
      one().then(() => {
        pending--;
        if (sent === raw && pending === 0) resolve();
        else pump();
      }, reject);
    }
  };
  pump();
});
console.log(
  `${'local endpoint, raw HTTP (32 keep-alive connections)'.padEnd(52)} ${Math.round(raw / ((performance.now() - t) / 1000))} requests/s (target >= 5,000)`,
);
agent.destroy();
await ep.close();

// The lock (issue 4): API calls per attempt and 5 processes taking the lock once each
const race = spawnSync(
  process.execPath,
  [
    bin,
    'race',
    path.join(root, 'playbooks/lock-demo.yml'),
    '--processes',
    '5',
    '-e',
    '{"obtain_lock_delay_seconds": 0, "critical_section_seconds": 0, "max_obtain_lock_attempts": 60}',
  ],
  { env, encoding: 'utf8' },
);
const raceMs = Number(/race took (\d+) ms/.exec(race.stdout)?.[1] ?? NaN);
const calls = /api calls: (.*)/.exec(race.stdout)?.[1] ?? '?';
console.log(
  `${'5 processes each take and release the lock once'.padEnd(52)} ${ms(raceMs)} (jitter: wait_for 0..14 s between attempts)`,
);
console.log(`${'API calls'.padEnd(52)} ${calls}`);
// the algorithm's floor for one uncontended take-and-release, with amazon.aws 5.5.1's call sequences:
// create (Describe, Create, Describe, ListTags) + listing (Describe + one ListTags per attempt present)
// + release (Describe, ListTags, Delete) = 4 + 2 + 3
console.log(
  `${'minimum for one uncontended take and release'.padEnd(52)} 9 calls (4 to create the attempt, 2 to list it, 3 to delete it)`,
);

// The explorer (issue 7): schedules per second on the fixture's lock with 3 processes, faults off, in one process
// and spread over the machine's cores (worker processes). Two figures each: overall (start-up and the JIT's
// warm-up included: they cost about half a second per process) and sustained (the rate once the first quarter
// of the schedules has run, which is what a long search gets).
{
  const { exploreSchedules } = await import('../src/explorer/explore.js');
  const { loadPlaybook } = await import('../src/playbook/loader.js');
  const { availableParallelism } = await import('node:os');
  const file = path.join(root, 'playbooks/explore-lock.yml');
  const rate = async (workers: number, schedules: number) => {
    const started = performance.now();
    let quarter: [number, number] | undefined;
    const report = await exploreSchedules({
      playbook: loadPlaybook(file),
      playbookFile: file,
      workers,
      processes: 3,
      schedules,
      seed: 1,
      onProgress: (n) => {
        if (!quarter && n >= schedules / 4) quarter = [performance.now(), n];
      },
    });
    const ended = performance.now();
    return {
      overall: report.explored / ((ended - started) / 1000),
      sustained: (report.explored - quarter![1]) / ((ended - quarter![0]) / 1000),
    };
  };
  const cores = availableParallelism();
  const one = await rate(1, 4000);
  const all = await rate(cores, 4000 * cores);
  const f = (r: { overall: number; sustained: number }) =>
    `${r.sustained.toFixed(0)} sustained (${r.overall.toFixed(0)} overall)`;
  console.log(
    `\n${'explore: fixture lock, 3 processes, schedules/s'.padEnd(52)} ${f(one)} in one process, ${f(all)} on ${cores} cores (target >= 1,000)`,
  );
}
