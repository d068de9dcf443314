// The AWS services tsible's modules call: for each, where its SDK package is (imported on first use, so that
// `tsible --version` and plain playbooks never load it), how to build its client, and the environment variable
// that names its endpoint. The package's exports are the service's command classes.
interface ClientConfig {
  readonly region: string;
  readonly endpoint?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly profile?: string;
  readonly maxAttempts: number;
}

interface AwsServiceEntry<Sdk, Client> {
  /** The SDKs' service-specific endpoint variable (AWS_ENDPOINT_URL_<service id>), read after AWS_URL and EC2_URL. */
  readonly endpointEnv: string;
  /** The first label of the service's AWS host name (amazon.aws names resource_actions by it); the key if absent. */
  readonly endpointPrefix?: string;
  load(): Promise<Sdk>;
  build(sdk: Sdk, config: ClientConfig): Client;
}
const service = <Sdk, Client>(entry: AwsServiceEntry<Sdk, Client>) => entry;

export const AWS_SERVICES = {
  logs: service({
    endpointEnv: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
    load: () => import('@aws-sdk/client-cloudwatch-logs'),
    build: (sdk, config) => new sdk.CloudWatchLogsClient(config),
  }),
  ses: service({
    endpointEnv: 'AWS_ENDPOINT_URL_SES',
    endpointPrefix: 'email',
    load: () => import('@aws-sdk/client-ses'),
    build: (sdk, config) => new sdk.SESClient(config),
  }),
};

export type AwsServiceName = keyof typeof AWS_SERVICES;
/** A service's SDK package: its client class and its command classes. */
export type AwsSdk<N extends AwsServiceName> = Awaited<ReturnType<(typeof AWS_SERVICES)[N]['load']>>;
export type AwsClient<N extends AwsServiceName> = ReturnType<(typeof AWS_SERVICES)[N]['build']>;

/** Loaded packages, kept: every import() of a loaded module still walks the module loader. */
const loaded = new Map<AwsServiceName, unknown>();
const loading = new Map<AwsServiceName, Promise<unknown>>();

/** The service's SDK package: the value itself once loaded (no promise, no microtask on the module's path). */
export function serviceSdk<N extends AwsServiceName>(name: N): AwsSdk<N> | Promise<AwsSdk<N>> {
  const sdk = loaded.get(name);
  if (sdk) return sdk as AwsSdk<N>;
  let pending = loading.get(name);
  if (!pending) {
    // tsible targets Node 20 by design; the SDK's notice about its future Node 22 requirement would only
    // interleave with Ansible-shaped output (users can still ask for it by setting the variable to false)
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    pending = AWS_SERVICES[name].load().then((m) => (loaded.set(name, m), m));
    loading.set(name, pending);
  }
  return pending as Promise<AwsSdk<N>>;
}
