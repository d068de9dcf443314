// The url lookup: the body of an HTTP(S) GET, whole or as lines. Templating is synchronous, so the request runs
// in a child Node process (its fetch), and the lookup waits for it.
import { spawnSync } from 'node:child_process';
import { TemplateError } from '../src/errors.js';
import { isDict, pyStr, truthy, type Dict } from '../src/python/python.js';
import type { LookupTable } from './plugin.js';

const URL_OPTIONS: Dict = {
  validate_certs: true,
  split_lines: true,
  use_proxy: true,
  username: null,
  password: null,
  headers: {},
  force: false,
  timeout: 10,
  http_agent: 'ansible-httpget',
  force_basic_auth: false,
  follow_redirects: 'urllib2',
  use_gssapi: false,
  use_netrc: true,
  unix_socket: null,
  ca_path: null,
  unredirected_headers: null,
  ciphers: null,
};

/** What the child does: one GET (redirects followed, as urllib follows them, up to 10), its outcome as JSON on stdout.
 * (node:http rather than fetch, which refuses ports the Fetch standard blocks.) */
const GET = `
const req = JSON.parse(process.argv[1]);
const done = (o) => process.stdout.write(JSON.stringify(o));
const get = (url, hops) => {
  const lib = url.startsWith('https:') ? require('node:https') : require('node:http');
  const r = lib.get(url, { headers: req.headers, timeout: req.timeout }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      const to = res.headers.location;
      if (req.follow && to && [301, 302, 303, 307, 308].includes(res.statusCode) && hops < 10)
        return get(new URL(to, url).href, hops + 1);
      done({ status: res.statusCode, reason: res.statusMessage, body: Buffer.concat(chunks).toString('base64') });
    });
  });
  r.on('timeout', () => r.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
  r.on('error', (e) => done({ error: e.code ?? e.message }));
};
get(req.url, 0);
`;

interface Fetched {
  status?: number;
  reason?: string;
  body?: string;
  error?: string;
}

/** urllib's words for a connection that failed (URLError's reason). */
const URL_ERRORS: Record<string, string> = {
  ECONNREFUSED: '[Errno 111] Connection refused',
  ENOTFOUND: '[Errno -2] Name or service not known',
  ECONNRESET: '[Errno 104] Connection reset by peer',
  ETIMEDOUT: 'timed out',
};

function headersOf(o: Dict): Record<string, string> {
  const headers: Record<string, string> = { 'User-Agent': pyStr(o.http_agent) };
  if (isDict(o.headers)) for (const [k, v] of Object.entries(o.headers)) headers[k] = pyStr(v);
  if (o.username !== null && (truthy(o.force_basic_auth) || o.password !== null))
    headers.Authorization = `Basic ${Buffer.from(`${pyStr(o.username)}:${pyStr(o.password ?? '')}`).toString('base64')}`;
  return headers;
}

function get(url: string, o: Dict): string {
  const request = {
    url,
    headers: headersOf(o),
    follow: !['no', 'none', false].includes(o.follow_redirects as string),
    timeout: Number(o.timeout) * 1000,
  };
  const child = spawnSync(process.execPath, ['-e', GET, JSON.stringify(request)], {
    encoding: 'utf8',
    env: { ...process.env, ...(truthy(o.validate_certs) ? {} : { NODE_TLS_REJECT_UNAUTHORIZED: '0' }) },
  });
  const r = JSON.parse(child.stdout || '{"error":"no answer"}') as Fetched;
  if (r.error !== undefined)
    throw new TemplateError(`Failed lookup url for ${url} : <urlopen error ${URL_ERRORS[r.error] ?? r.error}>`);
  if (r.status! >= 400) throw new TemplateError(`Received HTTP error for ${url} : HTTP Error ${r.status}: ${r.reason}`);
  return Buffer.from(r.body ?? '', 'base64').toString('utf8');
}

export const URL_LOOKUPS = {
  url: {
    terms: 'strings',
    run: (terms, kw) => {
      // (keywords it does not define are ignored, as set_options ignores them)
      const o = { ...URL_OPTIONS, ...kw };
      return terms.flatMap((t) => {
        const body = get(pyStr(t), o);
        // (bytes.splitlines: only \n, \r and \r\n end a line)
        return truthy(o.split_lines)
          ? body.split(/\r\n|\r|\n/).filter((l, i, a) => i < a.length - 1 || l !== '')
          : [body];
      });
    },
  },
} as const satisfies LookupTable;
