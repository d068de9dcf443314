// Command-line behaviours compared with what ansible-playbook 2.14 does on the same files.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, playbookDir, runCli } from '../helpers.js';

const core = path.join(ROOT, 'test/golden/core');
const quiet = { ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_INVENTORY_UNPARSED_WARNING: '0' };

describe('tsible command line', () => {
  it('--step asks before each task, as ansible-playbook printed it for y, n, c', async () => {
    const run = await runCli(['start-at.yml', '--step'], { cwd: core, input: 'y\nn\nc\n', env: quiet });
    // step.ansible.out: `printf 'y\nn\nc\n' | ansible-playbook start-at.yml --step`
    expect(run.stdout).toBe(readFileSync(path.join(core, 'step.ansible.out'), 'utf8'));
  });

  it('Ctrl-C stops the run with " [ERROR]: User interrupted execution" and exit code 99, as Ansible does', async () => {
    const dir = playbookDir({
      'sig.yml':
        '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: wait\n      wait_for:\n        timeout: 30\n    - debug: msg=after\n',
    });
    const child = spawn(process.execPath, [BIN, 'sig.yml'], {
      cwd: dir,
      env: { ...process.env, ...quiet, NO_COLOR: '1' },
    });
    let out = '',
      err = '';
    child.stderr.on('data', (b) => {
      err += b;
    });
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (b) => {
        out += b;
        if (out.includes('TASK [wait]')) resolve();
      }),
    );
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(99);
    expect(err).toBe(' [ERROR]: User interrupted execution\n');
    expect(out).not.toContain('PLAY RECAP');
  });

  it("rejects unknown options with argparse's exit code 2, as ansible-playbook does", async () => {
    const run = await runCli(['--bogus', 'x.yml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tsible: error: unrecognized arguments: --bogus');
  });

  it('prints its version without loading a playbook', async () => {
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^tsible \d+\.\d+\.\d+ \(ansible-core 2\.14 compatible\)/);
  });

  it('reports a missing playbook as Ansible does', async () => {
    const run = await runCli(['nope.yml'], { env: quiet });
    expect(run.stderr).toBe('ERROR! the playbook: nope.yml could not be found\n');
    expect(run.code).toBe(1);
  });

  it('refuses free-form words for a module that takes none, as ModuleArgsParser does (exit code 4)', async () => {
    const dir = playbookDir({
      'p.yml': '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: var=a.b + 10\n',
    });
    const run = await runCli([path.join(dir, 'p.yml')]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(
      "ERROR! this task 'debug' has extra params, which is only allowed in the following modules: include_vars, ansible.legacy.command, meta,",
    );
    expect(run.stderr).toContain(`The error appears to be in '${dir}/p.yml': line 4, column 7`);
    expect(run.stdout).toBe('');
  });

  it('runs a bare task file as an implicit localhost play', async () => {
    const dir = playbookDir({ 't.yml': '- set_fact:\n    x: 1\n- debug:\n    msg: "{{ x + 1 }}"\n' });
    const run = await runCli(['t.yml'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('ok: [localhost] => {\n    "msg": "2"\n}');
  });

  it('retries an include until its condition holds (until on include_tasks, ansible/ansible#17098)', async () => {
    const dir = playbookDir({
      'main.yml':
        '- include_tasks: step.yml\n  until: counter | int >= 3\n  retries: 5\n  delay: 0\n- debug:\n    var: counter\n',
      'step.yml': '- set_fact:\n    counter: "{{ (counter | default(0) | int) + 1 }}"\n',
    });
    const run = await runCli(['main.yml'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"counter": "3"');
    expect(run.stdout.match(/FAILED - RETRYING: \[localhost\]: include_tasks \((\d) retries left\)/g)).toEqual([
      'FAILED - RETRYING: [localhost]: include_tasks (5 retries left)',
      'FAILED - RETRYING: [localhost]: include_tasks (4 retries left)',
    ]);
  });
});

describe('colours', () => {
  it('colour each line as ansible-playbook does when forced (ANSIBLE_FORCE_COLOR=1)', async () => {
    const run = await runCli(['basics.yml'], { cwd: core, env: { ...quiet, ANSIBLE_FORCE_COLOR: '1', NO_COLOR: '' } });
    // basics.color.ansible.out: ANSIBLE_FORCE_COLOR=1 ansible-playbook basics.yml
    expect(run.stdout).toBe(readFileSync(path.join(core, 'basics.color.ansible.out'), 'utf8'));
  });
  it('turn off with NO_COLOR and when stdout is not a terminal', async () => {
    expect((await runCli(['basics.yml'], { cwd: core, env: quiet })).stdout).not.toContain('\x1b[');
  });
});

describe('variables', () => {
  it("report a recursive definition with Ansible's words instead of overflowing the stack", async () => {
    const dir = playbookDir({
      'p.yml':
        '- hosts: localhost\n  gather_facts: false\n  vars:\n    x: "{{ y }}"\n    y: "{{ x }}"\n  tasks:\n    - debug:\n        msg: "{{ x }}"\n',
    });
    const run = await runCli(['p.yml'], { cwd: dir, env: quiet });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(
      /fatal: \[localhost\]: FAILED! => \{"msg": "recursive loop detected in template string: \{\{ [xy] \}\}/,
    );
  });
});
