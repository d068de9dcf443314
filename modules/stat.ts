// stat: a path's status as Python's os.stat gives it on Linux, with checksum, mime type (from the `file`
// command, as the module runs it) and lsattr's attributes.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { defineModule, type TaskResult } from '../src/module.js';
import { pyFloat } from '../src/python/python.js';
import { digest, errnoText, expandPath, fail, fileAttributes, groupName, realpath, userName } from './file_common.js';

const SPEC = {
  path: { type: 'path' as const, required: true, aliases: ['dest', 'name'] },
  follow: { type: 'bool' as const, default: false },
  get_md5: { type: 'bool' as const, default: false },
  get_checksum: { type: 'bool' as const, default: true },
  get_mime: { type: 'bool' as const, default: true, aliases: ['mime', 'mime_type', 'mime-type'] },
  get_attributes: { type: 'bool' as const, default: true, aliases: ['attr', 'attributes'] },
  checksum_algorithm: {
    type: 'str' as const,
    default: 'sha1',
    choices: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
    aliases: ['checksum', 'checksum_algo'],
  },
};

/** A stat time in seconds as Python's float st_mtime has it. */
const seconds = (ns: bigint) => pyFloat(Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) * 1e-9);

/** format_output: the mode bits, ids, sizes and times of one os.stat/os.lstat. */
export function formatOutput(p: string, st: fs.BigIntStats): Record<string, unknown> {
  const mode = Number(st.mode);
  const bit = (b: number) => (mode & b) !== 0;
  const type = mode & 0o170000;
  return {
    exists: true,
    path: p,
    mode: (mode & 0o7777).toString(8).padStart(4, '0'),
    isdir: type === 0o040000,
    ischr: type === 0o020000,
    isblk: type === 0o060000,
    isreg: type === 0o100000,
    isfifo: type === 0o010000,
    islnk: type === 0o120000,
    issock: type === 0o140000,
    uid: Number(st.uid),
    gid: Number(st.gid),
    size: Number(st.size),
    inode: Number(st.ino),
    dev: Number(st.dev),
    nlink: Number(st.nlink),
    atime: seconds(st.atimeNs),
    mtime: seconds(st.mtimeNs),
    ctime: seconds(st.ctimeNs),
    ...Object.fromEntries(
      ['usr', 'grp', 'oth'].flatMap((who, i) => ['r', 'w', 'x'].map((p, j) => [p + who, bit(1 << (8 - i * 3 - j))])),
    ),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: Number(st.blocks),
    block_size: Number(st.blksize),
    device_type: Number(st.rdev),
  };
}

const access = (p: string, how: number) => {
  try {
    fs.accessSync(p, how);
    return true;
  } catch {
    return false;
  }
};

/** `file --mime-type --mime-encoding`, or 'unknown' for both when it fails or says something else. */
function mimeOf(p: string): { mimetype: string; charset: string } {
  const r = spawnSync('file', ['--mime-type', '--mime-encoding', p], { encoding: 'utf8' });
  const text = r.status === 0 ? r.stdout.slice(r.stdout.lastIndexOf(':') + 1).trim() : '';
  const m = /^([^;]*);[^=]*=(.*)$/.exec(text);
  return m ? { mimetype: m[1]!.trim(), charset: m[2]!.trim() } : { mimetype: 'unknown', charset: 'unknown' };
}

function extras(p: string, out: Record<string, unknown>, args: Record<string, any>): void {
  if (out.islnk) {
    out.lnk_source = realpath(p);
    out.lnk_target = fs.readlinkSync(p);
  }
  const pw = userName(out.uid as number);
  if (pw !== String(out.uid)) out.pw_name = pw;
  const gr = groupName(out.gid as number);
  if (gr !== String(out.gid)) out.gr_name = gr;
  if (out.isreg && out.readable) {
    if (args.get_md5) out.md5 = digest(p, 'md5');
    if (args.get_checksum) out.checksum = digest(p, args.checksum_algorithm);
  }
  if (args.get_mime) Object.assign(out, mimeOf(p));
  if (args.get_attributes)
    Object.assign(out, { version: null, attributes: [], attr_flags: '' }, fileAttributes(p, true));
}

export default defineModule({
  names: ['stat', 'ansible.builtin.stat', 'ansible.legacy.stat'],
  argumentSpec: SPEC,
  supportsCheckMode: true,
  run(args): TaskResult {
    const p = expandPath(args.path);
    let st: fs.BigIntStats;
    try {
      st = args.follow ? fs.statSync(p, { bigint: true }) : fs.lstatSync(p, { bigint: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { changed: false, stat: { exists: false } };
      return fail({ msg: errnoText(e).replace(/^\[Errno \d+\] /, '') });
    }
    const out = formatOutput(p, st);
    out.readable = access(p, fs.constants.R_OK);
    out.writeable = access(p, fs.constants.W_OK);
    out.executable = access(p, fs.constants.X_OK);
    extras(p, out, args);
    return { changed: false, stat: out };
  },
});
