// The aws_ses_rule_set integration target, unchanged (playbooks/ holds it byte for byte): run whole against the
// local endpoint, then by five processes at once through `tsible race` against one endpoint, which checks that the
// active rule set only ever changed in the hands of the lock's holder; and a racy variant that ignores the lock,
// which the race must catch.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';

const target = path.join(ROOT, 'playbooks/aws_ses_rule_set');

describe('the aws_ses_rule_set target', () => {
  it('passes whole with --local-aws', async () => {
    const r = await runCli(['test', target, '--local-aws']);
    expect(r.stdout, r.stderr).toMatch(/^aws_ses_rule_set: passed/m);
    expect(r.code).toBe(0);
  }, 120_000);

  it('passes in five processes at once, the active rule set changed only by the lock holder', async () => {
    // the fixture's 30 s between lock attempts (plus up to 14 s of jitter) only makes the test slow
    const r = await runCli(['race', target, '--processes', '5', '-e', '{"obtain_lock_delay_seconds": 0}']);
    expect(r.stdout, r.stdout.slice(-4000)).toContain('exit codes: 0 0 0 0 0;');
    expect(r.stdout).toMatch(/active rule set changes: 100, each by the lock's holder/);
    expect(r.stdout).not.toContain('LOCK BROKEN');
    expect(r.code).toBe(0);
  }, 600_000);

  it('fails the race, naming who and when, if a process changes the active rule set under another holder', async () => {
    const r = await runCli(['race', path.join(ROOT, 'test/e2e/racy-ses-lock.yml'), '--processes', '3']);
    expect(r.stdout, r.stdout.slice(-4000)).toContain('exit codes: 0 0 0;');
    expect(r.stdout).toContain(
      'LOCK BROKEN: the active rule set changed while another process held the lock (2 times)',
    );
    expect(r.stdout).toMatch(
      /^ {2}p\d set the active rule set to p\d-default-rule-set at [\d.]+ s while p\d held the lock$/m,
    );
    expect(r.code).toBe(2);
  }, 120_000);
});
