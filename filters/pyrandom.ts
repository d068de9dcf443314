// Python's random.Random (MT19937 with CPython's seeding) for `random(seed=...)` and `shuffle(seed=...)`: the
// idiom `{{ 59 | random(seed=inventory_hostname) }}` must give the same minute under tsible as under Ansible.
import { createHash } from 'node:crypto';
import { TemplateError } from '../src/errors.js';
import { PyValueError, isNum } from '../src/python/python.js';

const N = 624,
  M = 397;

/** hash(x) of a finite Python float: the exact value as a fraction n / 2^k, reduced modulo 2^61 - 1, signed. */
function floatHash(x: number): bigint {
  const P = (1n << 61n) - 1n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn),
    frac = bits & ((1n << 52n) - 1n);
  const mantissa = exp === 0 ? frac : frac | (1n << 52n);
  const shift = (exp === 0 ? 1 : exp) - 1075; // x = mantissa * 2^shift
  const pow = (b: bigint, e: bigint) => {
    let r = 1n;
    b %= P;
    while (e > 0n) {
      if (e & 1n) r = (r * b) % P;
      b = (b * b) % P;
      e >>= 1n;
    }
    return r;
  };
  let h =
    shift >= 0
      ? ((mantissa % P) * pow(2n, BigInt(shift))) % P
      : ((mantissa % P) * pow(pow(2n, BigInt(-shift)), P - 2n)) % P;
  if (x < 0) h = -h;
  return h === -1n ? -2n : h;
}

export class PyRandom {
  readonly #mt = new Uint32Array(N);
  #index = N + 1;

  /** random.Random(seed): ints by their absolute value, str by version-2 seeding (the text, then its sha512). */
  constructor(seed: unknown) {
    let n: bigint;
    if (typeof seed === 'string') {
      const bytes = Buffer.from(seed, 'utf8');
      n = BigInt('0x' + Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]).toString('hex'));
    } else if (typeof seed === 'number' && Number.isInteger(seed)) n = BigInt(Math.abs(seed));
    else if (typeof seed === 'boolean') n = seed ? 1n : 0n;
    else if (isNum(seed) && Number.isFinite(Number(seed))) {
      // Random(2.5) seeds with hash(2.5), taken as an unsigned machine word
      const h = floatHash(Number(seed));
      n = h >= 0n ? h : (1n << 64n) + h;
    } else throw new TemplateError('The only supported seed types are: None, int, float, str, bytes, and bytearray.');
    const key: number[] = [];
    for (let x = n; x > 0n; x >>= 32n) key.push(Number(x & 0xffffffffn));
    this.#initByArray(key.length ? key : [0]);
  }

  #initGenrand(s: number): void {
    const mt = this.#mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, p) + i) >>> 0;
    }
    this.#index = N;
  }

  #initByArray(key: number[]): void {
    const mt = this.#mt;
    this.#initGenrand(19650218);
    let i = 1,
      j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const p = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(p, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** genrand_uint32 */
  #next32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** getrandbits(k): whole 32-bit words from the least significant end, the last one shifted down. */
  getrandbits(k: number): bigint {
    if (k <= 32) return BigInt(this.#next32() >>> (32 - k));
    let out = 0n;
    for (let shift = 0n, left = k; left > 0; shift += 32n, left -= 32) {
      const word = this.#next32() >>> Math.max(0, 32 - left);
      out |= BigInt(word) << shift;
    }
    return out;
  }

  /** _randbelow_with_getrandbits(n): rejection sampling on n.bit_length() bits. */
  below(n: number): number {
    if (n <= 0) return 0;
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= BigInt(n)) r = this.getrandbits(k);
    return Number(r);
  }

  /** random(): 53 bits from two draws. */
  next(): number {
    const a = this.#next32() >>> 5,
      b = this.#next32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  randrange(start: number, stop: number, step: number): number {
    const width = stop - start;
    if (step === 1) {
      if (width <= 0) throw new PyValueError(`empty range for randrange() (${start}, ${stop}, ${width})`);
      return start + this.below(width);
    }
    if (step === 0) throw new PyValueError('zero step for randrange()');
    const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
    if (n <= 0) throw new PyValueError('empty range for randrange()');
    return start + step * this.below(n);
  }

  shuffle<T>(items: T[]): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
  }
}
