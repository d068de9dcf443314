// The AWS side of one run: its settings, and the session that builds SDK clients for them (one per service and
// distinct configuration) with a pause point around every call for the debugger and the explorer. Runs share only
// the loaded SDK packages: two runs in one process keep their clients, hooks and call records apart.
import { createHash } from 'node:crypto';
import {
  AwsConfigError,
  connectionInfo,
  type ConnectionDefaults,
  type ConnectionInfo,
  type ConnectionSource,
} from './connection.js';
import { AWS_SERVICES, serviceSdk, type AwsClient, type AwsSdk, type AwsServiceName } from './services.js';

export { AwsConfigError, connectionInfo, type ConnectionInfo };
export type { AwsClient, AwsSdk, AwsServiceName };

export interface AwsCallEvent {
  operation: string;
  input: Record<string, unknown>;
  output?: unknown;
  error?: { code: string; message: string };
  ms?: number;
}
interface AwsHooks {
  beforeAwsCall?(e: AwsCallEvent): Promise<void> | void;
  afterAwsCall?(e: AwsCallEvent): Promise<void> | void;
}

/** A run's own transport for one service (the explorer's in-memory one): no caching, no middleware. */
interface AwsServiceOverride<N extends AwsServiceName> {
  /** Builds the client instead of the SDK. */
  readonly client?: (info: ConnectionInfo) => Promise<AwsClient<N>>;
  /** Command classes for that client instead of the SDK's (a search then never loads the SDK). */
  readonly commands?: AwsSdk<N>;
}
type AwsServiceOverrides = { readonly [N in AwsServiceName]?: AwsServiceOverride<N> };

export interface AwsSettings extends ConnectionDefaults {
  readonly hooks?: AwsHooks;
  readonly maxAttempts?: number;
  /** Per service, a transport of the run's own. */
  readonly services?: AwsServiceOverrides;
}

/** Where a session reports the calls made through its clients (the executor's module services are one). */
interface AwsCallRecorder {
  recordAwsCall(event: AwsCallEvent): void;
}
/** Who asks for a client: a module, with its environment, its name and its run's call recorder. */
interface AwsCaller extends ConnectionSource {
  readonly services: AwsCallRecorder;
}

type AnyClient = AwsClient<AwsServiceName>;
type AwsBuild = (typeof AWS_SERVICES)['logs']['build'];
/** Sessions holding SDK clients, for destroyClients (sessions of in-memory transports never enter). */
const withClients = new Set<AwsSession>();

/** A Query-protocol error (SES) named by its wire code, as botocore names it (`CannotDelete`, not the SDK's
 * `CannotDeleteException`): the code is what modules report, and the SDK's retry then judges the code AWS sent
 * (its shape name `LimitExceededException` would count as throttling, and SES's LimitExceeded is no throttle). */
const wireErrorCode =
  <I, O>(next: (args: I) => Promise<O>) =>
  async (args: I): Promise<O> => {
    try {
      return await next(args);
    } catch (e) {
      const err = e as { Code?: unknown; name?: string };
      if (typeof err.Code === 'string' && err.Code !== err.name) err.name = err.Code;
      throw e;
    }
  };

export class AwsSession {
  readonly #clients = new Map<string, AnyClient>();
  readonly #overrides: AwsServiceOverrides;
  /** The caller of the latest client(): the executor runs one task at a time per run. */
  #recorder: AwsCallRecorder | undefined;

  constructor(readonly settings: AwsSettings) {
    this.#overrides = settings.services ?? {};
  }

  /** The service's command classes: the run's own, or the SDK's (a value once loaded, else a promise). */
  commands<N extends AwsServiceName>(name: N): AwsSdk<N> | Promise<AwsSdk<N>> {
    return this.#overrides[name]?.commands ?? serviceSdk(name);
  }

  /** The service's client for the caller's connection options; throws AwsConfigError for unusable ones. */
  client<N extends AwsServiceName>(name: N, args: Record<string, any>, caller: AwsCaller): Promise<AwsClient<N>> {
    const info = connectionInfo(args, caller, name, this.settings);
    const own = this.#overrides[name]?.client;
    if (own) return own(info);
    this.#recorder = caller.services;
    // the secret enters the cache key only as a hash
    const key = `${name}:${createHash('sha256').update(JSON.stringify(info)).digest('hex')}`;
    const client = this.#clients.get(key) as AwsClient<N> | undefined;
    return client ? Promise.resolve(client) : this.#build(name, info, key);
  }

  async #build<N extends AwsServiceName>(name: N, info: ConnectionInfo, key: string): Promise<AwsClient<N>> {
    // TypeScript cannot correlate a service's entry with its own package across the union of services
    const build = AWS_SERVICES[name].build as (sdk: AwsSdk<N>, config: Parameters<AwsBuild>[1]) => AwsClient<N>;
    const client = build(await serviceSdk(name), {
      region: info.region,
      ...(info.endpoint ? { endpoint: info.endpoint } : {}),
      ...(info.credentials ? { credentials: info.credentials } : {}),
      ...(info.profile ? { profile: info.profile } : {}),
      // botocore's legacy mode, which Ansible uses, makes 5 attempts; AWS_MAX_ATTEMPTS raises it as for any SDK
      maxAttempts: this.settings.maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 5),
    });
    client.middlewareStack.add(wireErrorCode, { step: 'deserialize', priority: 'high', name: 'tsibleWireErrorCode' });
    client.middlewareStack.add((next, context) => (args) => this.#pausePoint(next, context, args), {
      step: 'initialize',
      name: 'tsiblePausePoint',
    });
    this.#clients.set(key, client);
    withClients.add(this);
    return client;
  }

  /** Around every SDK call: the run's hooks before and after, and the call recorded. */
  async #pausePoint<O>(
    next: (args: { input: object }) => Promise<O & { output: unknown }>,
    context: { commandName?: string },
    args: { input: object },
  ): Promise<O & { output: unknown }> {
    const event: AwsCallEvent = {
      operation: String(context.commandName ?? '').replace(/Command$/, ''),
      input: (args.input ?? {}) as Record<string, unknown>,
    };
    const hooks = this.settings.hooks;
    await hooks?.beforeAwsCall?.(event);
    const started = Date.now();
    try {
      const out = await next(args);
      event.output = out.output;
      return out;
    } catch (e) {
      const err = e as { name?: string; message?: string };
      event.error = { code: err.name ?? 'Error', message: err.message ?? String(e) };
      throw e;
    } finally {
      event.ms = Date.now() - started;
      this.#recorder?.recordAwsCall(event);
      await hooks?.afterAwsCall?.(event);
    }
  }

  destroy(): void {
    for (const c of this.#clients.values()) c.destroy();
    this.#clients.clear();
    withClients.delete(this);
  }
}

/** Each run's settings get their session on first use (the executor hands modules the settings). */
const sessions = new WeakMap<AwsSettings, AwsSession>();
export function awsSession(settings: AwsSettings): AwsSession {
  let session = sessions.get(settings);
  if (!session) sessions.set(settings, (session = new AwsSession(settings)));
  return session;
}

/** Releases the SDK clients of every session (the end of a command's runs). */
export function destroyClients(): void {
  for (const s of withClients) s.destroy();
}
