// ansible-test's cloud/aws conventions in `tsible test`: the variables and environment its aws plugin gives a
// target, checked from inside targets of our own (CI), and the upstream CloudWatch Logs targets of amazon.aws 5.5
// and community.aws 4.5 run unchanged when their checkouts are present.
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { iniDefaults } from '../../src/testing/cloud-aws.js';
import { makeResourcePrefix } from '../../src/testing/target.js';
import { ROOT, runCli } from '../helpers.js';

const targets = path.join(ROOT, 'test/targets');

describe('cloud/aws targets', () => {
  it('get the cloud-config variables, resource_prefix, tiny_prefix and ANSIBLE_DEBUG_BOTOCORE_LOGS (role and runme.sh)', async () => {
    const run = await runCli(['test', 'aws_conventions', 'aws_conventions_script', '--local-aws'], { cwd: targets });
    expect(run.stdout).toMatch(/^aws_conventions: passed \[/m);
    expect(run.stdout).toMatch(/^aws_conventions_script: passed \[/m);
    expect(run.code).toBe(0);
  });

  it('read a given cloud-config-aws.ini as ansible-test reads its static configuration', async () => {
    const ini = path.join(tmpdir(), `tsible-cloud-config-${process.pid}.ini`);
    writeFileSync(
      ini,
      '[default]\nAWS_ACCESS_KEY: AKIDEXAMPLE\naws_secret_key = s3cr3t\nsecurity_token:\naws_region: eu-west-1\n' +
        'ec2_access_key: {{ aws_access_key }}\nec2_region: {{ aws_region }}\n',
    );
    const run = await runCli([
      'test',
      path.join(targets, 'aws_conventions'),
      '--local-aws',
      '--cloud-config',
      ini,
      '-e',
      'expected_region=eu-west-1 expected_access_key=AKIDEXAMPLE',
    ]);
    expect(run.stdout).toMatch(/^aws_conventions: passed \[/m);
  });

  it('parses the [default] section as ConfigParser does', () => {
    expect(
      iniDefaults('# c\n[other]\nx: 1\n[default]\nKey: a\n; comment\nb = two words\n  continued\nempty:\n'),
    ).toEqual({ key: 'a', b: 'two words\ncontinued', empty: '' });
  });

  it('makes resource prefixes as ansible-test does: letters, digits and dashes, lowercase, at most 63', () => {
    const p = makeResourcePrefix();
    expect(p).toMatch(/^ansible-test-\d{8}-[a-z0-9-]*[a-z0-9]$/);
    expect(p.length).toBeLessThanOrEqual(63);
  });
});

const UPSTREAM = [
  '/work/upstream/amazon.aws/tests/integration/targets/cloudwatchlogs',
  '/work/upstream/community.aws/tests/integration/targets/cloudwatchlogs',
  '/work/upstream/community.aws/tests/integration/targets/cloudwatchlogs_log_group',
];
const missing = UPSTREAM.filter((d) => !existsSync(d));
if (missing.length) console.log(`skipping the upstream CloudWatch Logs targets: no checkout at ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('upstream CloudWatch Logs targets (amazon.aws 5.5.1, community.aws 4.5.0)', () => {
  it('pass unchanged with --local-aws', async () => {
    const run = await runCli(['test', ...UPSTREAM, '--local-aws', '--continue-on-error', '--jobs', '2']);
    expect(run.stdout).toContain('\n3 passed, 0 failed, 0 skipped\n');
    expect(run.code).toBe(0);
  });
});
