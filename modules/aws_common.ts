// amazon.aws's common options (plugins/module_utils/modules.py aws_argument_spec) and the client plumbing
// every AWS module shares.
import { ModuleFailure, type ArgumentSpec, type ModuleContext, type TaskResult } from '../src/module.js';
import { AwsConfigError, awsSession, type AwsClient, type AwsSdk, type AwsServiceName } from '../src/aws/client.js';
import { awsFailure, botocoreClass, traceback } from '../src/aws/errors.js';
import { AWS_SERVICES } from '../src/aws/services.js';
import { PyException, pyStr, typeName } from '../src/python/python.js';

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

/** The service's command classes: the SDK's, loaded when an AWS task first runs (`tsible --version` and plain
 * playbooks never pay for it), or the run's own (the explorer's simulated transport needs only a command's name
 * and input). */
export const awsCommands = <N extends AwsServiceName>(ctx: ModuleContext, service: N): AwsSdk<N> | Promise<AwsSdk<N>> =>
  awsSession(ctx.services.awsSettings).commands(service);

/** The service's client for this task's connection options; options that cannot connect end the module. Under
 * debug_botocore_endpoint_logs each call through it is noted for the task's resource_actions. */
export async function awsClient<N extends AwsServiceName>(
  ctx: ModuleContext,
  service: N,
  args: Record<string, any>,
): Promise<AwsClient<N>> {
  let client: AwsClient<N>;
  try {
    client = await awsSession(ctx.services.awsSettings).client(service, args, ctx);
  } catch (e) {
    if (e instanceof AwsConfigError) throw new ModuleFailure({ failed: true, changed: false, msg: e.message });
    throw e;
  }
  // (only when asked: the explorer sends thousands of calls a second through here)
  if (!args.debug_botocore_endpoint_logs) return client;
  const noted = actionsOf(ctx);
  const prefix = (AWS_SERVICES[service] as { endpointPrefix?: string }).endpointPrefix ?? service;
  const send = client.send.bind(client) as (command: object) => Promise<unknown>;
  // the SDK's command classes and the explorer's simulated ones both carry the operation in their name
  const noting = (command: object) => {
    noted.add(`${prefix}:${command.constructor.name.replace(/Command\d*$/, '')}`);
    return send(command);
  };
  return Object.create(client, { send: { value: noting } }) as AwsClient<N>;
}

/** 'service:Operation' for every call a task made, in first-call order (amazon.aws's is Python's set order). */
const resourceActions = new WeakMap<ModuleContext, Set<string>>();
function actionsOf(ctx: ModuleContext): Set<string> {
  let noted = resourceActions.get(ctx);
  if (!noted) resourceActions.set(ctx, (noted = new Set()));
  return noted;
}

/** An AWS module's body with AnsibleAWSModule's exits around it: a ModuleFailure becomes the result, and
 * debug_botocore_endpoint_logs adds resource_actions to what the module returns or fails with. */
export async function runAwsModule(
  args: Record<string, any>,
  ctx: ModuleContext,
  body: () => Promise<TaskResult>,
): Promise<TaskResult> {
  let result: TaskResult;
  try {
    result = await body();
  } catch (e) {
    if (!(e instanceof ModuleFailure)) throw e;
    result = e.result;
  }
  if (args.debug_botocore_endpoint_logs) result = { ...result, resource_actions: [...actionsOf(ctx)] };
  return result;
}

/** botocore's client-side check of string members (its "Parameter validation failed" report): the lines for
 * every value of `values` that is not a string, named `member.key`. */
export function invalidStringTypes(member: string, values: Record<string, unknown>): string[] {
  return Object.entries(values)
    .filter(([, v]) => typeof v !== 'string')
    .map(
      ([k, v]) =>
        `Invalid type for parameter ${member}.${k}, value: ${pyStr(v)}, type: <class '${typeName(v)}'>, valid types: <class 'str'>`,
    );
}

/** A botocore ParamValidationError as fail_json_aws reports it (no HTTP answer: message only, no call made). */
export function parameterValidationFailure(prefix: string, problems: readonly string[]): ModuleFailure {
  return new ModuleFailure({
    failed: true,
    changed: false,
    msg: `${prefix}: Parameter validation failed:\n${problems.join('\n')}`,
    exception: traceback(
      `botocore.exceptions.ParamValidationError: Parameter validation failed:\n${problems.join('\n')}`,
    ),
  });
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

/** For modules that catch no AWS error (as some of amazon.aws's do not): the error as the Python exception that
 * crashes the module, botocore's own class and text, which Ansible reports as a MODULE FAILURE with its traceback
 * (the `exception` the callback prints the last line of). */
export function botocoreCrash(operation: string): (e: unknown) => never {
  return (e) => {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const code = err.name ?? 'Error';
    if (err.$metadata?.httpStatusCode)
      throw new PyException(
        botocoreClass(e),
        `An error occurred (${code}) when calling the ${operation} operation: ${err.message}`,
      );
    throw new PyException(`botocore.exceptions.${code}`, String(err.message));
  };
}
