// Ansible's k=v argument syntax (parsing/splitter.py), shared by free-form module arguments, -e and inventories:
// split_args keeps quoted text, Jinja2 blocks, newlines and runs of spaces as written; parse_kv turns `k=v`
// words into options and joins the rest into _raw_params.
import { ParseError } from '../errors.js';

type Raw = Record<string, unknown>;

/** The options parse_kv splits off free-form text when it checks for raw parameters (command, shell, ...). */
const RAW_MODULE_OPTIONS = new Set([
  'creates',
  'removes',
  'chdir',
  'executable',
  'warn',
  'stdin',
  'stdin_add_newline',
  'strip_empty_ends',
]);

// _decode_escapes: Python's unicode-escape, for these sequences only (no octal)
const ESCAPE = /\\(?:U([0-9a-fA-F]{8})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\\'"abfnrtv]))/g;
const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const decodeEscapes = (s: string): string =>
  s.includes('\\')
    ? s.replace(ESCAPE, (m: string, ...groups: (string | undefined)[]) => {
        const [U, u, x, c] = groups;
        if (c !== undefined) return SIMPLE[c] ?? c;
        const code = parseInt((U ?? u ?? x)!, 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : m;
      })
    : s;

/** quoting.unquote: one pair of matching outer quotes goes, unless the closing one is escaped. */
const unquote = (s: string): string =>
  s.length > 1 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") && s[s.length - 2] !== '\\'
    ? s.slice(1, -1)
    : s;

/**
 * parse_kv: `a=1 b='two words' free text` as options and `_raw_params`. With `checkRaw` (the modules that run a
 * command line) only the command options are taken from `k=v` words; every other word stays in the text.
 */
export function parseKv(text: string, checkRaw: boolean): Raw {
  const options: Raw = {};
  const raw: string[] = [];
  for (const word of splitArgs(text)) {
    const decoded = decodeEscapes(word);
    const eq = unescapedEquals(decoded);
    if (eq < 0) {
      raw.push(decoded.includes('=') ? decoded.replaceAll('\\=', '=') : word);
      continue;
    }
    const key = decoded.slice(0, eq);
    if (checkRaw && !RAW_MODULE_OPTIONS.has(key)) raw.push(word);
    else options[key.trim()] = unquote(decoded.slice(eq + 1).trim());
  }
  if (raw.length) options._raw_params = joinArgs(raw);
  return options;
}

/** The first `=` after the first character that no backslash escapes; -1 when there is none. */
function unescapedEquals(word: string): number {
  for (let pos = word.indexOf('=', 1); pos > 0; pos = word.indexOf('=', pos + 1))
    if (word[pos - 1] !== '\\') return pos;
  return -1;
}

/** join_args: words joined by a space, except after a word that ends a line. */
function joinArgs(words: readonly string[]): string {
  let out = '';
  for (const w of words) out += out === '' || out.endsWith('\n') ? w : ` ${w}`;
  return out;
}

/** Where split_args is: inside quotes (and which), and how deep in each kind of Jinja2 block. */
interface SplitState {
  quote: string | null;
  depth: { print: number; block: number; comment: number };
}
const JINJA_PAIRS = [
  ['print', '{{', '}}'],
  ['block', '{%', '%}'],
  ['comment', '{#', '#}'],
] as const;

/**
 * split_args: the text split on spaces and newlines, words rejoined where the split fell inside quotes or a
 * Jinja2 block; a word that ends a line keeps its newline, extra spaces stay on the word before them, and a
 * lone backslash joins two lines.
 */
export function splitArgs(text: string): string[] {
  const params: string[] = [];
  const state: SplitState = { quote: null, depth: { print: 0, block: 0, comment: 0 } };
  const lines = text.split('\n');
  lines.forEach((line, lineIdx) => {
    let continued = false;
    line.split(' ').forEach((token, idx, tokens) => {
      if (token === '' && idx !== 0) lastParam(params, ' ');
      else if (token === '\\' && state.quote === null) continued = true;
      else addToken(params, state, { token, idx, count: tokens.length });
    });
    if (lines.length > 1 && lineIdx !== lines.length - 1 && !continued) lastParam(params, '\n');
  });
  if (state.quote !== null || Object.values(state.depth).some((d) => d > 0))
    throw new ParseError(`failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${text}`);
  return params;
}

/** Adds text to the last word; with no word yet, Python's IndexError, which parse_kv reports so. */
function lastParam(params: string[], text: string): void {
  if (!params.length) throw new ParseError('Unable to parse argument string. list index out of range');
  params[params.length - 1] += text;
}

function addToken(params: string[], state: SplitState, at: { token: string; idx: number; count: number }): void {
  const { token, idx } = at;
  const wasQuoted = state.quote !== null;
  state.quote = quoteState(token, state.quote);
  const quoted = state.quote !== null;
  const inJinja = () => Object.values(state.depth).some((d) => d > 0);
  let appended = false;
  if (quoted && !wasQuoted && !inJinja()) {
    params.push(token);
    appended = true;
  } else if (inJinja() || quoted || wasQuoted) {
    const last = params.length - 1;
    if (idx === 0 && wasQuoted) params[last] += token;
    else if (at.count > 1) params[last] += `${idx > 0 ? ' ' : ''}${token}`;
    else params[last] += `\n${token}`;
    appended = true;
  }
  for (const [kind, open, close] of JINJA_PAIRS) {
    const before = state.depth[kind];
    state.depth[kind] = jinjaDepth(token, before, [open, close]);
    if (state.depth[kind] !== before && !appended) {
      params.push(token);
      appended = true;
    }
  }
  if (!inJinja() && !quoted && !appended && token !== '') params.push(token);
}

/** _get_quote_state: the quote still open after this token, if any. */
function quoteState(token: string, quote: string | null): string | null {
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (quote === null) quote = c;
      else if (c === quote) quote = null;
    }
  }
  return quote;
}

/** _count_jinja2_blocks: the depth after this token's opening and closing delimiters. */
function jinjaDepth(token: string, depth: number, [open, close]: readonly [string, string]): number {
  const opened = token.split(open).length - 1;
  const closed = token.split(close).length - 1;
  return opened === closed ? depth : Math.max(0, depth + opened - closed);
}
