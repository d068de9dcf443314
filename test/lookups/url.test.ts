// The url lookup against a loopback HTTP server serving test/golden/plugins/url-routes.json: tsible's output for
// url.yml is what ansible-playbook 2.14 printed against the same routes (recorded by regenerate-url.py), the
// server's port aside.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';

const dir = path.join(ROOT, 'test/golden/plugins');
const recorded = (ext: string) => readFileSync(path.join(dir, `url.${ext}`), 'utf8');
interface Route {
  status: number;
  body: string;
  location?: string;
}
const { routes } = JSON.parse(readFileSync(path.join(dir, 'url-routes.json'), 'utf8')) as {
  routes: Record<string, Route>;
};
const header = (v: string | string[] | undefined) => (v === undefined ? 'None' : String(v));

let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    const h = req.headers;
    const route: Route =
      req.url === '/echo'
        ? { status: 200, body: `${header(h['user-agent'])}|${header(h['x-test'])}|${header(h.authorization)}` }
        : (routes[req.url ?? ''] ?? { status: 404, body: '' });
    const body = Buffer.from(route.body, 'utf8');
    res.writeHead(route.status, { 'Content-Length': body.length, ...(route.location && { Location: route.location }) });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the url lookup', () => {
  it('prints for url.yml what ansible-playbook 2.14 printed against the same server', async () => {
    const run = await runCli(['url.yml', '-e', `base=http://127.0.0.1:${port}`], {
      cwd: dir,
      // (as the recorder runs ansible-playbook)
      env: { ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_INVENTORY_UNPARSED_WARNING: '0' },
    });
    const unported = (s: string) => s.replaceAll(`:${port}`, ':<port>');
    expect(unported(run.stdout)).toBe(recorded('default.out'));
    expect(unported(run.stderr)).toBe(recorded('default.err'));
    expect(`${run.code}\n`).toBe(recorded('rc'));
  }, 60_000);
});
