// SES receipt rule sets on the local endpoint through the JS SDK (the Query protocol both ways), and the raw
// wire: a form request told apart by its signing scope or version, XML replies and the XML error envelope.
import {
  CreateReceiptRuleSetCommand,
  DeleteReceiptRuleSetCommand,
  DescribeActiveReceiptRuleSetCommand,
  DescribeReceiptRuleSetCommand,
  ListReceiptRuleSetsCommand,
  SESClient,
  SetActiveReceiptRuleSetCommand,
} from '@aws-sdk/client-ses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { startEndpoint, type LocalEndpoint } from '../../src/endpoint/server.js';
import { lockBreaches, watchSesLock } from '../../src/endpoint/ses-lock.js';

let ep: LocalEndpoint;
const clients: SESClient[] = [];
const client = (accessKeyId: string) => {
  const c = new SESClient({
    endpoint: ep.url,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 's' },
    maxAttempts: 1,
  });
  clients.push(c);
  return c;
};
beforeAll(async () => {
  ep = await startEndpoint();
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await ep.close();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => ({
      name: e.name,
      message: e.message,
      status: e.$metadata.httpStatusCode,
    }),
  );

describe('SES receipt rule sets', () => {
  it('creates, lists, activates, refuses to delete the active set, and deletes it once inactive', async () => {
    const ses = client('AKID1');
    await ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: 'first' }));
    await ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: 'second' }));
    const { RuleSets } = await ses.send(new ListReceiptRuleSetsCommand({}));
    expect(RuleSets?.map((s) => s.Name)).toEqual(['first', 'second']);
    expect(RuleSets?.[0]?.CreatedTimestamp).toBeInstanceOf(Date);
    expect((await ses.send(new DescribeActiveReceiptRuleSetCommand({}))).Metadata).toBeUndefined();
    await ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: 'first' }));
    expect((await ses.send(new DescribeActiveReceiptRuleSetCommand({}))).Metadata?.Name).toBe('first');
    expect(await failure(ses.send(new DeleteReceiptRuleSetCommand({ RuleSetName: 'first' })))).toEqual({
      name: 'CannotDeleteException',
      message: 'Cannot delete active rule set: first',
      status: 400,
    });
    await ses.send(new SetActiveReceiptRuleSetCommand({}));
    await ses.send(new DeleteReceiptRuleSetCommand({ RuleSetName: 'first' }));
    await ses.send(new DeleteReceiptRuleSetCommand({ RuleSetName: 'first' })); // gone already: SES says nothing
    const left = await ses.send(new ListReceiptRuleSetsCommand({}));
    expect(left.RuleSets?.map((s) => s.Name)).toEqual(['second']);
    await ses.send(new DeleteReceiptRuleSetCommand({ RuleSetName: 'second' }));
  });

  it("answers with SES's errors", async () => {
    const ses = client('AKID1');
    expect(await failure(ses.send(new DescribeReceiptRuleSetCommand({ RuleSetName: 'nope' })))).toMatchObject({
      name: 'RuleSetDoesNotExistException',
      message: 'Rule set does not exist: nope',
    });
    expect(await failure(ses.send(new SetActiveReceiptRuleSetCommand({ RuleSetName: 'nope' })))).toMatchObject({
      name: 'RuleSetDoesNotExistException',
    });
    await ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: 'dup' }));
    expect(await failure(ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: 'dup' })))).toMatchObject({
      name: 'AlreadyExistsException',
      message: 'Rule set already exists: dup',
    });
    expect(await failure(ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: 'bad name' })))).toMatchObject({
      name: 'ValidationError',
    });
    for (const bad of ['-dash-first', 'x'.repeat(65)])
      expect(await failure(ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: bad })))).toMatchObject({
        name: 'InvalidParameterValue',
        message: `Not a valid ruleSetName: ${bad}`,
      });
    for (let i = 0; i < 39; i++) await ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: `n${i}` }));
    expect(await failure(ses.send(new CreateReceiptRuleSetCommand({ RuleSetName: 'one-too-many' })))).toMatchObject({
      name: 'LimitExceededException',
    });
    for (const s of ep.services.ses.model.list()) ep.services.ses.model.delete(s.name);
  });

  it('records who set the active rule set, and when', async () => {
    ep.services.ses.model.activations.length = 0;
    await client('AKID1').send(new CreateReceiptRuleSetCommand({ RuleSetName: 'shared' }));
    await client('AKID1').send(new SetActiveReceiptRuleSetCommand({ RuleSetName: 'shared' }));
    await client('AKID2').send(new SetActiveReceiptRuleSetCommand({}));
    expect(ep.services.ses.model.activations.map(({ ruleSet, by }) => ({ ruleSet, by }))).toEqual([
      { ruleSet: 'shared', by: 'AKID1' },
      { ruleSet: null, by: 'AKID2' },
    ]);
    expect(ep.services.ses.model.activations.every((a) => typeof a.at === 'number')).toBe(true);
  });

  it('speaks the Query protocol on the wire: form in, XML out, the XML error envelope', async () => {
    const form = (body: string) =>
      fetch(ep.url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
    const ok = await form('Action=ListReceiptRuleSets&Version=2010-12-01');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/xml');
    expect(await ok.text()).toMatch(
      /^<ListReceiptRuleSetsResponse xmlns="http:\/\/ses.amazonaws.com\/doc\/2010-12-01\/"><ListReceiptRuleSetsResult>.*<\/ListReceiptRuleSetsResult><ResponseMetadata><RequestId>[-0-9a-f]+<\/RequestId><\/ResponseMetadata><\/ListReceiptRuleSetsResponse>$/,
    );
    const bad = await form('Action=DescribeReceiptRuleSet&Version=2010-12-01&RuleSetName=a%26b');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(
      /^<ErrorResponse xmlns="[^"]+"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>.*<\/Message><\/Error><RequestId>[-0-9a-f]+<\/RequestId><\/ErrorResponse>$/,
    );
    const unknown = await form('Action=SendEmail&Version=2010-12-01');
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');
  });

  it("notes the lock's holder at each change of the active set: a change by anyone else is a breach", async () => {
    watchSesLock(ep);
    ep.services.ses.model.activations.length = 0;
    const logs = (accessKeyId: string) =>
      new CloudWatchLogsClient({
        endpoint: ep.url,
        region: 'us-east-1',
        credentials: { accessKeyId, secretAccessKey: 's' },
      });
    const [logsA, logsB] = [logs('AKIDA'), logs('AKIDB')];
    const attempt = (name: string) => `ansible-testing-locks/aws_ses_rule_set/${name}`;
    await client('AKIDA').send(new CreateReceiptRuleSetCommand({ RuleSetName: 'set-a' }));
    await client('AKIDB').send(new CreateReceiptRuleSetCommand({ RuleSetName: 'set-b' }));
    await client('AKIDB').send(new SetActiveReceiptRuleSetCommand({ RuleSetName: 'set-b' })); // nobody holds it
    await logsA.send(new CreateLogGroupCommand({ logGroupName: attempt('a') }));
    await logsB.send(new CreateLogGroupCommand({ logGroupName: attempt('b') })); // younger: A holds the lock
    await client('AKIDA').send(new SetActiveReceiptRuleSetCommand({ RuleSetName: 'set-a' }));
    await client('AKIDB').send(new SetActiveReceiptRuleSetCommand({ RuleSetName: 'set-b' }));
    await logsA.send(new DeleteLogGroupCommand({ logGroupName: attempt('a') })); // released: B's attempt is oldest
    await client('AKIDB').send(new SetActiveReceiptRuleSetCommand({}));
    expect(ep.services.ses.model.activations.map((a) => [a.by, a.lockHolder])).toEqual([
      ['AKIDB', undefined],
      ['AKIDA', 'AKIDA'],
      ['AKIDB', 'AKIDA'],
      ['AKIDB', 'AKIDB'],
    ]);
    expect(lockBreaches(ep).map((b) => ({ by: b.by, ruleSet: b.ruleSet, holder: b.lockHolder }))).toEqual([
      { by: 'AKIDB', ruleSet: 'set-b', holder: 'AKIDA' },
    ]);
    logsA.destroy();
    logsB.destroy();
  });
});
