// The HTTP face of the local AWS endpoint: one server for every service in SERVICE_TABLE, each request handed to
// the service whose wire protocol accepts it (AWS JSON 1.1: the X-Amz-Target prefix; the Query protocol: a form
// signed for the service), answered in that protocol
// with AWS's error envelope. Any signature is accepted (it cannot check secrets); fault knobs apply to every
// service and can be changed while it runs through POST /_tsible/faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { AwsError, NO_FAULTS, systemClock, type Clock, type Faults } from './common.js';
import { LogsModel } from './logs-model.js';
import { LogsService } from './logs-protocol.js';
import { SesModel } from './ses-model.js';
import { SesService } from './ses-protocol.js';
import { awsQuery } from './wire-query.js';
import {
  JSON_TYPE,
  awsJson11,
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
}

/** The services served: each a wire protocol and its operations over a fresh model. Adding a service is a model,
 * its operations and one entry here. */
const SERVICE_TABLE = {
  logs: {
    wire: awsJson11('Logs_20140328'),
    open: (s: ServiceSetup) => new LogsService(new LogsModel(s.clock), s.faults),
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
}

export interface LocalEndpoint {
  readonly url: string;
  readonly services: EndpointServices;
  /** CloudWatch Logs (services.logs), for callers from before there were several. */
  readonly service: LogsService;
  readonly calls: RecordedCall[];
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

/** One service of a running endpoint. */
interface Served {
  readonly wire: WireProtocol;
  readonly service: EndpointService;
}

/** The endpoint's state across services: one request at a time changes it. */
class Endpoint {
  readonly calls: RecordedCall[] = [];
  readonly #throttleStreaks = new Map<string, number>();
  constructor(
    readonly served: readonly Served[],
    readonly faults: Faults,
    readonly opts: EndpointOptions,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request: WireRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: await readBody(req),
    };
    if (request.url === '/_tsible/faults' && request.method === 'POST') {
      Object.assign(this.faults, JSON.parse(request.body || '{}'));
      return sendJson(res, { faults: this.faults });
    }
    if (request.url === '/_tsible/calls') return sendJson(res, { calls: this.calls });
    const served = this.served.find((s) => s.wire.accepts(request));
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

  restore(): void {
    const file = this.opts.stateFile;
    if (!file || !existsSync(file)) return;
    const state = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
    for (const s of this.served) s.service.restore(state);
  }
  persist(): void {
    const file = this.opts.stateFile;
    if (file)
      writeFileSync(file, JSON.stringify(Object.assign({}, ...this.served.map((s) => s.service.snapshot())), null, 2));
  }
}

export async function startEndpoint(opts: EndpointOptions = {}): Promise<LocalEndpoint> {
  const setup: ServiceSetup = { clock: opts.clock ?? systemClock, faults: { ...NO_FAULTS, ...opts.faults } };
  const services = Object.fromEntries(
    Object.entries(SERVICE_TABLE).map(([name, entry]) => [name, entry.open(setup)]),
  ) as unknown as EndpointServices;
  const served = (Object.keys(SERVICE_TABLE) as ServiceName[]).map((n) => ({
    wire: SERVICE_TABLE[n].wire,
    service: services[n],
  }));
  const endpoint = new Endpoint(served, setup.faults, opts);
  endpoint.restore();
  const server: Server = createServer((req, res) => {
    endpoint.handle(req, res).catch((e: Error) => {
      send(
        res,
        jsonError(new AwsError('ServiceUnavailableException', `internal error: ${e.message}`, 500)),
        randomUUID(),
      );
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    services,
    service: services.logs,
    calls: endpoint.calls,
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
