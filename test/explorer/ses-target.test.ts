// tsible explore on the whole aws_ses_rule_set target: the copies run the unchanged target (tasks/main.yaml as
// `tsible test` runs it) against simulated CloudWatch Logs and SES, and the invariant over the endpoint's state
// (the active rule set is changed only by the lock holder) shows a broken lock as what it breaks.
import * as path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { exploreSchedules } from '../../src/explorer/search.js';
import { formatTrace } from '../../src/explorer/trace-format.js';
import { runSeed } from '../../src/explorer/runs.js';
import type { ExploreOptions } from '../../src/explorer/explore-options.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import { ROOT, runCli } from '../helpers.js';

const TARGET = path.join(ROOT, 'playbooks/aws_ses_rule_set');
const RACY = path.join(ROOT, 'test/e2e/racy-ses-lock.yml');
const INVARIANT = 'active-set-by-lock-holder';
const racy = (more: Partial<ExploreOptions> = {}): ExploreOptions => ({
  playbook: loadPlaybook(RACY),
  processes: 2,
  schedules: 50,
  seed: 1,
  invariants: [INVARIANT],
  ...more,
});
const BREACH = /^the active rule set was changed by (p\d) while (p\d) held the lock \(active-set-by-lock-holder\)$/;

describe('tsible explore on the aws_ses_rule_set target', () => {
  it('explores the unchanged target with SES simulated and finds no violation, no process failing', async () => {
    const r = await runCli([
      'explore',
      TARGET,
      '--processes',
      '3',
      '--schedules',
      '15',
      '--workers',
      '1',
      '--invariant',
      INVARIANT,
    ]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^explored 15 schedules \(\d+\/s\), no violation found \(a search, not a proof\)\n$/);
    expect(r.code).toBe(0);
  });

  it('every copy of the target makes its rule set active, each under its own lock', async () => {
    const r = await runCli(['explore', TARGET, '--replay', '7', '--invariant', INVARIANT]);
    expect(r.code).toBe(0);
    const activations = r.stdout.split('\n').filter((l) => / SetActiveReceiptRuleSet \{"RuleSetName"/.test(l));
    expect(new Set(activations.map((l) => /  (p\d)  /.exec(l)![1]))).toEqual(new Set(['p1', 'p2']));
    expect(r.stdout).toContain('no violation in this schedule');
  });

  it('shows two winners on the unchanged target (clock ties) as the change of the active set they make', async () => {
    const args = ['explore', TARGET, '--clock-ties', '--invariant', INVARIANT, '--workers', '1', '--no-shrink'];
    const r = await runCli(args);
    expect(r.code).toBe(2);
    const head = r.stdout.split('\n')[0]!;
    expect(head).toMatch(
      /^VIOLATION after \d+ schedules: the active rule set was changed by p\d while p\d held the lock/,
    );
    expect(r.stdout).not.toContain('hold the lock at the same time');
    // the trace names the breach, and replaying it prints the same bytes (no temporary paths in it)
    const seed = /reproduce with: --replay (\d+)/.exec(r.stdout)![1]!;
    const replay = await runCli([...args, '--replay', seed]);
    expect(replay.stdout).toMatch(
      /set the active rule set to p\d-default-rule-set while p\d held the lock\n\nVIOLATION/,
    );
    const again = await runCli([...args, '--replay', seed]);
    expect(again.stdout).toBe(replay.stdout);
    expect(replay.stdout).not.toContain(tmpdir());
  });

  it('finds the schedule where a racy lock lets a process change the active set under another holder', async () => {
    const report = await exploreSchedules(racy());
    const m = BREACH.exec(report.found?.violation?.message ?? '');
    expect(m).not.toBeNull();
    expect(m![1]).not.toBe(m![2]);
    const text = formatTrace(report.found!.trace, report.found!.violation!.step);
    const last = text.split('\n').at(-1)!;
    expect(last).toMatch(
      new RegExp(`  ${m![1]}  .* set the active rule set to ${m![1]}-default-rule-set while ${m![2]} held the lock$`),
    );
    // the holder's attempt group is the older one in the trace, and the replay is exact
    const created = (p: string) =>
      text.indexOf(`CreateLogGroup {"logGroupName":"ansible-testing-locks/aws_ses_rule_set/${p}"}`);
    expect(created(m![2]!)).toBeGreaterThan(-1);
    expect(created(m![2]!)).toBeLessThan(created(m![1]!));
    const again = await runSeed(racy(), report.found!.seed);
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(report.found!.trace));
  });

  it('without the named invariant the same schedules break nothing the variables show', async () => {
    const report = await exploreSchedules(racy({ invariants: [], schedules: 10 }));
    expect(report.found).toBeUndefined();
  });

  it('shows the breach in the printed trace and the swimlanes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-explore-ses-'));
    try {
      const html = path.join(dir, 'lanes.html');
      const r = await runCli(['explore', RACY, '--workers', '1', '--invariant', INVARIANT, '--html', html]);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(
        /^VIOLATION after \d+ schedules: the active rule set was changed by p\d while p\d held the lock/,
      );
      expect(r.stdout).toMatch(
        /set the active rule set to p\d-default-rule-set while p\d held the lock\nswimlanes written/,
      );
      expect(readFileSync(html, 'utf8')).toMatch(
        /set the active rule set to p\d-default-rule-set while p\d held the lock/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explores only role targets', async () => {
    const r = await runCli(['explore', path.join(ROOT, 'test/explorer'), '--schedules', '1']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('has no tasks/main.yml: only role targets can be explored');
  });
});
