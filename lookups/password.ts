// ansible.builtin.password: `path [length=N chars=a,b encrypt=sha512_crypt seed=S]`. An existing file's content
// (up to ` salt=`) is the password; otherwise a new one is drawn and stored with mode 0600, unless the path is
// /dev/null. Seeded: Python's Random(seed), so the same password as Ansible; unseeded: the run's random source.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { TemplateError } from '../src/errors.js';
import { pyRepr, pyStr, type Dict } from '../src/python/python.js';
import { PyRandom } from '../filters/pyrandom.js';
import { SALT_CHARS, passwordHash } from '../filters/crypt.js';
import { parseKv } from '../src/playbook/kv.js';
import { drawBelow, type LookupContext, type LookupTable } from './plugin.js';

// Python's string module constants, by the names the password lookup's `chars` accepts.
const ascii_lowercase = 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase = ascii_lowercase.toUpperCase(),
  digits = '0123456789';
const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  whitespace = ' \t\n\r\x0b\x0c';
const STRING_CONSTANTS: Record<string, string> = {
  ascii_lowercase,
  ascii_uppercase,
  ascii_letters: ascii_lowercase + ascii_uppercase,
  digits,
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation,
  whitespace,
  printable: digits + ascii_lowercase + ascii_uppercase + punctuation + whitespace,
};
const PASSWORD_PARAMS = ['length', 'encrypt', 'chars', 'ident', 'seed'];

interface Below {
  below(n: number): number;
}
const draw = (n: number, from: string, rnd: Below): string =>
  Array.from({ length: n }, () => from[rnd.below(from.length)]).join('');

/** The term's path and its key=value parameters (_parse_parameters). */
function parseTerm(term: string): { relpath: string; params: Dict } {
  const space = term.indexOf(' ');
  let relpath = space < 0 ? term : term.slice(0, space);
  const params: Dict = {};
  if (space >= 0) {
    const parsed = parseKv(term.slice(space + 1), false) as Dict;
    for (const [k, v] of Object.entries(parsed)) if (k !== '_raw_params') params[k] = v;
    if (parsed._raw_params !== undefined) {
      relpath = `${relpath} ${pyStr(parsed._raw_params)}`;
      if (!term.startsWith(relpath))
        throw new TemplateError('Unrecognized value after key=value parameters given to password lookup');
    }
  }
  const invalid = Object.keys(params).filter((k) => !PASSWORD_PARAMS.includes(k));
  if (invalid.length)
    throw new TemplateError(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`);
  return { relpath, params };
}

/** The characters to draw from: `chars` names Python's string constants or gives characters (`,,` is a comma). */
function candidateChars(chars: unknown): string {
  const names =
    typeof chars === 'string'
      ? [
          ...(chars.includes(',,') ? [','] : []),
          ...chars
            .replace(/,,/g, ',')
            .split(',')
            .filter((c) => c),
        ]
      : (chars as unknown[]);
  return names
    .map((c) => STRING_CONSTANTS[pyStr(c)] ?? pyStr(c))
    .join('')
    .replace(/["']/g, '');
}

/** The stored password and salt of an existing file (`password salt=... ident=...`). */
function readStored(file: string): { password: string; salt: string | null } {
  const content = readFileSync(file, 'utf8').replace(/\s+$/, '');
  const at = content.lastIndexOf(' salt=');
  if (at < 0) return { password: content, salt: null };
  return { password: content.slice(0, at), salt: content.slice(at + 6).replace(/ ident=.*$/, '') };
}

function passwordLookup(term: string, kw: Dict, ctx: LookupContext): string {
  const { relpath, params } = parseTerm(term);
  const opt = (k: string, dflt: unknown) =>
    params[k] !== undefined ? params[k] : kw[k] !== undefined && kw[k] !== null ? kw[k] : dflt;
  const length = Number(opt('length', 20));
  if (!Number.isInteger(length))
    throw new TemplateError(`invalid literal for int() with base 10: ${pyRepr(opt('length', 20))}`);
  const candidates = candidateChars(opt('chars', ['ascii_letters', 'digits', '.,:-_']));
  const seed = opt('seed', null),
    encrypt = opt('encrypt', null);
  const runSource: Below = { below: (n) => drawBelow(ctx, n) };
  const file = path.resolve(ctx.basedirs[ctx.basedirs.length - 1] ?? process.cwd(), relpath);
  const devNull = file === '/dev/null';
  const existed = !devNull && existsSync(file);
  const stored = existed ? readStored(file) : null;
  const password = stored?.password ?? draw(length, candidates, seed !== null ? new PyRandom(seed) : runSource);
  let salt = stored?.salt ?? null;
  const needsSalt = encrypt !== null && !salt;
  if (needsSalt) salt = draw(encrypt === 'md5_crypt' || encrypt === 'md5' ? 8 : 16, SALT_CHARS, runSource);
  if (!devNull && (!existed || needsSalt)) {
    const content = encrypt !== null || salt ? `${password} salt=${salt}` : password;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, content + '\n', { mode: 0o600, flag: existed ? 'w' : 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return passwordLookup(term, kw, ctx); // another process wrote it first
    }
  }
  return encrypt !== null ? passwordHash(password, { hashtype: pyStr(encrypt), salt, random: runSource }) : password;
}

export const PASSWORD_LOOKUPS = {
  password: { terms: 'kv', run: (terms, kw, ctx) => terms.map((t) => passwordLookup(pyStr(t), kw, ctx)) },
} as const satisfies LookupTable;
