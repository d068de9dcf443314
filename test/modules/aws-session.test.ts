// The AWS plumbing under the modules, in process: the service registry, connection options per service, and the
// per-run session (its clients, its hooks, its call record, a run's own transport in place of the SDK).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_SERVICES, serviceSdk } from '../../src/aws/services.js';
import { AwsConfigError, connectionInfo } from '../../src/aws/connection.js';
import { AwsSession, awsSession, destroyClients, type AwsCallEvent, type AwsSettings } from '../../src/aws/client.js';
import { startEndpoint, type LocalEndpoint } from '../../src/endpoint/server.js';

let ep: LocalEndpoint;
beforeAll(async () => {
  ep = await startEndpoint();
});
afterAll(async () => {
  destroyClients();
  await ep.close();
});

/** A module's side of a call: its environment, its name, its run's recorder. */
const caller = (env: Record<string, string>, calls: AwsCallEvent[] = []) => ({
  env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', ...env },
  invokedAs: 'cloudwatchlogs_log_group',
  services: { recordAwsCall: (e: AwsCallEvent) => calls.push(e) },
});

describe('service registry', () => {
  it('names the logs service: its endpoint variable, its SDK package, its client', async () => {
    const logs = AWS_SERVICES.logs;
    expect(logs.endpointEnv).toBe('AWS_ENDPOINT_URL_CLOUDWATCH_LOGS');
    const sdk = await serviceSdk('logs');
    expect(typeof sdk.DescribeLogGroupsCommand).toBe('function');
    // once loaded, the package comes back as a value: no promise on a module's path
    expect(serviceSdk('logs')).toBe(sdk);
    const client = logs.build(sdk, { region: 'eu-west-1', maxAttempts: 1 });
    expect(client).toBeInstanceOf(sdk.CloudWatchLogsClient);
    expect(await client.config.region()).toBe('eu-west-1');
    client.destroy();
  });

  it('names the ses service: AWS_ENDPOINT_URL_SES, @aws-sdk/client-ses, its client', async () => {
    const ses = AWS_SERVICES.ses;
    expect(ses.endpointEnv).toBe('AWS_ENDPOINT_URL_SES');
    const sdk = await serviceSdk('ses');
    expect(typeof sdk.SetActiveReceiptRuleSetCommand).toBe('function');
    const client = ses.build(sdk, { region: 'eu-west-1', maxAttempts: 1 });
    expect(client).toBeInstanceOf(sdk.SESClient);
    client.destroy();
    const endpoint = (env: Record<string, string>) => connectionInfo({}, caller(env), 'ses', {}).endpoint;
    expect(endpoint({ AWS_ENDPOINT_URL_SES: 'http://ses', AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs' })).toBe(
      'http://ses',
    );
  });

  it("reads the service's endpoint variable after AWS_URL and EC2_URL, before AWS_ENDPOINT_URL", () => {
    const endpoint = (env: Record<string, string>, args: Record<string, unknown> = {}) =>
      connectionInfo(args, caller(env), 'logs', {}).endpoint;
    expect(endpoint({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs', AWS_ENDPOINT_URL: 'http://all' })).toBe(
      'http://logs',
    );
    expect(endpoint({ AWS_ENDPOINT_URL: 'http://all' })).toBe('http://all');
    expect(endpoint({ AWS_URL: 'http://aws-url', AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs' })).toBe(
      'http://aws-url',
    );
    expect(endpoint({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs' }, { endpoint_url: 'http://arg' })).toBe(
      'http://arg',
    );
    expect(() => connectionInfo({}, { env: {}, invokedAs: 'm' }, 'logs', {})).toThrow(AwsConfigError);
  });
});

describe('per-run session', () => {
  it('is one per run settings object', () => {
    const a: AwsSettings = {},
      b: AwsSettings = {};
    expect(awsSession(a)).toBe(awsSession(a));
    expect(awsSession(a)).not.toBe(awsSession(b));
  });

  it('keeps one SDK client per service and configuration', async () => {
    const session = new AwsSession({ endpointOverride: ep.url });
    const one = await session.client('logs', {}, caller({}));
    expect(await session.client('logs', {}, caller({}))).toBe(one);
    expect(await session.client('logs', { secret_key: 'other' }, caller({}))).not.toBe(one);
    session.destroy();
  });

  it("runs each run's hooks and records each run's calls, however the runs interleave", async () => {
    const seen: string[] = [];
    const run = (name: string): AwsSettings => ({
      endpointOverride: ep.url,
      maxAttempts: 1,
      hooks: {
        beforeAwsCall: (e) => void seen.push(`${name} before ${e.operation}`),
        afterAwsCall: (e) => void seen.push(`${name} after ${e.operation} ${e.error?.code ?? 'ok'}`),
      },
    });
    const [a, b] = [new AwsSession(run('a')), new AwsSession(run('b'))];
    const [callsA, callsB]: AwsCallEvent[][] = [[], []];
    const { CreateLogGroupCommand, DescribeLogGroupsCommand } = await a.commands('logs');
    const logsA = await a.client('logs', {}, caller({}, callsA));
    const logsB = await b.client('logs', {}, caller({}, callsB));
    // a asks for its client last-but-one: a process-wide "current run" would give a's calls to b
    await logsA.send(new CreateLogGroupCommand({ logGroupName: 'run/a' }));
    await logsB.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: 'run/' }));
    await expect(logsB.send(new CreateLogGroupCommand({ logGroupName: 'run/a' }))).rejects.toThrow();
    expect(seen).toEqual([
      'a before CreateLogGroup',
      'a after CreateLogGroup ok',
      'b before DescribeLogGroups',
      'b after DescribeLogGroups ok',
      'b before CreateLogGroup',
      'b after CreateLogGroup ResourceAlreadyExistsException',
    ]);
    expect(callsA.map((e) => e.operation)).toEqual(['CreateLogGroup']);
    expect(callsB.map((e) => [e.operation, e.error?.code])).toEqual([
      ['DescribeLogGroups', undefined],
      ['CreateLogGroup', 'ResourceAlreadyExistsException'],
    ]);
    expect(callsB[0]!.output).toMatchObject({ logGroups: [{ logGroupName: 'run/a' }] });
    a.destroy();
    b.destroy();
  });

  it("uses a run's own transport and command classes instead of the SDK's", async () => {
    class DescribeLogGroupsCommand {
      constructor(readonly input: unknown) {}
    }
    const commands = { DescribeLogGroupsCommand } as never;
    const sent: unknown[] = [];
    const client = { send: async (c: unknown) => (sent.push(c), { logGroups: [] }) } as never;
    const asked: unknown[] = [];
    const factory = async (info: unknown) => (asked.push(info), client);
    const settings: AwsSettings = { services: { logs: { client: factory, commands } } };
    const session = new AwsSession(settings);
    expect(session.commands('logs')).toBe(commands);
    expect(await session.client('logs', { region: 'r' }, caller({}))).toBe(client);
    expect(asked).toEqual([{ region: 'r', credentials: { accessKeyId: 'k', secretAccessKey: 's' } }]);
  });

  it('refuses connection options that cannot work, before any transport is asked', async () => {
    const session = new AwsSession({ services: { logs: { client: () => Promise.reject(new Error('not asked')) } } });
    expect(() => session.client('logs', { endpoint_url: '' }, caller({}))).toThrow(
      "Couldn't connect to AWS: Invalid endpoint: ",
    );
  });
});
