// What hooks see of a task (the debugger, --step and the explorer build on it): variables as they are when asked,
// before the task runs and after it, without a stale view when one point is asked at both times.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { executePlaybooks } from '../../src/api/execute.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import type { TaskPoint } from '../../src/executor/events.js';
import { playbookDir } from '../helpers.js';

async function run(
  files: string | Record<string, string>,
  hooks: { before?: (p: TaskPoint) => void; after?: (p: TaskPoint) => void },
) {
  const dir = playbookDir(typeof files === 'string' ? { 'site.yml': files } : files);
  await executePlaybooks({
    playbooks: [loadPlaybook(path.join(dir, 'site.yml'))],
    inventory: loadInventory([]),
    extraVars: {},
    env: {},
    signal: new AbortController().signal,
    callbacks: () => [],
    hooks: {
      beforeTask: (p) => {
        hooks.before?.(p);
      },
      afterTask: (p) => {
        hooks.after?.(p);
      },
    },
  });
}

describe('task points', () => {
  it('show a variable as it was before the task and as the task left it, from the same point', async () => {
    const seen: unknown[] = [];
    await run(
      `
- hosts: localhost
  gather_facts: false
  tasks:
    - name: first
      set_fact: { counter: 1 }
    - name: second
      set_fact: { counter: "{{ counter + 1 }}" }
    - name: third
      debug: { msg: hi }
      register: said
`,
      {
        before: (p) => {
          seen.push(`before ${p.name}: ${String(p.variable('counter'))} ${typeof p.variable('said')}`);
        },
        after: (p) => {
          seen.push(`after ${p.name}: ${String(p.variable('counter'))} ${typeof p.variable('said')}`);
        },
      },
    );
    expect(seen).toEqual([
      'before first: undefined undefined',
      'after first: 1 undefined',
      'before second: 1 undefined',
      'after second: 2 undefined',
      'before third: 2 undefined',
      'after third: 2 object',
    ]);
  });

  it('list the include frames and the no_log names when asked, as they are then', async () => {
    const stacks: string[] = [],
      secrets: string[][] = [];
    await run(
      {
        'site.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - include_tasks: inner.yml\n',
        'inner.yml': '- name: secret\n  set_fact: { token: abc }\n  no_log: true\n',
      },
      {
        after: (p) => {
          stacks.push(p.stack.map((f) => path.basename(f.file)).join('>'));
          secrets.push([...p.noLogNames]);
        },
      },
    );
    expect(stacks).toEqual(['site.yml']);
    expect(secrets).toEqual([['token']]);
  });
});
