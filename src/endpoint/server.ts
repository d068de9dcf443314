// The HTTP face of the local AWS endpoint: one server for every service in SERVICE_TABLE, each request handed to
// the service whose wire protocol accepts it (AWS JSON 1.1: the X-Amz-Target prefix; the Query protocol: a form
// signed for the service), answered in that protocol
// with AWS's error envelope. Any signature is accepted (it cannot check secrets), but it names the caller's home:
// each (account, region) has its own instance of every service, opened on first use, as in AWS. Fault knobs apply
// to every service and can be changed while it runs through POST /_tsible/faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { AwsError, NO_FAULTS, systemClock, type Clock, type Faults, type Home } from './common.js';
import { LogsModel } from './logs-model.js';
import { LogsService } from './logs-protocol.js';
import { SesModel } from './ses-model.js';
import { SesService } from './ses-protocol.js';
import { awsQuery } from './wire-query.js';
import {
  JSON_TYPE,
  awsJson11,
  parseObject,
  jsonError,
  unknownTarget,
  type JsonObject,
  type WireCall,
  type WireProtocol,
  type WireReply,
  type WireRequest,
} from './wire.js';

/** What the endpoint needs of a service besides its wire protocol: its operations over its model, its state. */
interface EndpointService {
  /** `caller` is the request's access key (SES records who changes its active rule set). */
  call(operation: string, input: JsonObject, caller?: string): JsonObject;
  /** Whether the operation may change state (the state file is written after those). */
  mutates(operation: string): boolean;
  /** Its part of the state file (one JSON object shared by all services), and reading it back. */
  snapshot(): JsonObject;
  restore(state: JsonObject): void;
}
interface ServiceSetup {
  readonly clock: Clock;
  readonly faults: Faults;
  /** The account and region the instance serves (its ARNs name them). */
  readonly home: Home;
}

/** The services served: each a wire protocol, and its operations over a fresh model opened once per home (account
 * and region) on first use. Adding a service is a model, its operations and one entry here. */
const SERVICE_TABLE = {
  logs: {
    wire: awsJson11('Logs_20140328'),
    open: (s: ServiceSetup) => new LogsService(new LogsModel(s.clock, s.home), s.faults),
  },
  ses: {
    wire: awsQuery({ version: '2010-12-01', signingName: 'ses', xmlns: 'http://ses.amazonaws.com/doc/2010-12-01/' }),
    open: (s: ServiceSetup) => new SesService(new SesModel(s.clock)),
  },
} satisfies Record<string, { wire: WireProtocol; open(setup: ServiceSetup): EndpointService }>;
type ServiceName = keyof typeof SERVICE_TABLE;
type EndpointServices = { readonly [N in ServiceName]: ReturnType<(typeof SERVICE_TABLE)[N]['open']> };

interface RecordedCall {
  operation: string;
  input: JsonObject;
  status: number;
  error?: string;
  at: number;
  accessKey?: string;
}

interface EndpointOptions {
  host?: string;
  port?: number;
  stateFile?: string;
  faults?: Partial<Faults>;
  clock?: Clock;
  random?: () => number;
  record?: boolean;
  /** Serve HTTPS with this key and certificate (PEM; tls.ts makes a self-signed pair). */
  tls?: { readonly key: string; readonly cert: string };
}

/** Where a request without credentials, or with an access key that is not an account id, is served (LocalStack's
 * default account; the SDKs' usual region). */
const DEFAULT_HOME: Home = { account: '000000000000', region: 'us-east-1' };
const homeKey = (h: Home) => `${h.account}/${h.region}`;

/** The caller's home from its SigV4 Authorization header: the region from the credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`), the account from an access key id of 12 digits
 * (LocalStack's rule; any other key is the default account). */
function homeOf(request: WireRequest): Home {
  const scope = /Credential=([^/,\s]+)\/[^/]*\/([^/]+)\//.exec(String(request.headers.authorization ?? ''));
  if (!scope) return DEFAULT_HOME;
  return { account: /^\d{12}$/.test(scope[1]!) ? scope[1]! : DEFAULT_HOME.account, region: scope[2]! };
}

export interface LocalEndpoint {
  readonly url: string;
  /** The services of the default home (account 000000000000, us-east-1). */
  readonly services: EndpointServices;
  /** CloudWatch Logs (services.logs), for callers from before there were several. */
  readonly service: LogsService;
  /** The services of one (account, region), opened if no request has reached it yet. */
  servicesOf(home: Home): EndpointServices;
  readonly calls: RecordedCall[];
  /** The CA certificate (PEM) clients trust when the endpoint serves HTTPS. */
  readonly caCert?: string;
  setFaults(f: Partial<Faults>): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, reply: WireReply, requestId: string): void {
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType,
    'Content-Length': Buffer.byteLength(reply.body),
    'x-amzn-RequestId': requestId,
    ...reply.headers,
  });
  res.end(reply.body);
}
const sendJson = (res: ServerResponse, body: unknown) =>
  send(res, { status: 200, contentType: JSON_TYPE, body: JSON.stringify(body) }, randomUUID());

/** One service of a running endpoint, in one home. */
interface Served {
  readonly wire: WireProtocol;
  readonly service: EndpointService;
}
type ServiceEntry = { wire: WireProtocol; open(setup: ServiceSetup): EndpointService };
const ENTRIES = Object.entries(SERVICE_TABLE) as Array<[ServiceName, ServiceEntry]>;

/** The endpoint's state across services and homes: one request at a time changes it. */
class Endpoint {
  readonly calls: RecordedCall[] = [];
  readonly #throttleStreaks = new Map<string, number>();
  /** Every service's instance per home key, opened lazily. */
  readonly #homes = new Map<string, EndpointServices>();
  constructor(
    readonly setup: Omit<ServiceSetup, 'home'>,
    readonly opts: EndpointOptions,
  ) {}

  get faults(): Faults {
    return this.setup.faults;
  }

  servicesOf(home: Home): EndpointServices {
    let services = this.#homes.get(homeKey(home));
    if (!services) {
      const opened = ENTRIES.map(([name, entry]) => [name, entry.open({ ...this.setup, home })]);
      services = Object.fromEntries(opened) as unknown as EndpointServices;
      this.#homes.set(homeKey(home), services);
    }
    return services;
  }

  /** The service of `home` whose wire protocol accepts the request. */
  #route(request: WireRequest): Served | undefined {
    const found = ENTRIES.find(([, entry]) => entry.wire.accepts(request));
    if (!found) return undefined;
    const service: EndpointService = this.servicesOf(homeOf(request))[found[0]];
    return { wire: found[1].wire, service };
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request: WireRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: await readBody(req),
    };
    if (request.url === '/_tsible/faults' && request.method === 'POST') {
      const knobs = parseObject(request.body);
      if (!knobs)
        return send(res, jsonError(new AwsError('SerializationException', 'Faults must be a JSON object')), '');
      Object.assign(this.faults, knobs);
      return sendJson(res, { faults: this.faults });
    }
    if (request.url === '/_tsible/calls') return sendJson(res, { calls: this.calls });
    const served = this.#route(request);
    const requestId = randomUUID();
    if (!served) return send(res, jsonError(unknownTarget(request)), requestId);
    try {
      const call = served.wire.decode(request);
      send(res, await this.#serve(served, call, request, requestId), requestId);
      if (served.service.mutates(call.operation)) this.persist();
    } catch (e) {
      if (!(e instanceof AwsError)) throw e;
      send(res, served.wire.error(e, requestId), requestId);
    }
  }

  /** Applies the fault knobs, runs the operation and records it; AwsErrors propagate to the reply. */
  async #serve({ wire, service }: Served, call: WireCall, request: WireRequest, requestId: string): Promise<WireReply> {
    const { operation, input } = call;
    const accessKey = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    const record = (status: number, error?: string) => {
      if (this.opts.record !== false) this.calls.push({ operation, input, status, error, at: Date.now(), accessKey });
    };
    const f = this.faults;
    if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
    try {
      this.#injectFault(request, call, accessKey);
      const out = service.call(operation, input, accessKey);
      record(200);
      return wire.reply(call, out, requestId);
    } catch (e) {
      if (e instanceof AwsError) record(e.status, e.code);
      throw e;
    }
  }

  /** Throttling (at most maxConsecutiveThrottles in a row for one logical call) and server errors, at their rates. */
  #injectFault(request: WireRequest, { operation, input }: WireCall, accessKey?: string) {
    const f = this.faults;
    const random = this.opts.random ?? Math.random;
    // one logical call keeps its amz-sdk-invocation-id across retries (the JS SDK and botocore both send it)
    const streakKey = String(
      request.headers['amz-sdk-invocation-id'] ?? `${accessKey ?? ''}/${operation}/${JSON.stringify(input)}`,
    );
    const streak = this.#throttleStreaks.get(streakKey) ?? 0;
    if (
      f.throttleRate > 0 &&
      (f.maxConsecutiveThrottles <= 0 || streak < f.maxConsecutiveThrottles) &&
      random() < f.throttleRate
    ) {
      this.#throttleStreaks.set(streakKey, streak + 1);
      throw new AwsError('ThrottlingException', 'Rate exceeded');
    }
    this.#throttleStreaks.delete(streakKey);
    if (f.serverErrorRate > 0 && random() < f.serverErrorRate)
      throw new AwsError('ServiceUnavailableException', 'The service cannot complete the request.', 500);
  }

  /** The state file: each home's services' parts under its `account/region` key. A file from before homes (the
   * parts at the top) is the default home's. */
  restore(): void {
    const file = this.opts.stateFile;
    if (!file || !existsSync(file)) return;
    const state = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
    const keys = Object.keys(state);
    const homes =
      keys.length > 0 && keys.every((k) => /^\d{12}\/[^/]+$/.test(k)) ? state : { [homeKey(DEFAULT_HOME)]: state };
    for (const [key, part] of Object.entries(homes)) {
      const [account, region] = key.split('/') as [string, string];
      for (const service of Object.values(this.servicesOf({ account, region })) as EndpointService[])
        service.restore(part as JsonObject);
    }
  }
  persist(): void {
    const file = this.opts.stateFile;
    if (!file) return;
    const state: JsonObject = {};
    for (const [key, services] of this.#homes)
      state[key] = Object.assign({}, ...(Object.values(services) as EndpointService[]).map((s) => s.snapshot()));
    writeFileSync(file, JSON.stringify(state, null, 2));
  }
}

export async function startEndpoint(opts: EndpointOptions = {}): Promise<LocalEndpoint> {
  const setup = { clock: opts.clock ?? systemClock, faults: { ...NO_FAULTS, ...opts.faults } };
  const endpoint = new Endpoint(setup, opts);
  endpoint.restore();
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    endpoint.handle(req, res).catch((e: Error) => {
      send(
        res,
        jsonError(new AwsError('ServiceUnavailableException', `internal error: ${e.message}`, 500)),
        randomUUID(),
      );
    });
  };
  const server: Server = opts.tls ? createHttpsServer(opts.tls, handler) : createServer(handler);
  server.keepAliveTimeout = 5000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const services = endpoint.servicesOf(DEFAULT_HOME);
  return {
    // the certificate names localhost, not the loopback address a client would otherwise be given
    url: opts.tls ? `https://${host === '127.0.0.1' ? 'localhost' : host}:${port}` : `http://${host}:${port}`,
    services,
    service: services.logs,
    servicesOf: (home) => endpoint.servicesOf(home),
    calls: endpoint.calls,
    ...(opts.tls ? { caCert: opts.tls.cert } : {}),
    setFaults: (f) => {
      Object.assign(setup.faults, f);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
