// Jinja2's urlize and urlencode, and Ansible's urldecode (lib/ansible/plugins/filter/urls.py).
import { TemplateError } from '../src/errors.js';
import { PyTypeError, PyValueError, isDict, pyRepr, pyStr, truthy, typeName } from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { filter } from './helpers.js';

/** markupsafe.escape's five characters. */
export const htmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** urllib.parse.unquote_plus: `+` is a space, %XX sequences are UTF-8 bytes (invalid ones replaced). */
function unquotePlus(s: string): string {
  return s
    .replace(/\+/g, ' ')
    .replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

// jinja2.utils' patterns (re.IGNORECASE | re.VERBOSE there)
const HTTP =
  /^((https?:\/\/|www\.)(([\w%-]+\.)+)?([a-z]{2,63}|xn--[\w%]{2,59})|([\w%-]{2,63}\.)+(com|net|int|edu|gov|org|info|mil)|(https?:\/\/)((\d{1,3}(\.\d{1,3}){3})|(\[([\da-f]{0,4}:){2}([\da-f]{0,4}:?){1,6}\])))(?::\d{1,5})?(?:[/?#]\S*)?$/iu;
const EMAIL = /^\S+@\w[\w.-]*\.\w+$/u;
const URI_SCHEME = /^([\w.+-]{2,}:(\/){0,2})$/u;

interface Link {
  readonly trim?: number;
  readonly attrs: string;
  readonly extraSchemes: readonly string[];
}

/** A word's leading `(`/`<`, its trailing punctuation, and the URL between (parentheses balanced). */
function splitWord(word: string): [string, string, string] {
  let middle = word;
  const lead = /^([(<]|&lt;)+/.exec(middle)?.[0] ?? '';
  middle = middle.slice(lead.length);
  let tail = /([)>.,\n]|&gt;)+$/.exec(middle)?.[0] ?? '';
  middle = middle.slice(0, middle.length - tail.length);
  for (const [open, close] of [
    ['(', ')'],
    ['<', '>'],
    ['&lt;', '&gt;'],
  ] as const) {
    const opened = middle.split(open).length - 1;
    if (opened <= middle.split(close).length - 1) continue;
    for (let n = Math.min(opened, tail.split(close).length - 1); n > 0; n--) {
      const end = tail.indexOf(close) + close.length;
      middle += tail.slice(0, end);
      tail = tail.slice(end);
    }
  }
  return [lead, middle, tail];
}

function linkOf(middle: string, o: Link): string {
  const shown = o.trim !== undefined && middle.length > o.trim ? `${middle.slice(0, o.trim)}...` : middle;
  if (HTTP.test(middle)) {
    const href = /^https?:\/\//.test(middle) ? middle : `https://${middle}`;
    return `<a href="${href}"${o.attrs}>${shown}</a>`;
  }
  if (middle.startsWith('mailto:') && EMAIL.test(middle.slice(7))) return `<a href="${middle}">${middle.slice(7)}</a>`;
  if (middle.includes('@') && !middle.startsWith('www.') && !middle.includes(':') && EMAIL.test(middle))
    return `<a href="mailto:${middle}">${middle}</a>`;
  for (const scheme of o.extraSchemes)
    if (middle !== scheme && middle.startsWith(scheme)) middle = `<a href="${middle}"${o.attrs}>${middle}</a>`;
  return middle;
}

/** Jinja2's urlize with its default policies (rel="noopener", no target, no extra schemes). */
function urlize(text: string, p: Record<string, unknown>): string {
  const rel = new Set(['noopener']);
  if (truthy(p.nofollow ?? false)) rel.add('nofollow');
  for (const r of pyStr(p.rel ?? '').split(/\s+/)) if (r) rel.add(r);
  const extraSchemes =
    p.extra_schemes === undefined || p.extra_schemes === null ? [] : [...(p.extra_schemes as string[])];
  for (const s of extraSchemes)
    if (!URI_SCHEME.test(s)) throw new TemplateError(`${pyRepr(s)} is not a valid URI scheme prefix.`);
  const target = p.target === undefined || p.target === null ? '' : ` target="${htmlEscape(pyStr(p.target))}"`;
  const link: Link = {
    trim: p.trim_url_limit === undefined || p.trim_url_limit === null ? undefined : Number(p.trim_url_limit),
    attrs: ` rel="${htmlEscape([...rel].sort().join(' '))}"${target}`,
    extraSchemes,
  };
  return htmlEscape(text)
    .split(/(\s+)/)
    .map((word, i) => {
      if (i % 2) return word;
      const [lead, middle, tail] = splitWord(word);
      return lead + linkOf(middle, link) + tail;
    })
    .join('');
}

/** urllib.parse.quote of the text's UTF-8 bytes: letters, digits, `_.-~` and the safe characters stay as they
 * are; in a query string (quote_plus) nothing else is safe and a space is '+'. */
function urlQuote(v: unknown, forQs: boolean): string {
  let out = '';
  for (const b of Buffer.from(pyStr(v), 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.~-]/.test(c) || (!forQs && c === '/')) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return forQs ? out.replace(/%20/g, '+') : out;
}

/** A key and value pair of urlencode's items, unpacked as Python unpacks `for k, v in items`. */
function pairOf(item: unknown): [unknown, unknown] {
  const seq = typeof item === 'string' ? [...item] : Array.isArray(item) ? item : undefined;
  if (!seq) throw new PyTypeError(`cannot unpack non-iterable ${typeName(item)} object`);
  if (seq.length > 2) throw new PyValueError('too many values to unpack (expected 2)');
  if (seq.length < 2) throw new PyValueError(`not enough values to unpack (expected 2, got ${seq.length})`);
  return [seq[0], seq[1]];
}

/** Jinja2's urlencode: a string (or anything not iterable) quoted as a path, a dict or a list of pairs as a query
 * string. */
function urlencode(v: unknown): string {
  if (v instanceof PyUndefined) v.fail();
  if (!isDict(v) && !Array.isArray(v)) return urlQuote(v, false);
  const items = isDict(v) ? Object.entries(v) : v.map(pairOf);
  return items.map(([k, x]) => `${urlQuote(k, true)}=${urlQuote(x, true)}`).join('&');
}

export const URL_FILTERS = {
  urlencode: filter([], urlencode),
  urldecode: filter([], (v) => unquotePlus(pyStr(v))),
  urlize: filter(['trim_url_limit', 'nofollow', 'target', 'rel', 'extra_schemes'], (v, p) => urlize(pyStr(v), p)),
};
