// `node scripts/yaml-record.mjs`: Ansible's answers (scripts/yaml-pyyaml.py: libyaml with Ansible's constructors)
// for the YAML snippets of test/yaml/pyyaml/cases, recorded in test/yaml/pyyaml/expected.json, which
// test/yaml/pyyaml.test.ts compares tsible's loader with. Needs the Python that runs ansible-playbook.
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ansiblePython } from './yaml-compare.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cases = path.join(ROOT, 'test/yaml/pyyaml/cases');
const python = ansiblePython();
if (!python) throw new Error('no Python that can import ansible (is ansible-core installed?)');
const files = readdirSync(cases)
  .filter((f) => f.endsWith('.yml'))
  .sort();
const run = spawnSync(python, [path.join(ROOT, 'scripts/yaml-pyyaml.py')], {
  cwd: cases,
  input: files.join('\n') + '\n',
  encoding: 'utf8',
});
if (run.status !== 0) throw new Error(run.stderr);
const expected = {};
for (const line of run.stdout.trim().split('\n')) {
  const { file, ...answer } = JSON.parse(line);
  expected[file.replace(/\.yml$/, '')] = answer;
}
// one case a line, so that a re-recording shows as the cases that changed
const lines = Object.entries(expected).map(([name, answer]) => ` ${JSON.stringify(name)}: ${JSON.stringify(answer)}`);
writeFileSync(path.join(ROOT, 'test/yaml/pyyaml/expected.json'), `{\n${lines.join(',\n')}\n}\n`);
console.log(`recorded ${files.length} cases in test/yaml/pyyaml/expected.json`);
