// Every module of ansible.builtin is a name tsible knows: one it does not implement loads with the playbook (a
// role may name pip under a `when` that is false, as upstream filter_core's dependency does) and fails only when it
// runs. The list is generated from the installed Ansible by scripts/builtin-modules.py.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveModule } from '../../modules/index.js';
import { BUILTIN_MODULE_NAMES } from '../../modules/builtin-names.js';
import { ROOT, playbookDir, runCli } from '../helpers.js';

describe('the modules of ansible.builtin', () => {
  it('resolves each by its short name, ansible.builtin. and ansible.legacy. names', () => {
    for (const name of BUILTIN_MODULE_NAMES)
      for (const n of [name, `ansible.builtin.${name}`, `ansible.legacy.${name}`])
        expect(resolveModule(n)).toBeDefined();
    expect(resolveModule('ansible.builtin.no_such_module')).toBeUndefined();
  });

  it('loads a playbook naming one tsible does not implement; the task fails when it runs', async () => {
    const dir = playbookDir({
      'pb.yml': [
        '- hosts: localhost',
        '  gather_facts: false',
        '  tasks:',
        '    - pip: name=passlib',
        '      when: false',
        '    - ansible.builtin.pip:',
        '        name: passlib',
        '',
      ].join('\n'),
    });
    try {
      const run = await runCli(['pb.yml'], { cwd: dir, env: { ANSIBLE_LOCALHOST_WARNING: '0' } });
      expect(run.stdout).toContain('TASK [pip]');
      expect(run.stdout).toContain('skipping: [localhost]');
      expect(run.stdout).toContain(
        'fatal: [localhost]: FAILED! => {"changed": false, "msg": "tsible does not implement the module ansible.builtin.pip"}',
      );
      expect(run.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const python = '/usr/bin/python3';
  const ansible = existsSync(python) && existsSync('/usr/bin/ansible-playbook');
  it.skipIf(!ansible)('is the list the installed Ansible has (skipped without Ansible)', () => {
    const script = path.join(ROOT, 'scripts', 'builtin-modules.py');
    const generated = execFileSync(python, [script], { encoding: 'utf8' });
    const names = (text: string) => [...text.matchAll(/^\s+'(\w+)',$/gm)].map((m) => m[1]);
    expect(names(readFileSync(path.join(ROOT, 'modules', 'builtin-names.ts'), 'utf8'))).toEqual(names(generated));
  });
  if (!ansible) console.log('builtin-names: Ansible is not installed, the list is not compared with it');
});
