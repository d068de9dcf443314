// Python's json module as Ansible's output and filters use it: json.dumps (separators, float repr, NaN, ASCII
// escapes) and json.loads (floats stay floats, Python's error messages).
import {
  PyFloat,
  PyValueError,
  floatRepr,
  isDict,
  isFloat,
  isSafeString,
  reprString,
  setKey,
  pyFloat,
  type Dict,
} from './python.js';
import { PyUndefined } from './undefined.js';
import { PyDatetime } from './datetime.js';

interface JsonOptions {
  indent?: number;
  sortKeys?: boolean;
  ensureAscii?: boolean;
}
const jsonString = (s: string, ascii: boolean) => {
  const t = JSON.stringify(s);
  return ascii ? t.replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : t;
};
/**
 * Python's json.dumps: separators ', ' and ': ' (',' before a newline when indenting), floats as repr (3.0,
 * 1e-05), NaN and Infinity bare, tuples as lists, non-ASCII escaped unless ensureAscii is false.
 */
export function pyJson(v: unknown, opts: JsonOptions = {}, level = 0): string {
  const { indent } = opts;
  const nl = indent === undefined ? '' : '\n' + ' '.repeat(indent * (level + 1));
  const end = indent === undefined ? '' : '\n' + ' '.repeat(indent * level);
  const sep = indent === undefined ? ', ' : ',' + nl;
  if (v instanceof PyUndefined) v.fail();
  if (Array.isArray(v)) return v.length ? `[${nl}${v.map((x) => pyJson(x, opts, level + 1)).join(sep)}${end}]` : '[]';
  if (isDict(v)) {
    const keys = Object.keys(v);
    if (opts.sortKeys) keys.sort();
    return keys.length
      ? `{${nl}${keys.map((k) => `${jsonString(k, opts.ensureAscii !== false)}: ${pyJson(v[k], opts, level + 1)}`).join(sep)}${end}}`
      : '{}';
  }
  if (typeof v === 'number' || v instanceof PyFloat) {
    const n = Number(v);
    if (Number.isNaN(n)) return 'NaN';
    if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
    return isFloat(v) ? floatRepr(n) : String(n);
  }
  if (typeof v === 'string' || isSafeString(v)) return jsonString(String(v), opts.ensureAscii !== false);
  // AnsibleJSONEncoder writes dates as isoformat()
  if (v instanceof PyDatetime) return jsonString(v.isoformat(), opts.ensureAscii !== false);
  if (v === undefined || v === null) return 'null';
  return JSON.stringify(v) ?? 'null';
}

/**
 * Python's json.loads: floats stay floats (3.0), NaN/Infinity accepted, duplicate keys keep the last, and its
 * error messages ("Expecting value: line 1 column 1 (char 0)").
 */
export function pyJsonLoads(text: string): unknown {
  let i = 0;
  const fail = (msg: string, at = i): never => {
    const line = text.slice(0, at).split('\n').length,
      col = at - (text.lastIndexOf('\n', at - 1) + 1) + 1;
    throw new PyValueError(`${msg}: line ${line} column ${col} (char ${at})`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const str = (): string => {
    const start = i++;
    let raw = '';
    for (;;) {
      if (i >= text.length) fail('Unterminated string starting at', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        break;
      }
      if (c < ' ') fail('Invalid control character at');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === undefined) fail('Unterminated string starting at', start);
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('Invalid \\uXXXX escape', i + 1);
          raw += text.slice(i, i + 6);
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e!)) fail(`Invalid \\escape: ${reprString(e!)}`);
        raw += c + e;
        i += 2;
        continue;
      }
      raw += c;
      i++;
    }
    return JSON.parse(`"${raw}"`) as string;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      const o: Dict = {};
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const k = str();
        ws();
        if (text[i] !== ':') fail("Expecting ':' delimiter");
        i++;
        setKey(o, k, value());
        ws();
        if (text[i] === '}') {
          i++;
          return o;
        }
        if (text[i] !== ',') fail("Expecting ',' delimiter");
        i++;
        ws();
      }
    }
    if (c === '[') {
      i++;
      ws();
      const a: unknown[] = [];
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value());
        ws();
        if (text[i] === ']') {
          i++;
          return a;
        }
        if (text[i] !== ',') fail("Expecting ',' delimiter");
        i++;
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['-Infinity', -Infinity],
    ] as const)
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    const m = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    return m[2] !== undefined || m[3] !== undefined ? pyFloat(Number(m[0])) : Number(m[0]);
  };
  ws();
  const v = value();
  ws();
  if (i < text.length) fail('Extra data');
  return v;
}
