// CloudWatch Logs clients built from module options the way amazon.aws resolves them (aliases, empty
// strings meaning "unset", environment fallbacks), one client per distinct configuration, with a pause
// point around every call for the debugger and the explorer.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { createHash } from 'node:crypto';

export interface AwsCallEvent {
  operation: string;
  input: Record<string, unknown>;
  output?: unknown;
  error?: { code: string; message: string };
  ms?: number;
}
export interface AwsHooks {
  beforeAwsCall?(e: AwsCallEvent): Promise<void> | void;
  afterAwsCall?(e: AwsCallEvent): Promise<void> | void;
}

export interface AwsSettings {
  /** An endpoint that wins over everything (tsible's --local-aws). */
  readonly endpointOverride?: string;
  /** Credentials used when none are configured (the local endpoint accepts any). */
  readonly fallbackCredentials?: { accessKeyId: string; secretAccessKey: string };
  readonly hooks?: AwsHooks;
  readonly maxAttempts?: number;
  /** Builds the client instead (the explorer's in-memory transport); no caching, no middleware. */
  readonly clientFactory?: (info: ConnectionInfo) => Promise<CloudWatchLogsClient>;
  /** Command classes for that client instead of the SDK's. */
  readonly commands?: typeof import('@aws-sdk/client-cloudwatch-logs');
}

export interface ConnectionInfo {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  profile?: string;
}

export class AwsConfigError extends Error {}

const firstNonEmpty = (...vals: Array<unknown>) =>
  vals.find((v) => typeof v === 'string' && v !== '') as string | undefined;

/** amazon.aws's get_aws_connection_info, for the options this module was given. */
export function connectionInfo(
  args: Record<string, any>,
  env: Readonly<Record<string, string | undefined>>,
  moduleName: string,
  settings: AwsSettings,
): ConnectionInfo {
  let region: string | undefined = args.region;
  if (region === undefined || region === null) region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? env.EC2_REGION;
  if (!region) region = env.AWS_DEFAULT_REGION || undefined;
  if (!region && settings.endpointOverride) region = 'us-east-1';
  if (!region)
    throw new AwsConfigError(
      `The ${moduleName} module requires a region and none was found in configuration, environment variables or module parameters`,
    );
  if (args.endpoint_url === '') throw new AwsConfigError("Couldn't connect to AWS: Invalid endpoint: ");
  const endpoint =
    settings.endpointOverride ??
    firstNonEmpty(
      args.endpoint_url,
      env.AWS_URL,
      env.EC2_URL,
      env.AWS_ENDPOINT_URL_CLOUDWATCH_LOGS,
      env.AWS_ENDPOINT_URL,
    );
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
  const info: ConnectionInfo = { region };
  if (endpoint) info.endpoint = endpoint;
  if (profile && !accessKey) info.profile = profile;
  else if (accessKey && secretKey)
    info.credentials = {
      accessKeyId: accessKey,
      secretAccessKey: secretKey,
      ...(token ? { sessionToken: token } : {}),
    };
  else if (settings.endpointOverride && settings.fallbackCredentials) info.credentials = settings.fallbackCredentials;
  return info;
}

const clients = new Map<string, CloudWatchLogsClient>();
export const SECRET_OPTIONS = [
  'secret_key',
  'session_token',
  'aws_secret_key',
  'aws_secret_access_key',
  'security_token',
  'aws_session_token',
  'aws_security_token',
  'access_token',
];

/** One client per distinct configuration; the secret enters the cache key only as a hash. */
export async function logsClient(
  info: ConnectionInfo,
  settings: AwsSettings,
  onCall: (e: AwsCallEvent) => void,
): Promise<CloudWatchLogsClient> {
  if (settings.clientFactory) return settings.clientFactory(info);
  const key = createHash('sha256').update(JSON.stringify(info)).digest('hex');
  let client = clients.get(key);
  if (!client) {
    // tsible targets Node 20 by design; the SDK's notice about its future Node 22 requirement would only
    // interleave with Ansible-shaped output (users can still ask for it by setting the variable to false)
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const sdk = await import('@aws-sdk/client-cloudwatch-logs');
    client = new sdk.CloudWatchLogsClient({
      region: info.region,
      ...(info.endpoint ? { endpoint: info.endpoint } : {}),
      ...(info.credentials ? { credentials: info.credentials } : {}),
      ...(info.profile ? { profile: info.profile } : {}),
      // botocore's legacy mode, which Ansible uses, makes 5 attempts; AWS_MAX_ATTEMPTS raises it as for any SDK
      maxAttempts: settings.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 5),
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const event: AwsCallEvent = {
          operation: String(context.commandName ?? '').replace(/Command$/, ''),
          input: (args.input ?? {}) as Record<string, unknown>,
        };
        const hooks = currentHooks;
        await hooks?.beforeAwsCall?.(event);
        const started = Date.now();
        try {
          const out = await next(args);
          event.output = out.output;
          event.ms = Date.now() - started;
          return out;
        } catch (e) {
          const err = e as { name?: string; message?: string };
          event.error = { code: err.name ?? 'Error', message: err.message ?? String(e) };
          event.ms = Date.now() - started;
          throw e;
        } finally {
          currentOnCall?.(event);
          await hooks?.afterAwsCall?.(event);
        }
      },
      { step: 'initialize', name: 'tsiblePausePoint' },
    );
    clients.set(key, client);
  }
  currentHooks = settings.hooks;
  currentOnCall = onCall;
  return client;
}
// The executor runs one task at a time per process, so the hooks of the current call are process-wide.
let currentHooks: AwsHooks | undefined;
let currentOnCall: ((e: AwsCallEvent) => void) | undefined;

export function destroyClients(): void {
  for (const c of clients.values()) c.destroy();
  clients.clear();
}
