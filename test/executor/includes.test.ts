// Includes (src/executor/includes.ts). Expected behaviour recorded from ansible-playbook 2.14 on the same playbooks.
import { describe, expect, it } from 'vitest';
import { TWO_HOSTS, runPlaybook } from './run-playbook.js';

describe('include_role', () => {
  it('of a role that is not there fails its host and the run goes on; any_errors_fatal then ends the play', async () => {
    const { lines, stats } = await runPlaybook(
      `
- hosts: a,b
  gather_facts: no
  any_errors_fatal: yes
  tasks:
    - name: not there
      include_role:
        name: not-there
      when: inventory_hostname == 'b'
    - debug:
        msg: never reached
`,
      { hosts: TWO_HOSTS },
    );
    // ansible-playbook shows the error (ERROR! the role 'not-there' was not found in ...) on stderr, exits 2; the
    // include's own result (ok) is not shown by the default callback
    expect(lines).toEqual(['TASK [not there]', 'skipped: [a]', 'ok: [b]']);
    // the strategy fails the host outside its processing of results: nothing is counted for it (core golden
    // include-load-failures.yml has the recap Ansible prints)
    expect(stats.get('b')?.failures ?? 0).toBe(0);
    expect(stats.get('a')?.ok ?? 0).toBe(0);
  });
});
