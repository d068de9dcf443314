// The explorer's faults at any interleaving point (crashes, lost replies, injected AWS errors, pauses), its
// bounded-exhaustive strategy, shrinking to fewer processes and faults, the variables in traces, and the
// swimlane picture. Every found schedule must replay exactly, faults included.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSchedule, encodeSchedule } from '../../src/explorer/schedule-codec.js';
import { exploreSchedules } from '../../src/explorer/search.js';
import { formatTrace } from '../../src/explorer/trace-format.js';
import { runChoices, runSeed } from '../../src/explorer/runs.js';
import { shrink } from '../../src/explorer/shrink.js';
import type { ExploreOptions } from '../../src/explorer/explore-options.js';
import type { ScheduleOutcome } from '../../src/explorer/simulation.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import { ROOT, runCli } from '../helpers.js';

const here = path.join(ROOT, 'test/explorer');
const fixture = path.join(ROOT, 'playbooks/explore-lock.yml');
const racy = path.join(here, 'racy-lock.yml');
const cas = path.join(here, 'cas-lock.yml');
const options = (file: string, more: Partial<ExploreOptions> = {}): ExploreOptions => ({
  playbook: loadPlaybook(file),
  processes: 2,
  schedules: 200,
  seed: 1,
  ...more,
});

/** The first schedule (by seed) in which `wanted` holds. */
async function firstWhere(
  o: ExploreOptions,
  wanted: (r: ScheduleOutcome) => boolean,
  tries = 200,
): Promise<ScheduleOutcome> {
  for (let seed = 1; seed <= tries; seed++) {
    const r = await runSeed(o, seed);
    if (wanted(r)) return r;
  }
  throw new Error('no schedule found');
}
const replaysExactly = async (o: ExploreOptions, r: ScheduleOutcome) => {
  const { seed, choices, faults } = decodeSchedule(encodeSchedule(r.seed, r.choices, r.faults));
  const again = await runChoices(o, { seed, choices, faults });
  expect(JSON.stringify(again.trace)).toBe(JSON.stringify(r.trace));
  expect([...again.faults]).toEqual([...r.faults]);
};

describe('faults at any interleaving point', () => {
  it('a crash stops a process for good: no further move, no cleanup, and its held lock blocks the other until it expires', async () => {
    const o = options(fixture, { crashes: 1, liveness: true });
    // a holder that crashes: the other process runs out of attempts long before the 900 s lock expires
    const r = await firstWhere(o, (x) =>
      x.trace.some((s) => s.kind === 'note' && /crashes \(fault\) while holding the lock/.test(s.label)),
    );
    const crash = r.trace.findIndex((s) => /crashes \(fault\)/.test(s.label));
    const who = r.trace[crash]!.process;
    expect(r.trace.slice(crash + 1).some((s) => s.process === who)).toBe(false);
    expect([...r.faults.values()]).toEqual(['c']);
    expect(r.violation?.message).toMatch(/^liveness: p\d: Check Obtained Lock: Assertion failed/);
    await replaysExactly(o, r);
    expect(encodeSchedule(r.seed, r.choices, r.faults)).toMatch(/:\d+c$/);
  });

  it('a lost reply: the server applied CreateLogGroup, the SDK retries it and gets ResourceAlreadyExistsException', async () => {
    const o = options(fixture, { lostReplies: 1 });
    const r = await firstWhere(o, (x) =>
      x.trace.some((s) => s.detail?.fault === 'l' && s.label.startsWith('CreateLogGroup')),
    );
    const lost = r.trace.findIndex((s) => s.detail?.fault === 'l');
    const p = r.trace[lost]!.process;
    const next = r.trace.slice(lost + 1).filter((s) => s.process === p && s.kind !== 'note');
    expect(next[0]!.label).toMatch(/^SDK retry 1 of CreateLogGroup after TimeoutError, in \d+ ms$/);
    expect(next[1]!.label).toBe(r.trace[lost]!.label);
    expect(next[1]!.detail).toMatchObject({ status: 400, body: { __type: 'ResourceAlreadyExistsException' } });
    expect(
      r.failures.some((f) =>
        f.includes(
          'Unable to create log group: An error occurred (ResourceAlreadyExistsException) when calling the CreateLogGroup operation',
        ),
      ),
    ).toBe(true);
    expect(formatTrace(r.trace)).toContain('reply lost (fault)');
    await replaysExactly(o, r);
  });

  it('injected errors: throttling is retried by the SDK (and then succeeds), OperationAbortedException is not', async () => {
    const o = options(fixture, { injectedErrors: 1 });
    const throttled = await firstWhere(o, (x) => [...x.faults.values()].includes('t'));
    const at = throttled.trace.findIndex((s) => s.detail?.fault === 't');
    const p = throttled.trace[at]!.process;
    const next = throttled.trace.slice(at + 1).filter((s) => s.process === p && s.kind !== 'note');
    expect(throttled.trace[at]!.detail).toMatchObject({ status: 400, body: { __type: 'ThrottlingException' } });
    expect(next[0]!.label).toMatch(/^SDK retry 1 of \w+ after ThrottlingException/);
    expect(next[1]!.label).toBe(throttled.trace[at]!.label);
    expect(next[1]!.detail!.status).toBe(200);
    const aborted = await firstWhere(o, (x) => [...x.faults.values()].includes('a'));
    expect(aborted.failures.join('\n')).toContain('(OperationAbortedException)');
    await replaysExactly(o, aborted);
  });

  it('a pause at any point: the process sleeps first, the others go on', async () => {
    const o = options(fixture, { pauses: 1, maxPauseSeconds: 600 });
    const r = await firstWhere(o, (x) => [...x.faults.values()].some((f) => f.startsWith('p')));
    // seed 1: at decision 4, p2 (about to list the attempts) pauses about six minutes
    expect(r.seed).toBe(1);
    expect([...r.faults]).toEqual([[4, 'p364245']]);
    expect(r.choices[4]).toBe(1);
    const listing = 'DescribeLogGroups {"logGroupNamePrefix":"ansible-testing-locks/aws_ses_rule_set/p2"}';
    const note = r.trace.find((s) => s.kind === 'note')!;
    expect(note).toMatchObject({
      process: 1,
      at: 2,
      mark: 'fault',
      label: `pauses for 364245 ms (fault) before ${listing}`,
    });
    // the others go on meanwhile: p1 moves while p2 sleeps
    const during = r.trace.filter((s) => s.kind !== 'note' && s.at > note.at && s.at < note.at + 364245);
    expect(new Set(during.map((s) => s.process))).toEqual(new Set([0]));
    // p2's next move is the one it paused before, the moment it wakes
    const after = r.trace.filter((s) => s.process === 1 && s.kind !== 'note' && s.at >= note.at);
    expect(after[0]).toMatchObject({ kind: 'aws', label: listing, at: 2 + 364245 });
    expect(encodeSchedule(r.seed, r.choices, r.faults)).toBe('1:2x3.1x1.2x1.1x110.2x8:4p364245');
    await replaysExactly(o, r);
  });

  it('shrinks to the fewest processes and faults: three processes and spare faults become the two the race needs', async () => {
    const o = options(racy, { processes: 3, pauses: 2, maxPauseSeconds: 1 });
    const { found, explored } = await exploreSchedules(o);
    // the second schedule: three processes, one pause of 531 ms at decision 10
    expect(explored).toBe(2);
    expect(found).toMatchObject({ seed: 1688465402, processes: 3 });
    expect(found!.violation?.message).toBe('processes p1 and p2 hold the lock at the same time');
    expect([...found!.faults]).toEqual([[10, 'p531']]);
    const small = await shrink(o, found!);
    expect(small.processes).toBe(2);
    expect(small.faults.size).toBe(0);
    expect(encodeSchedule(small.seed, small.choices, small.faults)).toBe('1688465402:1x2.2x6.1x2');
    expect(small.violation!.message).toMatch(/hold the lock at the same time/);
    const again = await runChoices({ ...o, processes: 2 }, small);
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(small.trace));
  });
});

describe('clock skew', () => {
  it("a create stamped up to D ms early makes a later attempt look as old as the winner's: two winners", async () => {
    const o = options(fixture, { clockSkewMs: 20, schedules: 50 });
    const { found } = await exploreSchedules(o);
    expect(found?.violation?.message).toBe('processes p1 and p2 hold the lock at the same time');
    const wins = found!.trace.filter((s) => s.label.startsWith('won_lock is true'));
    expect(wins).toHaveLength(2);
    // the second winner's listing shows its own attempt stamped no later than the first winner's, made earlier
    const second = wins[1]!.process,
      first = wins[0]!.process;
    const listing = [...found!.trace]
      .reverse()
      .find(
        (s) =>
          s.process === second && s.label.startsWith('DescribeLogGroups') && s.label.includes('aws_ses_rule_set/"'),
      )!;
    const groups = (listing.detail!.body as { logGroups: Array<{ logGroupName: string; creationTime: number }> })
      .logGroups;
    const stamp = (p: number) => groups.find((g) => g.logGroupName.endsWith(`/p${p + 1}`))!.creationTime;
    expect(stamp(second)).toBeLessThanOrEqual(stamp(first));
    await replaysExactly(o, found!);
  });
});

describe('--strategy exhaustive', () => {
  it('finds the racy lock with one preemption', async () => {
    const report = await exploreSchedules(options(racy, { strategy: 'exhaustive', preemptions: 1, schedules: 1000 }));
    expect(report.found?.violation?.message).toBe('processes p1 and p2 hold the lock at the same time');
  });

  it('runs every schedule within its bounds for the compare-and-swap lock and the fixture (faults off), and finds nothing', async () => {
    const c = await exploreSchedules(
      options(cas, { strategy: 'exhaustive', preemptions: 2, processes: 3, schedules: 5000 }),
    );
    expect([c.complete, c.found]).toEqual([true, undefined]);
    expect(c.explored).toBe(438);
    const f = await exploreSchedules(
      options(fixture, { strategy: 'exhaustive', preemptions: 2, depth: 30, schedules: 5000 }),
    );
    expect([f.complete, f.found, f.failures]).toEqual([true, undefined, 0]);
    expect(f.explored).toBe(118);
  });

  it('says whether the bounded space was covered', async () => {
    const partial = await runCli(['explore', cas, '--strategy', 'exhaustive', '--processes', '3', '--schedules', '5']);
    expect(partial.code).toBe(0);
    expect(partial.stdout).toBe(
      'explored 5 schedules (' +
        /\((\d+)\/s\)/.exec(partial.stdout)![1] +
        '/s), not all schedules within the bounds (2 preemption(s), 100 decisions): the budget ran out, no violation found (a search, not a proof)\n',
    );
  });
});

describe('what a violation shows', () => {
  it('the trace carries the variables each task changed, and --html draws the schedule as swimlanes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-lanes-'));
    const file = path.join(dir, 'race.html');
    const run = await runCli(['explore', fixture, '--shared-id', '--schedules', '50', '--html', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('\r'); // not a terminal: no progress line rewriting
    expect(run.stdout).toMatch(/\n {8}p1 vars: .*won_lock=True/);
    expect(run.stdout).toContain(`swimlanes written to ${file}`);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<th>p1</th><th>p2</th><th>log groups (endpoint state)</th>');
    expect(html).toContain('VIOLATION: processes p1 and p2 hold the lock at the same time');
    expect(html.match(/<tr class="violating">/g)).toHaveLength(1);
    expect(html).toContain('class="holds"'); // the lanes of lock holders are shaded
    expect(html).toContain('ansible-testing-locks/aws_ses_rule_set/shared'); // the endpoint's state column
    expect(html).not.toMatch(/<script/);
  });
});

describe('--replay SCHEDULE --debug', () => {
  const script = (lines: string[]) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsible-xdbg-'));
    const f = path.join(dir, 'cmds');
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  const shared = ['explore', fixture, '--processes', '2', '--shared-id', '--replay', '689171702:1x7.2x9'];

  it('stops before each move, looks at any process and the endpoint, and ends with the trace and the verdict', async () => {
    const run = await runCli([
      ...shared,
      '--debug-script',
      script(['w', 'n', 'n', 'n', 'groups', 'b ListTagsLogGroup', 'c', 'p2', 'w', 'trace', 'clear', 'c']),
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      '-> move 1/16 at +0 ms: p1 start\n   could also move: p2\n(explore p1)> w\n-> p1 start\n   p2 start\n',
    );
    expect(run.stdout).toContain(
      '(explore p1)> groups\nansible-testing-locks/aws_ses_rule_set/shared  created at +2 ms\n',
    );
    expect(run.stdout).toMatch(
      /\(explore p1\)> c\n-> move 5\/16 at \+3 ms: p1 \[Create Lock Attempt Log Group\] ListTagsLogGroup/,
    );
    expect(run.stdout).toContain(
      '(explore p1)> p2\np2 start\n(explore p2)> w\n-> p1 [Create Lock Attempt Log Group] ListTagsLogGroup',
    );
    expect(run.stdout.trimEnd().endsWith('VIOLATION: processes p1 and p2 hold the lock at the same time')).toBe(true);
  });

  it('changes a variable of one process and lets another move first (a what-if off the recorded schedule)', async () => {
    // p1 has just taken the lock alone; telling it it did not makes it back off, so the two winners disappear
    const run = await runCli([
      ...shared,
      '--debug-script',
      script(['b Determine if Won Lock', 'c', 'p won_lock', 'set won_lock = false', 'p won_lock', 'c']),
    ]);
    expect(run.stdout).toMatch(
      /\(explore p1\)> p won_lock\nTrue\n\(explore p1\)> set won_lock = false\np1: won_lock = False\n\(explore p1\)> p won_lock\nFalse\n/,
    );
    const moved = await runCli([...shared, '--debug-script', script(['move 2', 'c'])]);
    expect(moved.stdout).toContain(
      'what-if: p2 moves instead of p1; from here the schedule is followed where it can be',
    );
    expect(moved.stdout).toMatch(/\n {3}1\. \+0 ms {2}p2 {2}\(task starts\)/);
  });

  it('explains its options with --help', async () => {
    const run = await runCli(['explore', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: tsible explore PLAYBOOK/);
    for (const flag of [
      '--strategy random|pct|exhaustive',
      '--crash N',
      '--lost-replies N',
      '--inject-errors N',
      '--clock-skew-ms D',
      '--replay SEED|SCHEDULE',
      '--debug',
      '--html FILE',
      '--workers N',
    ])
      expect(run.stdout).toContain(flag);
  });

  it('quits with exit code 99, needs --replay, and keeps credentials masked', async () => {
    const quit = await runCli([
      ...shared,
      '-e',
      'aws_secret_key=s3cr3t-value',
      '--debug-script',
      script(['b ListTagsLogGroup', 'c', 'p aws_secret_key', 'vars', 'reveal', 'p aws_secret_key', 'q']),
    ]);
    expect(quit.code).toBe(99);
    expect(quit.stdout).toContain("(explore p1)> p aws_secret_key\n'********'\n");
    expect(quit.stdout.slice(0, quit.stdout.indexOf('reveal'))).not.toContain('s3cr3t-value');
    expect(quit.stdout).toContain(
      "(explore p1)> p aws_secret_key\n's3cr3t-value'\n(explore p1)> q\nUser interrupted execution\n",
    );
    const bad = await runCli(['explore', fixture, '--debug']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('argument --debug: only with --replay');
  });
});

describe('--workers', () => {
  it('spreads schedules over worker processes and reports what one process would: the same first violation and count', async () => {
    const args = ['explore', fixture, '--processes', '2', '--clock-ties', '--no-shrink'];
    const one = await runCli([...args, '--workers', '1']);
    const two = await runCli([...args, '--workers', '2']);
    expect(one.code).toBe(2);
    expect(two.stdout).toBe(one.stdout);
    const clean = await runCli(['explore', cas, '--processes', '3', '--schedules', '40', '--workers', '2']);
    expect(clean.stdout).toMatch(/^explored 40 schedules \(\d+\/s\), no violation found \(a search, not a proof\)\n$/);
  });
});
