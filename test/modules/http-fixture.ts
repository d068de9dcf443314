// A loopback HTTP server with fixed answers, for uri and get_url: the same server answers real Ansible (when
// uri.expected.sh records uri.expected.json) and tsible (uri.test.ts). No Date header, so answers do not vary.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

/** Listens on 127.0.0.1 (`port` 0: any free port); resolves once listening. */
export function startFixture(port = 0): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
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
  });
  // a tunnel is refused, so HTTPS through this proxy fails as a proxy that forbids it makes it fail
  server.on('connect', (_req, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    ),
  );
}
