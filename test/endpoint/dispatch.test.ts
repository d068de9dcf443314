// The endpoint's service table, in process: a request goes to the service whose wire protocol accepts it, and one
// no service accepts gets AWS's UnknownOperationException in the JSON envelope. Raw HTTP here (the SDK never
// sends a wrong target); the state file holds every service's part.
import { mkdtempSync, readFileSync } from 'node:fs';
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
    expect(await answer(await post(ep.url, 'Logs_20140328.PutLogEvents', '{}'))).toMatchObject({
      status: 400,
      body: {
        __type: 'UnknownOperationException',
        message: "Operation PutLogEvents is not supported by tsible's local CloudWatch Logs endpoint",
      },
    });
    expect(await answer(await post(ep.url, 'Logs_20140328.CreateLogGroup', '{not json'))).toMatchObject({
      status: 400,
      errorType: 'SerializationException',
      body: { __type: 'SerializationException', message: 'Request body is not valid JSON' },
    });
    expect(ep.calls.map((c) => [c.operation, c.error])).toEqual([['PutLogEvents', 'UnknownOperationException']]);
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
    expect(Object.keys(JSON.parse(readFileSync(stateFile, 'utf8')))).toEqual(['logGroups', 'ses']);
    await ep.close();
    ep = await startEndpoint({ stateFile });
    expect(ep.services.logs.model.list().map((g) => g.logGroupName)).toEqual(['kept', 'kept-too']);
    expect(ep.services.ses.model.active?.name).toBe('kept-set');
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
