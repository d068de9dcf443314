// YAML inventories: groups, children, vars; and a warning naming the file and the entry for a malformed one.
import { describe, expect, it } from 'vitest';
import { playbookDir, runCli } from '../helpers.js';

const quiet = { ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_INVENTORY_UNPARSED_WARNING: '0' };
const play =
  '- hosts: web\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: "{{ inventory_hostname }} {{ v }} {{ group_names }}"\n';

describe('YAML inventories', () => {
  it('read groups nested through children, with their vars', async () => {
    const dir = playbookDir({
      'inv.yml':
        'all:\n  vars:\n    v: from-all\n  children:\n    web:\n      hosts:\n        w1:\n          ansible_connection: local\n        w2:\n          ansible_connection: local\n          v: from-host\n',
      'p.yml': play,
    });
    const run = await runCli(['-i', 'inv.yml', 'p.yml'], { cwd: dir, env: quiet });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg": "w1 from-all [\'web\']"');
    expect(run.stdout).toContain('"msg": "w2 from-host [\'web\']"');
  });
  it('warn of a malformed one, naming the file and the entry, and run without it as Ansible does', async () => {
    const dir = playbookDir({ 'bad.yml': 'all:\n  children:\n    web:\n      hosts: [w1, w2]\n', 'p.yml': play });
    const run = await runCli(['-i', 'bad.yml', 'p.yml'], { cwd: dir, env: quiet });
    expect(run.code).toBe(0);
    const stderr = run.stderr.replace(/\s+/g, ' ');
    expect(stderr).toContain('[WARNING]: * Failed to parse');
    expect(stderr).toContain(
      `Invalid "hosts" entry for "web" group in ${dir}/bad.yml, requires a dictionary, found "<class 'list'>" instead.`,
    );
    expect(stderr).toContain(`[WARNING]: Unable to parse ${dir}/bad.yml as an inventory source`);
    expect(run.stdout).toContain('skipping: no hosts matched');
  });
});
