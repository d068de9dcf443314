// Jinja2 3.1's built-in filters, with Jinja2's parameter names.
import { TemplateError } from '../src/errors.js';
import { PyTuple, isDict, pyCompare, pyEq, pyRepr, pyStr, truthy, typeName, type Dict } from '../src/python/python.js';
import { memberLookup } from '../src/python/methods.js';
import { pyJson } from '../src/python/pyjson.js';
import { PyUndefined } from '../src/python/undefined.js';
import { filter, variadic, type FilterTable } from './helpers.js';
import { URL_FILTERS, htmlEscape } from './urls.js';

/** Jinja2's attribute paths: 'a.b.0' looks up a, then b, then index 0. */
export function getAttribute(value: unknown, attribute: unknown, dflt?: unknown): unknown {
  let v = value;
  const parts = typeof attribute === 'number' ? [attribute] : String(attribute).split('.');
  for (const p of parts) {
    v = memberLookup(v, typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p);
    if (v instanceof PyUndefined) return dflt !== undefined ? dflt : v;
  }
  return v;
}

export function toList(value: unknown): unknown[] {
  if (value instanceof PyUndefined) value.fail();
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isDict(value)) return Object.keys(value);
  if (value !== null && typeof value === 'object' && Symbol.iterator in value) return [...(value as Iterable<unknown>)];
  throw new PYOPS.PyTypeError(`'${typeName(value)}' object is not iterable`);
}

const sortKey = (caseSensitive: boolean) => (v: unknown) =>
  !caseSensitive && typeof v === 'string' ? v.toLowerCase() : v;

export function pySort(items: unknown[], key: (v: unknown) => unknown, reverse = false): unknown[] {
  // stable, as Python's sort is
  const decorated = items.map((v, i) => ({ v, k: key(v), i }));
  decorated.sort((a, b) => {
    const c = pyCompare(a.k, b.k, 'lt');
    return c !== 0 ? (reverse ? -c : c) : a.i - b.i;
  });
  return decorated.map((d) => d.v);
}

function makeKey(attribute: unknown, caseSensitive: boolean) {
  const lower = sortKey(caseSensitive);
  if (attribute === undefined || attribute === null) return lower;
  const attrs = String(attribute)
    .split(',')
    .map((a) => a.trim());
  if (attrs.length === 1) return (v: unknown) => lower(getAttribute(v, attrs[0]));
  return (v: unknown) => PyTuple.of2(...attrs.map((a) => lower(getAttribute(v, a))));
}

/** The test-or-attribute selection shared by select/reject/selectattr/rejectattr: `attribute` when the first
 * argument names the attribute to test, `reject` to keep the items that fail the test. */
function selectOrReject(
  context: unknown,
  value: unknown,
  args: unknown[],
  { attribute: lookupAttr, reject }: { attribute: boolean; reject: boolean },
) {
  const modfunc = (b: boolean) => (reject ? !b : b);
  const items = toList(value);
  let attr: unknown;
  let rest = args;
  if (lookupAttr) {
    if (!rest.length)
      throw new PYOPS.PyException('jinja2.exceptions.FilterArgumentError', 'Missing parameter for attribute name');
    attr = rest[0];
    rest = rest.slice(1);
  }
  const transform = (v: unknown) => (lookupAttr ? getAttribute(v, attr) : v);
  let check: (v: unknown) => boolean;
  if (rest.length === 0) check = (v) => truthy(v);
  else {
    const name = String(rest[0]);
    const testArgs = rest.slice(1);
    const test = runtimePlugin('test', name);
    check = (v) => truthy(test.call(context, v, ...testArgs));
  }
  return items.filter((item) => modfunc(check(transform(item))));
}

/** A test or filter that select, map and their kin name at run time. One Ansible's plugin loader cannot load raises
 * Jinja2's TemplateSyntaxError with the loader's KeyError: the name, or, when it cannot be a plugin's name (not a
 * valid FQCN once a short name is taken as ansible.builtin's), that it is invalid. */
function runtimePlugin(kind: 'test' | 'filter', name: string): (...args: unknown[]) => unknown {
  try {
    return kind === 'test' ? env().getTest(name) : env().getFilter(name);
  } catch {
    const fqcn = name.includes('.') ? name : `ansible.builtin.${name}`;
    const why = /^(?:[A-Za-z_]\w*\.){2,}[A-Za-z_]\w*$/.test(fqcn) ? name : `invalid plugin name: ${fqcn}`;
    throw new PYOPS.PyException(
      'jinja2.exceptions.TemplateSyntaxError',
      `Could not load "${name}": '${why}'\n  line 0`,
    );
  }
}

let environment: any;
export const bindEnvironment = (env: any) => {
  environment = env;
};
const env = () => environment;

const round = (value: number, precision: number, method: string) => {
  const f = Math.pow(10, precision);
  if (method === 'ceil') return Math.ceil(value * f) / f;
  if (method === 'floor') return Math.floor(value * f) / f;
  // Python rounds half to even on the binary value; this matches for the usual decimal inputs
  const x = value * f;
  const r = Math.round(x);
  return (Math.abs(x % 1) === 0.5 ? (r % 2 === 0 ? r : r - 1) : r) / f;
};

function toInt(value: unknown, dflt = 0, base = 10): number {
  if (value instanceof PYOPS.PyFloat) value = value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : dflt;
  if (typeof value === 'string') {
    const s = value.trim().replace(/_/g, '');
    if (base !== 10) {
      const m = /^[-+]?(0[xob])?([0-9a-fA-F]+)$/.exec(s);
      const n = m ? parseInt(s.replace(/^([-+]?)0[xob]/i, '$1'), base) : NaN;
      return Number.isNaN(n) ? dflt : n;
    }
    if (/^[-+]?\d+$/.test(s)) return parseInt(s, 10);
    const f = Number(s);
    return s !== '' && Number.isFinite(f) ? Math.trunc(f) : dflt;
  }
  return dflt;
}
function toFloat(value: unknown, dflt = 0): number {
  if (value instanceof PYOPS.PyFloat) return value.value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (s === 'inf' || s === 'infinity') return Infinity;
    if (s === 'nan') return NaN;
    const f = Number(s);
    return s !== '' && !Number.isNaN(f) ? f : dflt;
  }
  return dflt;
}

export function length(value: unknown): number {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  if (isDict(value)) return Object.keys(value).length;
  throw new PYOPS.PyTypeError(`object of type '${typeName(value)}' has no len()`);
}

/** A copy with every dict's keys in sorted order (as pprint prints them). */
const keysSorted = (v: unknown): unknown =>
  Array.isArray(v) && !(v instanceof PyTuple)
    ? v.map(keysSorted)
    : isDict(v)
      ? Object.keys(v)
          .sort()
          .reduce<Dict>((o, k) => (PYOPS.setKey(o, k, keysSorted(v[k])), o), {})
      : v;

export const JINJA2_FILTERS: FilterTable = {
  abs: filter([], (v) => (PYOPS.isFloat(v) ? PYOPS.pyFloat(Math.abs(Number(v))) : Math.abs(v))),
  attr: filter(['name'], (v, p) => memberLookup(v, p.name)),
  batch: filter(['linecount', 'fill_with'], (v, { linecount, fill_with = null }) => {
    const items = toList(v);
    const n = Number(linecount);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const last = out[out.length - 1];
    if (fill_with !== null && last) while (last.length < n) last.push(fill_with);
    return out;
  }),
  capitalize: filter([], (v) => {
    const s = pyStr(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  }),
  center: filter(['width'], (v, { width = 80 }) => {
    const s = pyStr(v);
    const total = Math.max(0, Number(width) - s.length);
    const l = Math.floor(total / 2);
    return ' '.repeat(l) + s + ' '.repeat(total - l);
  }),
  default: filter(
    ['default_value', 'boolean'],
    (v, { default_value = '', boolean = false }) =>
      v instanceof PyUndefined || (boolean && !truthy(v)) ? default_value : v,
    { acceptsUndefined: true },
  ),
  dict: filter([], (v) => ({ ...v })),
  dictsort: filter(
    ['case_sensitive', 'by', 'reverse'],
    (v, { case_sensitive = false, by = 'key', reverse = false }) => {
      const pos = by === 'value' ? 1 : 0;
      const lower = sortKey(Boolean(case_sensitive));
      return pySort(
        Object.entries(v as Dict).map(([k, x]) => PyTuple.of2(k, x)),
        (t) => lower((t as unknown[])[pos]),
        Boolean(reverse),
      );
    },
  ),
  filesizeformat: filter(['binary'], (v, { binary = false }) => {
    const bytes = toFloat(v),
      bin = PYOPS.truthy(binary),
      base = bin ? 1024 : 1000;
    const prefixes = bin
      ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']
      : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
    if (bytes === 1) return '1 Byte';
    if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
    let i = 0;
    while (i < prefixes.length - 1 && bytes >= base ** (i + 2)) i++;
    return `${((base * bytes) / base ** (i + 2)).toFixed(1)} ${prefixes[i]}`;
  }),
  escape: filter([], (v) => htmlEscape(pyStr(v))),
  first: filter([], (v) => {
    const items = toList(v);
    if (!items.length) return new PyUndefined('No first item, sequence was empty.');
    return items[0];
  }),
  float: filter(['default'], (v, { default: d = 0.0 }) => PYOPS.pyFloat(toFloat(v, Number(d)))),
  format: variadic((v, args, kw) => {
    void kw;
    const { pyMod } = PYOPS;
    return pyMod(pyStr(v), args.length === 1 ? args[0] : PyTuple.of2(...args));
  }),
  groupby: filter(
    ['attribute', 'default', 'case_sensitive'],
    (v, { attribute, default: d, case_sensitive = false }) => {
      const key = (x: unknown) => getAttribute(x, attribute, d);
      const lower = sortKey(Boolean(case_sensitive));
      const sorted = pySort(toList(v), (x) => lower(key(x)));
      const groups: PyTuple[] = [];
      for (const item of sorted) {
        const k = key(item);
        const last = groups[groups.length - 1];
        if (last && pyEq(lower(last[0]), lower(k))) (last[1] as unknown[]).push(item);
        else groups.push(PyTuple.of2(k, [item]));
      }
      return groups;
    },
  ),
  indent: filter(['width', 'first', 'blank'], (v, { width = 4, first = false, blank = false }) => {
    const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
    const lines = pyStr(v).split('\n');
    return lines.map((l, i) => ((i === 0 && !first) || (!blank && l.trim() === '') ? l : pad + l)).join('\n');
  }),
  int: filter(['default', 'base'], (v, { default: d = 0, base = 10 }) => toInt(v, Number(d), Number(base))),
  items: filter([], (v) => Object.entries(v as Dict).map(([k, x]) => PyTuple.of2(k, x)), { acceptsUndefined: false }),
  join: filter(['d', 'attribute'], (v, { d = '', attribute }) =>
    toList(v)
      .map((x) => pyStr(attribute === undefined ? x : getAttribute(x, attribute)))
      .join(pyStr(d)),
  ),
  last: filter([], (v) => {
    if (!Array.isArray(v) && typeof v !== 'string' && !isDict(v))
      throw new PYOPS.PyTypeError(`'${typeName(v)}' object is not reversible`);
    const items = toList(v);
    if (!items.length) return new PyUndefined('No last item, sequence was empty.');
    return items[items.length - 1];
  }),
  length: filter([], (v) => length(v)),
  list: filter([], (v) => [...toList(v)]),
  lower: filter([], (v) => pyStr(v).toLowerCase()),
  map: variadic(function (this: unknown, v, args, kw) {
    const items = toList(v);
    if (kw.attribute !== undefined) return items.map((x) => getAttribute(x, kw.attribute, kw.default));
    if (!args.length) throw new TemplateError('map requires a filter argument');
    const f = runtimePlugin('filter', String(args[0]));
    const rest = args.slice(1);
    const extra = Object.keys(kw).length ? [{ ...kw, __keywords: true }] : [];
    return items.map((x) => f.call(this, x, ...rest, ...extra));
  }),
  max: filter(['case_sensitive', 'attribute'], (v, { case_sensitive = false, attribute }) => {
    const items = toList(v);
    if (!items.length) return new PyUndefined('No aggregated item, sequence was empty.');
    return pySort(items, makeKey(attribute, Boolean(case_sensitive)), true)[0];
  }),
  min: filter(['case_sensitive', 'attribute'], (v, { case_sensitive = false, attribute }) => {
    const items = toList(v);
    if (!items.length) return new PyUndefined('No aggregated item, sequence was empty.');
    return pySort(items, makeKey(attribute, Boolean(case_sensitive)))[0];
  }),
  // pprint.pformat sorts a dict's keys
  pprint: filter([], (v) => pyRepr(keysSorted(v))),
  reject: variadic(function (this: unknown, v, args) {
    return selectOrReject(this, v, args, { attribute: false, reject: true });
  }),
  rejectattr: variadic(function (this: unknown, v, args) {
    return selectOrReject(this, v, args, { attribute: true, reject: true });
  }),
  replace: filter(['old', 'new', 'count'], (v, { old, new: nw, count }) => {
    const s = pyStr(v);
    const a = pyStr(old),
      b = pyStr(nw);
    if (count === undefined || count === null) return s.split(a).join(b);
    let out = '';
    let rest = s;
    let n = Number(count);
    while (n-- > 0) {
      const i = rest.indexOf(a);
      if (i < 0) break;
      out += rest.slice(0, i) + b;
      rest = rest.slice(i + a.length);
    }
    return out + rest;
  }),
  reverse: filter([], (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...toList(v)].reverse())),
  // round(int, n) stays an int in Python; ceil/floor divide, so they always give a float
  round: filter(['precision', 'method'], (v, { precision = 0, method = 'common' }) => {
    const r = round(Number(v), Number(precision), String(method));
    return method === 'common' && !PYOPS.isFloat(v) ? r : PYOPS.pyFloat(r);
  }),
  safe: filter([], (v) => v),
  select: variadic(function (this: unknown, v, args) {
    return selectOrReject(this, v, args, { attribute: false, reject: false });
  }),
  selectattr: variadic(function (this: unknown, v, args) {
    return selectOrReject(this, v, args, { attribute: true, reject: false });
  }),
  slice: filter(['slices', 'fill_with'], (v, { slices, fill_with = null }) => {
    const items = toList(v);
    const n = Number(slices);
    const per = Math.floor(items.length / n),
      extra = items.length % n;
    const out: unknown[][] = [];
    let off = 0;
    for (let i = 0; i < n; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = items.slice(off, off + size);
      off += size;
      if (fill_with !== null && i >= extra && extra) part.push(fill_with);
      out.push(part);
    }
    return out;
  }),
  sort: filter(
    ['reverse', 'case_sensitive', 'attribute'],
    (v, { reverse = false, case_sensitive = false, attribute }) =>
      pySort(toList(v), makeKey(attribute, Boolean(case_sensitive)), Boolean(reverse)),
  ),
  string: filter([], (v) => pyStr(v)),
  striptags: filter([], (v) =>
    pyStr(v)
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  ),
  sum: filter(['attribute', 'start'], (v, { attribute, start = 0 }) =>
    toList(v).reduce<unknown>(
      (acc, x) => PYOPS.pyAdd(acc, attribute === undefined ? x : getAttribute(x, attribute)),
      start,
    ),
  ),
  title: filter([], (v) =>
    pyStr(v).replace(/([\w'])([\w']*)/g, (_m, a: string, b: string) => a.toUpperCase() + b.toLowerCase()),
  ),
  tojson: filter(['indent'], (v, { indent }) =>
    pyJson(v, { indent: indent === undefined || indent === null ? undefined : Number(indent), sortKeys: true })
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/'/g, '\\u0027'),
  ),
  trim: filter(['chars'], (v, { chars }) => {
    const s = pyStr(v);
    if (chars === undefined || chars === null) return s.trim();
    const c = String(chars);
    let a = 0,
      b = s.length;
    while (a < b && c.includes(s[a]!)) a++;
    while (b > a && c.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  }),
  truncate: filter(
    ['length', 'killwords', 'end', 'leeway'],
    (v, { length: len = 255, killwords = false, end = '...', leeway = 5 }) => {
      const s = pyStr(v);
      const n = Number(len),
        e = String(end);
      if (n < e.length) throw new PYOPS.PyException('AssertionError', `expected length >= ${e.length}, got ${n}`);
      if (Number(leeway) < 0)
        throw new PYOPS.PyException('AssertionError', `expected leeway >= 0, got ${pyStr(leeway)}`);
      if (s.length <= n + Number(leeway)) return s;
      if (killwords) return s.slice(0, n - e.length) + e;
      const cut = s.slice(0, n - e.length);
      const sp = cut.lastIndexOf(' ');
      return (sp >= 0 ? cut.slice(0, sp) : cut) + e;
    },
  ),
  upper: filter([], (v) => pyStr(v).toUpperCase()),
  urlencode: URL_FILTERS.urlencode,
  wordcount: filter([], (v) => (pyStr(v).match(/\w+/g) ?? []).length),
  wordwrap: filter(['width', 'break_long_words', 'wrapstring'], (v, { width = 79, wrapstring = '\n' }) => {
    const words = pyStr(v).split(/\s+/);
    const lines: string[] = [];
    let line = '';
    for (const w of words) {
      if (line && (line + ' ' + w).length > Number(width)) {
        lines.push(line);
        line = w;
      } else line = line ? line + ' ' + w : w;
    }
    if (line) lines.push(line);
    return lines.join(String(wrapstring));
  }),
  xmlattr: filter(['autospace'], (v, { autospace = true }) => {
    const s = Object.entries(v as Dict)
      .filter(([, x]) => x !== null && !(x instanceof PyUndefined))
      .map(
        ([k, x]) =>
          `${k}="${pyStr(x).replace(/&/g, '&amp;').replace(/"/g, '&#34;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`,
      )
      .join(' ');
    return autospace && s ? ' ' + s : s;
  }),
};
JINJA2_FILTERS.d = JINJA2_FILTERS.default!;
JINJA2_FILTERS.e = JINJA2_FILTERS.forceescape = JINJA2_FILTERS.escape!;
JINJA2_FILTERS.urlize = URL_FILTERS.urlize;
JINJA2_FILTERS.count = JINJA2_FILTERS.length!;

import * as PYOPS from '../src/python/python.js';
