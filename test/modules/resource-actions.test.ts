// resource_actions through a run's own transport (the explorer's simulated client), where no SDK middleware sees
// the calls: each 'logs:Operation' once, in the order first made, retries included once.
import { describe, expect, it } from 'vitest';
import { validateArgs, type ModuleContext } from '../../src/module.js';
import { simulatedAws, type SimulatedTransport } from '../../src/explorer/simulated-client.js';
import { LogsModel } from '../../src/endpoint/logs-model.js';
import { LogsService } from '../../src/endpoint/logs-protocol.js';
import { AwsError } from '../../src/endpoint/common.js';
import { resolveModule } from '../../modules/index.js';

/** A transport answering from an in-memory service, throttling the first attempt of each DescribeLogGroups. */
function transport(service: LogsService): SimulatedTransport {
  let throttled = false;
  return {
    requestId: () => 'req',
    reach: async () => true,
    backOff: async () => true,
    jitter: () => 0,
    attempt(op, input) {
      if (op === 'DescribeLogGroups' && (throttled = !throttled))
        return { error: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' } };
      try {
        return { body: service.call(op, input) };
      } catch (e) {
        const err = e as AwsError;
        return { error: { code: err.code, status: err.status, message: err.message } };
      }
    },
  };
}

async function run(name: string, raw: Record<string, unknown>, env: Record<string, string> = {}) {
  const def = resolveModule(name)!;
  const service = new LogsService(new LogsModel());
  const v = validateArgs(def, raw, name, env);
  const ctx = {
    checkMode: false,
    env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's', ...env },
    invokedAs: name,
    warn: () => undefined,
    services: { awsSettings: simulatedAws(transport(service))!, recordAwsCall: () => undefined },
  } as unknown as ModuleContext;
  return def.run(v.args, ctx);
}

describe('resource_actions', () => {
  it('lists the calls of a task through a simulated transport, once each, when the option asks', async () => {
    const result = await run(
      'cloudwatchlogs_log_group',
      { log_group_name: 'lock/a', retention: 7 },
      {
        ANSIBLE_DEBUG_BOTOCORE_LOGS: 'yes',
      },
    );
    expect(result).toMatchObject({ changed: true, retention_in_days: 7 });
    expect(result.resource_actions).toEqual([
      'logs:DescribeLogGroups',
      'logs:CreateLogGroup',
      'logs:PutRetentionPolicy',
      'logs:ListTagsLogGroup',
    ]);
  });

  it('is absent unless asked, and present on a failure', async () => {
    expect(await run('cloudwatchlogs_log_group_info', { log_group_name: 'x' })).not.toHaveProperty('resource_actions');
    const failed = await run('cloudwatchlogs_log_group_metric_filter', {
      state: 'absent',
      log_group_name: 'nope',
      filter_name: 'f',
      debug_botocore_endpoint_logs: true,
    }).catch((e: Error) => ({ crashed: e.message }));
    // amazon.aws's metric filter module catches nothing: a crash, where no resource_actions can be added
    expect(failed).toEqual({
      crashed:
        'botocore.errorfactory.ResourceNotFoundException: An error occurred (ResourceNotFoundException) when calling the DescribeMetricFilters operation: The specified log group does not exist.',
    });
    const denied = await run(
      'cloudwatchlogs_log_group',
      { log_group_name: 'lock/a', tags: { n: 1 } },
      {
        ANSIBLE_DEBUG_BOTOCORE_LOGS: 'true',
      },
    );
    expect(denied).toMatchObject({ failed: true, resource_actions: ['logs:DescribeLogGroups'] });
  });
});
