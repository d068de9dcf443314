// The url lookup: the body of an HTTP(S) GET, whole or as lines. Templating is synchronous, so the request runs
// in a child Node process (its fetch), and the lookup waits for it.
import { spawnSync } from 'node:child_process';
import { TemplateError } from '../src/errors.js';
import { isDict, pyStr, truthy, type Dict } from '../src/python/python.js';
import { LookupOptionsError, type LookupTable } from './plugin.js';

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

/** What the child does: one GET, and its outcome as JSON on stdout. */
const FETCH = `
const req = JSON.parse(process.argv[1]);
fetch(req.url, { headers: req.headers, redirect: req.redirect, signal: AbortSignal.timeout(req.timeout) })
  .then(async (r) => ({ status: r.status, reason: r.statusText, body: Buffer.from(await r.arrayBuffer()).toString('base64') }))
  .catch((e) => ({ error: String(e.cause?.code ?? e.cause?.message ?? e.message) }))
  .then((o) => process.stdout.write(JSON.stringify(o)));
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
    redirect: ['no', 'none', false].includes(o.follow_redirects as string) ? 'manual' : 'follow',
    timeout: Number(o.timeout) * 1000,
  };
  const child = spawnSync(process.execPath, ['-e', FETCH, JSON.stringify(request)], {
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
      for (const k of Object.keys(kw))
        if (!Object.hasOwn(URL_OPTIONS, k)) throw new LookupOptionsError(`Invalid option for url lookup: ${k}`);
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
