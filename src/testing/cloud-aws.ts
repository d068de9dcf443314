// What ansible-test's aws cloud plugin gives a `cloud/aws` target: the variables of the [default] section of
// cloud-config-aws.ini (aws_access_key, aws_secret_key, security_token, aws_region, and whatever else it sets),
// resource_prefix, tiny_prefix and aws_cleanup, and ANSIBLE_DEBUG_BOTOCORE_LOGS=True in the environment (so the
// AWS modules return resource_actions).
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** A cloud plugin's contribution to a target's run, as ansible-test's CloudEnvironmentConfig. */
export interface CloudEnvironment {
  readonly ansibleVars: Record<string, unknown>;
  readonly envVars: Record<string, string>;
}

interface AwsCloudOptions {
  readonly localAws?: boolean;
  readonly awsEndpoint?: string;
  /** A cloud-config-aws.ini to read, as ansible-test's static configuration. */
  readonly cloudConfig?: string;
  readonly env?: Record<string, string | undefined>;
}

/** The [default] section of an INI file as Python's ConfigParser reads it: `key: value` or `key = value`, keys
 * lowercased, comment lines and other sections ignored, indented lines continuing the value before them. */
export function iniDefaults(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let section = '',
    last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header) {
      section = header[1]!;
      continue;
    }
    if (section !== 'default') continue;
    if (/^\s/.test(line) && last !== undefined) {
      out[last] += `\n${trimmed}`;
      continue;
    }
    const m = /^([^:=]+?)\s*[:=]\s*(.*)$/.exec(trimmed);
    if (m) out[(last = m[1]!.toLowerCase())] = m[2]!;
  }
  return out;
}

/** The configuration ansible-test's template gives once its placeholders are filled (the ec2_* names are the
 * template's aliases for older playbooks, templated by Ansible when used). */
function cloudConfigText(values: { access: string; secret: string; token: string; region: string }): string {
  return [
    "# written by tsible test from ansible-test's cloud-config-aws.ini template",
    '[default]',
    `aws_access_key: ${values.access}`,
    `aws_secret_key: ${values.secret}`,
    `security_token: ${values.token}`,
    `aws_region: ${values.region}`,
    'ec2_access_key: {{ aws_access_key }}',
    'ec2_secret_key: {{ aws_secret_key }}',
    'ec2_region: {{ aws_region }}',
    '',
  ].join('\n');
}

/** The cloud-config-aws.ini a target reads: the one given, or one written to `work` for the local endpoint or,
 * failing both, from the AWS_* credentials of the environment. */
function cloudConfigFile(opts: AwsCloudOptions, work: string): string {
  if (opts.cloudConfig) return opts.cloudConfig;
  const env = opts.env ?? process.env;
  const local = opts.localAws || opts.awsEndpoint;
  const file = path.join(work, 'cloud-config-aws.ini');
  writeFileSync(
    file,
    cloudConfigText({
      access: local ? 'tsible-local' : (env.AWS_ACCESS_KEY_ID ?? ''),
      secret: local ? 'tsible-local' : (env.AWS_SECRET_ACCESS_KEY ?? ''),
      token: local ? 'tsible-local' : (env.AWS_SESSION_TOKEN ?? ''),
      region: local ? 'us-east-1' : (env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'),
    }),
    { mode: 0o600 },
  );
  return file;
}

/** ansible-test's AwsCloudEnvironment.get_environment_config, for one target. */
export function awsCloudEnvironment(opts: AwsCloudOptions, work: string, resourcePrefix: string): CloudEnvironment {
  const ansibleVars: Record<string, unknown> = {
    resource_prefix: resourcePrefix,
    tiny_prefix: randomUUID().replace(/-/g, '').slice(0, 12),
    ...iniDefaults(readFileSync(cloudConfigFile(opts, work), 'utf8')),
  };
  // a static configuration is not managed by ansible-test, so the target cleans up after itself
  if (!('aws_cleanup' in ansibleVars)) ansibleVars.aws_cleanup = true;
  return { ansibleVars, envVars: { ANSIBLE_DEBUG_BOTOCORE_LOGS: 'True' } };
}
