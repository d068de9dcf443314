// The arguments of a module run (src/executor/module-run.ts). Expected output recorded from ansible-playbook 2.14
// on the same playbooks.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from './run-playbook.js';

describe('free-form text that is a template', () => {
  it('gives the arguments when it is a dict, the explicit ones winning, with a warning for each task', async () => {
    const { lines, warnings } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  vars:
    debug_args: { msg: from a variable }
  tasks:
    - debug: "{{ debug_args }}"
    - debug: "{{ debug_args }} msg=explicit"
    - debug: garbage {{ "with a template" }}
      ignore_errors: true
`);
    expect(lines).toEqual([
      'TASK [debug]',
      'ok: [localhost] from a variable',
      'TASK [debug]',
      'ok: [localhost] explicit',
      'TASK [debug]',
      "ignored: [localhost] invalid or malformed argument: 'garbage with a template'",
    ]);
    const splat =
      "Using a variable for a task's 'args' is unsafe in some situations (see https://docs.ansible.com/ansible/devel/reference_appendices/faq.html#argsplat-unsafe)";
    expect(warnings).toEqual([splat, splat]);
  });
});
