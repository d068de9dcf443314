// The endpoint's conformance test: test/golden/aws/upstream-targets.mjs runs the CloudWatch Logs integration targets
// of amazon.aws 5.5.1 and community.aws 4.5.0 with real ansible-playbook against `tsible local-aws --tls`. It needs
// ansible-playbook and the checkouts (AMAZON_AWS_CHECKOUT / COMMUNITY_AWS_CHECKOUT, else ../upstream/<name> beside
// the repository); where any is missing it is skipped with the reason printed. The endpoint tests run everywhere.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const checkout = (variable: string, name: string) =>
  process.env[variable] ?? path.resolve(repo, '..', 'upstream', name);
const amazon = checkout('AMAZON_AWS_CHECKOUT', 'amazon.aws');
const community = checkout('COMMUNITY_AWS_CHECKOUT', 'community.aws');

function missing(): string | undefined {
  if (spawnSync('ansible-playbook', ['--version']).status !== 0) return 'ansible-playbook is not installed';
  if (spawnSync('python3', ['-c', 'import boto3']).status !== 0) return 'python3 has no boto3';
  for (const dir of [amazon, community])
    if (!existsSync(path.join(dir, 'tests/integration/targets/cloudwatchlogs')))
      return `no checkout at ${dir} (set AMAZON_AWS_CHECKOUT and COMMUNITY_AWS_CHECKOUT)`;
  return undefined;
}

describe('conformance: upstream CloudWatch Logs targets against tsible local-aws --tls', () => {
  const reason = missing();
  if (reason) console.log(`skipped the upstream CloudWatch Logs targets: ${reason}`);
  it.skipIf(reason !== undefined)(
    'amazon.aws/cloudwatchlogs, community.aws/cloudwatchlogs and cloudwatchlogs_log_group pass',
    () => {
      const script = path.join(repo, 'test/golden/aws/upstream-targets.mjs');
      const run = spawnSync(
        process.execPath,
        [script, '--amazon-aws', amazon, '--community-aws', community, '--json'],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      const results = JSON.parse(run.stdout) as Array<{ label: string; rc: number; tasks: Array<{ status: string }> }>;
      const summary = results.map((r) => ({
        label: r.label,
        rc: r.rc,
        failed: r.tasks.filter((t) => t.status === 'failed'),
        ran: r.tasks.length > 0,
      }));
      expect(summary).toEqual([
        { label: 'amazon.aws/cloudwatchlogs', rc: 0, failed: [], ran: true },
        { label: 'community.aws/cloudwatchlogs', rc: 0, failed: [], ran: true },
        { label: 'community.aws/cloudwatchlogs_log_group', rc: 0, failed: [], ran: true },
      ]);
      expect(run.status).toBe(0);
    },
    20 * 60_000,
  );
});
