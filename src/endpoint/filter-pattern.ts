// CloudWatch Logs filter patterns, the subset the local endpoint understands (TestMetricFilter, and the check
// PutMetricFilter makes): term patterns (`ERROR "disk full"`, `?ERROR ?WARN`, `-DEBUG`), JSON patterns
// (`{ $.status = 500 && ($.user = "a*" || $.latency >= 1.5) }`, `$.x IS NULL|TRUE|FALSE`, `$.x NOT EXISTS`) and
// space-delimited patterns (`[ip, user, ..., status = 5*, size > 100]`). An empty pattern matches every event.
import { invalidParameter } from './common.js';

type Comparison = { selector: string; op: string; value: string | number | boolean | null | 'EXISTS' };
type JsonExpr = Comparison | { and: JsonExpr[] } | { or: JsonExpr[] };
type FieldRule = { name: string; op?: string; value?: string };

type FilterPattern =
  | { kind: 'terms'; all: string[]; any: string[]; none: string[] }
  | { kind: 'json'; expr: JsonExpr }
  | { kind: 'fields'; fields: FieldRule[] };

const invalidPattern = () => invalidParameter('Invalid metric filter pattern');
const OPS = ['!=', '<=', '>=', '=', '<', '>'];

export function parseFilterPattern(text: string): FilterPattern {
  const t = text.trim();
  if (t.startsWith('{')) {
    if (!t.endsWith('}')) throw invalidPattern();
    const tokens = tokenize(t.slice(1, -1));
    const at = { i: 0 };
    const expr = parseOr(tokens, at);
    if (at.i !== tokens.length) throw invalidPattern();
    return { kind: 'json', expr };
  }
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw invalidPattern();
    return { kind: 'fields', fields: t.slice(1, -1).split(',').map(parseField) };
  }
  const pattern: FilterPattern = { kind: 'terms', all: [], any: [], none: [] };
  for (const m of t.matchAll(/([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))/g)) {
    const term = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    (m[1] === '?' ? pattern.any : m[1] === '-' ? pattern.none : pattern.all).push(term);
  }
  return pattern;
}

function tokenize(body: string): string[] {
  const re = /\s*("(?:[^"\\]|\\.)*"|&&|\|\||!=|<=|>=|[=<>()]|[^\s=<>()!&|"]+)/gy;
  const tokens: string[] = [];
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(body))) {
    tokens.push(m[1]!);
    end = re.lastIndex;
  }
  // (a failed sticky match resets lastIndex: what follows the last token must be blank)
  if (body.slice(end).trim() !== '') throw invalidPattern();
  return tokens;
}

function parseOr(tokens: string[], at: { i: number }): JsonExpr {
  const parts = [parseAnd(tokens, at)];
  while (tokens[at.i] === '||') {
    at.i++;
    parts.push(parseAnd(tokens, at));
  }
  return parts.length === 1 ? parts[0]! : { or: parts };
}
function parseAnd(tokens: string[], at: { i: number }): JsonExpr {
  const parts = [parseComparison(tokens, at)];
  while (tokens[at.i] === '&&') {
    at.i++;
    parts.push(parseComparison(tokens, at));
  }
  return parts.length === 1 ? parts[0]! : { and: parts };
}
function parseComparison(tokens: string[], at: { i: number }): JsonExpr {
  if (tokens[at.i] === '(') {
    at.i++;
    const inner = parseOr(tokens, at);
    if (tokens[at.i++] !== ')') throw invalidPattern();
    return inner;
  }
  const selector = tokens[at.i++];
  if (!selector?.startsWith('$.') && selector !== '$') throw invalidPattern();
  const next = tokens[at.i++]?.toUpperCase();
  if (next === 'IS') {
    const what = tokens[at.i++]?.toUpperCase();
    if (what === 'NULL') return { selector, op: 'IS', value: null };
    if (what === 'TRUE' || what === 'FALSE') return { selector, op: 'IS', value: what === 'TRUE' };
    throw invalidPattern();
  }
  if (next === 'NOT' && tokens[at.i++]?.toUpperCase() === 'EXISTS') return { selector, op: 'NOT', value: 'EXISTS' };
  if (!next || !OPS.includes(next) || at.i >= tokens.length) throw invalidPattern();
  const raw = tokens[at.i++]!;
  const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  if (['<', '>', '<=', '>='].includes(next) && Number.isNaN(Number(value))) throw invalidPattern();
  return { selector, op: next, value: raw.startsWith('"') || Number.isNaN(Number(value)) ? value : Number(value) };
}

function parseField(text: string): FieldRule {
  const t = text.trim();
  const m = /^([^\s=<>!]+)\s*(!=|<=|>=|=|<|>)\s*(.+)$/.exec(t);
  if (m) return { name: m[1]!, op: m[2]!, value: m[3]!.replace(/^"(.*)"$/, '$1') };
  if (!t || /\s/.test(t)) throw invalidPattern();
  return { name: t };
}

/** `*` anywhere in a pattern value matches any text. */
const wildcard = (pattern: string, text: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  ).test(text);

function compare(actual: unknown, op: string, expected: string | number): boolean {
  if (typeof expected === 'number') {
    const n = typeof actual === 'number' ? actual : Number(actual);
    if (typeof actual !== 'number' && (typeof actual !== 'string' || actual.trim() === '' || Number.isNaN(n)))
      return op === '!=';
    return (
      { '=': n === expected, '!=': n !== expected, '<': n < expected, '>': n > expected }[op] ??
      (op === '<=' ? n <= expected : n >= expected)
    );
  }
  if (typeof actual !== 'string' && typeof actual !== 'number') return op === '!=';
  const equal = wildcard(expected, String(actual));
  return op === '!=' ? !equal : op === '=' && equal;
}

const MISSING = Symbol('missing');
function select(doc: unknown, selector: string): unknown {
  let v: unknown = doc;
  for (const step of selector.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (v === null || typeof v !== 'object') return MISSING;
    const key = step[1] ?? Number(step[2]);
    if (!(key in (v as object))) return MISSING;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function jsonMatches(expr: JsonExpr, doc: unknown, seen: Record<string, string>): boolean {
  if ('and' in expr) return expr.and.every((e) => jsonMatches(e, doc, seen));
  if ('or' in expr) return expr.or.some((e) => jsonMatches(e, doc, seen));
  const v = select(doc, expr.selector);
  if (expr.op === 'NOT') return v === MISSING;
  if (v === MISSING) return false;
  if (expr.op === 'IS') return v === expr.value;
  const ok = compare(v, expr.op, expr.value as string | number);
  if (ok) seen[expr.selector] = typeof v === 'string' ? v : JSON.stringify(v);
  return ok;
}

/** A space-delimited event's fields: "quoted" and [bracketed] runs are one field each. */
const splitFields = (message: string) =>
  [...message.matchAll(/"([^"]*)"|\[([^\]]*)\]|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

function fieldsMatch(rules: FieldRule[], fields: string[], seen: Record<string, string>): boolean {
  const ellipsis = rules.findIndex((r) => r.name === '...');
  const head = ellipsis < 0 ? rules : rules.slice(0, ellipsis);
  const tail = ellipsis < 0 ? [] : rules.slice(ellipsis + 1);
  if (ellipsis < 0 ? fields.length !== rules.length : fields.length < head.length + tail.length) return false;
  const pairs: Array<[FieldRule, string]> = [
    ...head.map((r, i): [FieldRule, string] => [r, fields[i]!]),
    ...tail.map((r, i): [FieldRule, string] => [r, fields[fields.length - tail.length + i]!]),
  ];
  for (const [rule, field] of pairs) {
    if (rule.op === undefined) continue;
    const expected = rule.value!;
    const numeric = !Number.isNaN(Number(expected)) && expected.trim() !== '';
    if (!compare(field, rule.op, numeric ? Number(expected) : expected)) return false;
  }
  for (const [rule, field] of pairs) seen[`$${rule.name}`] = field;
  return true;
}

/** Whether one log event matches, and the values the pattern picked out of it. */
export function matchEvent(pattern: FilterPattern, message: string): Record<string, string> | null {
  const seen: Record<string, string> = {};
  if (pattern.kind === 'terms') {
    const ok =
      pattern.all.every((t) => message.includes(t)) &&
      (!pattern.any.length || pattern.any.some((t) => message.includes(t))) &&
      !pattern.none.some((t) => message.includes(t));
    return ok ? seen : null;
  }
  if (pattern.kind === 'fields') return fieldsMatch(pattern.fields, splitFields(message), seen) ? seen : null;
  let doc: unknown;
  try {
    doc = JSON.parse(message);
  } catch {
    return null;
  }
  return jsonMatches(pattern.expr, doc, seen) ? seen : null;
}
