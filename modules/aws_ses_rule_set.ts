// community.aws.ses_rule_set (and its old name aws_ses_rule_set, which the aws_ses_rule_set target uses), as
// community.aws 5.5.0 behaves: a receipt rule set present or absent, made active or inactive when `active` is
// given, the active set deleted only with force (deactivated first), check mode reading but never writing.
import type { ReceiptRuleSetMetadata, SESClient } from '@aws-sdk/client-ses';
import type { AwsSdk } from '../src/aws/client.js';
import { ModuleFailure, defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { AWS_COMMON_OPTIONS, awsClient, awsCommands, call, runAwsModule } from './aws_common.js';

/** One task's work: its options, the client and the command classes. */
interface RuleSetJob {
  readonly ctx: ModuleContext;
  readonly name: string;
  readonly args: Record<string, any>;
  readonly ses: SESClient;
  readonly commands: AwsSdk<'ses'>;
}

/** A rule set as the module returns it: snake_case keys, the creation time as Python prints an aware datetime. */
function ruleSetResult(s: ReceiptRuleSetMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.CreatedTimestamp) out.created_timestamp = pythonIsoformat(s.CreatedTimestamp);
  out.name = s.Name;
  return out;
}

/** datetime.isoformat() of a UTC time: microseconds only when there are any. */
function pythonIsoformat(d: Date): string {
  const iso = d.toISOString();
  const ms = d.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms ? `.${String(ms).padStart(3, '0')}000` : ''}+00:00`;
}

async function listRuleSets({ ses, commands }: RuleSetJob): Promise<ReceiptRuleSetMetadata[]> {
  const out = await call("Couldn't list rule sets.", 'ListReceiptRuleSets', () =>
    ses.send(new commands.ListReceiptRuleSetsCommand({})),
  );
  return out.RuleSets ?? [];
}

async function isActive({ ses, commands, name }: RuleSetJob): Promise<boolean> {
  const out = await call("Couldn't get the active rule set.", 'DescribeActiveReceiptRuleSet', () =>
    ses.send(new commands.DescribeActiveReceiptRuleSetCommand({})),
  );
  // no Metadata: no rule set is active
  return out.Metadata?.Name === name;
}

/** SetActiveReceiptRuleSet without a name: no rule set active. */
const deactivate = ({ ses, commands }: RuleSetJob) =>
  call("Couldn't set active rule set to None.", 'SetActiveReceiptRuleSet', () =>
    ses.send(new commands.SetActiveReceiptRuleSetCommand({})),
  );

/** Makes the set active or inactive when `active` asks it to; whether that changed it, and whether it is. */
async function settleActive(job: RuleSetJob): Promise<{ changed: boolean; active: boolean }> {
  const wanted: boolean | null = job.args.active;
  const active = await isActive(job);
  if (wanted === null || wanted === active) return { changed: false, active };
  if (!job.ctx.checkMode) {
    if (wanted)
      await call(`Couldn't set active rule set to ${job.name}.`, 'SetActiveReceiptRuleSet', () =>
        job.ses.send(new job.commands.SetActiveReceiptRuleSetCommand({ RuleSetName: job.name })),
      );
    else await deactivate(job);
  }
  return { changed: true, active: wanted };
}

async function present(job: RuleSetJob): Promise<TaskResult> {
  let ruleSets = await listRuleSets(job);
  let changed = false;
  if (!ruleSets.some((s) => s.Name === job.name)) {
    if (!job.ctx.checkMode)
      await call(`Couldn't create rule set ${job.name}.`, 'CreateReceiptRuleSet', () =>
        job.ses.send(new job.commands.CreateReceiptRuleSetCommand({ RuleSetName: job.name })),
      );
    changed = true;
    // the listing from before the create, and the new set by name only
    ruleSets = [...ruleSets, { Name: job.name }];
  }
  const settled = await settleActive(job);
  return { changed: changed || settled.changed, active: settled.active, rule_sets: ruleSets.map(ruleSetResult) };
}

async function absent(job: RuleSetJob): Promise<TaskResult> {
  let ruleSets = await listRuleSets(job);
  if (!ruleSets.some((s) => s.Name === job.name)) return { changed: false, rule_sets: ruleSets.map(ruleSetResult) };
  const active = await isActive(job);
  if (active && !job.args.force)
    throw new ModuleFailure({
      failed: true,
      msg: `Couldn't delete rule set ${job.name} because it is currently active. Set force=true to delete an active ruleset.`,
      error: { code: 'CannotDelete', message: `Cannot delete active rule set: ${job.name}` },
    });
  if (!job.ctx.checkMode) {
    if (active) await deactivate(job);
    await call(`Couldn't delete rule set ${job.name}.`, 'DeleteReceiptRuleSet', () =>
      job.ses.send(new job.commands.DeleteReceiptRuleSetCommand({ RuleSetName: job.name })),
    );
  }
  ruleSets = ruleSets.filter((s) => s.Name !== job.name);
  return { changed: true, rule_sets: ruleSets.map(ruleSetResult) };
}

export default defineModule({
  names: ['ses_rule_set', 'community.aws.ses_rule_set', 'aws_ses_rule_set', 'community.aws.aws_ses_rule_set'],
  fqcn: 'community.aws.ses_rule_set',
  argumentSpec: {
    name: { type: 'str', required: true },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    active: { type: 'bool' },
    force: { type: 'bool', default: false },
    ...AWS_COMMON_OPTIONS,
  },
  supportsCheckMode: true,
  groups: ['community.aws.aws'],
  run: (args, ctx) =>
    runAwsModule(args, ctx, async () => {
      const commands = await awsCommands(ctx, 'ses');
      const ses = await awsClient(ctx, 'ses', args);
      const job: RuleSetJob = { ctx, name: args.name, args, ses, commands };
      return args.state === 'absent' ? absent(job) : present(job);
    }),
});
