// The task gate (src/executor/task-gate.ts): which tasks run, as ansible-playbook 2.14 decides it. Expected
// output recorded from ansible-playbook on the same playbooks (see test/golden/core/tags*.yml and start-at.yml
// for the goldens these extend).
import { describe, expect, it } from 'vitest';
import { runPlaybook, TWO_HOSTS } from './run-playbook.js';

const TAGGED = `
- hosts: localhost
  gather_facts: false
  tags: [p]
  tasks:
    - block:
        - name: in block x
          debug: msg=x
        - name: in block x and y
          debug: msg=xy
          tags: y
      tags: x
    - name: untagged but play tag p
      debug: msg=p
    - name: never unless asked
      debug: msg=n
      tags: [never, z]
    - name: always runs
      debug: msg=a
      tags: always
`;
const banners = (lines: string[]) => lines.filter((l) => l.startsWith('TASK')).map((l) => l.slice(6, -1));

describe('tags', () => {
  it.each([
    [{}, ['in block x', 'in block x and y', 'untagged but play tag p', 'always runs']],
    // a block's tags are its tasks' tags
    [{ tags: ['x'] }, ['in block x', 'in block x and y', 'always runs']],
    [{ tags: ['y'] }, ['in block x and y', 'always runs']],
    [{ skipTags: ['x'] }, ['untagged but play tag p', 'always runs']],
    // the play's tags are every task's tags, and naming one of a never task's tags runs it
    [
      { tags: ['p'] },
      ['in block x', 'in block x and y', 'untagged but play tag p', 'never unless asked', 'always runs'],
    ],
    [{ tags: ['never'] }, ['never unless asked', 'always runs']],
    [{ tags: ['untagged'] }, ['always runs']],
    [{ skipTags: ['always'] }, ['in block x', 'in block x and y', 'untagged but play tag p']],
  ])('%j runs %j', async (options, expected) => {
    const { lines } = await runPlaybook(TAGGED, options);
    expect(banners(lines)).toEqual(expected);
  });

  it('--tags tagged runs every task with a tag, and --skip-tags wins over --tags', async () => {
    const play = `
- hosts: localhost
  gather_facts: false
  tasks:
    - { name: one, debug: msg=1, tags: a }
    - { name: two, debug: msg=2 }
    - { name: three, debug: msg=3, tags: [a, b] }
`;
    expect(banners((await runPlaybook(play, { tags: ['tagged'] })).lines)).toEqual(['one', 'three']);
    expect(banners((await runPlaybook(play, { tags: ['a'], skipTags: ['b'] })).lines)).toEqual(['one']);
  });

  it("an include's tags are its own: its tasks are filtered one by one", async () => {
    const { lines } = await runPlaybook(
      {
        'site.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      tags: a
`,
        'inc.yml': `
- { name: included a, debug: msg=a, tags: a }
- { name: included b, debug: msg=b, tags: b }
`,
      },
      { tags: ['a'] },
    );
    expect(banners(lines)).toEqual(['include_tasks', 'included a']);
  });
});

describe('--start-at-task', () => {
  const PLAY = `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: one
      debug: msg=1
    - block:
        - name: two
          debug: msg=2
        - name: three
          debug: msg=3
`;
  it('skips the tasks before the named one, also inside blocks', async () => {
    const { lines, stats } = await runPlaybook(PLAY, { startAtTask: 'two' });
    expect(lines).toEqual(['TASK [two]', 'ok: [localhost] 2', 'TASK [three]', 'ok: [localhost] 3']);
    expect(stats.get('localhost')).toMatchObject({ ok: 2, skipped: 0 });
  });
  it('runs nothing when no task has the name', async () => {
    const { lines } = await runPlaybook(PLAY, { startAtTask: 'nine' });
    expect(lines).toEqual([]);
  });
});

describe('run_once', () => {
  it('runs on the first host only, and the others see its result and facts without output', async () => {
    const { lines, stats } = await runPlaybook(
      `
- hosts: all
  gather_facts: false
  tasks:
    - name: once
      set_fact: { picked: "{{ inventory_hostname }}" }
      run_once: true
    - name: once registered
      debug: msg="from {{ inventory_hostname }}"
      register: said
      run_once: true
    - name: everywhere
      debug: msg="{{ inventory_hostname }} {{ picked }} {{ said.msg }}"
`,
      { hosts: TWO_HOSTS },
    );
    expect(lines).toEqual([
      'TASK [once]',
      'ok: [a]',
      'TASK [once registered]',
      'ok: [a] from a',
      'TASK [everywhere]',
      'ok: [a] a a from a',
      'ok: [b] b a from a',
    ]);
    expect(stats.get('a')).toMatchObject({ ok: 3 });
    expect(stats.get('b')).toMatchObject({ ok: 1 });
  });

  it('hosts take each task together, in inventory order, under one banner', async () => {
    const { lines } = await runPlaybook(
      `
- hosts: all
  gather_facts: false
  tasks:
    - { name: first, debug: msg=1 }
    - { name: second, debug: msg=2 }
`,
      { hosts: TWO_HOSTS },
    );
    expect(lines).toEqual(['TASK [first]', 'ok: [a] 1', 'ok: [b] 1', 'TASK [second]', 'ok: [a] 2', 'ok: [b] 2']);
  });
});
