// Every "what would Python do" rule in one place: truthiness, str()/repr(), equality, ordering, arithmetic,
// `in`, and the literal parser of Ansible 2.14's result pipeline. Used by the Nunjucks patches, the filters
// and the Templar alike. Python's json module (dumps/loads) is next door, in ./pyjson.ts.
import { TemplateError } from '../errors.js';
import { PyUndefined, assertDefined } from './undefined.js';
import { PyDatetime, PyTimedelta } from './datetime.js';
import { assertWritable } from './expanded-size.js';

export type Dict = Record<string, unknown>;

/** Sets a key on a plain object as data, even when it is named __proto__ (an assignment would set the prototype). */
export function setKey(o: Dict, key: string, value: unknown): void {
  // Object.prototype's only setter is __proto__: every other name assigns as data (and assigning is fast)
  if (key === '__proto__')
    Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}
/** A shallow copy that keeps every own key as data. */
export function copyDict(d: Dict): Dict {
  const o: Dict = {};
  for (const [k, v] of Object.entries(d)) setKey(o, k, v);
  return o;
}

/** Ansible's merge_hash (utils/vars.py), recursive, lists replaced: y's keys over x's, dicts under the same key
 * merged in turn. */
export function mergeHash(x: Dict, y: Dict): Dict {
  const out = copyDict(x);
  for (const [k, v] of Object.entries(y)) {
    const old = Object.hasOwn(out, k) ? out[k] : undefined;
    setKey(out, k, isDict(old) && isDict(v) ? mergeHash(old, v) : v);
  }
  return out;
}
/** combine_vars: b's variables over a's, replacing (Object.assign into a) or, when merge, merge_hash'ing. */
export function combineVars(a: Dict, b: Dict, merge: boolean): Dict {
  if (!merge) return Object.assign(a, b);
  for (const [k, v] of Object.entries(b)) {
    const old = Object.hasOwn(a, k) ? a[k] : undefined;
    setKey(a, k, isDict(old) && isDict(v) ? mergeHash(old, v) : v);
  }
  return a;
}

/** A Python tuple: renders with parentheses, compares like a list. */
export class PyTuple extends Array<unknown> {
  static of2(...items: unknown[]): PyTuple {
    const t = new PyTuple();
    t.push(...items);
    return t;
  }
}

/**
 * A Python float with an integral value (3.0, 10 / 2, '2' | float). JS has one number type, so such a float
 * would print as 3; boxing it keeps Python's text (`3.0`) and type. Floats with a fraction, inf and nan stay JS
 * numbers (a non-integral number is always a float). valueOf() lets JS arithmetic and Number() see through it;
 * toJSON() makes it a plain number for JSON.stringify (the SDK, the API); pyJson prints `3.0`.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toString(): string {
    return floatRepr(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}
/** A float result: boxed when integral. */
export const pyFloat = (n: number): number | PyFloat => (Number.isInteger(n) ? new PyFloat(n) : n);
/** int, float or bool (a Python number; bool is an int subclass). */
export const isNum = (v: unknown): v is number | boolean | PyFloat =>
  typeof v === 'number' || typeof v === 'boolean' || v instanceof PyFloat;
/** Python float (boxed or a non-integral number). */
export const isFloat = (v: unknown): boolean => v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
/** Python int (not bool). */
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
/** int + float is a float: the result type of an arithmetic operator. */
const numResult = (a: unknown, b: unknown, n: number): number | PyFloat => (isFloat(a) || isFloat(b) ? pyFloat(n) : n);

/** A deep copy of a value that keeps Python's types (tuples, boxed floats); undefined and functions become None. */
export function deepCopy(v: unknown): unknown {
  if (v instanceof PyTuple) {
    const t = new PyTuple();
    for (const x of v) t.push(deepCopy(x));
    return t;
  }
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isDict(v)) {
    const o: Dict = {};
    for (const [k, x] of Object.entries(v)) setKey(o, k, deepCopy(x));
    return o;
  }
  if (v === undefined || typeof v === 'function') return null;
  return v;
}

/** Jinja2's namespace(): attributes assignable with {% set ns.attr = ... %}, even inside loops. */
export class PyNamespace {
  constructor(init: Dict) {
    for (const [k, v] of Object.entries(init)) setKey(this as unknown as Dict, k, v);
  }
  __str__(): string {
    return `<Namespace ${pyRepr({ ...this })}>`;
  }
}

/** Plain JS data for callers outside the templating world (the library API): boxed floats become numbers,
 * tuples arrays; everything else is copied as it is. */
export function toPlain(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyDatetime) return v.isoformat();
  if (v instanceof PyTimedelta) return v.us / 1_000_000;
  if (Array.isArray(v)) return Array.from(v, toPlain);
  if (isDict(v)) {
    const o: Dict = {};
    for (const [k, x] of Object.entries(v)) setKey(o, k, toPlain(x));
    return o;
  }
  return v;
}

/** A plain object (a mapping): arrays, PyFloat, PyUndefined and every other class instance have prototypes of their own. */
export function isDict(v: unknown): v is Dict {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyDatetime) return 'datetime';
  if (v instanceof PyTimedelta) return 'timedelta';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyUndefined) return 'AnsibleUndefined';
  if (v instanceof PyNamespace) return 'Namespace';
  if (typeof v === 'function') return 'function';
  return 'dict';
}

/** A Python exception Ansible does not catch while templating (ZeroDivisionError, re.error): the task fails with
 * only an `exception` ("An exception occurred during task execution ... The error was: ZeroDivisionError: ..."). */
export class PyException extends TemplateError {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(`${pyType}: ${message}`);
  }
}

/** Python's TypeError; the Templar words it as Ansible does ("Unexpected templating type error ..."). */
export class PyTypeError extends TemplateError {}

/** Python's bool(): None, False, 0, '', [] and {} are false; undefined raises. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'number') return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyUndefined) v.fail();
  if (v instanceof PyTimedelta) return v.us !== 0;
  if (v instanceof PyDatetime) return true;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Python's repr() of a float: shortest round-trip digits, positional between 1e-4 and 1e16, else 1e+16 / 1e-05. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  const digits = mant.replace(/^-/, '').replace('.', ''),
    sign = n < 0 ? '-' : '';
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0'),
    frac = digits.slice(exp + 1);
  return `${sign}${intPart}.${frac || '0'}`;
}
/** Python repr() of an int or float held in a JS number. */
const numberRepr = (n: number): string => (Number.isInteger(n) ? String(n) : floatRepr(n));

/** Python's backslash escapes as Ansible's _decode_escapes (parse_kv) and Jinja2's string literals decode them:
 * \\n, \\t, \\\\, \\', \\x41, \\101, \\u00e9, \\U0001F600; any other backslash stays as it is. */
export function decodeEscapes(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(ESCAPE_RE, (m: string, ...rest: unknown[]) =>
    decodeEscape(m, rest[rest.length - 1] as EscapeGroups),
  );
}

const ESCAPE_RE =
  /\\(?:(?<simple>[\\'"abfnrtv])|(?<oct>[0-7]{1,3})|x(?<x>[0-9a-fA-F]{2})|u(?<u>[0-9a-fA-F]{4})|U(?<U>[0-9a-fA-F]{8}))/g;
type EscapeGroups = Partial<Record<'simple' | 'oct' | 'x' | 'u' | 'U', string>>;

/** One escape that ESCAPE_RE matched. */
function decodeEscape(m: string, { simple, oct, x, u, U }: EscapeGroups): string {
  if (simple !== undefined)
    return (
      ({ a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' } as Record<string, string>)[simple] ?? simple
    );
  const code = parseInt((oct ?? x ?? u ?? U)!, oct !== undefined ? 8 : 16);
  return code <= 0x10ffff ? String.fromCodePoint(code) : m;
}

/** Python repr() of a str: single quotes unless the text has ' and no ", non-printable characters escaped. */
export function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c > 0x7f && NOT_PRINTABLE.test(ch)) out += unicodeEscape(c);
    else out += ch;
  }
  return out + quote;
}
/** What Python's str.isprintable() refuses, besides ASCII's controls: repr() escapes these (U+0085, U+00A0,
 * U+200B, ...) and shows every other character as it is (é, ☃, 😀). */
const NOT_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;
const unicodeEscape = (c: number): string =>
  c < 0x100
    ? '\\x' + c.toString(16).padStart(2, '0')
    : c < 0x10000
      ? '\\u' + c.toString(16).padStart(4, '0')
      : '\\U' + c.toString(16).padStart(8, '0');

/** Python repr(); a value too large to write out (an alias bomb) is refused. */
export function pyRepr(v: unknown): string {
  assertWritable(v);
  return repr(v);
}

function repr(v: unknown): string {
  if (typeof v === 'string') return reprString(v);
  if (isSafeString(v)) return reprString(String(v));
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return numberRepr(v);
  if (v instanceof PyDatetime || v instanceof PyTimedelta) return v.__repr__();
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof PyTuple) return v.length === 1 ? `(${repr(v[0])},)` : `(${v.map(repr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  if (v instanceof PyUndefined) return v.fail();
  if (v instanceof PyNamespace) return v.__str__();
  if (typeof v === 'object') {
    const entries = Object.entries(v as Dict).map(([k, val]) => `${reprString(k)}: ${repr(val)}`);
    return `{${entries.join(', ')}}`;
  }
  return String(v);
}

/** Python's ValueError (json.JSONDecodeError and kin): raised while templating a task's args, Ansible reports
 * it as an invalid value of the field 'args'. */
export class PyValueError extends TemplateError {}

const BOOLEANS_TRUE = ['y', 'yes', 'on', '1', 'true', 't'];
const BOOLEANS_FALSE = ['n', 'no', 'off', '0', 'false', 'f'];
/** ansible.module_utils.parsing.convert_bool.boolean: strings by their lower-cased text, numbers equal to 1 or 0;
 * anything else is false when not strict, else undefined (the caller words the error). */
export function pyBoolean(value: unknown, strict: boolean): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' || isSafeString(value)) {
    const s = String(value).toLowerCase().trim();
    if (BOOLEANS_TRUE.includes(s)) return true;
    if (BOOLEANS_FALSE.includes(s)) return false;
  } else if (isNum(value)) {
    if (Number(value) === 1) return true;
    if (Number(value) === 0) return false;
  }
  return strict ? undefined : false;
}
export const BOOLEANS_TEXT =
  "'y', 'yes', 'on', '1', 'true', 't', 1, 1.0, True, 'n', 'no', 'off', '0', 'false', 'f', 0, 0.0, False";

/** Nunjucks' SafeString (what a macro call returns) is a str to Python. */
export const isSafeString = (v: unknown): boolean => v instanceof String;

/** Python str(). */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (isSafeString(v)) return String(v);
  if (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof PyUndefined) &&
    typeof (v as { __str__?: unknown }).__str__ === 'function'
  )
    return (v as { __str__(): string }).__str__();
  return pyRepr(v);
}

/** Python ==, deep and without coercion (1 == True holds, '1' == 1 does not). */
export function pyEq(a: unknown, b: unknown): boolean {
  if (a instanceof PyUndefined) a.fail();
  if (b instanceof PyUndefined) b.fail();
  if (a === b) return true;
  if ((a instanceof PyDatetime && b instanceof PyDatetime) || (a instanceof PyTimedelta && b instanceof PyTimedelta))
    return a.us === b.us;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (isNum(a) && isNum(b)) return Number(a) === Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a instanceof PyTuple !== b instanceof PyTuple) return false;
    return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a),
      kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && pyEq(a[k], b[k]));
  }
  return a === b;
}

const OP_SYMBOL = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
type OrderOp = keyof typeof OP_SYMBOL;

/** Python's three-way ordering for <, <=, >, >=; unrelated types raise TypeError as Python does. */
export function pyCompare(a: unknown, b: unknown, op: OrderOp): number {
  assertDefined(a);
  assertDefined(b);
  if (isNum(a) && isNum(b)) return Number(a) - Number(b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if ((a instanceof PyDatetime && b instanceof PyDatetime) || (a instanceof PyTimedelta && b instanceof PyTimedelta))
    return a.us - b.us;
  if (Array.isArray(a) && Array.isArray(b) && a instanceof PyTuple === b instanceof PyTuple) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEq(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw new PyTypeError(`'${OP_SYMBOL[op]}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

export function pyCompareOp(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return pyEq(a, b);
    case '!=':
      return !pyEq(a, b);
    case '<':
      return pyCompare(a, b, 'lt') < 0;
    case '<=':
      return pyCompare(a, b, 'lte') <= 0;
    case '>':
      return pyCompare(a, b, 'gt') > 0;
    case '>=':
      return pyCompare(a, b, 'gte') >= 0;
    default:
      throw new TemplateError(`unknown comparison operator ${op}`);
  }
}

/** Python `in`. */
export function pyIn(needle: unknown, haystack: unknown): boolean {
  assertDefined(needle);
  assertDefined(haystack);
  if (typeof haystack === 'string') {
    if (typeof needle !== 'string')
      throw new PyTypeError(`'in <string>' requires string as left operand, not ${typeName(needle)}`);
    return haystack.includes(needle);
  }
  if (Array.isArray(haystack)) return haystack.some((x) => pyEq(x, needle));
  if (isDict(haystack)) return typeof needle === 'string' && Object.hasOwn(haystack, needle);
  throw new PyTypeError(`argument of type '${typeName(haystack)}' is not iterable`);
}

const unsupported = (op: string, a: unknown, b: unknown) =>
  new PyTypeError(`unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);

export function pyAdd(a: unknown, b: unknown): unknown {
  assertDefined(a);
  assertDefined(b);
  if (isNum(a) && isNum(b)) return numResult(a, b, Number(a) + Number(b));
  if (typeof a === 'string' && typeof b === 'string') return a + b;
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return new PyTimedelta(a.us + b.us);
  if (a instanceof PyDatetime && b instanceof PyTimedelta) return new PyDatetime(a.us + b.us);
  if (a instanceof PyTimedelta && b instanceof PyDatetime) return new PyDatetime(a.us + b.us);
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (typeof a === 'string') throw new PyTypeError(`can only concatenate str (not "${typeName(b)}") to str`);
  if (Array.isArray(a)) throw new PyTypeError(`can only concatenate list (not "${typeName(b)}") to list`);
  throw unsupported('+', a, b);
}
export function pySub(a: unknown, b: unknown): number | PyFloat | PyDatetime | PyTimedelta {
  assertDefined(a);
  assertDefined(b);
  if (isNum(a) && isNum(b)) return numResult(a, b, Number(a) - Number(b));
  if (a instanceof PyDatetime && b instanceof PyDatetime) return new PyTimedelta(a.us - b.us);
  if (a instanceof PyDatetime && b instanceof PyTimedelta) return new PyDatetime(a.us - b.us);
  if (a instanceof PyTimedelta && b instanceof PyTimedelta) return new PyTimedelta(a.us - b.us);
  throw unsupported('-', a, b);
}
export function pyMul(a: unknown, b: unknown): unknown {
  assertDefined(a);
  assertDefined(b);
  if (isNum(a) && isNum(b)) return numResult(a, b, Number(a) * Number(b));
  const seqTimes = (s: unknown, n: unknown) => {
    const k = Math.max(0, Number(n));
    if (typeof s === 'string') return s.repeat(k);
    const out: unknown[] = [];
    for (let i = 0; i < k; i++) out.push(...(s as unknown[]));
    return out;
  };
  if ((typeof a === 'string' || Array.isArray(a)) && (isInt(b) || typeof b === 'boolean')) return seqTimes(a, b);
  if ((typeof b === 'string' || Array.isArray(b)) && (isInt(a) || typeof a === 'boolean')) return seqTimes(b, a);
  if (typeof a === 'string' || Array.isArray(a) || typeof b === 'string' || Array.isArray(b))
    throw new PyTypeError(
      `can't multiply sequence by non-int of type '${typeName(typeof a === 'string' || Array.isArray(a) ? b : a)}'`,
    );
  throw unsupported('*', a, b);
}
export function pyDiv(a: unknown, b: unknown): number | PyFloat {
  assertDefined(a);
  assertDefined(b);
  if (!isNum(a) || !isNum(b)) throw unsupported('/', a, b);
  if (Number(b) === 0)
    throw new PyException(
      'ZeroDivisionError',
      isFloat(a) || isFloat(b) ? 'float division by zero' : 'division by zero',
    );
  return pyFloat(Number(a) / Number(b));
}
export function pyFloorDiv(a: unknown, b: unknown): number | PyFloat {
  assertDefined(a);
  assertDefined(b);
  if (!isNum(a) || !isNum(b)) throw unsupported('//', a, b);
  if (Number(b) === 0)
    throw new PyException(
      'ZeroDivisionError',
      isFloat(a) || isFloat(b) ? 'float divmod()' : 'integer division or modulo by zero',
    );
  return numResult(a, b, Math.floor(Number(a) / Number(b)));
}
export function pyMod(a: unknown, b: unknown): unknown {
  assertDefined(a);
  // (an undefined argument is only an error where it is converted: `%r` gives its repr)
  if (typeof a === 'string') return percentFormat(a, b);
  assertDefined(b);
  if (!isNum(a) || !isNum(b)) throw unsupported('%', a, b);
  if (Number(b) === 0)
    throw new PyException('ZeroDivisionError', isFloat(a) || isFloat(b) ? 'float modulo' : 'integer modulo by zero');
  const x = Number(a),
    y = Number(b);
  return numResult(a, b, ((x % y) + y) % y);
}
export function pyPow(a: unknown, b: unknown): number | PyFloat {
  assertDefined(a);
  assertDefined(b);
  if (!isNum(a) || !isNum(b)) throw unsupported('** or pow()', a, b);
  const r = Math.pow(Number(a), Number(b));
  return isFloat(a) || isFloat(b) || Number(b) < 0 ? pyFloat(r) : r;
}
export function pyNeg(a: unknown): number | PyFloat | PyTimedelta {
  assertDefined(a);
  if (a instanceof PyTimedelta) return new PyTimedelta(-a.us);
  if (!isNum(a)) throw new PyTypeError(`bad operand type for unary -: '${typeName(a)}'`);
  return isFloat(a) ? pyFloat(-Number(a)) : -Number(a);
}

/** AnsibleUndefined's repr, for a variable that is not defined (others fail as any use of them does). */
function undefinedRepr(v: PyUndefined): string {
  const name = /^'([^']+)' is undefined$/.exec(v.hint);
  return name ? `AnsibleUndefined(hint=None, obj=missing, name='${name[1]}')` : v.fail();
}

/** printf-style `'%s-%03d' % (a, 7)`. */
function percentFormat(fmt: string, args: unknown): string {
  const list = args instanceof PyTuple ? [...args] : [args];
  checkConversions(fmt);
  let i = 0;
  const out = fmt.replace(PERCENT_RE, (_m: string, ...rest: unknown[]) => {
    const spec = rest[rest.length - 1] as PercentSpec;
    if (spec.conv === '%') return '%';
    if (spec.key !== undefined && !isDict(args)) throw new PyTypeError('format requires a mapping');
    const v = spec.key !== undefined && isDict(args) ? args[spec.key] : list[i++];
    return padConversion(convert(v, spec), v, spec);
  });
  if (key_free_count(fmt) < list.length && !isDict(args) && args instanceof PyTuple)
    throw new PyTypeError('not all arguments converted during string formatting');
  return out;
}

/** The ValueError of a `%` that starts no conversion Python knows (those it knows and tsible does not stay). */
function checkConversions(fmt: string): void {
  for (const m of fmt.matchAll(/%(\([^)]*\)?)?[-+ 0#]*(?:\d+|\*)?(?:\.\d*)?([\s\S]?)/g)) {
    const [spec, key, conv] = m;
    if (key !== undefined && !key.endsWith(')')) throw new PyValueError('incomplete format key');
    if (!conv) throw new PyValueError('incomplete format');
    if (!'diouxXeEfFgGcrsa%'.includes(conv)) {
      const code = conv.codePointAt(0)!.toString(16);
      const at = m.index + spec.length - 1;
      throw new PyValueError(`unsupported format character '${conv}' (0x${code}) at index ${at}`);
    }
  }
}

const PERCENT_RE = /%(\((?<key>\w+)\))?(?<flags>[-+ 0#]*)(?<width>\d+|\*)?(?:\.(?<prec>\d+))?(?<conv>[sdirfFeExXoc%])/g;
/** A conversion specifier: %(key)flags width .precision conversion. */
interface PercentSpec {
  key?: string;
  flags: string;
  width?: string;
  prec?: string;
  conv: string;
}

/** The value converted as the specifier's conversion type says, before padding. */
function convert(v: unknown, { conv, prec }: PercentSpec): string {
  if (v instanceof PyUndefined) return conv === 'r' ? undefinedRepr(v) : v.fail();
  switch (conv) {
    case 's':
      return pyStr(v);
    case 'r':
      return pyRepr(v);
    case 'd':
    case 'i':
      if (!isNum(v)) throw new PyTypeError(`%${conv} format: a real number is required, not ${typeName(v)}`);
      return String(Math.trunc(Number(v)));
    case 'f':
    case 'F':
      return fixed(Number(v), prec === undefined ? 6 : Number(prec));
    case 'e':
    case 'E': {
      const s = Number(v)
        .toExponential(prec === undefined ? 6 : Number(prec))
        .replace(/e([+-])(\d)$/, 'e$10$2');
      return conv === 'E' ? s.toUpperCase() : s;
    }
    case 'x':
      return Math.trunc(Number(v)).toString(16);
    case 'X':
      return Math.trunc(Number(v)).toString(16).toUpperCase();
    case 'o':
      return Math.trunc(Number(v)).toString(8);
    case 'c':
      return isInt(v) ? String.fromCodePoint(v) : pyStr(v);
    default:
      return pyStr(v);
  }
}

/** Python's `%.Nf`: correctly rounded, an exact tie to the even digit (JS's toFixed takes it away from zero). */
function fixed(x: number, prec: number): string {
  const rounded = x.toFixed(prec);
  if (!Number.isFinite(x) || prec > 40) return rounded;
  // (toFixed's digits are the double's exact decimal expansion)
  const exact = x.toFixed(prec + 60);
  const cut = exact.indexOf('.') + (prec === 0 ? 0 : 1 + prec);
  const tail = exact.slice(cut).replace('.', '');
  if (!/^50*$/.test(tail)) return rounded;
  const truncated = exact.slice(0, cut);
  return Number(truncated.at(-1)) % 2 === 0 ? truncated : rounded;
}

/** The sign (flag +) and the padding to the width (flags - and 0). */
function padConversion(converted: string, v: unknown, { flags, width, conv }: PercentSpec): string {
  let s = converted;
  if (flags.includes('+') && /[dif]/.test(conv) && Number(v) >= 0) s = '+' + s;
  const w = width ? Number(width) : 0;
  if (s.length < w) {
    if (flags.includes('-')) s = s.padEnd(w);
    else if (flags.includes('0') && conv !== 's')
      s = s.startsWith('-') ? '-' + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0');
    else s = s.padStart(w);
  }
  return s;
}
const key_free_count = (fmt: string) => (fmt.match(/%[^%(]/g) ?? []).length;

/**
 * Python's ast.literal_eval for what Ansible 2.14 feeds it (lists, dicts, tuples, strings, numbers,
 * True/False/None, and JSON's true/false/null, which Ansible also accepts). Returns `fail` when the text is
 * not a literal.
 */
export function parsePythonLiteral(text: string): { ok: true; value: unknown } | { ok: false } {
  const fail = { ok: false as const };
  const r = new LiteralReader(text);
  try {
    const v = r.value();
    r.ws();
    if (r.i !== text.length) return fail;
    return { ok: true, value: v };
  } catch (e) {
    if (e instanceof NotALiteral) return fail;
    throw e;
  }
}

class NotALiteral extends Error {}

/** The escapes of a Python string literal that stand for one character. */
const LITERAL_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/** literal_eval's reader: the text and how far it has read it; NotALiteral when the text is something else. */
class LiteralReader {
  i = 0;
  constructor(readonly text: string) {}

  ws(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }

  #expect(c: string): void {
    this.ws();
    if (this.text[this.i] !== c) throw new NotALiteral();
    this.i++;
  }

  value(): unknown {
    this.ws();
    const c = this.text[this.i];
    if (c === '[' || c === '(') return this.#sequence(c);
    if (c === '{') return this.#dict();
    if (c === "'" || c === '"') return this.#strings();
    return this.#scalar();
  }

  /** A list, or a tuple (one item in parentheses without a comma is just the item). */
  #sequence(open: '[' | '('): unknown {
    const { text } = this;
    const close = open === '[' ? ']' : ')';
    this.i++;
    const items: unknown[] = open === '(' ? new PyTuple() : [];
    let sawComma = false;
    this.ws();
    while (text[this.i] !== close) {
      items.push(this.value());
      this.ws();
      if (text[this.i] === ',') {
        this.i++;
        sawComma = true;
        this.ws();
        continue;
      }
      if (text[this.i] !== close) throw new NotALiteral();
    }
    this.i++;
    if (open === '(' && items.length === 1 && !sawComma) return items[0];
    return items;
  }

  #dict(): Dict {
    const { text } = this;
    this.i++;
    const obj: Dict = {};
    this.ws();
    while (text[this.i] !== '}') {
      const k = this.value();
      if (typeof k !== 'string' && typeof k !== 'number' && typeof k !== 'boolean' && k !== null)
        throw new NotALiteral();
      this.#expect(':');
      Object.defineProperty(obj, pyStr(k), {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.ws();
      if (text[this.i] === ',') {
        this.i++;
        this.ws();
        continue;
      }
      if (text[this.i] !== '}') throw new NotALiteral();
    }
    this.i++;
    return obj;
  }

  /** One string literal, or several side by side: they concatenate, as in Python. */
  #strings(): string {
    const { text } = this;
    let s = '';
    let first = true;
    while (text[this.i] === "'" || text[this.i] === '"') {
      if (!first) this.ws();
      first = false;
      const q = text[this.i]!;
      this.i++;
      while (this.i < text.length && text[this.i] !== q) {
        if (text[this.i] === '\\') s += this.#escape();
        else s += text[this.i++];
      }
      if (text[this.i] !== q) throw new NotALiteral();
      this.i++;
      this.ws();
    }
    return s;
  }

  /** A backslash escape in a string literal. */
  #escape(): string {
    const { text } = this;
    const n = text[this.i + 1];
    this.i += 2;
    if (n === 'x') {
      this.i += 2;
      return String.fromCharCode(parseInt(text.slice(this.i - 2, this.i), 16));
    }
    if (n === 'u') {
      this.i += 4;
      return String.fromCharCode(parseInt(text.slice(this.i - 4, this.i), 16));
    }
    if (n !== undefined && n in LITERAL_ESCAPES) return LITERAL_ESCAPES[n]!;
    return '\\' + (n ?? '');
  }

  /** A number, True, False or None (or JSON's true, false and null). */
  #scalar(): unknown {
    const m =
      /^[-+]?(?:\d[\d_]*\.?[\d_]*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|^(?:True|False|None|true|false|null)/.exec(
        this.text.slice(this.i),
      );
    if (!m) throw new NotALiteral();
    this.i += m[0].length;
    switch (m[0]) {
      case 'True':
      case 'true':
        return true;
      case 'False':
      case 'false':
        return false;
      case 'None':
      case 'null':
        return null;
    }
    const n = Number(m[0].replace(/_/g, ''));
    return /[.eE]/.test(m[0]) ? pyFloat(n) : n;
  }
}
