// YAML as Ansible's loader (PyYAML, YAML 1.1) reads it, built straight from js-yaml's event stream so that
// we keep a position for every mapping and sequence, share aliased nodes instead of copying them, and
// resolve plain scalars with PyYAML's YAML 1.1 rules (js-yaml's YAML11 schema reads y/n as booleans).
import { parseEvents, getScalarValue, EVENT_ID, SCALAR_STYLE, YAMLException } from 'js-yaml';
import type { Event, ScalarEvent } from 'js-yaml';
import { ParseError, type Pos } from '../errors.js';
import { isNum, pyFloat } from '../python/python.js';
import { VaultText, decryptIfVaulted } from '../vault/index.js';
import { libyamlProblem, secondDocumentOffset, streamProblem, unacceptableCharacter } from './libyaml-words.js';

/** A string tagged `!unsafe`: never templated. */
export class UnsafeText {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
  toJSON(): string {
    return this.value;
  }
}

/** Position of a loaded mapping or sequence (Ansible's `ansible_pos`). */
const positions = new WeakMap<object, Pos>();
export const posOf = (node: unknown): Pos | undefined =>
  node !== null && typeof node === 'object' ? positions.get(node) : undefined;
export const setPos = (node: object, pos: Pos | undefined): void => {
  if (pos) positions.set(node, pos);
};

interface LoadedYaml {
  readonly documents: unknown[];
  readonly warnings: string[];
}

const BOOL_TRUE = new Set(['yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const INT_RE =
  /^(?:[-+]?0b[01_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT_RE =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const TIMESTAMP_RE =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/;

function sexagesimal(text: string): number {
  let value = 0;
  for (const part of text.split(':')) value = value * 60 + Number(part);
  return value;
}

/** Which of PyYAML's implicit resolvers claims a plain scalar ('str' when none does): what its dumper checks to
 * decide whether a string may be written plain. */
export function plainScalarKind(
  text: string,
): 'null' | 'bool' | 'int' | 'float' | 'timestamp' | 'merge' | 'value' | 'yaml' | 'str' {
  if (NULLS.has(text)) return 'null';
  if (BOOL_TRUE.has(text) || BOOL_FALSE.has(text)) return 'bool';
  if (INT_RE.test(text)) return 'int';
  if (FLOAT_RE.test(text)) return 'float';
  if (TIMESTAMP_RE.test(text)) return 'timestamp';
  if (text === '<<') return 'merge';
  if (text === '=') return 'value';
  if (text === '!' || text === '&' || text === '*') return 'yaml';
  return 'str';
}

/** PyYAML's implicit resolver for a plain scalar. */
export function resolvePlainScalar(text: string): unknown {
  if (NULLS.has(text)) return null;
  if (BOOL_TRUE.has(text)) return true;
  if (BOOL_FALSE.has(text)) return false;
  if (INT_RE.test(text)) {
    let t = text.replace(/_/g, '');
    let sign = 1;
    if (t[0] === '-' || t[0] === '+') {
      if (t[0] === '-') sign = -1;
      t = t.slice(1);
    }
    if (t === '0') return 0;
    if (t.startsWith('0b')) return sign * parseInt(t.slice(2), 2);
    if (t.startsWith('0x')) return sign * parseInt(t.slice(2), 16);
    if (t.startsWith('0')) return sign * parseInt(t, 8);
    if (t.includes(':')) return sign * sexagesimal(t);
    return sign * Number(t);
  }
  if (FLOAT_RE.test(text)) {
    let t = text.replace(/_/g, '').toLowerCase();
    let sign = 1;
    if (t[0] === '-' || t[0] === '+') {
      if (t[0] === '-') sign = -1;
      t = t.slice(1);
    }
    if (t === '.inf') return sign * Infinity;
    if (t === '.nan') return NaN;
    if (t.includes(':')) return pyFloat(sign * sexagesimal(t));
    return pyFloat(sign * Number(t));
  }
  if (TIMESTAMP_RE.test(text)) return text; // Python date/datetime; kept as its ISO text
  return text;
}

class LineIndex {
  readonly #starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.#starts.push(i + 1);
  }
  pos(file: string, offset: number): Pos {
    let lo = 0,
      hi = this.#starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - this.#starts[lo]! + 1 };
  }
}

interface Frame {
  kind: 'seq' | 'map';
  value: unknown[] | Record<string, unknown>;
  anchor?: string;
  pendingKey?: { key: unknown; pos: Pos } | null;
  merges: unknown[];
  pos: Pos;
  keys: Set<string>;
}

/** Load every document of a YAML file the way Ansible's loader does. */
export function loadYaml(source: string, file: string): LoadedYaml {
  // a whole file encrypted with ansible-vault is decrypted on read, with the run's secrets (DataLoader does so);
  // a text that is no file ('<from_yaml>', '<extra vars>') is YAML as it stands, as DataLoader.load takes it
  const text = file.startsWith('<') ? source : decryptIfVaulted(source, file);
  // Ansible reads a file that is JSON with json.loads: its strings are plain str, not AnsibleUnicode
  recordStrings = !/^\s*[[{]/.test(text) || !isJson(text);
  const unacceptable = unacceptableCharacter(text);
  if (unacceptable) throw yamlSyntaxError(unacceptable, { file, text });
  const structure = streamProblem(text);
  if (structure) throw yamlSyntaxError(structure.problem, { file, text, offset: structure.offset });
  let events: Event[];
  try {
    events = parseEvents(text, { filename: file, maxDepth: 1000 });
  } catch (err) {
    throw yamlError(err, file, text);
  }
  const builder = new DocumentBuilder(text, file);
  for (const ev of events) builder.event(ev);
  return { documents: builder.documents, warnings: builder.warnings };
}

/** Builds the documents from the parser's events: a stack of the mappings and sequences being read, and the
 * anchors seen so far. An alias adds the node its anchor named, never a copy, so an alias bomb loads in the time its
 * text takes (as PyYAML's loader shares it); writing such a value out stops at a size limit (expanded-size.ts). */
class DocumentBuilder {
  readonly documents: unknown[] = [];
  readonly warnings: string[] = [];
  readonly #lines: LineIndex;
  readonly #anchors = new Map<string, unknown>();
  readonly #stack: Frame[] = [];

  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {
    this.#lines = new LineIndex(text);
  }

  event(ev: Event): void {
    switch (ev.type) {
      case EVENT_ID.DOCUMENT:
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        this.#collection(ev);
        break;
      case EVENT_ID.POP:
        this.#pop();
        break;
      case EVENT_ID.SCALAR: {
        const pos = this.#lines.pos(this.file, ev.tagStart >= 0 ? ev.tagStart : ev.valueStart);
        const value = scalarValue(this.text, ev, this.#slice(ev.tagStart, ev.tagEnd), pos);
        const anchor = this.#slice(ev.anchorStart, ev.anchorEnd);
        if (anchor) this.#anchors.set(anchor, value);
        this.#add(value, pos);
        break;
      }
      case EVENT_ID.ALIAS: {
        const name = this.text.slice(ev.anchorStart, ev.anchorEnd);
        const pos = this.#lines.pos(this.file, ev.anchorStart);
        if (!this.#anchors.has(name))
          throw yamlSyntaxError('found undefined alias', { ...this.#at, offset: ev.anchorStart - 1 });
        this.#add(this.#anchors.get(name), pos);
        break;
      }
    }
  }

  get #at() {
    return { file: this.file, text: this.text };
  }

  #slice(start: number, end: number): string | undefined {
    return start < 0 ? undefined : this.text.slice(start, end);
  }

  /** A mapping or sequence begins. */
  #collection(ev: Extract<Event, { type: typeof EVENT_ID.SEQUENCE | typeof EVENT_ID.MAPPING }>): void {
    const pos = this.#lines.pos(this.file, ev.start);
    const tag = this.#slice(ev.tagStart, ev.tagEnd);
    if (tag && tag !== '!!seq' && tag !== '!!map' && tag !== '!!omap') throw unknownTag(tag, { ...this.#at, pos });
    const value: unknown[] | Record<string, unknown> = ev.type === EVENT_ID.SEQUENCE ? [] : {};
    positions.set(value, pos);
    this.#stack.push({
      kind: ev.type === EVENT_ID.SEQUENCE ? 'seq' : 'map',
      value,
      anchor: this.#slice(ev.anchorStart, ev.anchorEnd),
      pendingKey: null,
      merges: [],
      pos,
      keys: new Set(),
    });
  }

  /** The innermost mapping or sequence (or the document) ends. */
  #pop(): void {
    const frame = this.#stack.pop();
    if (!frame) return; // end of document
    if (frame.kind === 'map' && frame.merges.length) applyMerges(frame, this.file);
    if (frame.anchor) this.#anchors.set(frame.anchor, frame.value);
    this.#add(frame.value, frame.pos);
  }

  /** A node read: a document, an item of a sequence, or a key or value of a mapping. */
  #add(value: unknown, pos: Pos): void {
    const top = this.#stack[this.#stack.length - 1];
    if (!top) {
      this.documents.push(value);
      return;
    }
    if (top.kind === 'seq') {
      (top.value as unknown[]).push(value);
      return;
    }
    if (top.pendingKey === null || top.pendingKey === undefined) {
      top.pendingKey = { key: value, pos };
      return;
    }
    const { key } = top.pendingKey;
    if (key !== null && typeof key === 'object')
      throw yamlSyntaxError(
        `found unacceptable key (unhashable type: '${Array.isArray(key) ? 'AnsibleSequence' : 'AnsibleMapping'}')`,
        { ...this.#at, pos: top.pendingKey.pos },
      );
    top.pendingKey = null;
    if (key === '<<') {
      top.merges.push(value);
      return;
    }
    this.#define(top, key, value);
  }

  /** A mapping's key and value; a duplicate key warns, as Ansible does, and the last value wins. */
  #define(top: Frame, key: unknown, value: unknown): void {
    const name = key === null ? 'None' : typeof key === 'object' ? JSON.stringify(key) : String(key);
    if (top.keys.has(name)) {
      this.warnings.push(
        `While constructing a mapping from ${this.file}, line ${top.pos.line}, column ${top.pos.column}, found a duplicate dict key (${name}). Using last defined value only.`,
      );
    }
    top.keys.add(name);
    defineKey(top.value as Record<string, unknown>, name, value);
  }
}

function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so that a key named __proto__ stays a plain key
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function applyMerges(frame: Frame, file: string): void {
  const own = frame.value as Record<string, unknown>;
  const merged: Record<string, unknown> = {};
  // later merge sources lose to earlier ones, and explicit keys win over all (YAML merge key spec)
  const sources = frame.merges.flatMap((m) => (Array.isArray(m) ? m : [m]));
  for (const source of sources.reverse()) {
    if (source === null || typeof source !== 'object' || Array.isArray(source))
      throw new ParseError(`Syntax Error while loading YAML.\n  expected a mapping or list of mappings for merging`, {
        pos: frame.pos,
      });
    for (const [k, v] of Object.entries(source)) defineKey(merged, k, v);
  }
  for (const [k, v] of Object.entries(own)) defineKey(merged, k, v);
  for (const k of Object.keys(own)) delete own[k];
  for (const [k, v] of Object.entries(merged)) defineKey(own, k, v);
  void file;
}

/** The strings YAML files gave (AnsibleUnicode in Ansible), for type_debug: a string is a primitive here, so
 * where it came from is known only by its text. A computed string equal to one of them is misnamed. */
const YAML_STRINGS = new Set<string>();
let recordStrings = true;
export const isYamlString = (s: string): boolean => YAML_STRINGS.has(s);
const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const yamlString = (s: string): string => {
  if (recordStrings && YAML_STRINGS.size < 100_000) YAML_STRINGS.add(s);
  return s;
};

function scalarValue(text: string, ev: ScalarEvent, tag: string | undefined, pos: Pos): unknown {
  const raw = getScalarValue(text, ev);
  if (tag === undefined || tag === '!') {
    if (ev.style !== SCALAR_STYLE.PLAIN || tag === '!') return yamlString(raw);
    const v = resolvePlainScalar(raw);
    return typeof v === 'string' ? yamlString(v) : v;
  }
  switch (tag) {
    case '!unsafe':
      return new UnsafeText(raw);
    case '!vault':
    case '!vault-encrypted':
      return new VaultText(raw, pos);
    case '!!str':
      return yamlString(raw);
    case '!!int': {
      const v = resolvePlainScalar(raw);
      if (isNum(v) && typeof v !== 'boolean') return Math.trunc(Number(v));
      break;
    }
    case '!!float': {
      const v = resolvePlainScalar(raw);
      if (isNum(v) && typeof v !== 'boolean') return pyFloat(Number(v));
      break;
    }
    case '!!bool': {
      const v = resolvePlainScalar(raw);
      if (typeof v === 'boolean') return v;
      break;
    }
    case '!!null':
      return null;
    default:
      throw unknownTag(tag, { file: pos.file, text, pos });
  }
  throw new ParseError(`Syntax Error while loading YAML.\n  invalid value for tag '${tag}': ${raw}`, { pos });
}

/** A tag no constructor takes, named as libyaml names it (`!!x` in full). */
const unknownTag = (tag: string, at: { file: string; text: string; pos: Pos }) =>
  yamlSyntaxError(`could not determine a constructor for the tag '${tag.replace(/^!!/, 'tag:yaml.org,2002:')}'`, at);

/** Python's json.loads message for text that is not JSON (Ansible tries JSON before YAML). */
function jsonError(text: string): string {
  try {
    JSON.parse(text);
    return '';
  } catch {
    /* describe it as Python does for the usual case */
  }
  const i = text.search(/\S/);
  const at = i < 0 ? text.length : i;
  const before = text.slice(0, at);
  const line = before.split('\n').length,
    column = at - before.lastIndexOf('\n');
  return `Expecting value: line ${line} column ${column} (char ${at})`;
}

/** A YAML syntax error as Ansible reports it: both parsers' complaints, libyaml's problem, and where it is when
 * libyaml says (an offset into the text). */
function yamlSyntaxError(problem: string, at: { file: string; text: string; offset?: number; pos?: Pos }): ParseError {
  const pos = at.offset === undefined ? at.pos : new LineIndex(at.text).pos(at.file, at.offset);
  return new ParseError(
    `We were unable to read either as JSON nor YAML, these are the errors we got from each:\nJSON: ${jsonError(at.text)}\n\nSyntax Error while loading YAML.\n  ${problem}`,
    { pos },
  );
}

/** A file of several documents, which Ansible's loader (get_single_data) refuses. */
export const secondDocumentError = (file: string, text: string): ParseError =>
  yamlSyntaxError('but found another document', { file, text, offset: secondDocumentOffset(text) });

function yamlError(err: unknown, file: string, text = ''): ParseError {
  if (err instanceof YAMLException) {
    const mark = (err as unknown as { mark?: { position: number } }).mark;
    const reason = (err as unknown as { reason?: string }).reason ?? err.message;
    const { problem, offset } = libyamlProblem(reason, text, mark?.position ?? 0);
    return yamlSyntaxError(problem, { file, text, offset });
  }
  return new ParseError(`Syntax Error while loading YAML.\n  ${String((err as Error)?.message ?? err)}`, {
    pos: { file, line: 1, column: 1 },
  });
}
