// The timeout keyword through the executor, in process. What the golden test/golden/core/timeout.yml records of
// ansible-playbook 2.14 for commands holds for any module that waits; pause is never interrupted (Ansible's
// pause sets an alarm of its own, which replaces the task's: measured, a 2 s pause with timeout 1 ends ok).
import { describe, expect, it } from 'vitest';
import { runPlaybook } from './run-playbook.js';

const MSG = (action: string) =>
  `The ${action} action failed to execute in the expected time frame (1) and was terminated`;

describe('timeout', () => {
  it('ends a waiting module with the action name as written, inherited from a block', async () => {
    const { lines } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - ansible.builtin.wait_for:
            timeout: 30
      timeout: 1
      ignore_errors: true
`);
    expect(lines).toEqual([
      'TASK [ansible.builtin.wait_for]',
      `ignored: [localhost] ${MSG('ansible.builtin.wait_for')}`,
    ]);
  });

  it('leaves pause alone, and a template that is no number fails the task', async () => {
    const { lines } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  tasks:
    - pause:
        seconds: 2
      timeout: 1
    - debug: msg=never
      timeout: "{{ 'soon' }}"
`);
    expect(lines[0]).toBe('TASK [pause]');
    expect(lines[1]).toBe('ok: [localhost]');
    expect(lines[3]).toMatch(
      /^failed: \[localhost\] the field 'timeout' has an invalid value \(\{\{ 'soon' \}\}\), and could not be converted to an int.The error was: invalid literal for int\(\) with base 10: 'soon'\n\nThe error appears to be in '[^']*site.yml': line 8, column 7/,
    );
  });
});
