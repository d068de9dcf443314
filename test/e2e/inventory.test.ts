// YAML inventories: groups, children, vars; and a clear error naming the file for a malformed one.
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
  it('refuse a malformed one with the file and the entry in the message', async () => {
    const dir = playbookDir({ 'bad.yml': 'all:\n  children:\n    web:\n      hosts: [w1, w2]\n', 'p.yml': play });
    const run = await runCli(['-i', 'bad.yml', 'p.yml'], { cwd: dir, env: quiet });
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(
      'ERROR! Invalid "hosts" entry for "web" group in bad.yml, requires a dictionary, found "<class \'list\'>" instead.\n',
    );
  });
});
