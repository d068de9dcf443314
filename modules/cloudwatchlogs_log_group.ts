// amazon.aws.cloudwatchlogs_log_group, as amazon.aws 5.5.1 behaves, except where it loses data: an invalid
// retention is refused before any call (5.5.1 deletes the group first), check mode writes nothing (5.5.1
// still calls PutRetentionPolicy), and the existence check reads every page.
import type { CloudWatchLogsClient, LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsSdk } from '../src/aws/client.js';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { camelDictToSnakeDict } from '../src/aws/errors.js';
import { pyStr } from '../src/python/python.js';
import {
  AWS_COMMON_OPTIONS,
  awsClient,
  awsCommands,
  call,
  invalidStringTypes,
  parameterValidationFailure,
  runAwsModule,
} from './aws_common.js';

const MODULE_RETENTION = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653];

type Found = LogGroup & { tags: Record<string, string> };

/** One task's work on one log group: its options, its client and the command classes. */
interface LogGroupJob {
  readonly ctx: ModuleContext;
  readonly args: Record<string, any>;
  readonly name: string;
  readonly logs: CloudWatchLogsClient;
  readonly commands: AwsSdk<'logs'>;
}

const invalidRetention = (): TaskResult => ({
  failed: true,
  changed: false,
  msg: `Invalid retention value. Valid values are: [${MODULE_RETENTION.join(', ')}]`,
});
const wouldDelete = (): TaskResult => ({ changed: true, msg: 'Would have deleted log group if not in check_mode.' });

async function describe(job: LogGroupJob): Promise<Found | undefined> {
  const { logs, name } = job;
  const { DescribeLogGroupsCommand, ListTagsLogGroupCommand } = job.commands;
  let nextToken: string | undefined;
  do {
    const page = await call(`Unable to describe log group ${name}`, 'DescribeLogGroups', () =>
      logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, ...(nextToken ? { nextToken } : {}) })),
    );
    const hit = (page.logGroups ?? []).find((g) => g.logGroupName === name);
    if (hit) {
      const tags = await call(`Unable to describe tags for log group ${name}`, 'ListTagsLogGroup', () =>
        logs.send(new ListTagsLogGroupCommand({ logGroupName: name })),
      );
      return { ...hit, tags: tags.tags ?? {} };
    }
    // names sort in ASCII order: once past the exact name it cannot come later
    const last = page.logGroups?.[page.logGroups.length - 1]?.logGroupName;
    nextToken = last !== undefined && last > name ? undefined : page.nextToken;
  } while (nextToken);
  return undefined;
}

function shape(g: Found): TaskResult {
  const { $metadata, ...plain } = g as Found & { $metadata?: unknown };
  void $metadata;
  const snake = camelDictToSnakeDict(plain, ['tags']) as TaskResult;
  return { ...snake, log_groups: [snake] };
}

export default defineModule({
  names: ['cloudwatchlogs_log_group', 'amazon.aws.cloudwatchlogs_log_group', 'community.aws.cloudwatchlogs_log_group'],
  fqcn: 'amazon.aws.cloudwatchlogs_log_group',
  argumentSpec: {
    log_group_name: { type: 'str', required: true },
    state: { type: 'str', default: 'present', choices: ['present', 'absent'] },
    kms_key_id: { type: 'str' },
    tags: { type: 'dict', aliases: ['resource_tags'] },
    purge_tags: { type: 'bool', default: true },
    retention: { type: 'int' },
    purge_retention_policy: { type: 'bool', default: false },
    overwrite: { type: 'bool', default: false },
    ...AWS_COMMON_OPTIONS,
  },
  mutuallyExclusive: [
    ['retention', 'purge_retention_policy'],
    ['purge_retention_policy', 'overwrite'],
  ],
  supportsCheckMode: true,
  groups: ['amazon.aws.aws', 'community.aws.aws'],
  run: (args, ctx) => runAwsModule(args, ctx, () => ensure(args, ctx)),
});

async function ensure(args: Record<string, any>, ctx: ModuleContext): Promise<TaskResult> {
  if (
    args.state === 'present' &&
    args.retention !== null &&
    !MODULE_RETENTION.includes(args.retention) &&
    args.retention !== 0
  )
    return invalidRetention();
  const commands = await awsCommands(ctx, 'logs');
  const logs = await awsClient(ctx, 'logs', args);
  const job: LogGroupJob = { ctx, args, name: args.log_group_name, logs, commands };
  const found = await describe(job);
  if (args.state === 'absent') {
    if (!found) return { changed: false };
    if (ctx.checkMode) return wouldDelete();
    await remove(job);
    return { changed: true };
  }
  if (!found) return await create(job);
  if (args.overwrite) {
    if (ctx.checkMode) return wouldDelete();
    await remove(job);
    return await create(job);
  }
  return await update(job, found);
}

async function create(job: LogGroupJob): Promise<TaskResult> {
  const { args, logs, name } = job;
  if (job.ctx.checkMode) return { changed: true, msg: 'Would have created log group if not in check_mode.' };
  const { CreateLogGroupCommand } = job.commands;
  const tags = args.tags && Object.keys(args.tags).length ? args.tags : undefined;
  // sent as given, as amazon.aws does: botocore refuses a value that is not a string before any request
  const invalid = tags ? invalidStringTypes('tags', tags) : [];
  if (invalid.length) throw parameterValidationFailure('Unable to create log group', invalid);
  await call('Unable to create log group', 'CreateLogGroup', () =>
    logs.send(
      new CreateLogGroupCommand({
        logGroupName: name,
        ...(args.kms_key_id ? { kmsKeyId: args.kms_key_id } : {}),
        ...(tags ? { tags } : {}),
      }),
    ),
  );
  if (args.retention) await putRetention(job, args.retention);
  const created = await describe(job);
  if (!created)
    return {
      failed: true,
      changed: true,
      msg: 'The aws CloudWatchLogs log group was not created. \n please try again!',
    };
  return { changed: true, ...shape(created) };
}

/** DeleteLogGroup; a group already gone counts as deleted (amazon.aws swallows ResourceNotFoundException). */
async function remove({ commands, logs, name }: LogGroupJob): Promise<void> {
  const { DeleteLogGroupCommand } = commands;
  await call(`Unable to delete log group ${name}`, 'DeleteLogGroup', () =>
    logs.send(new DeleteLogGroupCommand({ logGroupName: name })).catch((e: { name?: string }) => {
      if (e.name === 'ResourceNotFoundException') return undefined;
      throw e;
    }),
  );
}

/** An existing group, not overwritten: its tags, then its retention; described again after any change. */
async function update(job: LogGroupJob, found: Found): Promise<TaskResult> {
  const { args, ctx, logs, name } = job;
  let changed = args.tags !== null && (await updateTags(job, found.tags));
  if (args.purge_retention_policy && found.retentionInDays) {
    changed = true;
    const { DeleteRetentionPolicyCommand } = job.commands;
    if (!ctx.checkMode)
      await call(`Unable to delete retention policy for log group ${name}`, 'DeleteRetentionPolicy', () =>
        logs.send(new DeleteRetentionPolicyCommand({ logGroupName: name })),
      );
  } else if (args.retention !== null && args.retention !== (found.retentionInDays ?? null)) {
    if (args.retention === 0) return invalidRetention();
    changed = true;
    if (!ctx.checkMode) await putRetention(job, args.retention);
  }
  // amazon.aws describes again after any change, in check mode too (where nothing was written)
  const final = changed ? ((await describe(job)) ?? found) : found;
  return { changed, ...shape(final) };
}

/** compare_aws_tags: keys to remove (never `aws:` ones, only with purge_tags), keys whose text differs; Untag
 * goes before Tag. Whether anything changes (in check mode too, where nothing is sent). */
async function updateTags({ args, ctx, commands, logs, name }: LogGroupJob, current: Found['tags']): Promise<boolean> {
  const removeKeys = args.purge_tags
    ? Object.keys(current).filter((k) => !k.startsWith('aws:') && !(k in args.tags))
    : [];
  const setTags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args.tags as Record<string, unknown>))
    if (current[k] !== pyStr(v)) setTags[k] = v;
  if (!removeKeys.length && !Object.keys(setTags).length) return false;
  if (ctx.checkMode) return true;
  const { TagLogGroupCommand, UntagLogGroupCommand } = commands;
  if (removeKeys.length)
    await call('Failed to update tags', 'UntagLogGroup', () =>
      logs.send(new UntagLogGroupCommand({ logGroupName: name, tags: removeKeys })),
    );
  if (!Object.keys(setTags).length) return true;
  // compared as text but sent as given (amazon.aws): botocore refuses a value that is not a string, after Untag
  const invalid = invalidStringTypes('tags', setTags);
  if (invalid.length) throw parameterValidationFailure('Failed to update tags', invalid);
  await call('Failed to update tags', 'TagLogGroup', () =>
    logs.send(new TagLogGroupCommand({ logGroupName: name, tags: setTags as Record<string, string> })),
  );
  return true;
}

async function putRetention({ commands, logs, name }: LogGroupJob, days: number): Promise<void> {
  const { PutRetentionPolicyCommand } = commands;
  await call(`Unable to put retention policy for log group ${name}`, 'PutRetentionPolicy', () =>
    logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days })),
  );
}
