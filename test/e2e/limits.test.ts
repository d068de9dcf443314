// Limits that keep a run alive (issue 15): what ansible-playbook 2.14 does not stop by itself, or stops only
// after minutes, tsible stops at once with a clean error. The cases Ansible ends by itself are core goldens
// (test/golden/core: *recursion*, role-dependency-loop, alias-bomb-unused); these are the others, each with what
// Ansible was measured to do (ansible-playbook 2.14.18 on this project's machine, by hand, as written below).
import { describe, expect, it } from 'vitest';
import { playbookDir, runCli } from '../helpers.js';

const quiet = { ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_INVENTORY_UNPARSED_WARNING: '0', NO_COLOR: '1' };

/** A play whose vars hold a billion laughs (a9 has 9**10 items once expanded), then `tasks`. */
function bombPlay(tasks: string): string {
  const vars = ['    a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++)
    vars.push(
      `    a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `- hosts: localhost\n  gather_facts: false\n  vars:\n${vars.join('\n')}\n  tasks:\n${tasks}`;
}
const SIZE_LIMIT =
  "value too large to write out: it expands past tsible's size limit of 5000000 nodes (YAML aliases share what they repeat; writing the value out repeats it in full)";

describe('an alias bomb', () => {
  it('used in a condition runs: its aliases stay shared while templated', async () => {
    // Ansible templates the whole of a9 to evaluate this and was still at it when killed after 120 s
    const dir = playbookDir({ 'p.yml': bombPlay('    - debug:\n        msg: hi\n      when: a9 | length > 0\n') });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    expect(run.stdout).toContain('ok: [localhost] => {\n    "msg": "hi"\n}');
    expect(run.code).toBe(0);
  });

  it.each([
    ['printed by debug var', '    - debug:\n        var: a9\n'],
    ['rendered into a string', '    - debug:\n        msg: "{{ a9 }}"\n'],
    ['set as a fact', '    - set_fact:\n        b: "{{ a9 }}"\n'],
    ['dumped to JSON', '    - debug:\n        msg: "{{ a9 | to_json | length }}"\n'],
  ])('%s fails its task at the size limit instead of expanding', async (_, task) => {
    // Ansible expands it (the same templating that hangs the condition above); tsible names its limit
    const dir = playbookDir({ 'p.yml': bombPlay(task) });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    expect(run.stdout).toContain(`fatal: [localhost]: FAILED! => {"msg": "${SIZE_LIMIT}"}`);
    expect(run.code).toBe(2);
  });
});

describe('an alias bomb in a loop', () => {
  it('fails the item whose result is past the size limit', async () => {
    const dir = playbookDir({ 'p.yml': bombPlay('    - debug:\n        var: a9\n      loop: [1]\n') });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    expect(run.stdout).toContain(`failed: [localhost] (item=1) => {"msg": "${SIZE_LIMIT}"}`);
    expect(run.code).toBe(2);
  });

  it('as the loop items ends the run with the size limit when an item is labelled', async () => {
    const dir = playbookDir({ 'p.yml': bombPlay('    - debug:\n        var: item\n      loop: "{{ a9 }}"\n') });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    expect(run.stderr).toContain(`ERROR! ${SIZE_LIMIT}`);
    expect(run.code).toBe(1);
  });
});

describe('a variable defined through itself', () => {
  it("fails the task with the innermost of Ansible's messages", async () => {
    // Ansible 2.14: `x: "{{ x }}"` gives "An unhandled exception occurred while templating '{{ x }}'. Error was a
    // <class 'ansible.errors.AnsibleError'>, original message: " 137 times over, then the message below; the
    // mutual y/z pair ends with '{{ z }}' the same way (ignore_errors: the play goes on, ok=3 ignored=3)
    const dir = playbookDir({
      'p.yml':
        '- hosts: localhost\n  gather_facts: false\n  vars:\n    x: "{{ x }}"\n    y: "{{ z }}"\n    z: "{{ y }}"\n' +
        '  tasks:\n    - debug:\n        msg: "{{ x }}"\n      ignore_errors: true\n' +
        '    - debug:\n        msg: "{{ y }}"\n      ignore_errors: true\n' +
        '    - set_fact:\n        w: "{{ x | default(\'d\') }}"\n      ignore_errors: true\n',
    });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    const failures = run.stdout.split('\n').filter((l) => l.startsWith('fatal:'));
    expect(failures).toEqual([
      'fatal: [localhost]: FAILED! => {"msg": "recursive loop detected in template string: {{ x }}. maximum recursion depth exceeded"}',
      'fatal: [localhost]: FAILED! => {"msg": "recursive loop detected in template string: {{ z }}. maximum recursion depth exceeded"}',
      'fatal: [localhost]: FAILED! => {"msg": "recursive loop detected in template string: {{ x }}. maximum recursion depth exceeded"}',
    ]);
    expect(run.stdout).toMatch(/ok=3 .* ignored=3/);
    expect(run.code).toBe(0);
  });
});

describe('deep nesting', () => {
  it('of 10,000 lists is a parse error, where Ansible crashes', async () => {
    // Ansible 2.14: "ERROR! Unexpected Exception, this is probably a bug: maximum recursion depth exceeded while
    // calling a Python object", exit code 250. tsible refuses the file with its position (exit code 4)
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const dir = playbookDir({
      'p.yml': `- hosts: localhost\n  gather_facts: false\n  vars:\n    deep: ${deep}\n  tasks:\n    - debug: msg=hi\n`,
    });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    expect(run.stderr).toContain('Syntax Error while loading YAML.\n  nesting exceeded maxDepth (1000)');
    expect(run.stderr).toContain("The error appears to be in '");
    expect(run.code).toBe(4);
  });

  it('of 100 lists loads and templates', async () => {
    // Ansible 2.14 prints "0" (no item in any of them)
    const dir = playbookDir({
      'p.yml': `- hosts: localhost\n  gather_facts: false\n  vars:\n    deep: ${'['.repeat(100)}${']'.repeat(100)}\n  tasks:\n    - debug:\n        msg: "{{ deep | flatten | length }}"\n`,
    });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    expect(run.stdout).toContain('"msg": "0"');
    expect(run.code).toBe(0);
  });
});
