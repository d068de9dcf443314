// Where and as whom a module connects, resolved from its options the way amazon.aws's get_aws_connection_info
// does: aliases, empty strings meaning "unset", environment fallbacks, the service's own endpoint variable.
import { AWS_SERVICES, type AwsServiceName } from './services.js';

export interface ConnectionInfo {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  profile?: string;
}

/** What the connection depends on besides the module's options (a ModuleContext is one). */
export interface ConnectionSource {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The module's name as the task wrote it (messages quote it). */
  readonly invokedAs: string;
}

/** What the run decides for every connection (part of AwsSettings). */
export interface ConnectionDefaults {
  /** An endpoint that wins over everything (tsible's --local-aws). */
  readonly endpointOverride?: string;
  /** Credentials used when none are configured (the local endpoint accepts any). */
  readonly fallbackCredentials?: { accessKeyId: string; secretAccessKey: string };
}

export class AwsConfigError extends Error {}

const firstNonEmpty = (...vals: Array<unknown>) =>
  vals.find((v) => typeof v === 'string' && v !== '') as string | undefined;

/** amazon.aws's get_aws_connection_info, for the options this module was given. */
export function connectionInfo(
  args: Record<string, any>,
  source: ConnectionSource,
  service: AwsServiceName,
  defaults: ConnectionDefaults,
): ConnectionInfo {
  const env = source.env;
  const info: ConnectionInfo = { region: regionOf(args, source, defaults) };
  if (args.endpoint_url === '') throw new AwsConfigError("Couldn't connect to AWS: Invalid endpoint: ");
  const endpoint =
    defaults.endpointOverride ??
    firstNonEmpty(
      args.endpoint_url,
      env.AWS_URL,
      env.EC2_URL,
      env[AWS_SERVICES[service].endpointEnv],
      env.AWS_ENDPOINT_URL,
    );
  if (endpoint) info.endpoint = endpoint;
  addIdentity(info, args, env, defaults);
  return info;
}

function regionOf(args: Record<string, any>, source: ConnectionSource, defaults: ConnectionDefaults): string {
  const env = source.env;
  let region: string | undefined = args.region;
  if (region === undefined || region === null) region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? env.EC2_REGION;
  if (!region) region = env.AWS_DEFAULT_REGION || undefined;
  if (!region && defaults.endpointOverride) region = 'us-east-1';
  if (!region)
    throw new AwsConfigError(
      `The ${source.invokedAs} module requires a region and none was found in configuration, environment variables or module parameters`,
    );
  return region;
}

/** Credentials or a profile, as botocore's session would take them. */
function addIdentity(
  info: ConnectionInfo,
  args: Record<string, any>,
  env: ConnectionSource['env'],
  defaults: ConnectionDefaults,
): void {
  const accessKey = firstNonEmpty(args.access_key, env.AWS_ACCESS_KEY_ID, env.AWS_ACCESS_KEY, env.EC2_ACCESS_KEY);
  const secretKey = firstNonEmpty(args.secret_key, env.AWS_SECRET_ACCESS_KEY, env.AWS_SECRET_KEY, env.EC2_SECRET_KEY);
  const token = firstNonEmpty(
    args.session_token,
    env.AWS_SESSION_TOKEN,
    env.AWS_SECURITY_TOKEN,
    env.EC2_SECURITY_TOKEN,
  );
  const profile =
    firstNonEmpty(args.profile) ??
    (!args.access_key && !args.secret_key ? firstNonEmpty(env.AWS_DEFAULT_PROFILE, env.AWS_PROFILE) : undefined);
  if (
    firstNonEmpty(args.profile) &&
    (firstNonEmpty(args.access_key) || firstNonEmpty(args.secret_key) || firstNonEmpty(args.session_token))
  )
    throw new AwsConfigError('Passing both a profile and access tokens is not supported.');
  if (accessKey && !secretKey)
    throw new AwsConfigError('Partial credentials found in explicit, missing: aws_secret_access_key');
  if (profile && !accessKey) info.profile = profile;
  else if (accessKey && secretKey)
    info.credentials = {
      accessKeyId: accessKey,
      secretAccessKey: secretKey,
      ...(token ? { sessionToken: token } : {}),
    };
  else if (defaults.endpointOverride && defaults.fallbackCredentials) info.credentials = defaults.fallbackCredentials;
}
