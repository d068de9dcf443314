// What uri and get_url share, as ansible-core's module_utils/urls.py gives it to them: the common URL options,
// and fetch_url (one request with urllib's redirect rules as Ansible's RedirectHandler sets them, basic auth
// forced or on a 401, cookies) answering with the response and the `info` dict of headers, status and message.
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type * as https from 'node:https';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { urlToHttpOptions } from 'node:url';
import type { ModuleContext } from '../src/module.js';

/** url_argument_spec(). */
export const URL_COMMON_SPEC = {
  url: { type: 'str' as const, required: true },
  force: { type: 'bool' as const, default: false },
  http_agent: { type: 'str' as const, default: 'ansible-httpget' },
  use_proxy: { type: 'bool' as const, default: true },
  validate_certs: { type: 'bool' as const, default: true },
  url_username: { type: 'str' as const },
  url_password: { type: 'str' as const, noLog: true },
  force_basic_auth: { type: 'bool' as const, default: false },
  client_cert: { type: 'path' as const },
  client_key: { type: 'path' as const },
  use_gssapi: { type: 'bool' as const, default: false },
};

interface UrlRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer | null;
  /** The module's parameters: url_username, force_basic_auth, follow_redirects, timeout, validate_certs, ... */
  readonly params: Record<string, any>;
  /** If-Modified-Since: the destination's modification time (ms), when it exists. */
  readonly lastModified?: number;
  /** The task's environment (http_proxy, no_proxy, ...): the run's context gives it. */
  readonly env?: ModuleContext['env'];
}

interface UrlResponse {
  readonly status: number;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** fetch_url's answer: the response when there was one that urllib did not raise for, and the info dict. */
export interface Fetched {
  readonly response: UrlResponse | null;
  readonly info: Record<string, unknown>;
  /** Whole seconds the exchange took (the modules' `elapsed`). */
  readonly elapsed: number;
}

/** urllib's getproxies_environment: every *_proxy variable by its scheme, the lowercase spelling winning. */
function proxiesOf(env: ModuleContext['env']): Map<string, string> {
  const proxies = new Map<string, string>();
  for (const lower of [false, true])
    for (const [name, value] of Object.entries(env))
      if (value && /_proxy$/i.test(name) && (!lower || name === name.toLowerCase()))
        proxies.set(name.slice(0, -'_proxy'.length).toLowerCase(), value);
  // CGI: HTTP_PROXY may come from a request's Proxy header
  if (env.REQUEST_METHOD !== undefined && !env.http_proxy) proxies.delete('http');
  return proxies;
}

/** urllib's proxy_bypass_environment: no_proxy names the host (or host:port) or a domain it is in, or is `*`. */
function bypassed(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  if (noProxy === '*') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const hostPort = url.port ? `${host}:${url.port}` : host;
  return noProxy
    .split(',')
    .map((n) => n.trim().replace(/^\.+/, ''))
    .filter(Boolean)
    .some((name) => {
      const re = new RegExp(`^(.+\\.)?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');
      return re.test(host) || re.test(hostPort);
    });
}

/** The proxy urllib's ProxyHandler would send this URL through: none without use_proxy or when bypassed. */
function proxyFor(url: URL, req: UrlRequest): URL | undefined {
  if (req.params.use_proxy === false) return undefined;
  const proxies = proxiesOf(req.env ?? {});
  const proxy = proxies.get(url.protocol.slice(0, -1));
  if (!proxy || bypassed(url, proxies.get('no'))) return undefined;
  return new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
}

/** The Proxy-Authorization a proxy URL's user:password asks for. */
const proxyAuth = (proxy: URL): Record<string, string> =>
  proxy.username
    ? {
        'Proxy-Authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
      }
    : {};

/** node:http, https and tls, loaded with the first request: most runs make none (start-up time). */
const networking = async () => ({
  http: await import('node:http'),
  https: await import('node:https'),
  tls: await import('node:tls'),
});

/** HTTPS through a proxy: a CONNECT tunnel, TLS inside it. */
async function tunnel(proxy: URL, url: URL, timeout: number): Promise<net.Socket> {
  const { http } = await networking();
  return new Promise((resolve, reject) => {
    const target = `${url.hostname}:${url.port || 443}`;
    const r = http.request({
      host: proxy.hostname,
      port: proxy.port || 80,
      method: 'CONNECT',
      path: target,
      headers: { Host: target, ...proxyAuth(proxy) },
      timeout,
    });
    r.on('connect', (res, socket) => {
      if (res.statusCode === 200) resolve(socket);
      else {
        socket.destroy();
        reject(
          Object.assign(new Error(`Tunnel connection failed: ${res.statusCode} ${res.statusMessage}`), {
            code: 'EPROXY',
          }),
        );
      }
    });
    r.on('timeout', () => r.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    r.on('error', reject);
    r.end();
  });
}

/** Where one exchange connects: the server, the proxy with the URL in full (http), or a tunnel (https). */
async function route(req: UrlRequest, url: URL, timeout: number): Promise<https.RequestOptions> {
  const direct = {
    ...urlToHttpOptions(url),
    rejectUnauthorized: req.params.validate_certs !== false,
    ...clientTls(req.params),
  };
  const proxy = proxyFor(url, req);
  if (!proxy) return direct;
  if (url.protocol === 'http:')
    return {
      ...direct,
      hostname: proxy.hostname,
      port: proxy.port || 80,
      path: url.href,
      headers: { Host: url.host, ...proxyAuth(proxy) },
    };
  const socket = await tunnel(proxy, url, timeout);
  const { tls } = await networking();
  const secure = tls.connect({ ...(direct as tls.ConnectionOptions), socket, servername: url.hostname });
  return { ...direct, createConnection: () => secure } as https.RequestOptions;
}

/** TLS options: the CA file that replaces the system's (ca_path), the client's certificate and key. */
function clientTls(params: Record<string, any>): https.RequestOptions {
  const read = (p: unknown) => (p ? fs.readFileSync(String(p)) : undefined);
  return { ca: read(params.ca_path), cert: read(params.client_cert), key: read(params.client_key) };
}

/** One HTTP exchange, no redirects followed. */
async function exchange(req: UrlRequest, url: URL, headers: Record<string, string>, body: Buffer | null) {
  const timeout = Number(req.params.timeout ?? 30) * 1000;
  const options = await route(req, url, timeout);
  const { http, https } = await networking();
  return new Promise<{ status: number; reason: string; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const r = lib.request(
        { ...options, method: req.method, agent: false, timeout, headers: { ...headers, ...options.headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? -1,
              reason: res.statusMessage ?? '',
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      // still connecting: urlopen's URLError; waiting for the answer: the socket's own timeout
      r.on('timeout', () =>
        r.destroy(Object.assign(new Error('timed out'), { code: r.socket?.connecting ? 'ETIMEDOUT' : 'EREADTIMEOUT' })),
      );
      r.on('error', reject);
      r.end(body ?? undefined);
    },
  );
}

/** The request headers urllib sends: the module's, its agent, Connection: close, a form content type for data. */
function requestHeaders(req: UrlRequest, auth: boolean): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': req.params.http_agent ?? 'ansible-httpget', ...req.headers };
  const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (req.body && !has('content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  if (req.body && !has('content-length')) headers['Content-Length'] = String(req.body.length);
  if (req.lastModified !== undefined) headers['If-Modified-Since'] = new Date(req.lastModified).toUTCString();
  if (auth) {
    const secret = `${req.params.url_username}:${req.params.url_password ?? ''}`;
    headers.Authorization = `Basic ${Buffer.from(secret).toString('base64')}`;
  }
  headers.Connection = 'close';
  return headers;
}

/** What urllib raises HTTPError for, given follow_redirects: error statuses and the redirects not to follow. */
function redirectAllowed(followRedirects: string, code: number, method: string): boolean {
  if (code < 300 || code >= 400 || ![301, 302, 303, 307, 308].includes(code)) return false;
  if (['all', 'yes', 'urllib2'].includes(followRedirects)) return true;
  if (followRedirects === 'safe') return method === 'GET' || method === 'HEAD';
  return false;
}

/** The header dict as urllib's HTTPMessage gives it to fetch_url: names lowercased, repeats joined by ', '. */
function headerInfo(headers: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** URLError's words for what went wrong below HTTP (as Python's socket and ssl errors read). */
function requestFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ECONNREFUSED: '[Errno 111] Connection refused',
    ENOTFOUND: '[Errno -2] Name or service not known',
    EAI_AGAIN: '[Errno -3] Temporary failure in name resolution',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: '[Errno 113] No route to host',
  };
  if (err.code === 'ECONNRESET') return 'Connection failure: [Errno 104] Connection reset by peer';
  if (err.code === 'EREADTIMEOUT') return 'Connection failure: timed out';
  const reason =
    reasons[err.code ?? ''] ??
    (/CERT|SELF_SIGNED/.test(err.code ?? '')
      ? `[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: ${err.message} (_ssl.c:992)`
      : err.message);
  return `Request failed: <urlopen error ${reason}>`;
}

/** The cookies every response set (LWPCookieJar), by name. */
function collectCookies(jar: Map<string, string>, headers: http.IncomingHttpHeaders): void {
  for (const line of headers['set-cookie'] ?? []) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    if (at > 0) jar.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
}

/** The next request after a redirect urllib follows: 307/308 as they were, others without their body (and as GET
 * for a 303, a 302 and a POST answered with 301). */
function redirected(code: number, prev: { method: string; body: Buffer | null; headers: Record<string, string> }) {
  if (code === 307 || code === 308) return prev;
  const dropped = ['content-length', 'content-type', 'transfer-encoding'];
  const headers = Object.fromEntries(Object.entries(prev.headers).filter(([k]) => !dropped.includes(k.toLowerCase())));
  let method = prev.method;
  if ((code === 303 || code === 302) && method !== 'HEAD') method = 'GET';
  if (code === 301 && method === 'POST') method = 'GET';
  return { method, body: null, headers };
}

/** fetch_url: the request, redirects followed as follow_redirects says (at most 10), basic auth sent when forced
 * or asked for; `response` is null only when no HTTP answer came (info.msg says why, status -1). */
export async function fetchUrl(req: UrlRequest, ctx: ModuleContext): Promise<Fetched> {
  const start = Date.now();
  const fetched = await fetchOnce({ ...req, env: ctx.env }, ctx);
  return { ...fetched, elapsed: Math.floor((Date.now() - start) / 1000) };
}

async function fetchOnce(req: UrlRequest, ctx: ModuleContext): Promise<Omit<Fetched, 'elapsed'>> {
  const info: Record<string, unknown> = { url: req.url, status: -1 };
  const username: string | null = req.params.url_username ?? null;
  let authSent = Boolean(username && req.params.force_basic_auth);
  let current = { method: req.method, body: req.body ?? null, headers: requestHeaders(req, authSent) };
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { response: null, info: { ...info, msg: `unknown url type: '${req.url}'` } };
  }
  const jar = new Map<string, string>();
  for (let hops = 0; ;) {
    let res: Awaited<ReturnType<typeof exchange>>;
    try {
      res = await exchange({ ...req, method: current.method }, url, current.headers, current.body);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      return { response: null, info: { ...info, msg: requestFailure(e) } };
    }
    collectCookies(jar, res.headers);
    const challenge = String(res.headers['www-authenticate'] ?? '');
    if (res.status === 401 && username && !authSent && /^basic/i.test(challenge)) {
      authSent = true;
      current = { ...current, headers: requestHeaders({ ...req, headers: current.headers }, true) };
      continue;
    }
    const response = { status: res.status, url: url.href, headers: res.headers, body: res.body };
    if (redirectAllowed(req.params.follow_redirects ?? 'urllib2', res.status, current.method) && hops++ < 10) {
      url = new URL(String(res.headers.location ?? ''), url);
      current = redirected(res.status, current);
      continue;
    }
    Object.assign(info, headerInfo(res.headers));
    if (res.status >= 200 && res.status < 300) {
      info.cookies_string = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      info.cookies = Object.fromEntries(jar);
      const length = res.headers['content-length'] ?? 'unknown';
      const finalUrl = hops === 0 ? req.url : url.href;
      return { response, info: { ...info, msg: `OK (${length} bytes)`, url: finalUrl, status: res.status } };
    }
    return {
      response,
      info: { ...info, msg: `HTTP Error ${res.status}: ${res.reason}`, body: res.body, status: res.status },
    };
  }
}

/** Python's urlsplit(url).path's last part, unquoted (url_filename, get_response_filename). */
export function urlFilename(url: string): string {
  let p = '';
  try {
    p = new URL(url).pathname;
  } catch {
    /* no path */
  }
  const name = p.replace(/\/+$/, '').split('/').pop() ?? '';
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
