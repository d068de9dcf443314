// A loopback HTTP server with fixed answers, for uri and get_url: the same server answers real Ansible (when
// uri.expected.sh records uri.expected.json) and tsible (uri.test.ts). No Date header, so answers do not vary.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { selfSignedCertificate } from '../../src/endpoint/tls.js';

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const send = (res: ServerResponse, status: number, headers: Record<string, string>, body: string) => {
  res.writeHead(status, { 'Content-Length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
};
const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, { 'Content-Type': 'application/json' }, JSON.stringify(value));

/** A multipart body's boundary is random (Python's email package draws it as tsible does). */
const multipartBoundary = <T>(text: T): T =>
  (typeof text === 'string' ? text.replace(/={15}\d{19}==/g, '<boundary>') : text) as T;

/** What the client sent that both clients send alike (Python's urllib and tsible differ in Accept and the rest). */
const echo: Route = (req, res, body) =>
  json(res, 200, {
    method: req.method,
    path: req.url,
    content_type: multipartBoundary(req.headers['content-type'] ?? null),
    authorization: req.headers.authorization ?? null,
    user_agent: req.headers['user-agent'] ?? null,
    x_token: req.headers['x-token'] ?? null,
    body: multipartBoundary(body),
  });

const BASIC = `Basic ${Buffer.from('user:pass').toString('base64')}`;
const ROUTES: Record<string, Route> = {
  '/json': (_q, res) => json(res, 200, { hello: 'world', n: 1, list: [1, 'two'] }),
  '/text': (_q, res) =>
    send(res, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Custom-Header': 'yes' }, 'plain text\n'),
  '/problem+json': (_q, res) => send(res, 200, { 'Content-Type': 'application/problem+json' }, '{"title": "x"}'),
  '/not-json': (_q, res) => send(res, 200, { 'Content-Type': 'application/json' }, 'not json at all'),
  '/echo': echo,
  '/created': (_q, res) => json(res, 201, { created: true }),
  '/missing': (_q, res) => send(res, 404, { 'Content-Type': 'text/plain' }, 'nothing here\n'),
  '/broken': (_q, res) => json(res, 500, { error: 'broken' }),
  '/redirect': (_q, res) => send(res, 302, { Location: '/json' }, ''),
  '/redirect-echo': (_q, res) => send(res, 301, { Location: '/echo' }, ''),
  '/redirect-307': (_q, res) => send(res, 307, { Location: '/echo' }, ''),
  '/auth': (req, res) =>
    req.headers.authorization === BASIC
      ? json(res, 200, { user: 'user' })
      : send(res, 401, { 'WWW-Authenticate': 'Basic realm="tsible"', 'Content-Type': 'text/plain' }, 'who are you\n'),
  '/file.txt': (_q, res) => send(res, 200, { 'Content-Type': 'text/plain' }, 'file content\n'),
  '/other.txt': (_q, res) => send(res, 200, { 'Content-Type': 'text/plain' }, 'other content\n'),
  '/download': (_q, res) =>
    send(
      res,
      200,
      { 'Content-Type': 'text/plain', 'Content-Disposition': 'attachment; filename="named.txt"' },
      'named\n',
    ),
  // answers after the clients' one-second timeout has run out
  '/slow': (_q, res) => void setTimeout(() => send(res, 200, { 'Content-Type': 'text/plain' }, 'late\n'), 2500),
  '/cookie': (_q, res) => send(res, 200, { 'Set-Cookie': 'flavour=oat; Path=/', 'Content-Type': 'text/plain' }, 'ok\n'),
};

interface Fixture {
  readonly port: number;
  /** The HTTPS server's port and the file of its self-signed certificate (its own CA). */
  readonly tlsPort: number;
  readonly caFile: string;
  close(): Promise<void>;
}

const listen = (server: Server, port: number): Promise<number> =>
  new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

/** Listens on 127.0.0.1 over HTTP and HTTPS (port 0: any free port), the certificate written to `caFile`. */
export async function startFixture(port = 0, tlsPort = 0, caFile?: string): Promise<Fixture> {
  const server = createServer(answer);
  // a tunnel is refused, so HTTPS through this proxy fails as a proxy that forbids it makes it fail
  server.on('connect', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
  const { key, cert } = selfSignedCertificate(['127.0.0.1']);
  const ca = caFile ?? path.join(mkdtempSync(path.join(tmpdir(), 'tsible-fixture-')), 'ca.pem');
  writeFileSync(ca, cert);
  const secure = createSecureServer({ key, cert }, answer);
  const [p, tp] = [await listen(server, port), await listen(secure, tlsPort)];
  const closed = (srv: Server) => new Promise<void>((done) => srv.close(() => done()));
  return {
    port: p,
    tlsPort: tp,
    caFile: ca,
    close: async () => void (await Promise.all([closed(server), closed(secure)])),
  };
}

function answer(req: IncomingMessage, res: ServerResponse): void {
  res.sendDate = false;
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    // as a proxy: a request for a URL in full is answered with what the proxy was asked
    if (/^https?:\/\//.test(req.url ?? ''))
      return json(res, 200, {
        proxied: req.url,
        host: req.headers.host ?? null,
        proxy_authorization: req.headers['proxy-authorization'] ?? null,
      });
    const route = ROUTES[(req.url ?? '/').split('?')[0]!];
    if (route) route(req, res, Buffer.concat(chunks).toString('utf8'));
    else send(res, 404, { 'Content-Type': 'text/plain' }, 'no route\n');
  });
}
