// Paths as Python's glob and ntpath see them: the fileglob filter (and lookup), win_basename, win_dirname and
// win_splitdrive.
import { lstatSync, opendirSync, statSync } from 'node:fs';
import { PyTuple, pyStr } from '../src/python/python.js';
import { filter } from './helpers.js';

/** fnmatch.translate: `*`, `?`, `[seq]` and `[!seq]`, matching the whole name. */
function fnmatch(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const close = c === '[' ? pattern.indexOf(']', i + (pattern[i + 1] === '!' ? 3 : 2)) : -1;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (close > 0) {
      const body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
      out += `[${body[0] === '!' ? `^${body.slice(1)}` : body[0] === '^' ? `\\${body}` : body}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\/[\]]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`, 's');
}

const MAGIC = /[*?[]/;
/** os.path.join of a glob's parts: the text as written, no normalising (`./a*` gives `./ab`). */
const joined = (dir: string, name: string) => (!dir ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`);

/** The entries of `dir` matching a glob component, in directory order as os.scandir gives them (hidden ones only
 * for a pattern that starts with a dot). */
function matchIn(dir: string, component: string): string[] {
  const re = fnmatch(component);
  const names: string[] = [];
  try {
    const d = opendirSync(dir || '.');
    for (let e = d.readSync(); e; e = d.readSync())
      if (re.test(e.name) && (component.startsWith('.') || !e.name.startsWith('.'))) names.push(e.name);
    d.closeSync();
  } catch {
    return [];
  }
  return names.map((n) => joined(dir, n));
}

/** glob.glob(pattern): the paths that exist and match, relative to the working directory. */
export function pyGlob(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  let paths = [absolute ? '/' : ''];
  for (const part of pattern.split('/').filter(Boolean)) {
    paths = MAGIC.test(part) ? paths.flatMap((p) => matchIn(p, part)) : paths.map((p) => joined(p, part));
  }
  return paths.filter((p) => p !== '' && lstatSync(p, { throwIfNoEntry: false }) !== undefined);
}

/** glob.glob(pattern), then only regular files (what both fileglobs keep). */
export const globFiles = (pattern: string): string[] =>
  pyGlob(pattern).filter((p) => p !== '/' && statSync(p, { throwIfNoEntry: false })?.isFile() === true);

/** ntpath.splitdrive (Python 3.11): `C:`, or a UNC `\\server\share` (also `\\?\UNC\server\share`) prefix,
 * and the rest. */
function splitDrive(p: string): [string, string] {
  if (p.length < 2) return ['', p];
  const norm = p.replace(/\//g, '\\');
  if (norm.startsWith('\\\\')) {
    const start = norm.slice(0, 8).toUpperCase() === '\\\\?\\UNC\\' ? 8 : 2;
    const server = norm.indexOf('\\', start);
    const share = server === -1 ? -1 : norm.indexOf('\\', server + 1);
    return share === -1 ? [p, ''] : [p.slice(0, share), p.slice(share)];
  }
  return norm[1] === ':' ? [p.slice(0, 2), p.slice(2)] : ['', p];
}

/** ntpath.split: the head (trailing separators stripped unless it is all separators) and the last component. */
function ntSplit(p: string): [string, string] {
  const [drive, rest] = splitDrive(p);
  let i = rest.length;
  while (i && !'/\\'.includes(rest[i - 1]!)) i--;
  const head = rest.slice(0, i);
  return [drive + (head.replace(/[/\\]+$/, '') || head), rest.slice(i)];
}

export const PATH_FILTERS = {
  fileglob: filter([], (v) => globFiles(pyStr(v))),
  win_basename: filter([], (v) => ntSplit(pyStr(v))[1]),
  win_dirname: filter([], (v) => ntSplit(pyStr(v))[0]),
  win_splitdrive: filter([], (v) => PyTuple.of2(...splitDrive(pyStr(v)))),
};
