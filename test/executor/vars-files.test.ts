// A play's vars_files: each entry is looked for once per play (the check for vault encrypted files before the
// play's banner and the loading share what was found).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlaybook } from './run-playbook.js';

describe('vars_files', () => {
  it('finds each entry once, and loads the first file found of a list', async () => {
    const { lines, executor } = await runPlaybook({
      'site.yml': `
- hosts: localhost
  gather_facts: false
  vars_files:
    - "{{ lookup('pipe', 'echo x >> ' ~ playbook_dir ~ '/looked-up; echo v.yml') }}"
    - [missing.yml, w.yml]
  tasks:
    - debug: msg="{{ a }} {{ b }}"
`,
      'v.yml': 'a: 1\n',
      'w.yml': 'b: 2\n',
    });
    expect(lines).toEqual(['TASK [debug]', 'ok: [localhost] 1 2']);
    const dir = String(executor.vm.magic.playbook_dir);
    expect(readFileSync(path.join(dir, 'looked-up'), 'utf8')).toBe('x\n');
  });
});
