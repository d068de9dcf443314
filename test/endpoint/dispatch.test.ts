// The endpoint's service table, in process: a request goes to the service whose wire protocol accepts it, and one
// no service accepts gets AWS's UnknownOperationException in the JSON envelope. Raw HTTP here (the SDK never
// sends a wrong target); the state file holds every service's part.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEndpoint, type LocalEndpoint } from '../../src/endpoint/server.js';
import { awsJson11 } from '../../src/endpoint/wire.js';
import { AwsError } from '../../src/endpoint/common.js';

let ep: LocalEndpoint | undefined;
afterEach(async () => {
  await ep?.close();
  ep = undefined;
});

const post = (url: string, target: string | undefined, body: string, method = 'POST') =>
  fetch(url, {
    method,
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      ...(target === undefined ? {} : { 'X-Amz-Target': target }),
    },
    ...(method === 'POST' ? { body } : {}),
  });
const answer = async (res: Response) => ({
  status: res.status,
  type: res.headers.get('content-type'),
  errorType: res.headers.get('x-amzn-errortype'),
  requestId: res.headers.get('x-amzn-requestid'),
  body: await res.json(),
});

describe('endpoint dispatch', () => {
  it('sends a known target to its service and answers in AWS JSON 1.1', async () => {
    ep = await startEndpoint();
    expect(ep.services.logs).toBe(ep.service);
    const created = await answer(await post(ep.url, 'Logs_20140328.CreateLogGroup', '{"logGroupName":"d/a"}'));
    expect(created).toMatchObject({ status: 200, type: 'application/x-amz-json-1.1', errorType: null, body: {} });
    expect(created.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await answer(await post(ep.url, 'Logs_20140328.DescribeLogGroups', ''));
    expect(listed.body.logGroups.map((g: { logGroupName: string }) => g.logGroupName)).toEqual(['d/a']);
    expect(ep.calls.map((c) => [c.operation, c.status])).toEqual([
      ['CreateLogGroup', 200],
      ['DescribeLogGroups', 200],
    ]);
  });

  it('answers a target no service serves with UnknownOperationException, unrecorded', async () => {
    ep = await startEndpoint();
    for (const [target, words] of [
      ['Email_20101201.CreateReceiptRuleSet', 'Unknown target Email_20101201.CreateReceiptRuleSet'],
      ['Logs_20190101.CreateLogGroup', 'Unknown target Logs_20190101.CreateLogGroup'],
      [undefined, 'Unknown target (none)'],
      ['Logs_20140328', 'Unknown target Logs_20140328'],
    ] as const)
      expect(await answer(await post(ep.url, target, '{}'))).toMatchObject({
        status: 400,
        type: 'application/x-amz-json-1.1',
        errorType: 'UnknownOperationException',
        body: { __type: 'UnknownOperationException', message: words },
      });
    expect(await answer(await post(ep.url, 'Logs_20140328.DescribeLogGroups', '', 'GET'))).toMatchObject({
      status: 400,
      body: { __type: 'UnknownOperationException', message: 'Unknown target Logs_20140328.DescribeLogGroups' },
    });
    expect(ep.calls).toEqual([]);
  });

  it("lets the service refuse what it does not know, in its protocol's words", async () => {
    ep = await startEndpoint();
    expect(await answer(await post(ep.url, 'Logs_20140328.StartQuery', '{}'))).toMatchObject({
      status: 400,
      body: {
        __type: 'UnknownOperationException',
        message: "Operation StartQuery is not supported by tsible's local CloudWatch Logs endpoint",
      },
    });
    expect(await answer(await post(ep.url, 'Logs_20140328.CreateLogGroup', '{not json'))).toMatchObject({
      status: 400,
      errorType: 'SerializationException',
      body: { __type: 'SerializationException', message: 'Request body is not valid JSON' },
    });
    expect(ep.calls.map((c) => [c.operation, c.error])).toEqual([['StartQuery', 'UnknownOperationException']]);
  });

  it('applies the fault knobs to every served call', async () => {
    ep = await startEndpoint({ faults: { serverErrorRate: 1 } });
    expect(await answer(await post(ep.url, 'Logs_20140328.DescribeLogGroups', '{}'))).toMatchObject({
      status: 500,
      body: { __type: 'ServiceUnavailableException', message: 'The service cannot complete the request.' },
    });
    expect(ep.calls.map((c) => [c.operation, c.status, c.error])).toEqual([
      ['DescribeLogGroups', 500, 'ServiceUnavailableException'],
    ]);
  });

  it("writes every service's state to the state file after a change and reads it back", async () => {
    const stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'tsible-ep-')), 'state.json');
    ep = await startEndpoint({ stateFile });
    await post(ep.url, 'Logs_20140328.CreateLogGroup', '{"logGroupName":"kept"}');
    ep.services.ses.model.create('kept-set');
    ep.services.ses.model.setActive('kept-set', 'test');
    await post(ep.url, 'Logs_20140328.CreateLogGroup', '{"logGroupName":"kept-too"}');
    const saved = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(Object.keys(saved)).toEqual(['000000000000/us-east-1']);
    expect(saved['000000000000/us-east-1']).toMatchObject({
      logGroups: [{ logGroupName: 'kept' }, { logGroupName: 'kept-too' }],
    });
    expect(Object.keys(saved['000000000000/us-east-1'])).toContain('ses');
    await ep.close();
    ep = await startEndpoint({ stateFile });
    expect(ep.services.logs.model.list().map((g) => g.logGroupName)).toEqual(['kept', 'kept-too']);
    expect(ep.services.ses.model.active?.name).toBe('kept-set');
  });

  it('reads a state file from before homes as the default home', async () => {
    const stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'tsible-ep-')), 'state.json');
    const group = { logGroupName: 'old', creationTime: 1, logGroupClass: 'STANDARD', tags: {} };
    writeFileSync(stateFile, JSON.stringify({ logGroups: [group] }));
    ep = await startEndpoint({ stateFile });
    expect(ep.services.logs.model.list().map((g) => g.logGroupName)).toEqual(['old']);
  });

  it('keeps one state per account and region: the region from the credential scope, the account from a 12-digit key', async () => {
    const stateFile = path.join(mkdtempSync(path.join(tmpdir(), 'tsible-ep-')), 'state.json');
    ep = await startEndpoint({ stateFile });
    const as = (credential: string, body: string) =>
      fetch(ep!.url, {
        method: 'POST',
        headers: {
          'X-Amz-Target': 'Logs_20140328.CreateLogGroup',
          Authorization: `AWS4-HMAC-SHA256 Credential=${credential}/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body,
      });
    expect((await as('111122223333/20260101/eu-west-1/logs', '{"logGroupName":"g"}')).status).toBe(200);
    expect((await as('AKIDLOCAL/20260101/eu-west-1/logs', '{"logGroupName":"g"}')).status).toBe(200);
    expect((await as('AKIDLOCAL/20260101/us-east-1/logs', '{"logGroupName":"g"}')).status).toBe(200);
    // the same name again in a home that has it
    expect((await as('111122223333/20260101/eu-west-1/logs', '{"logGroupName":"g"}')).status).toBe(400);
    const arn = (account: string, region: string) => ep!.servicesOf({ account, region }).logs.model.arnOf('g');
    expect(arn('111122223333', 'eu-west-1')).toBe('arn:aws:logs:eu-west-1:111122223333:log-group:g');
    expect(arn('000000000000', 'eu-west-1')).toBe('arn:aws:logs:eu-west-1:000000000000:log-group:g');
    expect(Object.keys(JSON.parse(readFileSync(stateFile, 'utf8'))).sort()).toEqual([
      '000000000000/eu-west-1',
      '000000000000/us-east-1',
      '111122223333/eu-west-1',
    ]);
    await ep.close();
    ep = await startEndpoint({ stateFile });
    expect(ep.servicesOf({ account: '111122223333', region: 'eu-west-1' }).logs.model.list()).toHaveLength(1);
    expect(ep.servicesOf({ account: '111122223333', region: 'us-east-1' }).logs.model.list()).toHaveLength(0);
  });

  it('never answers a request a client can send with a 500', async () => {
    ep = await startEndpoint();
    for (const body of ['null', '[]', '3', '"x"', '{"logGroupName":null}', '{"logGroupName":5}', '{"tags":[]}'])
      for (const op of ['CreateLogGroup', 'PutLogEvents', 'GetLogEvents', 'FilterLogEvents', 'TagResource'])
        expect((await post(ep.url, `Logs_20140328.${op}`, body)).status).toBe(400);
    expect(await answer(await post(ep.url, 'Logs_20140328.CreateLogGroup', 'null'))).toMatchObject({
      status: 400,
      body: {
        __type: 'InvalidParameterException',
        message:
          "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null",
      },
    });
    expect((await fetch(`${ep.url}/_tsible/faults`, { method: 'POST', body: '[' })).status).toBe(400);
  });

  it('answers every operation, given any member of any JSON type, with a result or a client error', async () => {
    ep = await startEndpoint({ record: false });
    const logs = ep.services.logs;
    const values = [null, 5, -1, 1.5, true, 'x', '', [], [1], ['a'], {}, { a: 1 }, [null], [{}], [{ timestamp: 'x' }]];
    const members = [
      ...['logGroupName', 'logStreamName', 'logGroupIdentifier', 'logStreamNames', 'logStreamNamePrefix', 'tags'],
      ...['tagKeys', 'resourceArn', 'retentionInDays', 'kmsKeyId', 'limit', 'nextToken', 'logEvents', 'filterName'],
      ...['filterPattern', 'metricTransformations', 'logEventMessages', 'startTime', 'endTime', 'orderBy'],
      ...['descending', 'startFromHead', 'logGroupNamePrefix', 'logGroupNamePattern', 'metricName', 'sequenceToken'],
    ];
    const outcomes = new Set<string>();
    for (const operation of Object.keys(logs.operations))
      for (const member of members)
        for (const value of values) {
          // the group and stream exist, so that the checks past existence are reached too
          if (!logs.model.list('g').length) logs.call('CreateLogGroup', { logGroupName: 'g' });
          if (!logs.model.get('g').logStreams?.s)
            logs.call('CreateLogStream', { logGroupName: 'g', logStreamName: 's' });
          try {
            logs.call(operation, { logGroupName: 'g', logStreamName: 's', [member]: value });
            outcomes.add('ok');
          } catch (e) {
            outcomes.add(e instanceof AwsError && e.status < 500 ? 'client error' : `${operation} ${member}: ${e}`);
          }
        }
    expect([...outcomes].sort()).toEqual(['client error', 'ok']);
  });
});

describe('AWS JSON 1.1 wire', () => {
  const wire = awsJson11('Logs_20140328');
  const request = (target: string, body = '', method = 'POST') => ({
    method,
    url: '/',
    headers: { 'x-amz-target': target },
    body,
  });

  it('accepts its own target prefix only', () => {
    expect(wire.accepts(request('Logs_20140328.CreateLogGroup'))).toBe(true);
    expect(wire.accepts(request('Logs_20140328'))).toBe(true);
    expect(wire.accepts(request('Logs_201403280.CreateLogGroup'))).toBe(false);
    expect(wire.accepts({ ...request(''), headers: {} })).toBe(false);
  });

  it('decodes the operation and a JSON body (an empty body is {})', () => {
    expect(wire.decode(request('Logs_20140328.CreateLogGroup', '{"logGroupName":"x"}'))).toEqual({
      operation: 'CreateLogGroup',
      input: { logGroupName: 'x' },
    });
    expect(wire.decode(request('Logs_20140328.DescribeLogGroups'))).toEqual({
      operation: 'DescribeLogGroups',
      input: {},
    });
  });

  it('writes errors as a bare __type and message, extra members kept', () => {
    const reply = wire.error(new AwsError('TooManyTagsException', 'too many', 400, { resourceName: 'g' }), 'id');
    expect(reply).toEqual({
      status: 400,
      contentType: 'application/x-amz-json-1.1',
      body: '{"__type":"TooManyTagsException","message":"too many","resourceName":"g"}',
      headers: { 'x-amzn-ErrorType': 'TooManyTagsException' },
    });
  });
});
