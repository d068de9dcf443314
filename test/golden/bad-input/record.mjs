#!/usr/bin/env node
// Records expected.ansible-2.14.json: every case of cases/*.yml run by real ansible-playbook (a case's args give the
// playbook and options), keeping its key (exit code, key message, location; corpus.mjs defines them).
// `node record.mjs ID...` re-records only those cases. CI never runs this: it only compares tsible with the file.
// RECORD_TIMEOUT_S sets how long a case may run before it is killed and recorded as a timeout (default 120): the
// recursion cases need hours (`RECORD_TIMEOUT_S=14400 node record.mjs includes/include-recursive-self ...`).
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { EXPECTED_FILE, keyOf, loadCases, runIn, writeCase } from './corpus.mjs';

const version = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0];
if (!version) throw new Error('ansible-playbook is not installed');
const only = process.argv.slice(2);
const timeoutMs = 1000 * Number(process.env.RECORD_TIMEOUT_S ?? 120);
const kept = existsSync(EXPECTED_FILE) ? JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')).cases : {};
const cases = loadCases();
const recorded = {};
let next = 0;
async function worker() {
  while (next < cases.length) {
    const c = cases[next++];
    if (only.length && !only.some((o) => c.id === o || c.id.startsWith(`${o}/`))) continue;
    const dir = writeCase(c);
    const run = await runIn(dir, ['ansible-playbook', ...c.args], { env: c.env, timeoutMs });
    rmSync(dir, { recursive: true, force: true });
    recorded[c.id] = keyOf(run);
    process.stdout.write(`${c.id}: ${JSON.stringify(recorded[c.id])}\n`);
  }
}
await Promise.all([worker(), worker(), worker()]);
const out = {};
for (const c of cases) if (recorded[c.id] ?? kept[c.id]) out[c.id] = recorded[c.id] ?? kept[c.id];
writeFileSync(EXPECTED_FILE, JSON.stringify({ version, cases: out }, null, 1) + '\n');
console.log(`${Object.keys(recorded).length} cases recorded in ${EXPECTED_FILE}`);
