// Python methods that templates call on str, list and dict values ('x'.startswith, d.get, d.items() ...),
// and Jinja2's attribute/item lookup that finds them.
import {
  PyNamespace,
  PyTuple,
  isDict,
  pyRepr,
  isFloat,
  isNum,
  pyEq,
  pyFloat,
  pyStr,
  typeName,
  PyTypeError,
  type Dict,
} from './python.js';
import { PyUndefined } from './undefined.js';

type Method = (self: any, ...args: any[]) => unknown;

const whitespace = (chars?: unknown) => (chars === undefined || chars === null ? ' \t\n\r\x0b\x0c' : String(chars));
const stripLeft = (s: string, chars?: unknown) => {
  const c = whitespace(chars);
  let i = 0;
  while (i < s.length && c.includes(s[i]!)) i++;
  return s.slice(i);
};
const stripRight = (s: string, chars?: unknown) => {
  const c = whitespace(chars);
  let i = s.length;
  while (i > 0 && c.includes(s[i - 1]!)) i--;
  return s.slice(0, i);
};
const anyOf = (arg: unknown, test: (p: string) => boolean) =>
  Array.isArray(arg) ? arg.some((p) => test(String(p))) : test(String(arg));

function pySplit(s: string, sep?: unknown, maxsplit = -1): string[] {
  if (sep === undefined || sep === null) {
    const parts = s
      .trim()
      .split(/\s+/)
      .filter((p) => p !== '');
    if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    const out: string[] = [];
    let rest = s.replace(/^\s+/, '');
    for (let i = 0; i < maxsplit; i++) {
      const m = /\s+/.exec(rest);
      if (!m) break;
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    out.push(rest);
    return out;
  }
  const parts = s.split(String(sep));
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(String(sep))];
}

function pyFormat(fmt: string, args: unknown[], kwargs: Dict): string {
  let auto = 0;
  return fmt.replace(
    /\{\{|\}\}|\{([^{}:!]*)(?:![rs])?(?::([^{}]*))?\}/g,
    (m, field: string | undefined, spec: string | undefined) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      const key = field ?? '';
      const v = key === '' ? args[auto++] : /^\d+$/.test(key) ? args[Number(key)] : kwargs[key];
      let s = pyStr(v);
      if (spec) {
        const sm = /^(?:(.)?([<>^]))?(0)?(\d+)?(?:\.(\d+))?([sdf])?$/.exec(spec);
        if (sm) {
          if (sm[5] !== undefined && typeof v === 'number') s = v.toFixed(Number(sm[5]));
          const width = Number(sm[4] ?? 0),
            fill = sm[3] ? '0' : (sm[1] ?? ' '),
            align = sm[2] ?? (typeof v === 'number' ? '>' : '<');
          if (s.length < width)
            s =
              align === '<'
                ? s.padEnd(width, fill)
                : align === '^'
                  ? s.padStart(Math.floor((width + s.length) / 2), fill).padEnd(width, fill)
                  : s.padStart(width, fill);
        }
      }
      return s;
    },
  );
}

const splitKw = (args: unknown[]): [unknown[], Dict] => {
  const last = args[args.length - 1] as Dict | undefined;
  if (last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords) {
    const { __keywords, ...kw } = last as Dict;
    void __keywords;
    return [args.slice(0, -1), kw];
  }
  return [args, {}];
};

const STR_METHODS: Record<string, Method> = {
  startswith: (s: string, p: unknown) => anyOf(p, (x) => s.startsWith(x)),
  endswith: (s: string, p: unknown) => anyOf(p, (x) => s.endsWith(x)),
  split: (s: string, sep?: unknown, max?: number) => pySplit(s, sep, max ?? -1),
  rsplit: (s: string, sep?: unknown, max = -1) => {
    if (max < 0) return pySplit(s, sep);
    const parts = pySplit(s, sep);
    const d = sep === undefined || sep === null ? ' ' : String(sep);
    if (parts.length <= max + 1) return parts;
    return [parts.slice(0, parts.length - max).join(d), ...parts.slice(parts.length - max)];
  },
  splitlines: (s: string, keep?: boolean) => {
    const parts = s.split(/(\r\n|\n|\r)/);
    const out: string[] = [];
    for (let i = 0; i < parts.length; i += 2) {
      const t = parts[i]! + (keep ? (parts[i + 1] ?? '') : '');
      if (i === parts.length - 1 && parts[i] === '') break;
      out.push(t);
    }
    return out;
  },
  strip: (s: string, c?: unknown) => stripRight(stripLeft(s, c), c),
  lstrip: (s: string, c?: unknown) => stripLeft(s, c),
  rstrip: (s: string, c?: unknown) => stripRight(s, c),
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  title: (s: string) =>
    s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  swapcase: (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  replace: (s: string, a: string, b: string, count = -1) => {
    if (count < 0) return s.split(a).join(b);
    let out = s;
    let n = 0;
    let idx = 0;
    while (n < count) {
      const j = out.indexOf(a, idx);
      if (j < 0) break;
      out = out.slice(0, j) + b + out.slice(j + a.length);
      idx = j + b.length;
      n++;
    }
    return out;
  },
  find: (s: string, sub: string, start = 0) => s.indexOf(sub, start),
  rfind: (s: string, sub: string) => s.lastIndexOf(sub),
  index: (s: string, sub: string) => {
    const i = s.indexOf(sub);
    if (i < 0) throw new PyTypeError('ValueError: substring not found');
    return i;
  },
  count: (s: string, sub: string) => (sub === '' ? s.length + 1 : s.split(sub).length - 1),
  join: (s: string, items: unknown[]) =>
    Array.from(items as Iterable<unknown>, (x) => {
      if (typeof x !== 'string') throw new PyTypeError(`sequence item 0: expected str instance, ${typeName(x)} found`);
      return x;
    }).join(s),
  zfill: (s: string, w: number) =>
    s.startsWith('-') || s.startsWith('+') ? s[0] + s.slice(1).padStart(w - 1, '0') : s.padStart(w, '0'),
  center: (s: string, w: number, f = ' ') => {
    const total = Math.max(0, w - s.length);
    const left = Math.floor(total / 2) + (total & w & 1);
    return f.repeat(left) + s + f.repeat(total - left);
  },
  ljust: (s: string, w: number, f = ' ') => s.padEnd(w, f),
  rjust: (s: string, w: number, f = ' ') => s.padStart(w, f),
  isdigit: (s: string) => /^\d+$/.test(s),
  isnumeric: (s: string) => /^\d+$/.test(s),
  isdecimal: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^\p{L}+$/u.test(s),
  isalnum: (s: string) => /^[\p{L}\d]+$/u.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  islower: (s: string) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  format: (s: string, ...args: unknown[]) => {
    const [pos, kw] = splitKw(args);
    return pyFormat(s, pos, kw);
  },
  partition: (s: string, sep: string) => {
    const i = s.indexOf(sep);
    return i < 0 ? PyTuple.of2(s, '', '') : PyTuple.of2(s.slice(0, i), sep, s.slice(i + sep.length));
  },
  encode: (s: string) => s,
  decode: (s: string) => s,
};

const LIST_METHODS: Record<string, Method> = {
  index: (l: unknown[], x: unknown) => {
    const i = l.findIndex((y) => pyEq(x, y));
    if (i < 0) throw new PyTypeError(`ValueError: ${pyStr(x)} is not in list`);
    return i;
  },
  count: (l: unknown[], x: unknown) => l.filter((y) => pyEq(x, y)).length,
  append: (l: unknown[], x: unknown) => {
    l.push(x);
    return null;
  },
  extend: (l: unknown[], xs: unknown[]) => {
    l.push(...xs);
    return null;
  },
  insert: (l: unknown[], i: number, x: unknown) => {
    l.splice(i, 0, x);
    return null;
  },
  pop: (l: unknown[], i = -1) => l.splice(i < 0 ? l.length + i : i, 1)[0],
  remove: (l: unknown[], x: unknown) => {
    const i = l.findIndex((y) => pyEq(x, y));
    if (i >= 0) l.splice(i, 1);
    return null;
  },
  reverse: (l: unknown[]) => {
    l.reverse();
    return null;
  },
  copy: (l: unknown[]) => [...l],
};

const DICT_METHODS: Record<string, Method> = {
  get: (d: Dict, k: string, dflt: unknown = null) => (Object.hasOwn(d, pyStr(k)) ? d[pyStr(k)] : dflt),
  keys: (d: Dict) => Object.keys(d),
  values: (d: Dict) => Object.values(d),
  items: (d: Dict) => Object.entries(d).map(([k, v]) => PyTuple.of2(k, v)),
  copy: (d: Dict) => ({ ...d }),
  update: (d: Dict, other: Dict) => {
    Object.assign(d, other);
    return null;
  },
  pop: (d: Dict, k: string, dflt?: unknown) => {
    if (!Object.hasOwn(d, k)) return dflt ?? null;
    const v = d[k];
    delete d[k];
    return v;
  },
  setdefault: (d: Dict, k: string, v: unknown = null) => {
    if (!Object.hasOwn(d, k)) d[k] = v;
    return d[k];
  },
};

const FLOAT_METHODS: Record<string, Method> = {
  is_integer: (n: unknown) => Number.isInteger(Number(n)),
};

const bind =
  (fn: Method, self: unknown) =>
  (...args: unknown[]) =>
    fn(self, ...args);

/** Names that must never be reachable from a template (prototype pollution, code execution). */
const FORBIDDEN = new Set([
  '__proto__',
  'constructor',
  'prototype',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
]);

function describe(obj: unknown): string {
  if (obj === null || obj === undefined) return "'None'";
  if (obj instanceof PyNamespace) return "'jinja2.utils.Namespace object'";
  return `'${typeName(obj)} object'`;
}

/** Jinja2's getattr/getitem as Ansible sees it: a dict key, a list index (negative too), or a method. */
export function memberLookup(obj: unknown, key: unknown): unknown {
  if (obj instanceof PyUndefined) return obj;
  if (obj === undefined) obj = null;
  if (
    typeof key === 'number' ||
    (typeof key === 'string' && /^-?\d+$/.test(key) && (Array.isArray(obj) || typeof obj === 'string'))
  ) {
    const n = Number(key);
    if (Array.isArray(obj) || typeof obj === 'string') {
      const i = n < 0 ? obj.length + n : n;
      if (i >= 0 && i < obj.length) return obj[i];
      return new PyUndefined(Array.isArray(obj) ? `list object has no element ${n}` : `str object has no element ${n}`);
    }
  }
  if (key instanceof PyUndefined) key.fail();
  const name = typeof key === 'string' ? key : pyStr(key);
  if (FORBIDDEN.has(name)) return new PyUndefined(`${describe(obj)} has no attribute '${name}'`);
  if (isDict(obj)) {
    if (Object.hasOwn(obj, name)) return obj[name];
    // Jinja2 words a missing non-string key as an element: `dict object has no element 1`
    if (typeof key === 'number' || key instanceof Number)
      return new PyUndefined(`dict object has no element ${pyRepr(key)}`);
    const m = DICT_METHODS[name];
    if (m) return bind(m, obj);
  } else if (Array.isArray(obj)) {
    const m = LIST_METHODS[name];
    if (m) return bind(m, obj);
  } else if (typeof obj === 'string') {
    const m = STR_METHODS[name];
    if (m) return bind(m, obj);
  } else if (
    obj !== null &&
    typeof obj === 'object' &&
    typeof (obj as { pyGetAttr?: unknown }).pyGetAttr === 'function'
  ) {
    // datetime, timedelta: their attributes and methods
    const v = (obj as { pyGetAttr(n: string): unknown }).pyGetAttr(name);
    if (v !== undefined) return v;
  } else if (isNum(obj)) {
    if (name === 'real') return obj;
    if (name === 'imag') return isFloat(obj) ? pyFloat(0) : 0;
    const m = isFloat(obj) ? FLOAT_METHODS[name] : undefined;
    if (m) return bind(m, obj);
  } else if (obj !== null && typeof obj === 'object' && Object.hasOwn(obj, name)) {
    return (obj as Dict)[name]; // namespace() and other host objects expose own properties only
  }
  return new PyUndefined(`${describe(obj)} has no attribute '${name}'`);
}

/** Python slicing obj[start:stop:step]. */
export function pySlice(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  if (obj instanceof PyUndefined) obj.fail();
  const seq = typeof obj === 'string' ? [...obj] : Array.isArray(obj) ? obj : null;
  if (!seq) throw new PyTypeError(`'${typeName(obj)}' object is not subscriptable`);
  const n = seq.length;
  const st = step === null || step === undefined ? 1 : Number(step);
  if (st === 0) throw new PyTypeError('ValueError: slice step cannot be zero');
  const norm = (v: unknown, dflt: number, lo: number, hi: number) => {
    if (v === null || v === undefined) return dflt;
    let x = Number(v);
    if (x < 0) x += n;
    return Math.min(Math.max(x, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, n),
      b = norm(stop, n, 0, n);
    for (let i = a; i < b; i += st) out.push(seq[i]);
  } else {
    const a = norm(start, n - 1, -1, n - 1),
      b = norm(stop, -1, -1, n - 1);
    for (let i = a; i > b; i += st) out.push(seq[i]);
  }
  return typeof obj === 'string' ? out.join('') : out;
}
