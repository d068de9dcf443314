// A small HTTP server on loopback for the differential suite's uri and get_url cases: the files of http/site, and a
// few answers a test needs (JSON, a redirect, an error status, a POST that echoes its body). record.sh runs it as a
// process (it prints its port); test/e2e/differential.test.ts starts it in-process. The cases read its address from
// the environment variable DIFF_HTTP, and the port is replaced by <port> in what is compared.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SITE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'http', 'site');

const json = (res, status, body) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

const ROUTES = {
  '/api/status': (_req, res) => json(res, 200, { status: 'up', version: '1.4.2', services: ['db', 'cache'] }),
  '/api/missing': (_req, res) => json(res, 404, { error: 'not found' }),
  '/api/broken': (_req, res) => {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.end('internal error\n');
  },
  '/old-location': (_req, res) => {
    res.writeHead(301, { Location: '/api/status' });
    res.end();
  },
  '/api/echo': (req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => json(res, 201, { method: req.method, received: body ? JSON.parse(body) : null }));
  },
};

async function serveFile(req, res) {
  const file = path.join(SITE, path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('no such file\n');
  }
}

/** Starts the server on a free loopback port; resolves to its port and a function that stops it. */
export function startHttpServer() {
  const server = createServer((req, res) => {
    // uri returns the response's headers: a fixed date keeps what the cases print the same from run to run
    res.sendDate = false;
    res.setHeader('Date', 'Thu, 01 Jan 2026 00:00:00 GMT');
    const route = ROUTES[new URL(req.url, 'http://x').pathname];
    if (route) route(req, res);
    else void serveFile(req, res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({ port: server.address().port, close: () => new Promise((done) => server.close(done)) }),
    );
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { port } = await startHttpServer();
  console.log(port);
}
