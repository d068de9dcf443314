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
import { assertWritable } from './expanded-size.js';

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
  if (level === 0) assertWritable(v);
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
  const r = new JsonReader(text);
  r.ws();
  const v = r.value();
  r.ws();
  if (r.i < text.length) r.fail('Extra data');
  return v;
}

const WORDS = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
] as const;

/** json.loads' scanner: the text and how far it has read it. */
class JsonReader {
  i = 0;
  constructor(readonly text: string) {}

  fail(msg: string, at = this.i): never {
    const { text } = this;
    const line = text.slice(0, at).split('\n').length,
      col = at - (text.lastIndexOf('\n', at - 1) + 1) + 1;
    throw new PyValueError(`${msg}: line ${line} column ${col} (char ${at})`);
  }

  ws(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i]!)) this.i++;
  }

  value(): unknown {
    this.ws();
    const { text } = this;
    const c = text[this.i];
    if (c === '{') return this.#object();
    if (c === '[') return this.#array();
    if (c === '"') return this.#string();
    for (const [word, v] of WORDS)
      if (text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    const m = /^(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(this.i));
    if (!m) return this.fail('Expecting value');
    this.i += m[0].length;
    return m[2] !== undefined || m[3] !== undefined ? pyFloat(Number(m[0])) : Number(m[0]);
  }

  #object(): Dict {
    const { text } = this;
    this.i++;
    this.ws();
    const o: Dict = {};
    if (text[this.i] === '}') {
      this.i++;
      return o;
    }
    for (;;) {
      if (text[this.i] !== '"') this.fail('Expecting property name enclosed in double quotes');
      const k = this.#string();
      this.ws();
      if (text[this.i] !== ':') this.fail("Expecting ':' delimiter");
      this.i++;
      setKey(o, k, this.value());
      this.ws();
      if (text[this.i] === '}') {
        this.i++;
        return o;
      }
      if (text[this.i] !== ',') this.fail("Expecting ',' delimiter");
      this.i++;
      this.ws();
    }
  }

  #array(): unknown[] {
    const { text } = this;
    this.i++;
    this.ws();
    const a: unknown[] = [];
    if (text[this.i] === ']') {
      this.i++;
      return a;
    }
    for (;;) {
      a.push(this.value());
      this.ws();
      if (text[this.i] === ']') {
        this.i++;
        return a;
      }
      if (text[this.i] !== ',') this.fail("Expecting ',' delimiter");
      this.i++;
    }
  }

  #string(): string {
    const { text } = this;
    const start = this.i++;
    let raw = '';
    for (;;) {
      if (this.i >= text.length) this.fail('Unterminated string starting at', start);
      const c = text[this.i]!;
      if (c === '"') {
        this.i++;
        break;
      }
      if (c < ' ') this.fail('Invalid control character at');
      if (c === '\\') {
        raw += this.#escape(start);
        continue;
      }
      raw += c;
      this.i++;
    }
    return JSON.parse(`"${raw}"`) as string;
  }

  /** A backslash escape in a string, checked, as JSON.parse will read it. */
  #escape(start: number): string {
    const { text, i } = this;
    const e = text[i + 1];
    if (e === undefined) this.fail('Unterminated string starting at', start);
    if (e === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) this.fail('Invalid \\uXXXX escape', i + 1);
      this.i += 6;
      return text.slice(i, i + 6);
    }
    if (!'"\\/bfnrt'.includes(e)) this.fail(`Invalid \\escape: ${reprString(e)}`);
    this.i += 2;
    return '\\' + e;
  }
}
