// The debugger beyond Ansible's, driven by --debug-script: breakpoints, stepping over includes, where, diff,
// calls, changing a variable before a task, and secrets that stay hidden until `reveal`.
import { describe, expect, it } from 'vitest';
import { ROOT, playbookDir, runCli } from '../helpers.js';

describe('debugger extras', () => {
  it('walks through obtain-lock.yaml: a stale attempt wins, then expires when lock_timeout_seconds is 0', async () => {
    const run = await runCli(
      [
        'playbooks/debug-walkthrough.yml',
        '--local-aws',
        '--seed',
        '1',
        '--break',
        'Calculate Expired Lock Attempt Timestamp',
        '--break',
        'Pick Winning Lock Attempt',
        '--debug-script',
        'playbooks/debug/walkthrough.script',
      ],
      { cwd: ROOT },
    );
    const out = run.stdout;
    expect(run.code).toBe(0);
    expect(out).toContain('Calculate Expired Lock Attempt Timestamp (debug)> p lock_timeout_seconds\n900\n');
    expect(out).toMatch(
      /debug\)> w\n.*debug-walkthrough\.yml:\d+  Try for the lock\n  .*obtain-lock-wrapper\.yaml:16  include_tasks\n    .*obtain-lock\.yaml:93  Calculate Expired Lock Attempt Timestamp  \(obtain_lock_attempt=0\)  <- here\n/,
    );
    expect(out).toContain(
      "p active_lock_attempts|map(attribute='log_group_name')|list\n['ansible-testing-locks/aws_ses_rule_set/crashed-process',\n 'ansible-testing-locks/aws_ses_rule_set/walkthrough']\n",
    );
    expect(out).toContain(
      "p active_lock_attempts|map(attribute='log_group_name')|list\n['ansible-testing-locks/aws_ses_rule_set/walkthrough']\n",
    );
    expect(out).toContain(
      "p winning_lock_attempt.log_group_name\n'ansible-testing-locks/aws_ses_rule_set/crashed-process'\n",
    );
    const wonLock = [...out.matchAll(/p won_lock\n(True|False)\n/g)].map((m) => m[1]);
    expect(wonLock).toEqual(['False', 'True']);
    expect(out).toContain(
      "calls\nTASK [Remove Failed Lock Attempt Log Group]:\n1. DescribeLogGroups {'logGroupNamePrefix': 'ansible-testing-locks/aws_ses_rule_set/walkthrough'} -> ok",
    );
    expect(out).toMatch(
      /3\. DeleteLogGroup \{'logGroupName': 'ansible-testing-locks\/aws_ses_rule_set\/walkthrough'\} -> ok/,
    );
    expect(out).toMatch(/diff\n[\s\S]*~ expired_lock_attempts: \[\] -> \[\{'arn'/);
    expect(out).toContain("p aws_connection_info\n'********'\n");
    expect(out).toContain('TASK [Delete Expired Lock Attempts] ****');
    expect(out).toContain(
      "changed: [localhost] => (item={'log_group_name': 'ansible-testing-locks/aws_ses_rule_set/crashed-process'",
    );
  });

  it('never shows no_log values or AWS secrets, until reveal', async () => {
    const dir = playbookDir({
      'p.yml': [
        '- hosts: localhost',
        '  gather_facts: false',
        '  vars:',
        '    aws_secret_key: s3cr3t-AWS-value',
        '    plain: visible',
        '  tasks:',
        '    - name: hide it',
        '      set_fact:',
        '        api_password: hunter2-hunter2',
        '      no_log: true',
        '    - name: look',
        '      debug:',
        '        msg: "{{ plain }}"',
        '',
      ].join('\n'),
      's.txt': [
        'p api_password',
        'p aws_secret_key',
        'p task_vars',
        'diff',
        'p "x-" ~ api_password',
        'reveal',
        'p api_password',
        'c',
        '',
      ].join('\n'),
    });
    const run = await runCli(['p.yml', '--break', 'look', '--debug-script', 's.txt'], { cwd: dir });
    const [hidden, shown] = run.stdout.split('reveal');
    expect(hidden).not.toContain('hunter2-hunter2');
    expect(hidden).not.toContain('s3cr3t-AWS-value');
    expect(hidden).toContain("p api_password\n'********'\n");
    expect(hidden).toContain("'plain': 'visible'");
    expect(hidden).toContain('p "x-" ~ api_password\n\'x-********\'\n');
    expect(shown).toContain("p api_password\n'hunter2-hunter2'\n");
  });

  it('stops at a file:line breakpoint and at --break-when, steps with n, s and finish, and lists the source', async () => {
    const dir = playbookDir({
      'main.yml':
        '- name: one\n  set_fact:\n    n: 1\n- name: inc\n  include_tasks: inner.yml\n- name: after include\n  set_fact:\n    n: 3\n- name: last\n  debug:\n    var: n\n',
      'inner.yml': '- name: inner one\n  set_fact:\n    n: 2\n- name: inner two\n  debug:\n    msg: inner\n',
      's.txt': 'l\nn\np n\ns\nw\nfinish\np n\nb last\nb\nc\nclear\nc\n',
    });
    const run = await runCli(['main.yml', '--break', 'main.yml:1', '--debug-script', 's.txt'], { cwd: dir });
    const prompts = [...run.stdout.matchAll(/\[localhost\] TASK: ([^(]+) \(debug\)> (.*)/g)].map(
      (m) => `${m[1]!.trim()}: ${m[2]}`,
    );
    expect(prompts).toEqual([
      'one: l',
      'one: n',
      'inc: p n',
      'inc: s',
      'inner one: w',
      'inner one: finish',
      'after include: p n',
      'after include: b last',
      'after include: b',
      'after include: c',
      'last: clear',
      'last: c',
    ]);
    expect(run.stdout).toContain('   1 -> - name: one\n   2      set_fact:\n');
    expect(run.stdout).toContain('p n\n1\n');
    expect(run.stdout).toContain('p n\n2\n');
    expect(run.stdout).toContain('Breakpoint 2 at last\n');
    expect(run.stdout).toContain('1: main.yml:1\n2: last\n');
    expect(run.stdout).toMatch(/inner one \(debug\)> w\n.*main\.yml:4  inc\n  .*inner\.yml:1  inner one  <- here\n/);
    expect(run.code).toBe(0);
  });

  it('--break-when stops before the first task where the expression holds', async () => {
    const dir = playbookDir({
      'main.yml': '- set_fact:\n    n: 1\n- set_fact:\n    n: 2\n- name: third\n  debug:\n    var: n\n',
      's.txt': 'p n\nc\n',
    });
    const run = await runCli(['main.yml', '--break-when', 'n | default(0) | int == 2', '--debug-script', 's.txt'], {
      cwd: dir,
    });
    expect(run.stdout).toContain('[localhost] TASK: third (debug)> p n\n2\n');
    expect(run.stdout.match(/\(debug\)>/g)).toHaveLength(2);
  });

  it('q quits with exit code 99 and prints what Ansible prints', async () => {
    const dir = playbookDir({
      'main.yml': '- name: a\n  debug:\n    msg: a\n- name: b\n  debug:\n    msg: b\n',
      's.txt': 'q\n',
    });
    const run = await runCli(['main.yml', '--break', 'a', '--debug-script', 's.txt'], { cwd: dir });
    expect(run.code).toBe(99);
    expect(run.stdout).toContain('[localhost] TASK: a (debug)> q\nUser interrupted execution\n');
    expect(run.stdout).not.toContain('TASK [b]');
  });
});
