// The endpoint's fault knobs, set at start and while it runs, seen through the JS SDK; and the endpoint
// served by `tsible local-aws` to other clients (boto3 when this machine has it).
import { spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { startEndpoint, type LocalEndpoint } from '../../src/endpoint/server.js';
import { BIN } from '../helpers.js';

let ep: LocalEndpoint | undefined;
afterEach(async () => {
  await ep?.close();
  ep = undefined;
});
const client = (url: string, maxAttempts = 1) =>
  new CloudWatchLogsClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts,
  });
const names = async (c: CloudWatchLogsClient, prefix: string) =>
  ((await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }))).logGroups ?? []).map(
    (g) => g.logGroupName,
  );

describe('fault knobs', () => {
  it('listing lag hides recent creates and keeps recent deletes visible for the given time', async () => {
    let now = 1_000_000;
    ep = await startEndpoint({ clock: { nowMs: () => now }, faults: { listingLagMs: 500 } });
    const c = client(ep.url);
    await c.send(new CreateLogGroupCommand({ logGroupName: 'lag/a' }));
    expect(await names(c, 'lag/')).toEqual([]);
    now += 500;
    expect(await names(c, 'lag/')).toEqual(['lag/a']);
    await c.send(new DeleteLogGroupCommand({ logGroupName: 'lag/a' }));
    expect(await names(c, 'lag/')).toEqual(['lag/a']);
    now += 500;
    expect(await names(c, 'lag/')).toEqual([]);
    c.destroy();
  });

  it('a frozen clock gives equal creation times, a skew shifts them', async () => {
    ep = await startEndpoint({ faults: { frozenClockMs: 42_000 } });
    const c = client(ep.url);
    await c.send(new CreateLogGroupCommand({ logGroupName: 'clk/a' }));
    await c.send(new CreateLogGroupCommand({ logGroupName: 'clk/b' }));
    ep.setFaults({ frozenClockMs: null, clockSkewMs: -3_600_000 });
    await c.send(new CreateLogGroupCommand({ logGroupName: 'clk/c' }));
    const groups = (await c.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'clk/' }))).logGroups!;
    expect(groups.map((g) => g.creationTime!).slice(0, 2)).toEqual([42_000, 42_000]);
    expect(Math.abs(groups[2]!.creationTime! - (Date.now() - 3_600_000))).toBeLessThan(60_000);
    c.destroy();
  });

  it('5xx faults reach the SDK as ServiceUnavailableException, which it retries', async () => {
    ep = await startEndpoint({ faults: { serverErrorRate: 1 } });
    await expect(client(ep.url).send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
      $metadata: { httpStatusCode: 500 },
    });
    await ep.close();
    let n = 0;
    const seq = [0.1, 0.9]; // the first request fails, its retry succeeds
    ep = await startEndpoint({ faults: { serverErrorRate: 0.5 }, random: () => seq[n++ % 2]! });
    const out = await client(ep.url, 3).send(new DescribeLogGroupsCommand({}));
    expect(out.$metadata.attempts).toBe(2);
  });

  it('latency is added to every answer, and the knobs change while the endpoint runs', async () => {
    ep = await startEndpoint();
    const res = await fetch(`${ep.url}/_tsible/faults`, { method: 'POST', body: JSON.stringify({ latencyMs: 120 }) });
    expect((await res.json()).faults.latencyMs).toBe(120);
    const c = client(ep.url);
    const t = Date.now();
    await c.send(new DescribeLogGroupsCommand({}));
    expect(Date.now() - t).toBeGreaterThanOrEqual(100);
    c.destroy();
  });
});

const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0;

describe('tsible local-aws', () => {
  it('serves other processes; boto3 works against it unchanged when installed', async () => {
    const server = spawn(process.execPath, [BIN, 'local-aws', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve) => {
        let out = '';
        server.stdout.on('data', (b) => {
          out += b;
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
      });
      const c = client(url);
      await c.send(new CreateLogGroupCommand({ logGroupName: 'shared/a' }));
      expect(await names(c, 'shared/')).toEqual(['shared/a']);
      c.destroy();
      if (hasBoto3) {
        const py = spawnSync(
          'python3',
          [
            '-c',
            [
              'import boto3, sys',
              `c = boto3.client("logs", endpoint_url="${url}", region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")`,
              'c.create_log_group(logGroupName="shared/b", tags={"t": "v"})',
              'print(",".join(g["logGroupName"] for g in c.describe_log_groups(logGroupNamePrefix="shared/")["logGroups"]))',
              'print(c.list_tags_log_group(logGroupName="shared/b")["tags"])',
              'try:\n    c.create_log_group(logGroupName="shared/b")\nexcept c.exceptions.ResourceAlreadyExistsException as e:\n    print(e.response["Error"]["Code"])',
            ].join('\n'),
          ],
          { encoding: 'utf8' },
        );
        expect(py.stderr).toBe('');
        expect(py.stdout).toBe("shared/a,shared/b\n{'t': 'v'}\nResourceAlreadyExistsException\n");
      }
    } finally {
      server.kill('SIGTERM');
    }
  });
});
