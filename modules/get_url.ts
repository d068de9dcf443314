// get_url: a URL's content downloaded to dest (a file, or into a directory under the server's or the URL's
// name), replaced only when it differs, checked against `checksum`, with the module's result keys and words.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import {
  FILE_COMMON_SPEC,
  FileAttributes,
  addPathInfo,
  atomicMove,
  backupLocal,
  digest,
  exists,
  fail,
  fileArgsOf,
  statOf,
} from './file_common.js';
import { URL_COMMON_SPEC, fetchUrl, urlFilename, type Fetched } from './urls.js';

const SPEC = {
  ...URL_COMMON_SPEC,
  url_username: { type: 'str' as const, aliases: ['username'] },
  url_password: { type: 'str' as const, aliases: ['password'], noLog: true },
  url: { type: 'str' as const, required: true },
  dest: { type: 'path' as const, required: true },
  backup: { type: 'bool' as const, default: false },
  checksum: { type: 'str' as const, default: '' },
  timeout: { type: 'int' as const, default: 10 },
  headers: { type: 'dict' as const },
  tmp_dest: { type: 'path' as const },
  unredirected_headers: { type: 'list' as const, elements: 'str' as const, default: [] },
  decompress: { type: 'bool' as const, default: true },
  ciphers: { type: 'list' as const, elements: 'str' as const },
  use_netrc: { type: 'bool' as const, default: true },
  ...FILE_COMMON_SPEC,
};

/** `algorithm:hex` as the module reads it: the hex digits alone, lowercased; a bad one fails the task. */
function expectedChecksum(text: string, result: TaskResult): { algorithm: string; sum: string } | null {
  if (!text) return null;
  const at = text.indexOf(':');
  if (at < 0) fail({ msg: 'The checksum parameter has to be in format <algorithm>:<checksum>', ...result });
  const sum = text
    .slice(at + 1)
    .replace(/\W+/g, '')
    .toLowerCase();
  if (!/^[0-9a-f]+$/.test(sum)) fail({ msg: 'The checksum format is invalid', ...result });
  return { algorithm: text.slice(0, at), sum };
}

/** url_get: the download (HEAD in check mode) into a temporary file; an answer that is not 200 fails the task. */
async function urlGet(params: Record<string, any>, ctx: ModuleContext, lastModified?: number) {
  const headers = Object.fromEntries(Object.entries(params.headers ?? {}).map(([k, v]) => [k, String(v)]));
  const method = ctx.checkMode ? 'HEAD' : 'GET';
  const request = {
    url: params.url,
    method,
    headers,
    params: { follow_redirects: 'urllib2', ...params },
    lastModified,
  };
  const fetched = await fetchUrl(request, ctx);
  const at = { url: params.url, dest: params.dest, elapsed: fetched.elapsed };
  const status = Number(fetched.info.status);
  if (status === 304) return { done: { ...at, changed: false, msg: fetched.info.msg ?? '', status_code: status } };
  if (status === -1) fail({ msg: fetched.info.msg, ...at });
  if (status !== 200) fail({ msg: 'Request failed', status_code: status, response: fetched.info.msg, ...at });
  const tmp = path.join(fs.mkdtempSync(path.join(params.tmp_dest ?? os.tmpdir(), 'ansible-get_url-')), 'download');
  fs.writeFileSync(tmp, fetched.response!.body);
  return { tmp, fetched };
}

/** extract_filename_from_headers, else the last part of the final URL. */
function filenameOf(fetched: Fetched): string {
  const disposition = String(fetched.response?.headers['content-disposition'] ?? '');
  const named = /^attachment; ?filename="?([^"]+)/.exec(disposition)?.[1];
  return named ? path.basename(named) : urlFilename(String(fetched.info.url));
}

/** force false and the checksum given: a file already there with that checksum is not downloaded again. */
function alreadyThere(params: Record<string, any>, expected: { algorithm: string; sum: string }, result: TaskResult) {
  if (params.force || digest(params.dest, expected.algorithm) !== expected.sum) return null;
  const changed = new FileAttributes(false).setIfDifferent(fileArgsOf(params, params.dest), false);
  const msg = changed ? 'file already exists but file attributes changed' : 'file already exists';
  return addPathInfo({ msg, ...result, changed });
}

/** The download checked against dest: where it goes, whether it differs; a destination that cannot take it fails. */
function compare(tmp: string, dest: string, result: TaskResult): void {
  result.checksum_src = digest(tmp, 'sha1');
  const refuse = (msg: string) => {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    fail({ msg, ...result });
  };
  if (exists(dest)) {
    const can = (mode: number) => {
      try {
        fs.accessSync(dest, mode);
        return true;
      } catch {
        return false;
      }
    };
    if (!can(fs.constants.W_OK)) refuse(`Destination ${dest} is not writable`);
    if (!can(fs.constants.R_OK)) refuse(`Destination ${dest} is not readable`);
    result.checksum_dest = digest(dest, 'sha1');
  } else if (!exists(path.dirname(dest))) refuse(`Destination ${path.dirname(dest)} does not exist`);
}

async function getUrl(params: Record<string, any>, ctx: ModuleContext): Promise<TaskResult> {
  let dest: string = params.dest;
  const result: TaskResult = {
    changed: false,
    checksum_dest: null,
    checksum_src: null,
    dest,
    elapsed: 0,
    url: params.url,
  };
  const destIsDir = statOf(dest)?.isDirectory() ?? false;
  const expected = expectedChecksum(params.checksum, result);
  let lastModified: number | undefined;
  if (!destIsDir && exists(dest)) {
    const done = expected ? alreadyThere(params, expected, result) : null;
    if (done) return done;
    lastModified = statOf(dest)!.mtimeMs;
  }
  const got = await urlGet(params, ctx, lastModified);
  if ('done' in got) return addPathInfo(got.done as TaskResult);
  const { tmp, fetched } = got;
  result.elapsed = fetched.elapsed;
  result.src = tmp;
  if (destIsDir) result.dest = dest = path.join(dest, filenameOf(fetched));
  compare(tmp, dest, result);
  const msg = fetched.info.msg ?? '';
  if (ctx.checkMode) {
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
    return addPathInfo({ msg, ...result, changed: result.checksum_src !== result.checksum_dest });
  }
  let backupFile: string | null = null;
  if (result.checksum_src !== result.checksum_dest) {
    if (params.backup && exists(dest)) backupFile = backupLocal(dest);
    atomicMove(tmp, dest);
    result.changed = true;
  }
  fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  if (expected) {
    const actual = createHash(expected.algorithm).update(fs.readFileSync(dest)).digest('hex');
    if (actual !== expected.sum) {
      fs.rmSync(dest);
      fail({ msg: `The checksum for ${dest} did not match ${expected.sum}; it was ${actual}.`, ...result });
    }
  }
  result.changed = new FileAttributes(false).setIfDifferent(fileArgsOf(params, dest), Boolean(result.changed));
  result.md5sum = digest(dest, 'md5');
  if (backupFile) result.backup_file = backupFile;
  return addPathInfo({ msg, status_code: fetched.info.status ?? '', ...result });
}

export default defineModule({
  names: ['get_url', 'ansible.builtin.get_url', 'ansible.legacy.get_url'],
  argumentSpec: SPEC,
  supportsCheckMode: true,
  run: getUrl,
});
