// Log streams, their events and KMS keys on the local endpoint, through the real AWS SDK for JavaScript (which
// checks nothing itself, so every rule here is the endpoint's): botocore's shapes, PutLogEvents' batch rules,
// GetLogEvents' tokens, FilterLogEvents' patterns, and input validated before existence.
import { describe, expect, it } from 'vitest';
import {
  AssociateKmsKeyCommand,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  DeleteLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  DisassociateKmsKeyCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  TagLogGroupCommand,
  TagResourceCommand,
  type InputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { useLocalLogsEndpoint } from '../helpers.js';

const endpoint = useLocalLogsEndpoint();
const HOUR = 3_600_000;

const invalid = (message: string) => ({ name: 'InvalidParameterException', message });
const one = (value: string, member: string, constraint: string) =>
  invalid(`1 validation error detected: Value ${value} at '${member}' failed to satisfy constraint: ${constraint}`);

async function group(name: string, ...streams: string[]) {
  await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  for (const s of streams)
    await endpoint.logs.send(new CreateLogStreamCommand({ logGroupName: name, logStreamName: s }));
}

describe('log streams', () => {
  it('creates, describes in name order with ARNs, pages, and deletes streams', async () => {
    await group('s/a', 'web-2', 'web-1', 'db');
    const all = await endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupName: 's/a' }));
    expect(all.logStreams!.map((s) => s.logStreamName)).toEqual(['db', 'web-1', 'web-2']);
    expect(all.logStreams![0]).toMatchObject({
      arn: 'arn:aws:logs:us-east-1:000000000000:log-group:s/a:log-stream:db',
      storedBytes: 0,
    });
    expect(all.logStreams![0]!.firstEventTimestamp).toBeUndefined();
    const prefixed = await endpoint.logs.send(
      new DescribeLogStreamsCommand({ logGroupName: 's/a', logStreamNamePrefix: 'web' }),
    );
    expect(prefixed.logStreams!.map((s) => s.logStreamName)).toEqual(['web-1', 'web-2']);
    const first = await endpoint.logs.send(
      new DescribeLogStreamsCommand({ logGroupName: 's/a', limit: 2, descending: true }),
    );
    expect(first.logStreams!.map((s) => s.logStreamName)).toEqual(['web-2', 'web-1']);
    const rest = await endpoint.logs.send(
      new DescribeLogStreamsCommand({ logGroupName: 's/a', limit: 2, descending: true, nextToken: first.nextToken }),
    );
    expect([rest.logStreams!.map((s) => s.logStreamName), rest.nextToken]).toEqual([['db'], undefined]);
    await endpoint.logs.send(new DeleteLogStreamCommand({ logGroupName: 's/a', logStreamName: 'db' }));
    await expect(
      endpoint.logs.send(new DeleteLogStreamCommand({ logGroupName: 's/a', logStreamName: 'db' })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log stream does not exist.',
    });
    await expect(
      endpoint.logs.send(new CreateLogStreamCommand({ logGroupName: 's/a', logStreamName: 'web-1' })),
    ).rejects.toMatchObject({
      name: 'ResourceAlreadyExistsException',
      message: 'The specified log stream already exists',
    });
    // a group's streams go with it
    await endpoint.logs.send(new DeleteLogGroupCommand({ logGroupName: 's/a' }));
    await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 's/a' }));
    expect((await endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupName: 's/a' }))).logStreams).toEqual([]);
  });

  it('names a group by identifier (name or ARN) and orders by last event time', async () => {
    await group('s/b', 'x', 'y');
    const now = Date.now();
    await endpoint.logs.send(
      new PutLogEventsCommand({
        logGroupName: 's/b',
        logStreamName: 'y',
        logEvents: [{ timestamp: now - 5, message: 'a' }],
      }),
    );
    await endpoint.logs.send(
      new PutLogEventsCommand({
        logGroupName: 's/b',
        logStreamName: 'x',
        logEvents: [{ timestamp: now, message: 'b' }],
      }),
    );
    const arn = 'arn:aws:logs:us-east-1:000000000000:log-group:s/b';
    for (const logGroupIdentifier of ['s/b', arn]) {
      const out = await endpoint.logs.send(
        new DescribeLogStreamsCommand({ logGroupIdentifier, orderBy: 'LastEventTime' }),
      );
      expect(out.logStreams!.map((s) => s.logStreamName)).toEqual(['y', 'x']);
    }
    await expect(
      endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupIdentifier: arn.replace('us-east-1', 'eu-west-1') })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(
      endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupName: 's/b', logGroupIdentifier: 's/b' })),
    ).rejects.toMatchObject(invalid('LogGroup name and LogGroup ARN are mutually exclusive parameters.'));
    await expect(
      endpoint.logs.send(
        new DescribeLogStreamsCommand({ logGroupName: 's/b', orderBy: 'LastEventTime', logStreamNamePrefix: 'x' }),
      ),
    ).rejects.toMatchObject(invalid('Cannot order by LastEventTime with a logStreamNamePrefix.'));
  });

  it('validates every member before it looks for the group, all failures in one message', async () => {
    await expect(
      endpoint.logs.send(new CreateLogStreamCommand({ logGroupName: 'missing', logStreamName: 'a:b' })),
    ).rejects.toMatchObject(one("'a:b'", 'logStreamName', 'Member must satisfy regular expression pattern: [^:*]*'));
    await expect(endpoint.logs.send(new CreateLogStreamCommand({} as never))).rejects.toMatchObject(
      invalid(
        "2 validation errors detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null; " +
          "Value null at 'logStreamName' failed to satisfy constraint: Member must not be null",
      ),
    );
    await expect(
      endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'missing', limit: 51 })),
    ).rejects.toMatchObject(one("'51'", 'limit', 'Member must have value less than or equal to 50'));
    await expect(
      endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'missing', orderBy: 'Size' as never })),
    ).rejects.toMatchObject(
      one("'Size'", 'orderBy', 'Member must satisfy enum value set: [LogStreamName, LastEventTime]'),
    );
    await expect(endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'missing' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'The specified log group does not exist.',
    });
    await expect(
      endpoint.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'missing', retentionInDays: 2 })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      endpoint.logs.send(new TagLogGroupCommand({ logGroupName: 'missing', tags: {} })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'v/a' }));
    await expect(
      endpoint.logs.send(new CreateLogGroupCommand({ logGroupName: 'v/a', logGroupClass: 'COLD' as never })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(
      endpoint.logs.send(
        new TagResourceCommand({ resourceArn: 'arn:aws:logs:us-east-1:000000000000:log-group:missing', tags: {} }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});

describe('PutLogEvents', () => {
  it('stores a batch, moves the stream times, and accepts any sequence token', async () => {
    await group('e/a', 's');
    const t = Date.now() - HOUR;
    const put = (logEvents: InputLogEvent[], sequenceToken?: string) =>
      endpoint.logs.send(
        new PutLogEventsCommand({ logGroupName: 'e/a', logStreamName: 's', logEvents, sequenceToken }),
      );
    const first = await put([
      { timestamp: t, message: 'one' },
      { timestamp: t + 1, message: 'two' },
    ]);
    expect(first.nextSequenceToken).toMatch(/^\d{56}$/);
    expect(first.rejectedLogEventsInfo).toBeUndefined();
    await put([{ timestamp: t + 2, message: 'three' }], 'not-the-token');
    const [s] = (await endpoint.logs.send(new DescribeLogStreamsCommand({ logGroupName: 'e/a' }))).logStreams!;
    expect(s).toMatchObject({ firstEventTimestamp: t, lastEventTimestamp: t + 2 });
    expect(typeof s!.lastIngestionTime).toBe('number');
  });

  it('rejects events too old, expired or too new and keeps the rest', async () => {
    await group('e/b', 's');
    await endpoint.logs.send(new PutRetentionPolicyCommand({ logGroupName: 'e/b', retentionInDays: 1 }));
    const now = Date.now();
    const out = await endpoint.logs
      .send(
        new PutLogEventsCommand({
          logGroupName: 'e/b',
          logStreamName: 's',
          logEvents: [
            { timestamp: now - 15 * 24 * HOUR, message: 'too old' },
            { timestamp: now - 2 * 24 * HOUR, message: 'expired' },
            { timestamp: now - 22 * HOUR, message: 'kept' },
            { timestamp: now + 3 * HOUR, message: 'too new' },
          ],
        }),
      )
      .catch((e: Error) => e);
    // the batch spans more than 24 hours: refused whole
    expect(out).toMatchObject(
      invalid('The batch of log events in a single PutLogEvents request cannot span more than 24 hours.'),
    );
    const ok = await endpoint.logs.send(
      new PutLogEventsCommand({
        logGroupName: 'e/b',
        logStreamName: 's',
        logEvents: [
          { timestamp: now - 24.5 * HOUR, message: 'expired' },
          { timestamp: now - 2 * HOUR, message: 'kept' },
          { timestamp: now - HOUR, message: 'kept too' },
        ],
      }),
    );
    expect(ok.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 0 });
    const future = await endpoint.logs.send(
      new PutLogEventsCommand({
        logGroupName: 'e/b',
        logStreamName: 's',
        logEvents: [
          { timestamp: now, message: 'kept' },
          { timestamp: now + 3 * HOUR, message: 'too new' },
        ],
      }),
    );
    expect(future.rejectedLogEventsInfo).toEqual({ tooNewLogEventStartIndex: 1 });
    const got = await endpoint.logs.send(
      new GetLogEventsCommand({ logGroupName: 'e/b', logStreamName: 's', startFromHead: true }),
    );
    expect(got.events!.map((e) => e.message)).toEqual(['kept', 'kept too', 'kept']);
  });

  it('refuses batches out of order, too large or too long, and empty or missing members', async () => {
    await group('e/c', 's');
    const now = Date.now();
    const put = (logEvents: InputLogEvent[]) =>
      endpoint.logs.send(new PutLogEventsCommand({ logGroupName: 'e/c', logStreamName: 's', logEvents }));
    await expect(
      put([
        { timestamp: now, message: 'b' },
        { timestamp: now - 1, message: 'a' },
      ]),
    ).rejects.toMatchObject(invalid('Log events in a single PutLogEvents request must be in chronological order.'));
    const big = 'x'.repeat(200_000);
    await expect(put(Array.from({ length: 6 }, () => ({ timestamp: now, message: big })))).rejects.toMatchObject(
      invalid('Upload too large: 1200156 bytes exceeds limit of 1048576'),
    );
    await expect(put([{ timestamp: now, message: 'x'.repeat(262_119) }])).rejects.toMatchObject(
      invalid('Log event too large: 262145 bytes exceeds limit of 262144'),
    );
    await expect(put(Array.from({ length: 10_001 }, () => ({ timestamp: now, message: 'm' })))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining(
        "at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000",
      ),
    });
    await expect(put([])).rejects.toMatchObject(
      one("'[]'", 'logEvents', 'Member must have length greater than or equal to 1'),
    );
    await expect(put([{ timestamp: -1, message: '' }])).rejects.toMatchObject(
      invalid(
        "2 validation errors detected: Value '-1' at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must have value greater than or equal to 0; " +
          "Value '' at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ),
    );
    await expect(
      endpoint.logs.send(
        new PutLogEventsCommand({
          logGroupName: 'e/c',
          logStreamName: 'none',
          logEvents: [{ timestamp: now, message: 'm' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' });
  });
});

describe('reading events', () => {
  const base = Date.now() - 10 * HOUR;
  async function fill(name: string) {
    await group(name, 'a', 'b');
    const events = (tag: string, offsets: number[]) =>
      offsets.map((o) => ({ timestamp: base + o, message: `${tag}${o}` }));
    await endpoint.logs.send(
      new PutLogEventsCommand({ logGroupName: name, logStreamName: 'a', logEvents: events('a', [0, 2, 4, 6]) }),
    );
    await endpoint.logs.send(
      new PutLogEventsCommand({ logGroupName: name, logStreamName: 'b', logEvents: events('b', [1, 3, 5]) }),
    );
  }

  it('GetLogEvents reads from the tail or the head, pages both ways, and repeats a token at the end', async () => {
    await fill('r/a');
    const get = (more: object) =>
      endpoint.logs.send(new GetLogEventsCommand({ logGroupName: 'r/a', logStreamName: 'a', ...more }));
    const tail = await get({ limit: 2 });
    expect(tail.events!.map((e) => e.message)).toEqual(['a4', 'a6']);
    const back = await get({ limit: 2, nextToken: tail.nextBackwardToken });
    expect(back.events!.map((e) => e.message)).toEqual(['a0', 'a2']);
    const head = await get({ limit: 3, startFromHead: true });
    expect(head.events!.map((e) => e.message)).toEqual(['a0', 'a2', 'a4']);
    const next = await get({ limit: 3, nextToken: head.nextForwardToken });
    expect(next.events!.map((e) => e.message)).toEqual(['a6']);
    const end = await get({ limit: 3, nextToken: next.nextForwardToken });
    expect([end.events, end.nextForwardToken]).toEqual([[], next.nextForwardToken]);
    const window = await get({ startTime: base + 2, endTime: base + 6, startFromHead: true });
    expect(window.events!.map((e) => e.message)).toEqual(['a2', 'a4']);
    expect(window.events![0]).toEqual({ timestamp: base + 2, message: 'a2', ingestionTime: expect.any(Number) });
    await expect(get({ nextToken: 'f/1' })).rejects.toMatchObject(invalid('The specified nextToken is invalid.'));
    await expect(get({ limit: 0 })).rejects.toMatchObject(
      one("'0'", 'limit', 'Member must have value greater than or equal to 1'),
    );
  });

  it('FilterLogEvents interleaves streams by time, matches filter patterns and pages', async () => {
    await fill('r/b');
    const filter = (more: object) => endpoint.logs.send(new FilterLogEventsCommand({ logGroupName: 'r/b', ...more }));
    const all = await filter({});
    expect(all.events!.map((e) => e.message)).toEqual(['a0', 'b1', 'a2', 'b3', 'a4', 'b5', 'a6']);
    expect(all.events![1]).toMatchObject({
      logStreamName: 'b',
      timestamp: base + 1,
      eventId: expect.stringMatching(/^\d{56}$/),
    });
    expect(all.searchedLogStreams).toEqual([
      { logStreamName: 'a', searchedCompletely: true },
      { logStreamName: 'b', searchedCompletely: true },
    ]);
    expect((await filter({ filterPattern: 'zz' })).events).toEqual([]);
    expect((await filter({ filterPattern: 'b' })).events!.map((e) => e.message)).toEqual(['b1', 'b3', 'b5']);
    expect((await filter({ filterPattern: '?a2 ?b5' })).events!.map((e) => e.message)).toEqual(['a2', 'b5']);
    expect((await filter({ logStreamNames: ['b'] })).events!.map((e) => e.message)).toEqual(['b1', 'b3', 'b5']);
    expect(
      (await filter({ logStreamNamePrefix: 'a', startTime: base + 2, endTime: base + 4 })).events!.map(
        (e) => e.message,
      ),
    ).toEqual(['a2', 'a4']);
    const page = await filter({ limit: 4 });
    expect(page.events!.map((e) => e.message)).toEqual(['a0', 'b1', 'a2', 'b3']);
    const more = await filter({ limit: 4, nextToken: page.nextToken });
    expect([more.events!.map((e) => e.message), more.nextToken]).toEqual([['a4', 'b5', 'a6'], undefined]);
    await expect(filter({ logStreamNames: ['a'], logStreamNamePrefix: 'a' })).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(filter({ filterPattern: '{ $.x = ' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    await expect(filter({ logStreamNames: [] })).rejects.toMatchObject(
      one("'[]'", 'logStreamNames', 'Member must have length greater than or equal to 1'),
    );
    await expect(endpoint.logs.send(new FilterLogEventsCommand({ logGroupName: 'r/none' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('KMS keys', () => {
  it('associates and disassociates a key, shown by DescribeLogGroups', async () => {
    await group('k/a');
    const key = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    await endpoint.logs.send(new AssociateKmsKeyCommand({ logGroupName: 'k/a', kmsKeyId: key }));
    const described = async () =>
      (await endpoint.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'k/a' }))).logGroups![0]!.kmsKeyId;
    expect(await described()).toBe(key);
    await endpoint.logs.send(new DisassociateKmsKeyCommand({ logGroupName: 'k/a' }));
    expect(await described()).toBeUndefined();
    await expect(
      endpoint.logs.send(new AssociateKmsKeyCommand({ logGroupName: 'k/none', kmsKeyId: key })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      endpoint.logs.send(new AssociateKmsKeyCommand({ logGroupName: 'k/none' } as never)),
    ).rejects.toMatchObject(one('null', 'kmsKeyId', 'Member must not be null'));
    await expect(endpoint.logs.send(new DisassociateKmsKeyCommand({ logGroupName: 'k/none' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});
