// uri: one HTTP request with the uri module's body formats, status check, content and JSON handling, and dest
// written when asked; the result carries the response headers (lowercased, dashes as underscores) as Ansible's.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModuleFailure, defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { isDict, pyStr, typeName } from '../src/python/python.js';
import { pyJson, pyJsonLoads } from '../src/python/pyjson.js';
import { findNeedle } from './copy.js';
import {
  FILE_COMMON_SPEC,
  FileAttributes,
  actionFail,
  addPathInfo,
  atomicMove,
  digest,
  fail,
  fileArgsOf,
  statOf,
} from './file_common.js';
import { prepareMultipart } from './multipart.js';
import { URL_COMMON_SPEC, fetchUrl, urlFilename, type Fetched } from './urls.js';

const SPEC = {
  ...URL_COMMON_SPEC,
  dest: { type: 'path' as const },
  url_username: { type: 'str' as const, aliases: ['user'] },
  url_password: { type: 'str' as const, aliases: ['password'], noLog: true },
  body: { type: 'raw' as const },
  body_format: { type: 'str' as const, default: 'raw', choices: ['form-urlencoded', 'json', 'raw', 'form-multipart'] },
  src: { type: 'path' as const },
  method: { type: 'str' as const, default: 'GET' },
  return_content: { type: 'bool' as const, default: false },
  follow_redirects: { type: 'str' as const, default: 'safe', choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'] },
  creates: { type: 'path' as const },
  removes: { type: 'path' as const },
  status_code: { type: 'list' as const, elements: 'int' as const, default: [200] },
  timeout: { type: 'int' as const, default: 30 },
  headers: { type: 'dict' as const, default: {} },
  unix_socket: { type: 'path' as const },
  remote_src: { type: 'bool' as const, default: false },
  ca_path: { type: 'path' as const },
  unredirected_headers: { type: 'list' as const, elements: 'str' as const, default: [] },
  decompress: { type: 'bool' as const, default: true },
  ciphers: { type: 'list' as const, elements: 'str' as const },
  use_netrc: { type: 'bool' as const, default: true },
  ...FILE_COMMON_SPEC,
};

/** The content types whose text the module tries as JSON (JSON_CANDIDATES). */
const JSON_CANDIDATES = new Set(['json', 'javascript']);

/** urllib.parse.quote_plus: what urlencode does to each key and value. */
const quotePlus = (s: string) =>
  encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');

/** form_urlencoded: a dict (or list of pairs) as key=value&..., lists as repeated keys. */
function formUrlencoded(body: unknown): string {
  const pairs: [unknown, unknown][] = isDict(body)
    ? Object.entries(body).flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x) => [k, x] as [unknown, unknown]) : [[k, v]],
      )
    : Array.isArray(body)
      ? body.map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p, '']))
      : [];
  return pairs.map(([k, v]) => `${quotePlus(pyStr(k))}=${quotePlus(pyStr(v))}`).join('&');
}

const textValues = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, pyStr(v)]));

/** The body to send and the headers it needs, by body_format. The module adds the content type to its own
 * `headers` parameter, which its invocation then shows. */
function requestBody(params: Record<string, any>): { body: Buffer | null; headers: Record<string, string> } {
  const headers: Record<string, unknown> = params.headers;
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  let body: unknown = params.body;
  const format = String(params.body_format).toLowerCase();
  if (format === 'json') {
    if (typeof body !== 'string') body = pyJson(body);
    if (!hasType) headers['Content-Type'] = 'application/json';
  } else if (format === 'form-urlencoded') {
    if (typeof body !== 'string') body = formUrlencoded(body);
    if (!hasType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  } else if (format === 'form-multipart' && !params.src) {
    try {
      const multipart = prepareMultipart(body as Record<string, unknown>);
      headers['Content-Type'] = multipart.contentType;
      body = multipart.body;
    } catch (e) {
      fail({ msg: `failed to parse body as form-multipart: ${(e as Error).message}` });
    }
  }
  if (params.src) {
    try {
      headers['Content-Length'] = fs.statSync(params.src).size;
      return { body: fs.readFileSync(params.src), headers: textValues(headers) };
    } catch {
      fail({ msg: `Unable to open source file ${params.src}`, elapsed: 0 });
    }
  }
  if (body === null || body === undefined) return { body: null, headers: textValues(headers) };
  return { body: Buffer.isBuffer(body) ? body : Buffer.from(pyStr(body)), headers: textValues(headers) };
}

/** A result the uri action returns before any module runs: it has no invocation (hidden from the executor). */
function actionResult(result: TaskResult): TaskResult {
  Object.defineProperty(result, 'invocation', { value: undefined, enumerable: false, writable: true });
  return result;
}

/** parse_content_type: the type (text/plain when not given), its parts and its charset (utf-8 when not given). */
function contentType(fetched: Fetched): { type: string; sub: string; charset: string } {
  if (!fetched.response) return { type: 'application/octet-stream', sub: 'octet-stream', charset: 'utf-8' };
  const header = String(fetched.response.headers['content-type'] ?? '');
  const [full = '', ...params] = header.split(';');
  const type = /^[^/\s]+\/[^/\s]+$/.test(full.trim()) ? full.trim().toLowerCase() : 'text/plain';
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";]+)"?/i.exec(p)?.[1]).find(Boolean) ?? 'utf-8';
  return { type, sub: type.split('/')[1] ?? '', charset: charset.toLowerCase() };
}

/** write_file: the content to dest (through a temporary file, moved only when it differs), then its attributes. */
function writeDest(dest: string, content: Buffer, params: Record<string, any>): boolean {
  const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ansible-uri-')), 'content');
  try {
    fs.writeFileSync(tmp, content);
    if (!statOf(dest)?.isFile() || digest(tmp, 'sha1') !== digest(dest, 'sha1')) atomicMove(tmp, dest);
  } finally {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  }
  return new FileAttributes(false).setIfDifferent(fileArgsOf({ ...params, path: dest }, dest), true);
}

/** Where dest points: into a directory, the server's file name (or the URL's, or index.html). */
function destFile(dest: string, fetched: Fetched): string {
  if (!statOf(dest)?.isDirectory() || !fetched.response) return dest;
  const disposition = String(fetched.response.headers['content-disposition'] ?? '');
  const named = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition)?.[1];
  return path.join(dest, named ?? (urlFilename(fetched.response.url) || 'index.html'));
}

/** absolute_location: a Location header relative to the requested URL made absolute. */
function absoluteLocation(url: string, location: string): string {
  if (location.includes('://')) return location;
  if (location.startsWith('/')) return url.replace(new URL(url).pathname, '') + location;
  return `${path.posix.dirname(url)}/${location}`;
}

/** The info dict as the module reports it: keys lowercased with dashes as underscores, Location made absolute. */
function reported(
  fetched: Fetched,
  info: Record<string, unknown>,
  url: string,
  at: { changed: boolean; dest?: string },
): TaskResult {
  const { changed, dest } = at;
  const resp: TaskResult = {
    redirected: info.url !== url,
    ...info,
    elapsed: fetched.elapsed,
    status: Number(info.status),
    changed,
  };
  if (dest !== undefined) resp.path = dest;
  const out: TaskResult = {};
  for (const [k, v] of Object.entries(resp)) out[k.replace(/-/g, '_').toLowerCase()] = v;
  if (typeof out.location === 'string') out.location = absoluteLocation(url, out.location);
  return out;
}

/** The content as text in its charset, and as JSON when its type says it may be (JSON that is not is left out). */
function decoded(content: Buffer, charset: string, maybeJson: boolean): { text: string; json?: unknown } {
  let text: string;
  try {
    text = new TextDecoder(charset).decode(content);
  } catch {
    text = content.toString('utf8');
  }
  if (!maybeJson) return { text };
  try {
    return { text, json: pyJsonLoads(text) };
  } catch {
    return { text };
  }
}

/** The request as the module makes it: method and body checked, creates/removes honoured (a result ends it). */
async function request(
  params: Record<string, any>,
  ctx: ModuleContext,
): Promise<{ fetched?: Fetched; done?: TaskResult }> {
  if (params.body !== null && params.body !== undefined && params.src)
    fail({ msg: 'parameters are mutually exclusive: body|src' });
  const method = String(params.method).toUpperCase();
  if (!/^[A-Z]+$/.test(method))
    fail({ msg: "Parameter 'method' needs to be a single word in uppercase, like GET or POST." });
  const { body, headers } = requestBody(params);
  const skip = (stdout: string) => ({ done: { stdout, stdout_lines: [stdout], changed: false } });
  if (params.creates && fs.existsSync(params.creates)) return skip(`skipped, since '${params.creates}' exists`);
  if (params.removes && !fs.existsSync(params.removes))
    return skip(`skipped, since '${params.removes}' does not exist`);
  const lastModified = params.dest && statOf(params.dest)?.isFile() ? statOf(params.dest)!.mtimeMs : undefined;
  return { fetched: await fetchUrl({ url: params.url, method, headers, body, params, lastModified }, ctx) };
}

/** The src the action finds in files/ (unless remote_src); not found, the action's failure. */
function actionSource(params: Record<string, any>, ctx: ModuleContext): Record<string, any> {
  if (params.remote_src) return params;
  try {
    if (params.src) return { ...params, src: findNeedle(params.src, ctx) };
    if (String(params.body_format).toLowerCase() === 'form-multipart')
      return { ...params, body: multipartFiles(params.body, ctx) };
    return params;
  } catch (e) {
    if (e instanceof ModuleFailure) actionResult(e.result);
    throw e;
  }
}

/** The action's part of form-multipart: the body must be a mapping, and the files it names (without content) are
 * found on the controller as copy finds its src. */
function multipartFiles(body: unknown, ctx: ModuleContext): Record<string, unknown> {
  if (!isDict(body)) actionFail(`body must be mapping, cannot be type ${typeName(body)}`);
  const fields: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const [name, value] of Object.entries(fields)) {
    if (!isDict(value) || !value.filename || value.content) continue;
    fields[name] = { ...value, filename: findNeedle(pyStr(value.filename), ctx) };
  }
  return fields;
}

async function uri(params: Record<string, any>, ctx: ModuleContext): Promise<TaskResult> {
  // the action runs the module as ansible.legacy.uri, which does not support check mode
  if (ctx.checkMode)
    return { changed: false, skipped: true, msg: 'remote module (ansible.legacy.uri) does not support check mode' };
  params = actionSource(params, ctx);
  const { fetched, done } = await request(params, ctx);
  if (!fetched) return done!;
  const { type, sub, charset } = contentType(fetched);
  const suffix = sub.includes('+') ? sub.slice(sub.indexOf('+') + 1) : sub;
  const maybeJson = Boolean(type) && JSON_CANDIDATES.has(suffix.toLowerCase());
  const statusCodes: number[] = params.status_code;
  const status = Number(fetched.info.status);
  const maybeOutput = maybeJson || params.return_content || !statusCodes.includes(status);
  const { body: _body, ...info } = fetched.info;
  const raw = fetched.response?.body ?? Buffer.alloc(0);
  const dest = params.dest && fetched.response ? destFile(params.dest, fetched) : undefined;
  const changed = dest !== undefined && statusCodes.includes(status) && status !== 304 && writeDest(dest, raw, params);
  // module.params['path'] = dest: the invocation shows it
  if (dest !== undefined && ctx.invocationArgs) ctx.invocationArgs.path = dest;
  const out = reported(fetched, maybeOutput ? info : fetched.info, params.url, { changed, dest });
  const content = maybeOutput ? decoded(raw, charset, maybeJson) : undefined;
  if (content?.json !== undefined) out.json = content.json;
  const result = params.return_content ? { content: content?.text ?? null, ...out } : out;
  if (statusCodes.includes(status)) return addPathInfo(result);
  result.msg = `Status code was ${status} and not [${statusCodes.join(', ')}]: ${String(out.msg ?? '')}`;
  return fail(result);
}

export default defineModule({
  names: ['uri', 'ansible.builtin.uri', 'ansible.legacy.uri'],
  argumentSpec: SPEC,
  supportsCheckMode: true,
  amendsInvocation: true,
  run: uri,
});
