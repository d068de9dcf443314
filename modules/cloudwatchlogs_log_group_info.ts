// amazon.aws.cloudwatchlogs_log_group_info (and the old name cloudwatchlogs_log_group_facts, which the
// fixture uses and current Ansible no longer resolves): every prefix match over all pages, with tags.
import type { LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { defineModule } from '../src/module.js';
import { camelDictToSnakeDict } from '../src/aws/errors.js';
import { AWS_COMMON_OPTIONS, awsClient, awsCommands, call, runAwsModule } from './aws_common.js';

export default defineModule({
  names: [
    'cloudwatchlogs_log_group_info',
    'amazon.aws.cloudwatchlogs_log_group_info',
    'community.aws.cloudwatchlogs_log_group_info',
    'cloudwatchlogs_log_group_facts',
    'community.aws.cloudwatchlogs_log_group_facts',
    'amazon.aws.cloudwatchlogs_log_group_facts',
  ],
  fqcn: 'amazon.aws.cloudwatchlogs_log_group_info',
  argumentSpec: { log_group_name: { type: 'str' }, ...AWS_COMMON_OPTIONS },
  supportsCheckMode: true,
  groups: ['amazon.aws.aws', 'community.aws.aws'],
  run: (args, ctx) =>
    runAwsModule(args, ctx, async () => {
      const prefix: string | null = args.log_group_name;
      const { DescribeLogGroupsCommand, ListTagsLogGroupCommand } = await awsCommands(ctx, 'logs');
      const logs = await awsClient(ctx, 'logs', args);
      const groups: LogGroup[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call(`Unable to describe log group ${prefix ?? 'None'}`, 'DescribeLogGroups', () =>
          logs.send(
            new DescribeLogGroupsCommand({
              ...(prefix ? { logGroupNamePrefix: prefix } : {}),
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        );
        groups.push(...(page.logGroups ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      const out: unknown[] = [];
      for (const g of groups) {
        let tags: Record<string, string> = {};
        try {
          tags = (await logs.send(new ListTagsLogGroupCommand({ logGroupName: g.logGroupName }))).tags ?? {};
        } catch (e) {
          const code = (e as { name?: string }).name;
          // a group deleted between the listing and this call: amazon.aws 5.5.1 fails the task, which makes the
          // fixture's lock fail a process whenever a loser cleans up at that moment. tsible leaves the group out
          // (it is gone), unless TSIBLE_STRICT_AMAZON_AWS=1 asks for 5.5.1's behaviour exactly
          if (code === 'ResourceNotFoundException' && ctx.env.TSIBLE_STRICT_AMAZON_AWS !== '1') continue;
          if (code === 'AccessDeniedException')
            ctx.warn(`Permission denied listing tags for log group ${g.logGroupName}`);
          else
            await call(`Unable to describe tags for log group ${g.logGroupName}`, 'ListTagsLogGroup', () =>
              Promise.reject(e),
            );
        }
        out.push({ ...(camelDictToSnakeDict(g) as object), tags });
      }
      const result: Record<string, unknown> = { changed: false, log_groups: out };
      if (ctx.invokedAs.endsWith('_facts'))
        result.deprecations = [
          {
            msg: "The 'cloudwatchlogs_log_group_facts' module has been renamed to 'cloudwatchlogs_log_group_info'",
            version: '2.13',
          },
        ];
      return result;
    }),
});
