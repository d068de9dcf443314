// The block walk (src/executor/block-walk.ts): rescue and always, ansible_failed_task and ansible_failed_result,
// nested blocks. Expected output recorded from ansible-playbook 2.14 on the same playbooks.
import { describe, expect, it } from 'vitest';
import { runPlaybook } from './run-playbook.js';

describe('blocks', () => {
  it('an inner always runs before the outer rescue, which sees the failed task; a failed rescue fails the host after always', async () => {
    const { lines, stats } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  tasks:
    - name: outer
      block:
        - name: inner
          block:
            - name: boom
              fail: { msg: inner failure }
            - name: not reached
              debug: msg=no
          always:
            - name: inner always
              debug: msg="inner always"
      rescue:
        - name: outer rescue
          debug: msg="{{ ansible_failed_task.name }} / {{ ansible_failed_result.msg }}"
      always:
        - name: outer always
          debug: msg="outer always"
    - name: after rescued block
      debug: msg=after
    - block:
        - name: fails again
          command: /bin/false
      rescue:
        - name: rescue fails too
          fail: { msg: rescue failure }
      always:
        - name: always after failed rescue
          debug: msg=always
    - name: never reached
      debug: msg=no
`);
    expect(lines).toEqual([
      'TASK [boom]',
      'failed: [localhost] inner failure',
      'TASK [inner always]',
      'ok: [localhost] inner always',
      'TASK [outer rescue]',
      'ok: [localhost] boom / inner failure',
      'TASK [outer always]',
      'ok: [localhost] outer always',
      'TASK [after rescued block]',
      'ok: [localhost] after',
      'TASK [fails again]',
      'failed: [localhost] non-zero return code',
      'TASK [rescue fails too]',
      'failed: [localhost] rescue failure',
      'TASK [always after failed rescue]',
      'ok: [localhost] always',
    ]);
    expect(stats.get('localhost')).toMatchObject({ ok: 5, changed: 0, failures: 1, rescued: 2, skipped: 0 });
  });

  it('ansible_failed_task holds the failed task as Task.serialize() gives it', async () => {
    const { lines } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - name: checked
          assert: { that: [1 == 2], fail_msg: nope }
          tags: t1
          when: true
          register: out
      rescue:
        - name: fields
          debug:
            msg: "{{ ansible_failed_task.action }}|{{ ansible_failed_task.tags }}|{{ ansible_failed_task.when }}|{{ ansible_failed_task.register }}|{{ ansible_failed_task.delay }}|{{ ansible_failed_result.assertion }}|{{ out.failed }}"
`);
    expect(lines).toEqual([
      'TASK [checked]',
      'failed: [localhost] nope',
      'TASK [fields]',
      "ok: [localhost] assert|['t1']|[True]|out|5|1 == 2|True",
    ]);
  });

  it('always runs after an unrescued failure, then the host stops', async () => {
    const { lines, stats } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - { name: boom, fail: { msg: no rescue } }
      always:
        - { name: cleanup, debug: msg=cleanup }
    - { name: after, debug: msg=after }
`);
    expect(lines).toEqual([
      'TASK [boom]',
      'failed: [localhost] no rescue',
      'TASK [cleanup]',
      'ok: [localhost] cleanup',
    ]);
    expect(stats.get('localhost')).toMatchObject({ ok: 1, failures: 1, rescued: 0 });
  });

  it('a block whose tasks all succeed runs no rescue', async () => {
    const { lines } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - { name: fine, debug: msg=fine }
      rescue:
        - { name: rescue, debug: msg=rescue }
      always:
        - { name: always, debug: msg=always }
`);
    expect(lines).toEqual(['TASK [fine]', 'ok: [localhost] fine', 'TASK [always]', 'ok: [localhost] always']);
  });

  it("ansible_failed_task carries the keywords' defaults (recorded from ansible-playbook 2.14)", async () => {
    const { lines } = await runPlaybook(`
- hosts: localhost
  gather_facts: false
  tasks:
    - block:
        - { name: boom, fail: { msg: x }, register: r }
      rescue:
        - debug:
            msg: >-
              {{ [t.retries, t.delay, t.no_log, t.check_mode, t.diff, t.any_errors_fatal, t.ignore_errors,
                  t.run_once, t.register, t.vars, t.until, t.when] | string }}
          vars:
            t: "{{ ansible_failed_task }}"
`);
    // ansible-playbook 2.14 printed: [3, 5, False, False, False, False, None, None, 'r', {}, [], []]
    expect(lines.at(-1)).toBe("ok: [localhost] [3, 5, False, False, False, False, None, None, 'r', {}, [], []]");
  });
});
