// crypt(3)'s MD5-crypt and SHA-crypt (sha256_crypt, sha512_crypt) as glibc computes them: what Ansible's
// password_hash filter and the password lookup's `encrypt=` produce through Python's crypt module.
import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import { TemplateError } from '../src/errors.js';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** crypt's base-64: `n` characters from the 24-bit group b2 b1 b0, least significant six bits first. */
function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0,
    out = '';
  for (let i = 0; i < n; i++) {
    out += ITOA64[w & 0x3f];
    w >>>= 6;
  }
  return out;
}

/** Bytes of `src` repeated to `length`. */
function repeatTo(src: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i += src.length) src.copy(out, i, 0, Math.min(src.length, length - i));
  return out;
}

const SHA_ORDER = {
  sha256: {
    id: '5',
    size: 32,
    groups: [
      [0, 10, 20],
      [21, 1, 11],
      [12, 22, 2],
      [3, 13, 23],
      [24, 4, 14],
      [15, 25, 5],
      [6, 16, 26],
      [27, 7, 17],
      [18, 28, 8],
      [9, 19, 29],
    ],
    tail: (d: Buffer) => b64From24(0, d[31]!, d[30]!, 3),
  },
  sha512: {
    id: '6',
    size: 64,
    groups: [
      [0, 21, 42],
      [22, 43, 1],
      [44, 2, 23],
      [3, 24, 45],
      [25, 46, 4],
      [47, 5, 26],
      [6, 27, 48],
      [28, 49, 7],
      [50, 8, 29],
      [9, 30, 51],
      [31, 52, 10],
      [53, 11, 32],
      [12, 33, 54],
      [34, 55, 13],
      [56, 14, 35],
      [15, 36, 57],
      [37, 58, 16],
      [59, 17, 38],
      [18, 39, 60],
      [40, 61, 19],
      [62, 20, 41],
    ],
    tail: (d: Buffer) => b64From24(0, 0, d[63]!, 2),
  },
} as const;

// crypto.hash (Node >= 20.12) hashes a buffer without building a Hash object; older Nodes use createHash
const cryptoHash = (crypto as unknown as { hash?: (alg: string, data: Buffer, enc: 'buffer') => Buffer }).hash;
const oneShot = cryptoHash
  ? (alg: string, data: Buffer) => cryptoHash(alg, data, 'buffer')
  : (alg: string, data: Buffer) => createHash(alg).update(data).digest();

/** SHA-crypt ($5$ / $6$), Ulrich Drepper's specification; `rounds` written only when given. */
function shaCrypt(alg: 'sha256' | 'sha512', password: string, salt: string, rounds?: number): string {
  const spec = SHA_ORDER[alg];
  const key = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const r = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));
  const h = () => createHash(alg);
  const b = h().update(key).update(s).update(key).digest();
  const a = h().update(key).update(s);
  for (let i = key.length; i > 0; i -= spec.size) a.update(i > spec.size ? b : b.subarray(0, i));
  for (let i = key.length; i > 0; i >>= 1) a.update(i & 1 ? b : key);
  let c: Buffer = a.digest();
  const dp = h();
  for (let i = 0; i < key.length; i++) dp.update(key);
  const p = repeatTo(dp.digest(), key.length);
  const ds = h();
  for (let i = 0; i < 16 + c[0]!; i++) ds.update(s);
  const sBytes = repeatTo(ds.digest(), s.length);
  // the rounds dominate (656,000 by default): each one hashes a few small buffers, so assemble them in one
  // buffer and hash it in one call
  const buf = Buffer.alloc(2 * spec.size + 2 * p.length + sBytes.length);
  for (let i = 0; i < r; i++) {
    let n = 0;
    const put = (x: Buffer) => {
      x.copy(buf, n);
      n += x.length;
    };
    put(i & 1 ? p : c);
    if (i % 3) put(sBytes);
    if (i % 7) put(p);
    put(i & 1 ? c : p);
    c = oneShot(alg, buf.subarray(0, n));
  }
  const body = spec.groups.map(([x, y, z]) => b64From24(c[x]!, c[y]!, c[z]!, 4)).join('') + spec.tail(c);
  return `$${spec.id}$${rounds === undefined ? '' : `rounds=${r}$`}${s.toString('utf8')}$${body}`;
}

/** MD5-crypt ($1$), Poul-Henning Kamp's algorithm. */
function md5Crypt(password: string, salt: string): string {
  const key = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 8), 'utf8');
  const h = () => createHash('md5');
  const alt = h().update(key).update(s).update(key).digest();
  const ctx = h().update(key).update('$1$').update(s);
  for (let i = key.length; i > 0; i -= 16) ctx.update(alt.subarray(0, Math.min(16, i)));
  for (let i = key.length; i > 0; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : key.subarray(0, 1));
  let f = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const x = h();
    x.update(i & 1 ? key : f);
    if (i % 3) x.update(s);
    if (i % 7) x.update(key);
    x.update(i & 1 ? f : key);
    f = x.digest();
  }
  const groups = [
    [0, 6, 12],
    [1, 7, 13],
    [2, 8, 14],
    [3, 9, 15],
    [4, 10, 5],
  ];
  const body = groups.map(([x, y, z]) => b64From24(f[x]!, f[y]!, f[z]!, 4)).join('') + b64From24(0, 0, f[11]!, 2);
  return `$1$${s.toString('utf8')}$${body}`;
}

export const SALT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';
// passlib's defaults, which Ansible uses when passlib is installed (its recommended backend): the default rounds
// are written into the hash unless they are crypt's implicit 5000
const HASHES: Record<
  string,
  { saltSize: number; rounds?: number; hash: (pw: string, salt: string, rounds?: number) => string }
> = {
  md5_crypt: { saltSize: 8, hash: (pw, salt) => md5Crypt(pw, salt) },
  sha256_crypt: {
    saltSize: 16,
    rounds: 535000,
    hash: (pw, salt, rounds) => shaCrypt('sha256', pw, salt, rounds === 5000 ? undefined : rounds),
  },
  sha512_crypt: {
    saltSize: 16,
    rounds: 656000,
    hash: (pw, salt, rounds) => shaCrypt('sha512', pw, salt, rounds === 5000 ? undefined : rounds),
  },
};
const ALIASES: Record<string, string> = {
  md5: 'md5_crypt',
  blowfish: 'bcrypt',
  sha256: 'sha256_crypt',
  sha512: 'sha512_crypt',
};

interface HashOptions {
  readonly hashtype?: string;
  readonly salt?: string | null;
  readonly saltSize?: number | null;
  readonly rounds?: number | null;
  /** Draws a missing salt: the run's random source, never a generator of its own. */
  readonly random: { below(n: number): number };
}

/** Ansible's password_hash (passlib backend): salt checked as passlib checks it, random when not given. */
export function passwordHash(password: string, opts: HashOptions): string {
  const { hashtype = 'sha512', salt, saltSize, rounds, random } = opts;
  const name = ALIASES[hashtype] ?? hashtype;
  const algo = HASHES[name];
  const failed = (why: string) =>
    new TemplateError(`Could not hash the secret.. ${why}. Could not hash the secret.. ${why}`);
  if (!algo) {
    if (name === 'bcrypt')
      throw new TemplateError('tsible does not implement bcrypt password hashing; use sha512 (or sha256, md5)');
    throw new TemplateError(
      `passlib does not support '${name}' algorithm. passlib does not support '${name}' algorithm`,
    );
  }
  let s = salt || '';
  if (!s) {
    const size = saltSize || algo.saltSize;
    for (let i = 0; i < size; i++) s += SALT_CHARS[random.below(SALT_CHARS.length)];
  }
  if (/[^./0-9A-Za-z]/.test(s)) throw failed(`invalid characters in ${name} salt`);
  if (s.length > algo.saltSize) throw failed(`salt too large (${name} requires <= ${algo.saltSize} chars)`);
  return algo.hash(password, s, rounds ?? algo.rounds);
}
