#!/usr/bin/env node
// Records what real Ansible (ansible-playbook, 2.14) makes of every case in cases.json (or the file named as the
// first argument, e.g. json_query.json): the value set_fact stores and its Python type, the text form ("@@" +
// template), or the error, into <name>.ansible-2.14.json. Needs ansible-playbook; CI only compares tsible's
// answers with the recorded file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const input = process.argv[2] ?? 'cases.json';
const { cases } = JSON.parse(readFileSync(path.join(here, input), 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'templating-goldens-'));
mkdirSync(path.join(work, 'files'));
writeFileSync(path.join(work, 'files/sample.txt'), 'line one\nline two\n');
const tasks = [];
for (const c of cases) {
  const common = { vars: c.vars, ignore_errors: true };
  tasks.push({ name: `${c.id} native`, set_fact: { probe: c.template }, ...common });
  tasks.push({ name: `${c.id} type`, set_fact: { probe_type: '{{ probe | type_debug }}' }, ...common });
  tasks.push({ name: `${c.id} text`, set_fact: { probe_text: `@@${c.template}` }, ...common });
}
writeFileSync(path.join(work, 'play.yml'), JSON.stringify([{ hosts: 'localhost', gather_facts: false, tasks }]));
const run = spawnSync('ansible-playbook', ['play.yml'], {
  cwd: work,
  encoding: 'utf8',
  maxBuffer: 1 << 30,
  env: {
    ...process.env,
    ANSIBLE_STDOUT_CALLBACK: 'json',
    ANSIBLE_LOCALHOST_WARNING: '0',
    ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
    ANSIBLE_DEPRECATION_WARNINGS: '0',
    TZ: 'UTC',
  },
});
const doc = JSON.parse(run.stdout.slice(run.stdout.indexOf('{')));
const results = doc.plays[0].tasks.map((t) => t.hosts.localhost);
const out = cases.map((c, i) => {
  const [native, type, text] = results.slice(i * 3, i * 3 + 3);
  const one = (r, key) => (r.failed ? { error: r.msg ?? r.reason } : { value: r.ansible_facts?.[key] ?? null });
  const n = one(native, 'probe');
  return {
    ...c,
    expected: {
      native: n.error !== undefined ? n : { ...n, type: native.failed ? undefined : type.ansible_facts?.probe_type },
      text: one(text, 'probe_text'),
    },
  };
});
const version = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
writeFileSync(
  path.join(here, input.replace(/\.json$/, '.ansible-2.14.json')),
  JSON.stringify(
    { generator: `test/golden/templating/regenerate.mjs ${input}`, ansible: version, count: out.length, cases: out },
    null,
    1,
  ) + '\n',
);
console.log(`${out.length} cases recorded`);
