// The HTTP face of the local CloudWatch Logs endpoint: POST / with X-Amz-Target, AWS JSON 1.1 in and out,
// AWS's error envelope. Any signature is accepted (it cannot check secrets); fault knobs can be changed
// while it runs through POST /_tsible/faults.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { AwsError, LogsModel, type Clock, systemClock } from './logs-model.js';
import { LogsService, NO_FAULTS, type Faults, type JsonObject } from './logs-protocol.js';

export interface RecordedCall {
  operation: string;
  input: JsonObject;
  status: number;
  error?: string;
  at: number;
  accessKey?: string;
}

export interface EndpointOptions {
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
  readonly service: LogsService;
  readonly calls: RecordedCall[];
  setFaults(f: Partial<Faults>): void;
  close(): Promise<void>;
}

const JSON_TYPE = 'application/x-amz-json-1.1';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: JsonObject, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...extraHeaders,
  });
  res.end(text);
}
const sendError = (res: ServerResponse, e: AwsError) =>
  send(res, e.status, { __type: e.code, message: e.message, ...e.extra }, { 'x-amzn-ErrorType': e.code });

export async function startEndpoint(opts: EndpointOptions = {}): Promise<LocalEndpoint> {
  const model = new LogsModel(opts.clock ?? systemClock);
  if (opts.stateFile && existsSync(opts.stateFile))
    model.restore(JSON.parse(readFileSync(opts.stateFile, 'utf8')).logGroups ?? []);
  const service = new LogsService(model, { ...NO_FAULTS, ...opts.faults });
  const random = opts.random ?? Math.random;
  const calls: RecordedCall[] = [];
  const throttleStreaks = new Map<string, number>();
  const persist = () => {
    if (opts.stateFile) writeFileSync(opts.stateFile, JSON.stringify({ logGroups: model.snapshot() }, null, 2));
  };

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (req.url === '/_tsible/faults' && req.method === 'POST') {
        Object.assign(service.faults, JSON.parse(body || '{}'));
        send(res, 200, { faults: service.faults as unknown as JsonObject });
        return;
      }
      if (req.url === '/_tsible/calls') {
        send(res, 200, { calls: calls as unknown as JsonObject });
        return;
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const [prefix, operation] = target.split('.');
      if (req.method !== 'POST' || prefix !== 'Logs_20140328' || !operation) {
        sendError(res, new AwsError('UnknownOperationException', `Unknown target ${target || '(none)'}`));
        return;
      }
      let input: JsonObject;
      try {
        input = body ? JSON.parse(body) : {};
      } catch {
        sendError(res, new AwsError('SerializationException', 'Request body is not valid JSON'));
        return;
      }
      const accessKey = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1];
      const f = service.faults;
      if (f.latencyMs > 0) await new Promise((r) => setTimeout(r, f.latencyMs));
      const record = (status: number, error?: string) => {
        if (opts.record !== false) calls.push({ operation, input, status, error, at: Date.now(), accessKey });
      };
      // one logical call keeps its amz-sdk-invocation-id across retries (the JS SDK and botocore both send it)
      const streakKey = String(
        req.headers['amz-sdk-invocation-id'] ?? `${accessKey ?? ''}/${operation}/${JSON.stringify(input)}`,
      );
      const streak = throttleStreaks.get(streakKey) ?? 0;
      if (
        f.throttleRate > 0 &&
        (f.maxConsecutiveThrottles <= 0 || streak < f.maxConsecutiveThrottles) &&
        random() < f.throttleRate
      ) {
        throttleStreaks.set(streakKey, streak + 1);
        record(400, 'ThrottlingException');
        sendError(res, new AwsError('ThrottlingException', 'Rate exceeded'));
        return;
      }
      throttleStreaks.delete(streakKey);
      if (f.serverErrorRate > 0 && random() < f.serverErrorRate) {
        record(500, 'ServiceUnavailableException');
        sendError(res, new AwsError('ServiceUnavailableException', 'The service cannot complete the request.', 500));
        return;
      }
      try {
        const out = service.call(operation, input);
        record(200);
        send(res, 200, out);
        if (operation !== 'DescribeLogGroups' && !operation.startsWith('List')) persist();
      } catch (e) {
        if (e instanceof AwsError) {
          record(e.status, e.code);
          sendError(res, e);
        } else throw e;
      }
    } catch (e) {
      sendError(res, new AwsError('ServiceUnavailableException', `internal error: ${(e as Error).message}`, 500));
    }
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
    service,
    calls,
    setFaults: (f) => {
      Object.assign(service.faults, f);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
