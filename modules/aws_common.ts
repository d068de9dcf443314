// amazon.aws's common options (plugins/module_utils/modules.py aws_argument_spec) and the client plumbing
// every AWS module shares.
import type { ArgumentSpec, ModuleContext, TaskResult } from '../src/module.js';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';

/** The SDK loads only when an AWS task runs: `tsible --version` and plain playbooks never pay for it. */
let loading: Promise<typeof import('@aws-sdk/client-cloudwatch-logs')> | undefined;
/** The SDK's command classes, or the ones the AWS settings bring (the explorer's simulated transport needs only a
 * command's name and input). Kept once loaded: every import() of a loaded module still walks the module loader. */
export const sdk = (
  ctx: ModuleContext,
): Promise<typeof import('@aws-sdk/client-cloudwatch-logs')> | typeof import('@aws-sdk/client-cloudwatch-logs') =>
  ctx.services.awsSettings.commands ?? (loading ??= import('@aws-sdk/client-cloudwatch-logs'));
import { AwsConfigError, connectionInfo, logsClient } from '../src/aws/client.js';
import { awsFailure } from '../src/aws/errors.js';

const dep = (name: string) => ({ name, date: '2024-12-01', collection_name: 'amazon.aws' });
export const AWS_COMMON_OPTIONS: ArgumentSpec = {
  access_key: {
    type: 'str',
    aliases: ['aws_access_key_id', 'aws_access_key', 'ec2_access_key'],
    deprecatedAliases: [dep('ec2_access_key')],
    noLog: false,
  },
  secret_key: {
    type: 'str',
    aliases: ['aws_secret_access_key', 'aws_secret_key', 'ec2_secret_key'],
    deprecatedAliases: [dep('ec2_secret_key')],
    noLog: true,
  },
  session_token: {
    type: 'str',
    aliases: ['aws_session_token', 'security_token', 'access_token', 'aws_security_token'],
    deprecatedAliases: [dep('security_token'), dep('access_token'), dep('aws_security_token')],
    noLog: true,
  },
  profile: { type: 'str', aliases: ['aws_profile'] },
  endpoint_url: {
    type: 'str',
    aliases: ['aws_endpoint_url', 'ec2_url', 's3_url'],
    deprecatedAliases: [dep('ec2_url'), dep('s3_url')],
    fallbackEnv: ['AWS_URL', 'EC2_URL', 'S3_URL'],
  },
  region: {
    type: 'str',
    aliases: ['aws_region', 'ec2_region'],
    deprecatedAliases: [dep('ec2_region')],
    fallbackEnv: ['AWS_REGION', 'AWS_DEFAULT_REGION', 'EC2_REGION'],
  },
  validate_certs: { type: 'bool', default: true },
  aws_ca_bundle: { type: 'path', fallbackEnv: ['AWS_CA_BUNDLE'] },
  aws_config: { type: 'dict' },
  debug_botocore_endpoint_logs: { type: 'bool', default: false, fallbackEnv: ['ANSIBLE_DEBUG_BOTOCORE_LOGS'] },
};

/** Thrown inside a module to end it with an Ansible-shaped failure. */
export class ModuleFailure extends Error {
  constructor(readonly result: TaskResult) {
    super(String(result.msg));
  }
}

export async function logsFor(args: Record<string, any>, ctx: ModuleContext): Promise<CloudWatchLogsClient> {
  try {
    const info = connectionInfo(args, ctx.env, ctx.invokedAs, ctx.services.awsSettings);
    return await logsClient(info, ctx.services.awsSettings, (e) => ctx.services.recordAwsCall(e));
  } catch (e) {
    if (e instanceof AwsConfigError) throw new ModuleFailure({ failed: true, changed: false, msg: e.message });
    throw e;
  }
}

/** Runs one SDK call; on error ends the module with amazon.aws's failure shape. */
export function call<T>(prefix: string, operation: string, fn: () => Promise<T>): Promise<T> {
  const fail = (e: unknown): never => {
    throw new ModuleFailure(awsFailure(prefix, operation, e));
  };
  try {
    return fn().catch(fail);
  } catch (e) {
    return Promise.reject(new ModuleFailure(awsFailure(prefix, operation, e)));
  }
}
