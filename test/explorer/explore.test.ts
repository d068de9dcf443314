// tsible explore: deterministic simulation of racing copies of a playbook. Task files with known bugs by
// construction check that the search finds them and that a correct lock stays clean; replay must be exact.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeSchedule, encodeSchedule } from '../../src/explorer/schedule-codec.js';
import { explore } from '../../src/explorer/explore.js';
import { exploreSchedules, progressEvery } from '../../src/explorer/search.js';
import { formatTrace } from '../../src/explorer/trace-format.js';
import { runChoices, runSeed } from '../../src/explorer/runs.js';
import { shrink } from '../../src/explorer/shrink.js';
import type { ExploreOptions } from '../../src/explorer/explore-options.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import { ROOT, runCli } from '../helpers.js';

const here = path.join(ROOT, 'test/explorer');
const options = (file: string, more: Partial<ExploreOptions> = {}): ExploreOptions => ({
  playbook: loadPlaybook(file),
  processes: 2,
  schedules: 200,
  seed: 1,
  ...more,
});
const fixture = path.join(ROOT, 'playbooks/explore-lock.yml');

describe('known-bug task files', () => {
  it('finds the check-then-create race within 200 schedules, with a trace that shows both winners', async () => {
    const report = await exploreSchedules(options(path.join(here, 'racy-lock.yml')));
    expect(report.found?.violation?.message).toBe('processes p1 and p2 hold the lock at the same time');
    const text = formatTrace(report.found!.trace, report.found!.violation!.step);
    expect(text.match(/won_lock is true: holds locks\/racy/g)).toHaveLength(2);
    // both listings ran before either create: the race itself is in the trace
    const calls = report.found!.trace.filter((s) => s.kind === 'aws');
    const firstCreate = calls.findIndex((s) => s.label.startsWith('CreateLogGroup'));
    expect(
      new Set(
        calls
          .slice(0, firstCreate)
          .filter((s) => s.task === 'cloudwatchlogs_log_group_info')
          .map((s) => s.process),
      ),
    ).toEqual(new Set([0, 1]));
  });

  it('reports no violation for a compare-and-swap lock on CreateLogGroup, 3 processes', async () => {
    const report = await exploreSchedules(options(path.join(here, 'cas-lock.yml'), { processes: 3, schedules: 150 }));
    expect(report.found).toBeUndefined();
    expect(report.explored).toBe(150);
    expect(report.failures).toBe(0); // losers are rescued, not failed
  });

  it('replays a reported seed to the same trace, byte for byte', async () => {
    const o = options(path.join(here, 'racy-lock.yml'));
    const { found } = await exploreSchedules(o);
    const again = await runSeed(o, found!.seed);
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(found!.trace));
    expect(again.violation).toEqual(found!.violation);
    const other = await runSeed(o, found!.seed + 1);
    expect(JSON.stringify(other.trace)).not.toBe(JSON.stringify(found!.trace)); // the seed does decide
  });
});

describe('shrinking', () => {
  it("shrinks the fixture's shared-id violation to one context switch, and the shrunk schedule replays exactly", async () => {
    const o = options(fixture, { sharedId: true, schedules: 100 });
    const { found } = await exploreSchedules(o);
    const small = await shrink(o, found!);
    const switches = (c: readonly number[]) => c.filter((p, k) => k > 0 && p !== c[k - 1]).length;
    expect(switches(small.choices)).toBe(1); // p1 takes the lock alone, then p2 runs alone and takes it too
    expect(switches(found!.choices)).toBe(3); // as found
    expect(small.violation?.message).toMatch(/hold the lock at the same time/);
    const text = encodeSchedule(small.seed, small.choices);
    expect(text).toMatch(/^\d+:\d+x\d+\.\d+x\d+$/);
    const { seed, choices } = decodeSchedule(text);
    const again = await runChoices(o, { seed, choices });
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(small.trace));
  });

  it('refuses a malformed schedule', () => {
    expect(() => decodeSchedule('1x2.2x')).toThrow(
      "argument --replay: expected a seed or a schedule like 77:1x12.2x3 (or 77:1x12.2x3:14c), got '1x2.2x'",
    );
  });
});

describe('--strategy pct (priorities with depth-1 change points)', () => {
  it('finds the racy lock, not the compare-and-swap one, and its seeds replay exactly', async () => {
    const racy = options(path.join(here, 'racy-lock.yml'), { strategy: 'pct', depth: 2 });
    const { found } = await exploreSchedules(racy);
    expect(found?.violation?.message).toBe('processes p1 and p2 hold the lock at the same time');
    expect(JSON.stringify((await runSeed(racy, found!.seed)).trace)).toBe(JSON.stringify(found!.trace));
    const cas = await exploreSchedules(
      options(path.join(here, 'cas-lock.yml'), { strategy: 'pct', processes: 3, schedules: 100 }),
    );
    expect(cas.found).toBeUndefined();
  });

  it('with depth 1 never preempts: the highest-priority process runs until it waits, so the racy lock is safe', async () => {
    const report = await exploreSchedules(
      options(path.join(here, 'racy-lock.yml'), { strategy: 'pct', depth: 1, schedules: 50 }),
    );
    expect(report.found).toBeUndefined();
  });
});

describe("user invariants (--invariant, Jinja2 over every process's variables)", () => {
  it('reports the first task after which an invariant is false, in the trace too', async () => {
    const expr = "processes | selectattr('won_lock', 'defined') | list | length < 2";
    const report = await exploreSchedules(
      options(path.join(here, 'cas-lock.yml'), { invariants: [expr], schedules: 5 }),
    );
    expect(report.explored).toBe(1);
    expect(report.found?.violation?.message).toMatch(/^the invariant '.*' is false after p\d's task 'set_fact'$/);
    expect(formatTrace(report.found!.trace, report.found!.violation!.step)).toContain(`invariant false: ${expr}`);
  });

  it('holds for a true one, and an invariant that cannot be evaluated is an error, not a violation', async () => {
    const ok = await exploreSchedules(
      options(path.join(here, 'cas-lock.yml'), {
        invariants: ["processes | selectattr('won_lock', 'defined') | selectattr('won_lock') | list | length <= 1"],
        schedules: 30,
      }),
    );
    expect(ok.found).toBeUndefined();
    const run = await runCli([
      'explore',
      path.join(here, 'cas-lock.yml'),
      '--schedules',
      '3',
      '--invariant',
      'processes[0].nope.x',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "ERROR! the invariant 'processes[0].nope.x' could not be evaluated: 'dict object' has no attribute 'nope'",
    );
  });
});

describe('liveness (--liveness)', () => {
  it('makes a starved process a violation: the compare-and-swap lock tries once, so a loser never holds it', async () => {
    const report = await exploreSchedules(options(path.join(here, 'cas-lock.yml'), { liveness: true, schedules: 20 }));
    expect(report.found?.violation?.message).toMatch(/^liveness: p\d never held the lock$/);
  });

  it("makes a failed process a violation: with amazon.aws 5.5.1's exact behaviour the fixture fails on a group deleted between listing and tags", async () => {
    const report = await exploreSchedules(options(fixture, { liveness: true, strictAmazonAws: true, schedules: 60 }));
    expect(report.found?.violation?.message).toMatch(
      /^liveness: p\d: Get Lock Attempt Lock Groups: Unable to describe tags for log group/,
    );
  });
});

describe('the fixture obtain-lock.yaml, unchanged', () => {
  it('has no two-winner schedule with faults off, and every process gets the lock (60 schedules, 2 processes)', async () => {
    const report = await exploreSchedules(options(fixture, { schedules: 60, liveness: true }));
    expect(report.found).toBeUndefined();
    expect(report.explored).toBe(60);
    expect(report.failures).toBe(0); // tsible's info module leaves out a group that vanished before its tag call
  });

  it.each([
    ['a same-millisecond clock', { clockTies: true }],
    ['listing lag', { listingLagMs: 2000 }],
    ['two processes sharing an id', { sharedId: true }],
    ['a holder that overruns lock_timeout_seconds', { extraVars: { lock_timeout_seconds: 120, hold_seconds: 400 } }],
    [
      'a winner pausing past lock_timeout_seconds while others keep trying',
      { pauseAfterWinSeconds: 1000, extraVars: { max_obtain_lock_attempts: 40 } },
    ],
  ] as const)('finds two winners under %s', async (_name, faults) => {
    const report = await exploreSchedules(options(fixture, { schedules: 100, ...faults }));
    expect(report.found?.violation?.message).toMatch(/^processes p\d and p\d hold the lock at the same time$/);
  });

  it("shows that a loser deleting its attempt between another process's listing and tag call fails that process under amazon.aws 5.5.1's behaviour (TSIBLE_STRICT_AMAZON_AWS=1)", async () => {
    const report = await exploreSchedules(options(fixture, { schedules: 60, strictAmazonAws: true }));
    expect(report.firstFailure?.failures[0]).toMatch(
      /^p\d: Get Lock Attempt Lock Groups: Unable to describe tags for log group ansible-testing-locks\/aws_ses_rule_set\/p\d: .*ResourceNotFoundException/,
    );
    const replayed = await runSeed(options(fixture, { strictAmazonAws: true }), report.firstFailure!.seed);
    const tagCall = replayed.trace.find((s) => s.label.startsWith('ListTagsLogGroup') && s.detail?.status === 400);
    expect(tagCall?.task).toBe('Get Lock Attempt Lock Groups');
  });
});

describe('progress', () => {
  it('shows the count each time it passes a hundred, also when workers report in batches', () => {
    const shown: number[] = [];
    const onProgress = progressEvery(100, (n) => shown.push(n));
    for (const n of [30, 60, 99, 100, 130, 250, 260, 399, 460, 1000]) onProgress(n);
    expect(shown).toEqual([100, 250, 399, 460, 1000]);
  });
  it('is written on a terminal only', async () => {
    const run = async (isTTY: boolean) => {
      let out = '';
      await explore([path.join(here, 'cas-lock.yml'), '--processes', '2', '--schedules', '200'], {
        out: (s) => {
          out += s;
        },
        isTTY,
      });
      return out;
    };
    expect((await run(true)).match(/\rexplored \d+ schedules\.\.\./g)).toEqual([
      '\rexplored 100 schedules...',
      '\rexplored 200 schedules...',
    ]);
    expect(await run(false)).not.toMatch(/schedules\.\.\./);
  });
});

describe('worker processes', () => {
  it("start from the built package without the parent's script: a search run by `node -e` finishes once", async () => {
    // workers once inherited the parent's node options: `node -e SCRIPT` ran SCRIPT again in every worker
    const script = `import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/src/explorer/explore.js')).href)}).then(async ({ explore }) => {
      let out = ''; await explore([${JSON.stringify(path.join(here, 'cas-lock.yml'))}, '--processes', '2', '--schedules', '200', '--workers', '2'], { out: (s) => { out += s } });
      process.stdout.write(out) })`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(r.status).toBe(0);
    expect(r.stdout.match(/explored 200 schedules/g)).toHaveLength(1);
  });
});

describe('tsible explore CLI', () => {
  it('prints the shrunk schedule and its numbered trace, and --replay reproduces the same trace', async () => {
    const file = path.join(here, 'racy-lock.yml');
    const run = await runCli(['explore', file, '--processes', '2', '--schedules', '200']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const seed = /reproduce with: --replay (\d+:[\dx.]+)/.exec(run.stdout)![1]!;
    const trace = run.stdout.slice(run.stdout.indexOf('   1. '));
    const replay = await runCli(['explore', file, '--processes', '2', '--replay', seed]);
    expect(replay.code).toBe(2);
    expect(replay.stdout.slice(0, replay.stdout.indexOf('\n\nVIOLATION'))).toBe(trace.trimEnd());
  });

  it('reads -e as ansible-playbook does (JSON, key=value) and refuses what it refuses', async () => {
    const run = await runCli([
      'explore',
      fixture,
      '--schedules',
      '20',
      '--no-shrink',
      '-e',
      '{"lock_timeout_seconds": 120}',
      '-e',
      'hold_seconds=400',
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('hold the lock at the same time');
    const bad = await runCli(['explore', fixture, '-e', '[not, a, dict]']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain(
      "Invalid extra vars data supplied. '[not, a, dict]' could not be made into a dictionary",
    );
  });

  it('rejects bad options with the usage error code', async () => {
    const run = await runCli(['explore', path.join(here, 'cas-lock.yml'), '--processes', 'two']);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain("argument --processes: invalid int value: 'two'");
  });
});
