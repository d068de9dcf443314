// Ansible's core filter plugins (lib/ansible/plugins/filter/core.py, mathstuff.py, urlsplit.py), by name and
// parameter names.
import { createHash, type Hash } from 'node:crypto';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { realpathSync } from 'node:fs';
import { ParseError, TemplateError } from '../src/errors.js';
import {
  PyException,
  PyFloat,
  PyTuple,
  PyValueError,
  PyTypeError,
  copyDict,
  isNum,
  pyFloat,
  isDict,
  pyEq,
  pyRepr,
  pyStr,
  setKey,
  truthy,
  typeName,
  type Dict,
} from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { filter, variadic, type FilterTable } from './helpers.js';
import { getAttribute, pySort, toList } from './jinja2.js';
import { compileRegex, translateReplacement } from './regex.js';
import { isYamlString, loadYaml } from '../src/yaml/loader.js';
import { pyYamlDump } from './yaml-dump.js';
import { VaultText } from '../src/vault/index.js';
import { DAYS, MONTHS, strptime } from '../src/python/datetime.js';
import { pyJson, pyJsonLoads } from '../src/python/pyjson.js';
import { PyRandom } from './pyrandom.js';
import { passwordHash } from './crypt.js';
import { PATH_FILTERS } from './paths.js';
import { URL_FILTERS } from './urls.js';

export interface RandomSource {
  next(): number;
}
/** The templar puts its seeded source in the render context; filters read it from `this`. */
const randomOf = (self: unknown): RandomSource =>
  (self as { ctx?: { __tsible_random?: RandomSource } })?.ctx?.__tsible_random ?? { next: Math.random };

/** A small seedable PRNG (mulberry32) for tsible's own choices (the explorer's schedules); templates use PyRandom. */
export function seededRandom(seed: unknown): RandomSource {
  let h = 1779033703;
  for (const ch of pyStr(seed)) {
    h = Math.imul(h ^ ch.charCodeAt(0), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A UUID's text from its first 16 bytes, with the version and RFC 4122 variant bits set. */
function uuidText(bytes: Buffer, version: number): string {
  bytes[6] = (bytes[6]! & 0x0f) | (version << 4);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const x = bytes.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Ansible's `bool` filter. */
export function toBool(v: unknown): unknown {
  if (v === null || v === undefined) return v ?? null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.toLowerCase());
  if (isNum(v)) return Number(v) === 1;
  return false;
}

function toJson(v: unknown, indent?: number, sortKeys = false, ensureAscii = true): string {
  return pyJson(v, { indent, sortKeys, ensureAscii });
}

/** to_yaml (flow style for collections of scalars: PyYAML's default_flow_style=None) and to_nice_yaml (block, 4). */
function toYaml(
  v: unknown,
  nice: boolean,
  o: { indent?: unknown; width?: unknown; sort_keys?: unknown; default_flow_style?: unknown } = {},
): string {
  const num = (x: unknown) => (x === undefined || x === null ? undefined : Number(x));
  const flow = nice
    ? false
    : o.default_flow_style === undefined || o.default_flow_style === null
      ? null
      : truthy(o.default_flow_style);
  return pyYamlDump(v, {
    flowStyle: flow,
    indent: num(o.indent) ?? (nice ? 4 : undefined),
    width: num(o.width),
    sortKeys: o.sort_keys === undefined ? true : truthy(o.sort_keys),
  });
}

function combine(dicts: unknown[], recursive: boolean, listMerge: string): Dict {
  const merge = (a: Dict, b: Dict): Dict => {
    const out: Dict = copyDict(a);
    for (const [k, v] of Object.entries(b)) {
      const cur = Object.hasOwn(out, k) ? out[k] : undefined;
      if (recursive && isDict(cur) && isDict(v)) setKey(out, k, merge(cur, v));
      else if (Array.isArray(cur) && Array.isArray(v) && listMerge !== 'replace') {
        switch (listMerge) {
          case 'keep':
            break;
          case 'append':
            setKey(out, k, [...cur, ...v]);
            break;
          case 'prepend':
            setKey(out, k, [...v, ...cur]);
            break;
          case 'append_rp':
            setKey(out, k, [...cur.filter((x) => !v.some((y) => pyEq(x, y))), ...v]);
            break;
          case 'prepend_rp':
            setKey(out, k, [...v, ...cur.filter((x) => !v.some((y) => pyEq(x, y)))]);
            break;
          default:
            throw new TemplateError(`'${listMerge}' is not a valid list_merge value`);
        }
      } else setKey(out, k, v);
    }
    return out;
  };
  // flatten(terms, levels=1): nulls ('None', 'null' too) are left out, so `None | combine` is {}
  return flatten(dicts, 1).reduce<Dict>((acc, d) => {
    if (!isDict(d)) throw new TemplateError(`failed to combine variables, expected dicts but got a '${typeName(d)}'`);
    return merge(acc, d);
  }, {});
}

function flatten(v: unknown[], levels?: number, skipNulls = true): unknown[] {
  const out: unknown[] = [];
  for (const x of v) {
    if (skipNulls && (x === null || x === 'None' || x === 'null')) continue;
    if (Array.isArray(x) && (levels === undefined || levels > 0))
      out.push(...flatten(x, levels === undefined ? undefined : levels - 1, skipNulls));
    else out.push(x);
  }
  return out;
}

/** Whether Python could hash a value (a set member, a dict key): no lists or dicts, also inside tuples. */
export const hashable = (v: unknown): boolean =>
  v instanceof PyTuple ? v.every(hashable) : !Array.isArray(v) && !isDict(v) && !(v instanceof PyUndefined);

/**
 * mathstuff.unique: Jinja2's unique (case-insensitive unless case_sensitive, by attribute if given); items Jinja2
 * cannot hash fall back to Ansible's own comparison, which only the default options allow.
 */
function jinjaUnique(items: unknown[], case_sensitive: unknown, attribute: unknown): unknown[] {
  const caseSensitive = truthy(case_sensitive ?? false);
  const byAttribute = attribute !== undefined && attribute !== null;
  const keys = items.map((x) => {
    const k = byAttribute ? getAttribute(x, attribute) : x;
    return !caseSensitive && typeof k === 'string' ? k.toLowerCase() : k;
  });
  const unhashable = keys.find((k) => !hashable(k));
  if (unhashable !== undefined) {
    if (case_sensitive !== false && !truthy(attribute ?? false)) return unique(items);
    throw new TemplateError(
      `Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support the parameters supplied. unhashable type: '${typeName(unhashable)}'`,
    );
  }
  const seen: unknown[] = [];
  return items.filter((_x, i) => {
    if (seen.some((s) => pyEq(s, keys[i]))) return false;
    seen.push(keys[i]);
    return true;
  });
}
const unique = (items: unknown[]) => items.filter((x, i) => items.findIndex((y) => pyEq(x, y)) === i);

function humanReadable(value: unknown, isBits: boolean, unit?: string): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
  // bytes_to_human compares the size with each limit (or divides it, when a unit is given): a TypeError otherwise
  const size = typeof value === 'boolean' ? Number(value) : value instanceof PyFloat ? value.value : value;
  if (typeof size !== 'number') {
    const why = unit
      ? `unsupported operand type(s) for /: '${typeName(value)}' and 'int'`
      : `'>=' not supported between instances of '${typeName(value)}' and 'int'`;
    throw new PyTypeError(`human_readable() failed on bad input: ${why}`);
  }
  let i = 0;
  // a unit is one letter (any other falls back to bytes); without one, the largest limit the size reaches
  if (unit) i = Math.max(0, units.indexOf(unit.toUpperCase()));
  else while (i < units.length - 1 && size >= Math.pow(1024, i + 1)) i++;
  const v = size / Math.pow(1024, i);
  return `${v.toFixed(2)} ${i === 0 ? (isBits ? 'bits' : 'Bytes') : units[i] + (isBits ? 'b' : 'B')}`;
}
function humanToBytes(s: unknown, defaultUnit?: string, isBits = false): number {
  const m = /^\s*(\d*\.?\d+)\s*([KMGTPEZY]?)(i?)([bB]?)(?:ytes?|its?)?\s*$/i.exec(pyStr(s));
  if (!m) throw new TemplateError(`human_to_bytes() can't interpret following string: ${pyStr(s)}`);
  const units = 'BKMGTPEZY';
  const unit = (m[2] || defaultUnit || 'B').toUpperCase()[0]!;
  if (m[4] && (m[4] === 'b') !== isBits && m[2])
    throw new TemplateError(
      `human_to_bytes() failed to convert ${pyStr(s)}: Value is not a valid string (expect ${isBits ? 'bits' : 'bytes'})`,
    );
  return Math.round(Number(m[1]) * Math.pow(1024, Math.max(0, units.indexOf(unit))));
}

function strftime(fmt: string, seconds?: number, utc = false): string {
  const d = seconds === undefined ? new Date() : new Date(seconds * 1000);
  const g = (f: 'FullYear' | 'Month' | 'Date' | 'Hours' | 'Minutes' | 'Seconds' | 'Day') =>
    (utc ? (d as any)[`getUTC${f}`]() : (d as any)[`get${f}`]()) as number;
  const p2 = (n: number) => String(n).padStart(2, '0');
  return fmt.replace(/%([a-zA-Z%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y':
        return String(g('FullYear'));
      case 'y':
        return p2(g('FullYear') % 100);
      case 'm':
        return p2(g('Month') + 1);
      case 'd':
        return p2(g('Date'));
      case 'H':
        return p2(g('Hours'));
      case 'M':
        return p2(g('Minutes'));
      case 'S':
        return p2(g('Seconds'));
      case 'I':
        return p2(((g('Hours') + 11) % 12) + 1);
      case 'p':
        return g('Hours') < 12 ? 'AM' : 'PM';
      case 'A':
        return DAYS[(g('Day') + 6) % 7]!;
      case 'a':
        return DAYS[(g('Day') + 6) % 7]!.slice(0, 3);
      case 'B':
        return MONTHS[g('Month')]!;
      case 'b':
        return MONTHS[g('Month')]!.slice(0, 3);
      case 'j': {
        const start = utc ? Date.UTC(g('FullYear'), 0, 1) : new Date(g('FullYear'), 0, 1).getTime();
        return String(Math.floor((d.getTime() - start) / 86400000) + 1).padStart(3, '0');
      }
      case 's':
        return String(Math.floor(d.getTime() / 1000));
      case 'Z':
        return utc ? 'UTC' : '';
      case 'z':
        return utc ? '+0000' : '';
      case '%':
        return '%';
      default:
        return '%' + c;
    }
  });
}

/** Ansible's comment filter: a style's decoration, beginning and end, each overridable by keyword. */
function comment(text: string, kw: Dict): string {
  const styles: Record<string, Dict> = {
    plain: { decoration: '# ' },
    erlang: { decoration: '% ' },
    c: { decoration: '// ' },
    cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
    xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
  };
  const { style = 'plain', ...rest } = kw;
  const styleParams = styles[pyStr(style)];
  if (!styleParams) throw new TemplateError(`'${pyStr(style)}'`);
  const prepostfix = pyStr(rest.decoration ?? styleParams.decoration);
  const p: Dict = {
    newline: '\n',
    beginning: '',
    prefix: prepostfix.trimEnd(),
    prefix_count: 1,
    decoration: '',
    postfix: prepostfix.trimEnd(),
    postfix_count: 1,
    end: '',
    ...styleParams,
    ...rest,
  };
  const nl = pyStr(p.newline),
    deco = pyStr(p.decoration);
  const beginning = p.beginning ? `${pyStr(p.beginning)}${nl}` : '';
  const prefix = p.prefix
    ? (pyStr(p.prefix) !== nl ? `${pyStr(p.prefix)}${nl}` : nl).repeat(Number(p.prefix_count))
    : '';
  const body = `${deco}${text.split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${deco.trimEnd()}${nl}`);
  const postfix = ['', ...Array.from({ length: Number(p.postfix_count) }, () => pyStr(p.postfix))].join(nl);
  const end = p.end ? `${nl}${pyStr(p.end)}` : '';
  return `${beginning}${prefix}${body}${postfix}${end}`;
}

/** A number as Python's math functions take it (a bool is one); anything else is the TypeError mathstuff words. */
function realNumber(v: unknown, fn: string): number {
  if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyUndefined) v.fail();
  throw new PyTypeError(`${fn}() can only be used on numbers: must be real number, not ${typeName(v)}`);
}

/** What math.log and math.pow return, or their ValueError (no real result) and OverflowError. */
function mathResult(r: number): number {
  if (Number.isNaN(r) || r === -Infinity) throw new PyValueError('math domain error');
  if (r === Infinity) throw new PyException('OverflowError', 'math range error');
  return r;
}

/** from_yaml's text: PyYAML's error is not caught by the filter, so the task fails with only an exception. */
function yamlOrException(text: string): ReturnType<typeof loadYaml> {
  try {
    return loadYaml(text, '<from_yaml>');
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    throw new PyException('yaml.parser.ParserError', e.message.split('\n').pop()!.trim());
  }
}

/** Python's text codecs that Node's Buffer can serve (utf-16 with its byte order mark, as Python writes it). */
interface PyCodec {
  encode(text: string): Buffer;
  decode(data: Buffer): string;
}
const swapBytes = (b: Buffer) => Buffer.from(b).swap16();
const node = (enc: BufferEncoding): PyCodec => ({
  encode: (t) => Buffer.from(t, enc),
  decode: (d) => d.toString(enc),
});
const UTF16: PyCodec = {
  encode: (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]),
  decode: (d) =>
    d[0] === 0xfe && d[1] === 0xff
      ? swapBytes(d.subarray(2)).toString('utf16le')
      : d.subarray(d[0] === 0xff && d[1] === 0xfe ? 2 : 0).toString('utf16le'),
};
const PY_CODECS: Record<string, PyCodec> = {
  utf8: node('utf8'),
  u8: node('utf8'),
  utf16le: node('utf16le'),
  utf16be: { encode: (t) => swapBytes(Buffer.from(t, 'utf16le')), decode: (d) => swapBytes(d).toString('utf16le') },
  utf16: UTF16,
  latin1: narrow('latin-1', 256),
  iso88591: narrow('latin-1', 256),
  l1: narrow('latin-1', 256),
  ascii: narrow('ascii', 128),
  usascii: narrow('ascii', 128),
};
/** A one-byte codec: a character it cannot encode is Python's UnicodeEncodeError. */
function narrow(name: string, limit: number): PyCodec {
  const enc = limit === 128 ? 'ascii' : 'latin1';
  return {
    encode: (t) => {
      const at = [...t].findIndex((c) => c.codePointAt(0)! >= limit);
      if (at >= 0)
        throw new TemplateError(
          `'${name}' codec can't encode character ${pyRepr([...t][at])} in position ${at}: ordinal not in range(${limit})`,
        );
      return Buffer.from(t, enc);
    },
    decode: (d) => d.toString(enc),
  };
}
function pyCodec(name: string): PyCodec {
  const codec = PY_CODECS[name.toLowerCase().replace(/[-_\s]/g, '')];
  if (!codec) throw new TemplateError(`unknown encoding: ${name}`);
  return codec;
}

/** strftime's `second` as float() reads it, or AnsibleFilterError's message. */
function epochSeconds(second: unknown): number {
  if (typeof second === 'number' || typeof second === 'boolean') return Number(second);
  if (second instanceof PyFloat) return Number(second.valueOf());
  const text = typeof second === 'string' ? second.trim().replace(/(?<=\d)_(?=\d)/g, '') : '';
  if (/^[-+]?((\d+\.?\d*|\.\d+)(e[-+]?\d+)?|inf(inity)?|nan)$/i.test(text))
    return Number(text.replace(/inf(inity)?/i, 'Infinity'));
  throw new TemplateError(`Invalid value for epoch value (${pyStr(second)})`);
}

/** to_uuid's namespace as uuid.UUID() reads text (braces, urn:uuid: and hyphens dropped), else its error. */
function uuidNamespace(namespace: unknown): Buffer {
  const why =
    typeof namespace !== 'string'
      ? `'${typeName(namespace)}' object has no attribute 'replace'`
      : 'badly formed hexadecimal UUID string';
  const hex =
    typeof namespace === 'string'
      ? namespace
          .replace(/^urn:/, '')
          .replace(/^uuid:/, '')
          .replace(/^{|}$/g, '')
          .replace(/-/g, '')
      : '';
  if (!/^[0-9a-fA-F]{32}$/.test(hex))
    throw new TemplateError(`Invalid value '${pyStr(namespace)}' for 'namespace': ${why}`);
  return Buffer.from(hex, 'hex');
}

/** values[key] for each key, as subelements reads them: KeyError is "could not find" (or nothing with
 * skip_missing), a value that takes no key a TypeError. */
function subelementValues(item: unknown, keys: readonly unknown[], skipMissing: boolean): unknown {
  let values = item;
  for (const key of keys) {
    if (isDict(values) && typeof key !== 'object') {
      if (Object.hasOwn(values, pyStr(key))) {
        values = values[pyStr(key)];
        continue;
      }
      if (skipMissing) return [];
      throw new TemplateError(`could not find ${pyRepr(key)} key in iterated item ${pyRepr(values)}`);
    }
    if (Array.isArray(values) && Number.isInteger(key) && (key as number) < values.length) {
      values = values[key as number];
      continue;
    }
    throw new PyTypeError(`the key ${pyStr(key)} should point to a dictionary, got '${pyStr(values)}'`);
  }
  return values;
}

/** hashlib.new's names (sha3_256, blake2b, ...) as OpenSSL's in Node; a name neither knows fails as get_hash does. */
const PY_HASH_NAMES: Record<string, string> = {
  blake2b: 'blake2b512',
  blake2s: 'blake2s256',
  sha3_224: 'sha3-224',
  sha3_256: 'sha3-256',
  sha3_384: 'sha3-384',
  sha3_512: 'sha3-512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
};
function pyHash(name: string): Hash {
  try {
    return createHash(PY_HASH_NAMES[name.toLowerCase()] ?? name);
  } catch {
    throw new TemplateError(`unsupported hash type ${name}`);
  }
}

export const CORE_FILTERS: FilterTable = {
  ...PATH_FILTERS,
  urldecode: URL_FILTERS.urldecode,
  bool: filter([], toBool),
  ternary: filter(['true_val', 'false_val', 'none_val'], (v, { true_val, false_val, none_val = null }) =>
    v === null && none_val !== null ? none_val : truthy(v) ? true_val : false_val,
  ),
  to_json: filter(['indent', 'sort_keys', 'ensure_ascii'], (v, { indent, sort_keys = false, ensure_ascii = true }) =>
    toJson(
      v,
      indent === undefined || indent === null ? undefined : Number(indent),
      truthy(sort_keys),
      truthy(ensure_ascii),
    ),
  ),
  to_nice_json: filter(['indent', 'sort_keys'], (v, { indent = 4, sort_keys = true }) =>
    toJson(v, Number(indent), Boolean(sort_keys)),
  ),
  from_json: filter([], (v) => pyJsonLoads(pyStr(v))),
  to_yaml: filter(['indent', 'default_flow_style', 'width', 'sort_keys'], (v, kw) => toYaml(v, false, kw)),
  to_nice_yaml: filter(['indent', 'width', 'sort_keys'], (v, kw) => toYaml(v, true, kw)),
  from_yaml: filter([], (v) => (typeof v === 'string' ? (yamlOrException(v).documents[0] ?? null) : v)),
  from_yaml_all: filter([], (v) => (typeof v === 'string' ? loadYaml(v, '<from_yaml_all>').documents : v)),
  b64encode: filter(['encoding'], (v, { encoding = 'utf-8' }) =>
    pyCodec(pyStr(encoding)).encode(pyStr(v)).toString('base64'),
  ),
  b64decode: filter(['encoding'], (v, { encoding = 'utf-8' }) =>
    pyCodec(pyStr(encoding)).decode(Buffer.from(pyStr(v), 'base64')),
  ),
  regex_replace: filter(
    ['pattern', 'replacement', 'ignorecase', 'multiline', 'count'],
    (v, { pattern, replacement = '', ignorecase = false, multiline = false, count = 0 }) => {
      const re = compileRegex(String(pattern), {
        ignorecase: Boolean(ignorecase),
        multiline: Boolean(multiline),
        global: true,
      });
      const repl = translateReplacement(pyStr(replacement));
      let n = 0;
      const limit = Number(count);
      return pyStr(v).replace(re, (...m: any[]) => {
        if (limit && n >= limit) return m[0];
        n++;
        const groups = m[m.length - 1];
        return repl.replace(/\$(\d+)|\$<(\w+)>|\$\$/g, (s, d: string, nm: string) =>
          s === '$$' ? '$' : d !== undefined ? (m[Number(d)] ?? '') : (groups?.[nm] ?? ''),
        );
      });
    },
  ),
  regex_search: variadic((v, args, kw) => {
    // the group arguments are checked before any matching, as Ansible's filter does
    const groups = args.slice(1).map((g) => {
      const text = String(g);
      const b = /^\\(\d+)$/.exec(text),
        n = /^\\g<(\w+)>$/.exec(text);
      if (!b && !n) throw new TemplateError('Unknown argument');
      return b ? Number(b[1]) : n![1]!;
    });
    const re = compileRegex(String(args[0]), {
      ignorecase: truthy(kw.ignorecase ?? false),
      multiline: truthy(kw.multiline ?? false),
    });
    const m = re.exec(pyStr(v));
    if (!m) return null;
    if (!groups.length) return m[0];
    return groups.map((g) => (typeof g === 'number' ? m[g] : m.groups?.[g]));
  }),
  regex_findall: filter(['regex', 'multiline', 'ignorecase'], (v, { regex, multiline = false, ignorecase = false }) => {
    const re = compileRegex(String(regex), {
      ignorecase: Boolean(ignorecase),
      multiline: Boolean(multiline),
      global: true,
    });
    return [...pyStr(v).matchAll(re)].map((m) =>
      m.length === 1 ? m[0] : m.length === 2 ? m[1] : PyTuple.of2(...m.slice(1)),
    );
  }),
  // re.escape since Python 3.7 escapes only the characters special to a pattern; posix_basic those of a BRE
  regex_escape: filter(['re_type'], (v, { re_type = 'python' }) => {
    const text = pyStr(v);
    if (re_type === 'python') return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => '\\' + c);
    if (re_type === 'posix_basic') return text.replace(/[\].[^$*\\]/g, (c) => '\\' + c);
    if (re_type === 'posix_extended') throw new TemplateError(`Regex type (${pyStr(re_type)}) not yet implemented`);
    throw new TemplateError(`Invalid regex type (${pyStr(re_type)})`);
  }),
  basename: filter([], (v) => (path.posix.basename(pyStr(v)) === '' ? '' : pyStr(v).split('/').pop()!)),
  dirname: filter([], (v) => {
    const s = pyStr(v);
    const i = s.lastIndexOf('/');
    return i < 0 ? '' : i === 0 ? '/' : s.slice(0, i).replace(/\/+$/, '') || '/';
  }),
  expanduser: filter([], (v) => pyStr(v).replace(/^~(?=\/|$)/, homedir())),
  expandvars: filter([], (v) =>
    pyStr(v).replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a: string, b: string) => process.env[a ?? b] ?? m),
  ),
  realpath: filter([], (v) => {
    try {
      return realpathSync(pyStr(v));
    } catch {
      return path.resolve(pyStr(v));
    }
  }),
  relpath: filter(['start'], (v, { start }) => path.relative(pyStr(start ?? process.cwd()), pyStr(v))),
  splitext: filter([], (v) => {
    const s = pyStr(v);
    const e = path.posix.extname(s);
    return PyTuple.of2(s.slice(0, s.length - e.length), e);
  }),
  path_join: filter([], (v) => {
    if (typeof v !== 'string' && !Array.isArray(v) && !(v instanceof PyTuple))
      throw new PyTypeError(`|path_join expects string or sequence, got <class '${typeName(v)}'> instead.`);
    const parts = (typeof v === 'string' ? [v] : [...(v as Iterable<unknown>)]).map(pyStr);
    let out = '';
    for (const p of parts) out = p.startsWith('/') ? p : out && !out.endsWith('/') ? `${out}/${p}` : out + p;
    return out;
  }),
  quote: filter([], (v) => {
    const s = pyStr(v ?? '');
    return s === '' ? "''" : /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
  }),
  combine: variadic((v, args, kw) => {
    if (Object.keys(kw).some((k) => k !== 'recursive' && k !== 'list_merge'))
      throw new TemplateError("'recursive' and 'list_merge' are the only valid keyword arguments");
    return combine([v, ...args], truthy(kw.recursive ?? false), String(kw.list_merge ?? 'replace'));
  }),
  dict2items: filter(['key_name', 'value_name'], (v, { key_name = 'key', value_name = 'value' }) => {
    if (!isDict(v)) throw new PyTypeError(`dict2items requires a dictionary, got <class '${typeName(v)}'> instead.`);
    return Object.entries(v).map(([k, x]) => ({ [String(key_name)]: k, [String(value_name)]: x }));
  }),
  items2dict: filter(['key_name', 'value_name'], (v, { key_name = 'key', value_name = 'value' }) => {
    if (!Array.isArray(v)) throw new PyTypeError(`items2dict requires a list, got <class '${typeName(v)}'> instead.`);
    const out: Dict = {};
    for (const item of v) {
      if (!isDict(item)) throw new PyTypeError(`items2dict requires a list of dictionaries, got ${pyStr(v)} instead.`);
      if (!Object.hasOwn(item, pyStr(key_name)) || !Object.hasOwn(item, pyStr(value_name)))
        throw new PyTypeError(
          `items2dict requires each dictionary in the list to contain the keys '${pyStr(key_name)}' and '${pyStr(value_name)}', got ${pyStr(v)} instead.`,
        );
      setKey(out, pyStr(item[pyStr(key_name)]), item[pyStr(value_name)]);
    }
    return out;
  }),
  flatten: filter(['levels', 'skip_nulls'], (v, { levels, skip_nulls = true }) =>
    flatten(toList(v), levels === undefined || levels === null ? undefined : Number(levels), Boolean(skip_nulls)),
  ),
  // (sic: Ansible's message has two spaces before "not defined")
  mandatory: filter(
    ['msg'],
    (v, { msg }) => {
      if (v instanceof PyUndefined)
        throw new TemplateError(
          msg !== undefined ? pyStr(msg) : `Mandatory variable ${v.hint.replace(/ is undefined$/, '')}  not defined.`,
        );
      return v;
    },
    { acceptsUndefined: true },
  ),
  hash: filter(['hashtype'], (v, { hashtype = 'sha1' }) => pyHash(pyStr(hashtype)).update(pyStr(v)).digest('hex')),
  checksum: filter([], (v) => createHash('sha1').update(pyStr(v)).digest('hex')),
  md5: filter([], (v) => createHash('md5').update(pyStr(v)).digest('hex')),
  sha1: filter([], (v) => createHash('sha1').update(pyStr(v)).digest('hex')),
  to_uuid: filter(['namespace'], (v, { namespace = '361E6D51-FAEC-444A-9079-341386DA8E2E' }) => {
    const ns = uuidNamespace(namespace);
    const h = createHash('sha1')
      .update(Buffer.concat([ns, Buffer.from(pyStr(v), 'utf8')]))
      .digest();
    return uuidText(h, 5);
  }),
  random: filter(['start', 'step', 'seed'], function (this: unknown, v, { start = 0, step = 1, seed }) {
    // Ansible's rand(): Random(seed) when seeded (Python's generator, so the same answers), else the run's source
    const py = seed === undefined || seed === null ? undefined : new PyRandom(seed);
    const rnd = randomOf(this);
    if (typeof v === 'number' && Number.isInteger(v)) {
      const st = Number(start) || 0,
        sp = Number(step) || 1;
      if (py) return py.randrange(st, v, sp);
      const count = Math.max(0, Math.ceil((v - st) / sp));
      if (count === 0)
        throw new PyValueError(
          sp === 1 ? `empty range for randrange() (${st}, ${v}, ${v - st})` : 'empty range for randrange()',
        );
      return st + Math.floor(rnd.next() * count) * sp;
    }
    if (v === null || typeof v === 'boolean' || isDict(v) || isNum(v))
      throw new TemplateError('random can only be used on sequences and integers');
    if (truthy(start === 0 ? null : start) || truthy(step === 1 ? null : step))
      throw new TemplateError('start and step can only be used with integer values');
    const items = toList(v);
    if (!items.length) throw new TemplateError('Cannot choose from an empty sequence');
    return items[py ? py.below(items.length) : Math.floor(rnd.next() * items.length)];
  }),
  password_hash: filter(
    ['hashtype', 'salt', 'salt_size', 'rounds', 'ident'],
    function (this: unknown, v, { hashtype = 'sha512', salt, salt_size, rounds }) {
      const rnd = randomOf(this);
      return passwordHash(pyStr(v), {
        hashtype: pyStr(hashtype),
        salt: salt === undefined || salt === null ? null : pyStr(salt),
        saltSize: salt_size === undefined || salt_size === null ? null : Number(salt_size),
        rounds: rounds === undefined || rounds === null ? null : Number(rounds),
        random: { below: (n) => Math.floor(rnd.next() * n) },
      });
    },
  ),
  shuffle: filter(['seed'], function (this: unknown, v, { seed }) {
    // Ansible's shuffle hands back what it cannot shuffle
    if (!Array.isArray(v) && typeof v !== 'string' && !isDict(v)) return v;
    const items = [...toList(v)];
    if (truthy(seed ?? null)) {
      new PyRandom(seed).shuffle(items);
      return items;
    }
    const rnd = randomOf(this);
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(rnd.next() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }),
  // a string a YAML file gave is AnsibleUnicode; one a template made, a module returned or JSON gave is str
  type_debug: filter([], (v) => {
    if (v instanceof VaultText) return 'AnsibleVaultEncryptedUnicode';
    return typeof v === 'string' ? (isYamlString(v) ? 'AnsibleUnicode' : 'str') : typeName(v);
  }),
  // environment.getitem on an undefined container gives it back (AnsibleUndefined chains), so `default` still works
  extract: filter(
    ['container', 'morekeys'],
    (v, { container, morekeys }) => {
      if (v instanceof PyUndefined) v.fail();
      if (morekeys instanceof PyUndefined) morekeys.fail();
      if (container instanceof PyUndefined) return container;
      let out = getAttribute(container, v);
      for (const k of morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys])
        out = getAttribute(out, k);
      return out;
    },
    { acceptsUndefined: true },
  ),
  subelements: filter(['subelements', 'skip_missing'], (v, { subelements, skip_missing = false }) => {
    if (!isDict(v) && !Array.isArray(v)) throw new TemplateError('obj must be a list of dicts or a nested dict');
    const keys = Array.isArray(subelements)
      ? subelements
      : typeof subelements === 'string'
        ? subelements.split('.')
        : null;
    if (!keys) throw new PyTypeError('subelements must be a list or a string');
    const out: PyTuple[] = [];
    for (const item of isDict(v) ? Object.values(v) : v) {
      const values = subelementValues(item, keys, truthy(skip_missing));
      if (!Array.isArray(values))
        throw new PyTypeError(`the key ${pyRepr(keys[keys.length - 1])} should point to a list, got ${pyRepr(values)}`);
      for (const sub of values) out.push(PyTuple.of2(item, sub));
    }
    return out;
  }),
  comment: variadic((v, args, kw) => comment(pyStr(v), { ...(args.length ? { style: args[0] } : {}), ...kw })),

  strftime: filter(['second', 'utc'], (v, { second, utc = false }) => {
    if (typeof v !== 'string') throw new PyTypeError(`strftime() argument 1 must be str, not ${typeName(v)}`);
    return strftime(v, second === undefined || second === null ? undefined : epochSeconds(second), Boolean(utc));
  }),
  to_datetime: filter(['format'], (v, { format = '%Y-%m-%d %H:%M:%S' }) => strptime(pyStr(v), pyStr(format))),
  split: filter(['separator', 'maxsplit'], (v, { separator, maxsplit = -1 }) => {
    const s = pyStr(v);
    const parts =
      separator === undefined || separator === null ? s.trim().split(/\s+/).filter(Boolean) : s.split(pyStr(separator));
    const n = Number(maxsplit);
    return n >= 0 && parts.length > n + 1
      ? [...parts.slice(0, n), parts.slice(n).join(pyStr(separator ?? ' '))]
      : parts;
  }),
  urlsplit: filter(['query'], (v, { query }) => {
    const u = new URL(pyStr(v));
    const parts: Dict = {
      scheme: u.protocol.replace(/:$/, ''),
      netloc: u.host ? `${u.username ? `${u.username}${u.password ? ':' + u.password : ''}@` : ''}${u.host}` : '',
      path: u.pathname,
      query: u.search.replace(/^\?/, ''),
      fragment: u.hash.replace(/^#/, ''),
      username: u.username || null,
      password: u.password || null,
      hostname: u.hostname || null,
      port: u.port ? Number(u.port) : null,
    };
    if (query === undefined) return parts;
    if (!Object.hasOwn(parts, String(query)))
      throw new TemplateError(`urlsplit: unknown URL component: ${pyStr(query)}`);
    return parts[String(query)];
  }),
  // mathstuff
  unique: filter(['case_sensitive', 'attribute'], (v, { case_sensitive, attribute }) =>
    jinjaUnique(toList(v), case_sensitive, attribute),
  ),
  union: filter(['b'], (v, { b }) => unique([...toList(v), ...toList(b)])),
  intersect: filter(['b'], (v, { b }) => unique(toList(v).filter((x) => toList(b).some((y) => pyEq(x, y))))),
  difference: filter(['b'], (v, { b }) => unique(toList(v).filter((x) => !toList(b).some((y) => pyEq(x, y))))),
  symmetric_difference: filter(['b'], (v, { b }) => {
    const a = toList(v),
      c = toList(b);
    return unique([...a.filter((x) => !c.some((y) => pyEq(x, y))), ...c.filter((x) => !a.some((y) => pyEq(x, y)))]);
  }),
  // math.log, math.pow and math.sqrt always return floats
  log: filter(['base'], (v, { base }) => {
    const x = realNumber(v, 'log');
    if (base !== undefined && realNumber(base, 'log') === 10) return pyFloat(mathResult(Math.log10(x)));
    const divisor = base === undefined ? 1 : mathResult(Math.log(realNumber(base, 'log')));
    if (divisor === 0) throw new PyException('ZeroDivisionError', 'float division by zero');
    return pyFloat(mathResult(Math.log(x)) / divisor);
  }),
  pow: filter(['y'], (v, { y }) => {
    const [x, e] = [realNumber(v, 'pow'), realNumber(y, 'pow')];
    // zero to a negative power is Python's domain error where JavaScript gives Infinity
    return pyFloat(mathResult(x === 0 && e < 0 ? NaN : Math.pow(x, e)));
  }),
  root: filter(['base'], (v, { base = 2 }) => {
    const x = realNumber(v, 'root');
    const b = realNumber(base, 'root');
    if (b === 0) throw new PyException('ZeroDivisionError', 'float division by zero');
    try {
      return pyFloat(mathResult(b === 2 ? Math.sqrt(x) : Math.pow(x, 1 / b)));
    } catch (e) {
      // root() catches the ValueError of a negative number as well as the TypeError
      if (e instanceof PyValueError) throw new PyTypeError(`root() can only be used on numbers: ${e.message}`);
      throw e;
    }
  }),
  human_readable: filter(['isbits', 'unit'], (v, { isbits = false, unit }) =>
    humanReadable(v, Boolean(isbits), unit as string | undefined),
  ),
  human_to_bytes: filter(['default_unit', 'isbits'], (v, { default_unit, isbits = false }) =>
    humanToBytes(v, default_unit as string | undefined, Boolean(isbits)),
  ),
  rekey_on_member: filter(['key', 'duplicates'], (v, { key, duplicates = 'error' }) => {
    if (duplicates !== 'error' && duplicates !== 'overwrite')
      throw new TemplateError(`duplicates parameter to rekey_on_member has unknown value: ${pyStr(duplicates)}`);
    if (v instanceof PyUndefined) v.fail();
    if (key instanceof PyUndefined) key.fail();
    if (!isDict(v) && !Array.isArray(v)) throw new PyTypeError('Type is not a valid list, set, or dict');
    const out: Dict = {};
    for (const item of isDict(v) ? Object.values(v) : v) {
      if (!isDict(item)) throw new PyTypeError('List item is not a valid dict');
      if (!Object.hasOwn(item, pyStr(key))) throw new TemplateError(`Key ${pyStr(key)} was not found`);
      const k = pyStr(item[pyStr(key)]);
      if (Object.hasOwn(out, k) && duplicates === 'error')
        throw new TemplateError(`Key ${k} is not unique, cannot correctly turn into dict`);
      setKey(out, k, item);
    }
    return out;
  }),
  zip: variadic((v, args) => {
    const lists = [toList(v), ...args.map(toList)];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => PyTuple.of2(...lists.map((l) => l[i])));
  }),
  zip_longest: variadic((v, args, kw) => {
    const lists = [toList(v), ...args.map(toList)];
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) =>
      PyTuple.of2(...lists.map((l) => (i < l.length ? l[i] : (kw.fillvalue ?? null)))),
    );
  }),
  product: variadic((v, args) =>
    [toList(v), ...args.map(toList)]
      .reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]])
      .map((t) => PyTuple.of2(...t)),
  ),
  permutations: filter(['r'], (v, { r }) => {
    const items = toList(v);
    const n = r === undefined || r === null ? items.length : Number(r);
    const out: PyTuple[] = [];
    const rec = (prefix: unknown[], rest: unknown[]) => {
      if (prefix.length === n) {
        out.push(PyTuple.of2(...prefix));
        return;
      }
      rest.forEach((x, i) => rec([...prefix, x], [...rest.slice(0, i), ...rest.slice(i + 1)]));
    };
    rec([], items);
    return out;
  }),
  combinations: filter(['r'], (v, { r }) => {
    const items = toList(v);
    const n = Number(r);
    const out: PyTuple[] = [];
    const rec = (start: number, prefix: unknown[]) => {
      if (prefix.length === n) {
        out.push(PyTuple.of2(...prefix));
        return;
      }
      for (let i = start; i < items.length; i++) rec(i + 1, [...prefix, items[i]]);
    };
    rec(0, []);
    return out;
  }),
  // uuid4 from the run's random source, so that a seeded run gives the same ids
  to_uuid4: filter([], function (this: unknown) {
    const rnd = randomOf(this);
    return uuidText(Buffer.from(Array.from({ length: 16 }, () => Math.floor(rnd.next() * 256))), 4);
  }),
  sort_versions: filter([], (v) => pySort(toList(v), (x) => pyStr(x))),
};
