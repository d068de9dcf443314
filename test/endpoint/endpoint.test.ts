// The local endpoint through the real AWS SDK for JavaScript, on port 0.
import { describe, expect, it } from 'vitest';
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsLogGroupCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  UntagLogGroupCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { useLocalLogsEndpoint } from '../helpers.js';
import { LogsModel } from '../../src/endpoint/logs-model.js';

const endpoint = useLocalLogsEndpoint();

describe('local CloudWatch Logs endpoint', () => {
  it('creates, lists by prefix in ASCII order, and deletes log groups', async () => {
    for (const n of ['lock/b', 'lock/a', 'lock/B', 'other/x'])
      await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: n }));
    const out = await endpoint.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'lock/' }));
    expect(out.logGroups!.map((g) => g.logGroupName)).toEqual(['lock/B', 'lock/a', 'lock/b']);
    const g = out.logGroups![0]!;
    // an access key that is not an account id is served as LocalStack's default account
    expect(g.arn).toBe('arn:aws:logs:us-east-1:000000000000:log-group:lock/B:*');
    expect(g).toMatchObject({ metricFilterCount: 0, storedBytes: 0 });
    expect(g.retentionInDays).toBeUndefined();
    expect(typeof g.creationTime).toBe('number');
    for (const n of ['lock/b', 'lock/a', 'lock/B', 'other/x'])
      await endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: n }));
    expect((await endpoint.logs.send(new DescribeLogGroupsCommand({}))).logGroups).toEqual([]);
  });

  it('answers with AWS error shapes the SDK understands', async () => {
    await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'dup' }));
    await expect(endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'dup' }))).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log group already exists',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
    await expect(endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'bad name' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message:
        "1 validation error detected: Value 'bad name' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
    });
    await expect(
      endpoint.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'dup', retentionInDays: 2 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: 'dup' }));
  });

  it('paginates 120 groups in pages of at most 50, every group once', async () => {
    const names = Array.from({ length: 120 }, (_x, i) => `page/${String(i).padStart(3, '0')}`);
    for (const n of names) await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: n }));
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeLogGroups({ client: endpoint.logs }, { logGroupNamePrefix: 'page/' })) {
      pages++;
      seen.push(...page.logGroups!.map((g) => g.logGroupName!));
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
    const limited = await endpoint.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'page/', limit: 7 }));
    expect(limited.logGroups).toHaveLength(7);
    expect(limited.nextToken).toBeTruthy();
    for (const n of names) await endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: n }));
  });

  it('keeps retention and tags', async () => {
    await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'tagged', tags: { a: '1' } }));
    await endpoint.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'tagged', retentionInDays: 14 }));
    await endpoint.logs.send(new TagLogGroupCommand({ logGroupName: 'tagged', tags: { b: '2' } }));
    await endpoint.logs.send(new UntagLogGroupCommand({ logGroupName: 'tagged', tags: ['a'] }));
    expect((await endpoint.logs.send(new ListTagsLogGroupCommand({ logGroupName: 'tagged' }))).tags).toEqual({
      b: '2',
    });
    expect(
      (await endpoint.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'tagged' }))).logGroups![0]!
        .retentionInDays,
    ).toBe(14);
    await endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: 'tagged' }));
  });

  it('injects throttling that the SDK sees as ThrottlingException with HTTP 400', async () => {
    endpoint.ep.setFaults({ throttleRate: 1 });
    await expect(endpoint.logs.send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
      message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    endpoint.ep.setFaults({ throttleRate: 0 });
  });
});

describe('LogsModel', () => {
  it('takes creation times from its clock', () => {
    let now = 1000;
    const m = new LogsModel({ nowMs: () => now });
    m.createLogGroup('a');
    now = 2000;
    m.createLogGroup('b');
    expect(m.list().map((g) => [g.logGroupName, g.creationTime])).toEqual([
      ['a', 1000],
      ['b', 2000],
    ]);
  });
});
