// tsible test at CI scale: runme.sh through tsible's shims, selection by alias as ansible-test selects, the time
// limit, parallel runs with a resource_prefix per target and one report, and --split.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatedAlias, listTargets, selectTargets, splitTargets, targetInfo } from '../../src/testing/aliases.js';
import { ROOT, runCli } from '../helpers.js';

const targets = path.join(ROOT, 'test/targets');
/** Whether a process still runs: gone, or a zombie nobody reaps (a container's PID 1 may not), it does not. */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (existsSync(stat)) return !/^\d+ \(.*\) Z/.test(readFileSync(stat, 'utf8'));
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const names = (ts: { name: string }[]) => ts.map((t) => t.name);

describe('runme.sh targets', () => {
  it("run in ansible-test's tree with tsible's ansible-playbook and ansible-vault first on PATH", async () => {
    const run = await runCli(['test', path.join(targets, 'runme_shims')]);
    expect(run.stdout).toMatch(/^runme_shims: passed \[/m);
    expect(run.code).toBe(0);
  });

  it("are killed at --timeout, the whole process group, and counted failed with the reason 'timeout'", async () => {
    const pidfile = path.join(mkdtempSync(path.join(tmpdir(), 'tsible-hang-')), 'pid');
    const json = `${pidfile}.json`;
    const run = await runCli(
      ['test', path.join(targets, 'hang_target'), '--allow-disabled', '--timeout', '2', '--json', json],
      { env: { TSIBLE_HANG_PIDFILE: pidfile } },
    );
    expect(run.stdout).toMatch(/^hang_target: failed \(timeout\) \[/m);
    expect(run.code).toBe(2);
    expect(JSON.parse(readFileSync(json, 'utf8')).targets[0]).toMatchObject({ status: 'failed', reason: 'timeout' });
    const pid = Number(readFileSync(pidfile, 'utf8'));
    expect(running(pid)).toBe(false);
  });
});

describe('selection by alias', () => {
  it('expands aliases as ansible-test: groups with their prefixes, group/name, posix, non_destructive', () => {
    const t = targetInfo(path.join(targets, 'aws_conventions'));
    expect(t.hidden).toBe(false);
    for (const a of ['aws_conventions', 'cloud/', 'cloud/aws/', 'cloud/aws/aws_conventions', 'shippable/'])
      expect(t.matchable).toContain(a);
    for (const a of ['shippable/aws/group1/', 'posix/', 'non_destructive/']) expect(t.matchable).toContain(a);
  });

  it('hides setup_ and prepare_ targets from a folder, selects by whole-alias patterns, and names a pattern that matches nothing', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-targets-'));
    for (const n of ['setup_thing', 'prepare_more', 'plain']) {
      mkdirSync(path.join(dir, n, 'tasks'), { recursive: true });
      writeFileSync(path.join(dir, n, 'tasks/main.yml'), '- ping:\n');
    }
    const local = listTargets(dir);
    expect(names(selectTargets(local, []).selected)).toEqual(['plain']);
    expect(targetInfo(path.join(dir, 'setup_thing')).matchable).toContain('hidden/setup_thing');
    const all = listTargets(targets);
    expect(names(selectTargets(all, ['shippable/aws/']).selected)).toEqual([
      'aws_conventions',
      'aws_conventions_script',
    ]);
    expect(names(selectTargets(all, ['shippable/aws/group2/', 'ok_.*']).selected)).toEqual([
      'aws_conventions_script',
      'ok_target',
    ]);
    expect(selectTargets(all, ['cloud/gcp/', 'ok_target']).unmatched).toEqual(['cloud/gcp/']);
  });

  it('skips disabled targets unless allowed by option or by a disabled/ pattern', () => {
    const t = targetInfo(path.join(targets, 'disabled_target'));
    expect(gatedAlias(t, {})).toBe('disabled');
    expect(gatedAlias(t, { allowDisabled: true })).toBeUndefined();
    expect(gatedAlias(t, { patterns: ['disabled/disabled_target'] })).toBeUndefined();
    expect(gatedAlias(t, { patterns: ['disabled/other'] })).toBe('disabled');
  });

  it('selects from a folder of targets on the command line, and rejects an unmatched pattern', async () => {
    const run = await runCli(['test', targets, 'shippable/aws/group2/', '--local-aws']);
    expect(run.stdout).toBe(
      'aws_conventions_script: ' + run.stdout.split(': ')[1]!.split('\n')[0] + '\n\n1 passed, 0 failed, 0 skipped\n',
    );
    const bad = await runCli(['test', targets, 'no_such_target']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('Target pattern not matched: no_such_target');
  });
});

describe('at CI scale', () => {
  it('runs targets in parallel, each with its own resource_prefix, into one report', async () => {
    const json = path.join(tmpdir(), `tsible-jobs-${process.pid}.json`);
    const probe = path.join(targets, 'prefix_probe');
    const run = await runCli([
      'test',
      probe,
      probe,
      probe,
      path.join(targets, 'ok_target'),
      '--jobs',
      '3',
      '--json',
      json,
    ]);
    expect(run.stdout).toContain('\n4 passed, 0 failed, 0 skipped\n');
    const doc = JSON.parse(readFileSync(json, 'utf8'));
    expect(doc.summary).toEqual({ passed: 4, failed: 0, skipped: 0, unsupported: 0 });
    expect(doc.targets.map((t: any) => t.name)).toEqual(['prefix_probe', 'prefix_probe', 'prefix_probe', 'ok_target']);
    const prefixes = doc.targets.slice(0, 3).map((t: any) => t.result.plays[0].tasks[1].hosts.testhost.msg);
    for (const p of prefixes) expect(p).toMatch(/^ansible-test-\d{8}-/);
    expect(new Set(prefixes).size).toBe(3);
  });

  it('--split K/N deals the targets by name so that N machines run each exactly once', () => {
    const ts = ['e', 'a', 'd', 'b', 'g', 'c', 'f'].map((name) => ({ name }));
    const shares = [1, 2, 3].map((k) => names(splitTargets(ts, k, 3)));
    expect(shares).toEqual([
      ['a', 'd', 'g'],
      ['b', 'e'],
      ['c', 'f'],
    ]);
    expect(names(splitTargets([...ts].reverse(), 2, 3))).toEqual(shares[1]);
  });

  it('--split on the command line', async () => {
    const run = await runCli(['test', targets, 'shippable/aws/', '--split', '2/2', '--local-aws']);
    expect(run.stdout).toMatch(/^aws_conventions_script: passed/);
    expect(run.stdout).toContain('\n1 passed, 0 failed, 0 skipped\n');
    const bad = await runCli(['test', targets, '--split', '3/2']);
    expect(bad.stderr).toContain("argument --split: expected K/N with 1 <= K <= N: '3/2'");
  });
});
