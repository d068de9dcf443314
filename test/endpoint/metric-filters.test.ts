// The local endpoint's metric filter operations through the real AWS SDK for JavaScript: PutMetricFilter,
// DescribeMetricFilters (filters, order, pages), DeleteMetricFilter, TestMetricFilter, their validation, and
// metricFilterCount in DescribeLogGroups.
import { describe, expect, it } from 'vitest';
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteMetricFilterCommand,
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  PutMetricFilterCommand,
  TestMetricFilterCommand,
  paginateDescribeMetricFilters,
  type PutMetricFilterCommandInput,
} from '@aws-sdk/client-cloudwatch-logs';
import { useLocalLogsEndpoint } from '../helpers.js';

const endpoint = useLocalLogsEndpoint();

const filter = (logGroupName: string, filterName: string, extra: Partial<PutMetricFilterCommandInput> = {}) =>
  new PutMetricFilterCommand({
    logGroupName,
    filterName,
    filterPattern: 'ERROR',
    metricTransformations: [{ metricName: 'errors', metricNamespace: 'app', metricValue: '1' }],
    ...extra,
  });
const invalid = (message: string) => ({ name: 'InvalidParameterException', message });
const countOf = async (name: string) =>
  (await endpoint.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }))).logGroups![0]!
    .metricFilterCount;

describe('metric filters on the local endpoint', () => {
  it('puts, updates, lists and deletes filters, counting them on the group', async () => {
    await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'mf/a' }));
    await endpoint.logs.send(filter('mf/a', 'errors'));
    await endpoint.logs.send(
      filter('mf/a', 'Latency', {
        filterPattern: '{ $.latency > 0 }',
        metricTransformations: [
          { metricName: 'latency', metricNamespace: 'app', metricValue: '$.latency', defaultValue: 1.5 },
        ],
      }),
    );
    expect(await countOf('mf/a')).toBe(2);
    const all = await endpoint.logs.send(new DescribeMetricFiltersCommand({ logGroupName: 'mf/a' }));
    expect(all.metricFilters!.map((f) => f.filterName)).toEqual(['Latency', 'errors']);
    const latency = all.metricFilters![0]!;
    expect(latency).toMatchObject({
      logGroupName: 'mf/a',
      filterPattern: '{ $.latency > 0 }',
      metricTransformations: [
        { metricName: 'latency', metricNamespace: 'app', metricValue: '$.latency', defaultValue: 1.5 },
      ],
    });
    expect(typeof latency.creationTime).toBe('number');
    // an update replaces the pattern and keeps the creation time
    await endpoint.logs.send(filter('mf/a', 'Latency', { filterPattern: 'slow' }));
    const updated = await endpoint.logs.send(
      new DescribeMetricFiltersCommand({ logGroupName: 'mf/a', filterNamePrefix: 'Lat' }),
    );
    expect(updated.metricFilters!.map((f) => [f.filterPattern, f.creationTime])).toEqual([
      ['slow', latency.creationTime],
    ]);
    await endpoint.logs.send(new DeleteMetricFilterCommand({ logGroupName: 'mf/a', filterName: 'Latency' }));
    expect(await countOf('mf/a')).toBe(1);
    await expect(
      endpoint.logs.send(new DeleteMetricFilterCommand({ logGroupName: 'mf/a', filterName: 'Latency' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified metric filter does not exist.',
    });
    // a deleted group takes its filters along
    await endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: 'mf/a' }));
    await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'mf/a' }));
    expect(await countOf('mf/a')).toBe(0);
    await endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: 'mf/a' }));
  });

  it('filters by metric name and namespace across groups, and pages', async () => {
    for (const g of ['mf/p2', 'mf/p1']) await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: g }));
    for (let i = 0; i < 7; i++) await endpoint.logs.send(filter(i % 2 ? 'mf/p1' : 'mf/p2', `f${i}`));
    await endpoint.logs.send(
      filter('mf/p1', 'other', {
        metricTransformations: [{ metricName: 'other', metricNamespace: 'app', metricValue: '1' }],
      }),
    );
    const byMetric = await endpoint.logs.send(
      new DescribeMetricFiltersCommand({ metricName: 'other', metricNamespace: 'app' }),
    );
    expect(byMetric.metricFilters!.map((f) => f.filterName)).toEqual(['other']);
    const pages = [];
    for await (const page of paginateDescribeMetricFilters(
      { client: endpoint.logs, pageSize: 3 },
      { metricName: 'errors', metricNamespace: 'app' },
    ))
      pages.push(page.metricFilters!.map((f) => `${f.logGroupName}:${f.filterName}`));
    expect(pages).toEqual([['mf/p1:f1', 'mf/p1:f3', 'mf/p1:f5'], ['mf/p2:f0', 'mf/p2:f2', 'mf/p2:f4'], ['mf/p2:f6']]);
    await expect(endpoint.logs.send(new DescribeMetricFiltersCommand({ metricName: 'other' }))).rejects.toMatchObject(
      invalid('metricName and metricNamespace must be specified together.'),
    );
    await expect(endpoint.logs.send(new DescribeMetricFiltersCommand({ nextToken: 'garbage' }))).rejects.toMatchObject(
      invalid('The specified nextToken is invalid.'),
    );
  });

  it("refuses what the service model's constraints refuse, in AWS's words", async () => {
    await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'mf/v' }));
    await expect(endpoint.logs.send(filter('mf/none', 'x'))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
    await expect(endpoint.logs.send(filter('mf/v', 'a*b'))).rejects.toMatchObject(
      invalid(
        "1 validation error detected: Value 'a*b' at 'filterName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*",
      ),
    );
    await expect(
      endpoint.logs.send(
        filter('mf/v', 'x', {
          metricTransformations: [{ metricName: 'm', metricNamespace: 'n$', metricValue: '1' }],
        }),
      ),
    ).rejects.toMatchObject(
      invalid(
        "1 validation error detected: Value 'n$' at 'metricTransformations.1.member.metricNamespace' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*$]*",
      ),
    );
    await expect(
      endpoint.logs.send(
        filter('mf/v', 'x', { metricTransformations: [{ metricName: 'm', metricNamespace: 'n' } as never] }),
      ),
    ).rejects.toMatchObject(
      invalid(
        "1 validation error detected: Value null at 'metricTransformations.1.member.metricValue' failed to satisfy constraint: Member must not be null",
      ),
    );
    await expect(endpoint.logs.send(filter('mf/v', 'x', { metricTransformations: [] }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(endpoint.logs.send(filter('mf/v', 'x', { filterPattern: '{ $.a = }' }))).rejects.toMatchObject(
      invalid('Invalid metric filter pattern'),
    );
    await expect(endpoint.logs.send(filter('mf/v', 'x', { filterPattern: 'x'.repeat(1025) }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    for (let i = 0; i < 100; i++) await endpoint.logs.send(filter('mf/v', `f${i}`));
    await expect(endpoint.logs.send(filter('mf/v', 'one-too-many'))).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
    expect(await countOf('mf/v')).toBe(100);
  });

  it('tests term, JSON and space-delimited patterns against events', async () => {
    const test = async (filterPattern: string, logEventMessages: string[]) =>
      (await endpoint.logs.send(new TestMetricFilterCommand({ filterPattern, logEventMessages }))).matches!.map((m) => [
        m.eventNumber,
        m.extractedValues,
      ]);
    const events = [
      'ERROR disk full on /dev/sda',
      'WARN disk 90% full',
      '{"level":"error","status":503,"path":"/api/x","ok":false}',
      '10.0.0.1 bob [10/Oct/2026] "GET /index.html" 404 512',
    ];
    expect(await test('', events)).toHaveLength(4);
    expect(await test('ERROR "disk full"', events)).toEqual([[1, {}]]);
    expect(await test('?ERROR ?WARN -sda', events)).toEqual([[2, {}]]);
    expect(await test('{ $.status >= 500 && ($.path = "/api*" || $.level = "x") }', events)).toEqual([
      [3, { '$.status': '503', '$.path': '/api/x' }],
    ]);
    expect(await test('{ $.ok IS FALSE && $.missing NOT EXISTS }', events)).toEqual([[3, {}]]);
    expect(await test('[ip, user, ..., status = 4*, size > 100]', events)).toEqual([
      [4, { $ip: '10.0.0.1', $user: 'bob', $status: '404', $size: '512' }],
    ]);
    await expect(test('ERROR', [])).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
