// fetch: a file of the target copied to the controller, which is this machine too: the fetch action plugin's
// destinations (flat, or under dest/<host>/<path>), its checksums and its words for what it cannot fetch.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModuleFailure, defineModule, type ModuleContext, type TaskResult } from '../src/module.js';
import { pyBoolean } from '../src/python/python.js';
import { escapedActionResult, uncaughtActionFail, digest, expandPath, statOf } from './file_common.js';
import slurp from './slurp.js';

/** The action's options as it reads them: no validation beyond "is it text", booleans leniently. */
interface FetchArgs {
  readonly src: string;
  readonly dest: string;
  readonly flat: boolean;
  readonly failOnMissing: boolean;
  readonly validateChecksum: boolean;
}

function fetchArgs(args: Record<string, unknown>): FetchArgs {
  const { src, dest } = args;
  let msg = '';
  if (typeof src !== 'string') msg = 'Invalid type supplied for source option, it must be a string';
  if (typeof dest !== 'string') msg = 'Invalid type supplied for dest option, it must be a string';
  if (src === undefined || src === null || dest === undefined || dest === null) msg = 'src and dest are required';
  if (msg) uncaughtActionFail(msg);
  const flag = (v: unknown, dflt: boolean) => (v === undefined ? dflt : pyBoolean(v, false)!);
  return {
    src: String(src).replace(/^~(?=\/|$)/, process.env.HOME ?? '~'),
    dest: String(dest),
    flat: flag(args.flat, false),
    failOnMissing: flag(args.fail_on_missing, true),
    validateChecksum: flag(args.validate_checksum, true),
  };
}

/** _loader.path_dwim: a relative path is the playbook directory's. */
const pathDwim = (p: string, ctx: ModuleContext) =>
  path.resolve(p.startsWith('/') || p.startsWith('~') ? expandPath(p, ctx.env) : path.join(ctx.basedir, p));

/** Where the file goes: dest itself (flat), into it when it ends in a slash, else dest/<host>/<source path>. */
function destination(a: FetchArgs, ctx: ModuleContext): string {
  let dest = a.dest;
  if (a.flat) {
    if (statOf(dest)?.isDirectory() && !dest.endsWith('/'))
      uncaughtActionFail(
        'dest is an existing directory, use a trailing slash if you want to fetch src into that directory',
      );
    if (dest.endsWith('/')) dest = path.join(dest, path.basename(a.src));
    if (!dest.startsWith('/')) dest = pathDwim(dest, ctx);
  } else dest = `${pathDwim(dest, ctx)}/${ctx.host}/${a.src}`;
  return path.normalize(dest);
}

/** The source's checksum as the action learns it (stat, then slurp when stat cannot say), or the result that ends
 * the task: a directory, or a file slurp cannot read. */
function remoteChecksum(a: FetchArgs, ctx: ModuleContext): string | TaskResult {
  const st = statOf(a.src);
  if (st?.isDirectory()) {
    const msg = 'remote file is a directory, fetch cannot work on directories';
    return a.failOnMissing ? { failed: true, changed: false, msg } : { msg: `${msg}, not transferring, ignored` };
  }
  if (st?.isFile()) {
    try {
      return digest(a.src, 'sha1');
    } catch {
      /* unreadable: slurp says why */
    }
  }
  let slurped: TaskResult;
  try {
    slurped = slurp.run({ src: a.src }, ctx) as TaskResult;
  } catch (e) {
    if (!(e instanceof ModuleFailure)) throw e;
    slurped = { ...e.result, changed: false, invocation: { module_args: { src: a.src } } };
  }
  if (!slurped.failed) return digest(a.src, 'sha1');
  const result: TaskResult = a.failOnMissing ? slurped : { file: a.src, changed: false };
  const said = String(slurped.msg ?? '');
  if (said.includes('not found')) result.msg = 'the remote file does not exist, not transferring, ignored';
  else if (said.startsWith('source is a directory'))
    result.msg = 'remote file is a directory, fetch cannot work on directories';
  return result;
}

const localChecksum = (p: string) => (statOf(p)?.isFile() ? digest(p, 'sha1') : null);

function fetch(args: Record<string, unknown>, ctx: ModuleContext): TaskResult {
  if (ctx.checkMode)
    return escapedActionResult({ skipped: true, msg: 'check mode not (yet) supported for this module' });
  const a = fetchArgs(args);
  const remote = remoteChecksum(a, ctx);
  if (typeof remote !== 'string') return remote;
  const dest = destination(a, ctx);
  if (remote === localChecksum(dest))
    return { changed: false, md5sum: digest(dest, 'md5'), file: a.src, dest, checksum: remote };
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  try {
    fs.copyFileSync(a.src, dest);
  } catch (e) {
    uncaughtActionFail(`Failed to fetch the file: ${(e as Error).message}`);
  }
  const checksum = digest(dest, 'sha1'),
    md5sum = digest(dest, 'md5');
  if (a.validateChecksum && checksum !== remote)
    return {
      failed: true,
      md5sum,
      msg: 'checksum mismatch',
      file: a.src,
      dest,
      remote_md5sum: null,
      checksum,
      remote_checksum: remote,
    };
  return { changed: true, md5sum, dest, remote_md5sum: null, checksum, remote_checksum: remote };
}

export default defineModule({
  names: ['fetch', 'ansible.builtin.fetch', 'ansible.legacy.fetch'],
  anyArgs: true,
  actionPlugin: true,
  supportsCheckMode: true,
  run: fetch,
});
