#!/usr/bin/env node
// Records what real Ansible's setup module returns on this machine, for test/facts/: for each gather_subset and
// filter case below, the sorted list of fact names, and (for gather_subset=all) every value, so that a test on
// the same machine can compare values and a test anywhere can compare key sets. CI never runs this (it has no
// Ansible). Usage: node test/facts/regenerate.mjs   (writes test/facts/ansible-setup.json)
import { execFile } from 'node:child_process';
import { writeFileSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = new URL('.', import.meta.url).pathname;

/** Each case: the setup module's arguments (as -a key=value words). */
export const CASES = JSON.parse(readFileSync(`${here}cases.json`, 'utf8'));

async function setup(args) {
  const env = {
    ...process.env,
    ANSIBLE_LOAD_CALLBACK_PLUGINS: '1',
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_LOCALHOST_WARNING: '0',
    ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
  };
  const { stdout } = await run(
    'ansible',
    ['localhost', '-m', 'setup', ...(Object.keys(args).length ? ['-a', JSON.stringify(args)] : [])],
    {
      env,
      maxBuffer: 64 << 20,
    },
  );
  const out = JSON.parse(stdout);
  return out.plays[0].tasks[0].hosts.localhost.ansible_facts;
}

const result = { ansible: (await run('ansible', ['--version'])).stdout.split('\n')[0], cases: [] };
// a few at a time: each run is a Python start-up and a full gather
const queue = [...CASES.entries()];
const keys = new Array(CASES.length);
let all;
await Promise.all(
  [0, 1, 2, 3].map(async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, args] = next;
      const facts = await setup(args);
      keys[i] = Object.keys(facts).sort();
      if (i === 0) all = facts;
    }
  }),
);
result.cases = CASES.map((args, i) => ({ args, keys: keys[i] }));
// the environment is this session's, not the machine's: its names and values are not kept
result.values = { ...all, ansible_env: {} };
writeFileSync(`${here}ansible-setup.json`, JSON.stringify(result, null, 1) + '\n');
console.log(`recorded ${CASES.length} cases in ${here}ansible-setup.json`);
