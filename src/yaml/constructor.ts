// Ansible's constructor (AnsibleConstructor over PyYAML's SafeConstructor) on the parser's events: a document's
// values, the anchors it shares (an alias is the node its anchor named, never a copy, so an alias bomb loads in the
// time its text takes), merge keys, duplicate-key warnings, and the position of every node. A constructor's problem
// is the one PyYAML meets first: it builds a document level by level after composing all of it, so the problem is
// kept until the document ends and the shallowest wins.
import type { Pos } from '../errors.js';
import { PyTuple, isDict, isNum, setKey } from '../python/python.js';
import { VaultText } from '../vault/index.js';
import type { YamlEvent } from './parser.js';
import {
  constructBool,
  constructFloat,
  constructInt,
  constructTimestamp,
  plainScalarKind,
  resolvePlainScalar,
} from './resolve.js';
import { YamlSyntaxError, type Mark } from './scanner.js';

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

/** Ansible's wrap_var: every string in the value (the value itself, or in its lists and dicts) made unsafe. A list or
 * dict that YAML aliases share is wrapped once and its result shared, as templating shares it. */
export function wrapUnsafe(value: unknown, done = new Map<object, unknown>()): unknown {
  if (typeof value === 'string') return new UnsafeText(value);
  if (value instanceof PyTuple || !(Array.isArray(value) || isDict(value))) return value;
  const known = done.get(value);
  if (known !== undefined) return known;
  let out: unknown;
  if (Array.isArray(value)) out = value.map((v) => wrapUnsafe(v, done));
  else {
    const dict: Record<string, unknown> = {};
    for (const k in value) setKey(dict, k, wrapUnsafe(value[k], done));
    out = dict;
  }
  done.set(value, out);
  return out;
}

/** The value with its unsafe marks taken off (UnsafeText back to text), and whether it had any; shared lists and
 * dicts are looked into once. */
export function unwrapUnsafe(
  value: unknown,
  done = new Map<object, { value: unknown; unsafe: boolean }>(),
): { value: unknown; unsafe: boolean } {
  if (value instanceof UnsafeText) return { value: value.value, unsafe: true };
  if (value instanceof PyTuple || !(Array.isArray(value) || isDict(value))) return { value, unsafe: false };
  const known = done.get(value);
  if (known) return known;
  let unsafe = false;
  const take = (v: unknown) => {
    const r = unwrapUnsafe(v, done);
    unsafe ||= r.unsafe;
    return r.value;
  };
  let out: unknown;
  if (Array.isArray(value)) out = value.map(take);
  else {
    const dict: Record<string, unknown> = {};
    for (const k in value) setKey(dict, k, take(value[k]));
    out = dict;
  }
  const result = { value: unsafe ? out : value, unsafe };
  done.set(value, result);
  return result;
}

/** Positions of loaded mappings and sequences (Ansible's `ansible_pos`), and of the values in them: the latter keyed
 * by the container's Pos object, so a copy that keeps the container's position (setPos) keeps its values' too. */
const positions = new WeakMap<object, Pos>();

/** A loaded node's position, which also holds where its values were (a private field: the position still equals a
 * plain { file, line, column }). */
class NodePos implements Pos {
  readonly #values = new Map<string | number, Pos>();
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
  ) {}
  static values(pos: Pos): Map<string | number, Pos> | undefined {
    return pos instanceof NodePos ? pos.#values : undefined;
  }
}
export const posOf = (node: unknown): Pos | undefined =>
  node !== null && typeof node === 'object' ? positions.get(node) : undefined;
export const setPos = (node: object, pos: Pos | undefined): void => {
  if (pos) positions.set(node, pos);
};
/** Where the value under `key` (a mapping's key or a sequence's index) of a loaded mapping or sequence was. */
export const valuePos = (container: unknown, key: string | number): Pos | undefined => {
  // a value has a position where Ansible's has ansible_pos: a string, a mapping, a sequence (not a number or null)
  if (container === null || typeof container !== 'object') return undefined;
  const value = (container as Record<string | number, unknown>)[key];
  if (typeof value !== 'string' && (value === null || typeof value !== 'object')) return undefined;
  return anyValuePos(container, key);
};
/** Where any value was, a number's too: for the loader's own problems, which libyaml places at the node. */
const anyValuePos = (container: unknown, key: string | number): Pos | undefined => {
  const pos = posOf(container);
  return pos && NodePos.values(pos)?.get(key);
};

/** A problem found while constructing, with the place PyYAML's construction order gives it. */
interface Deferred {
  readonly error: YamlSyntaxError;
  readonly order: number[];
}

interface Frame {
  readonly kind: 'seq' | 'map';
  value: unknown[] | Record<string, unknown>;
  readonly tag?: string;
  readonly anchor?: string;
  readonly pos: Pos;
  readonly start: Mark;
  /** the node's place: its parent, and its index there (the document's index for a document's root) */
  readonly parent: Frame | undefined;
  readonly index: number;
  children: number;
  pendingKey?: { key: unknown; start: Mark; merge: boolean; collection: boolean };
  readonly merges: { value: unknown; start: Mark; alias: boolean }[];
  readonly keys: Set<string>;
  readonly values: Map<string | number, Pos>;
}

const YAML_TAG = 'tag:yaml.org,2002:';
const MAX_DEPTH = 1000;
const KIND_NAME = { seq: 'sequence', map: 'mapping', scalar: 'scalar' } as const;

/** Builds the documents of a stream from its events. */
export class DocumentBuilder {
  readonly documents: unknown[] = [];
  readonly warnings: string[] = [];
  #anchors = new Map<string, { value: unknown; start: Mark; kind: 'seq' | 'map' | 'scalar' }>();
  readonly #stack: Frame[] = [];
  #deferred: Deferred | undefined;
  #rootChildren = 0;

  constructor(
    private readonly file: string,
    private readonly strings: (s: string) => string,
  ) {}

  event(ev: YamlEvent): void {
    switch (ev.type) {
      case 'document-start':
        this.#anchors = new Map();
        this.#rootChildren = 0;
        return;
      case 'document-end':
        if (this.#deferred) throw this.#deferred.error;
        return;
      case 'sequence-start':
      case 'mapping-start':
        return this.#collection(ev);
      case 'sequence-end':
      case 'mapping-end':
        return this.#pop();
      case 'scalar':
        return this.#scalar(ev);
      case 'alias':
        return this.#alias(ev.anchor, ev.start);
    }
  }

  #pos(mark: Mark): Pos {
    return { file: this.file, line: mark.line + 1, column: mark.column + 1 };
  }

  /** Where a child's own construction comes in PyYAML's order: its parent's level and place, then its index. */
  #childOrder(index?: number): number[] {
    const top = this.#stack[this.#stack.length - 1];
    if (!top) return [-1];
    return orderWithin(top, index ?? top.children);
  }

  #defer(problem: string, mark: Mark, order: number[], context?: string): void {
    const known = this.#deferred;
    if (known && compareOrder(known.order, order) <= 0) return;
    this.#deferred = { error: new YamlSyntaxError(problem, mark, context), order };
  }

  #anchor(name: string | undefined, value: unknown, start: Mark, kind: 'seq' | 'map' | 'scalar'): void {
    if (name === undefined) return;
    const first = this.#anchors.get(name);
    if (first) throw new YamlSyntaxError('second occurrence', start, 'found duplicate anchor; first occurrence');
    this.#anchors.set(name, { value, start, kind });
  }

  #alias(name: string, start: Mark): void {
    const anchored = this.#anchors.get(name);
    if (!anchored) throw new YamlSyntaxError('found undefined alias', start);
    // the alias is its anchor's node: where it is, is where that node is
    const pos = this.#pos(anchored.start);
    this.#add(anchored.value, anchored.start, { alias: true, collection: anchored.kind !== 'scalar', pos });
  }

  #collection(ev: Extract<YamlEvent, { type: 'sequence-start' | 'mapping-start' }>): void {
    // Ansible's composer recurses once a level and crashes past Python's recursion limit (about 1,000): tsible
    // refuses the file there, at the place
    if (this.#stack.length >= MAX_DEPTH)
      throw new YamlSyntaxError(`nesting exceeded maxDepth (${MAX_DEPTH})`, ev.start);
    const kind = ev.type === 'sequence-start' ? 'seq' : 'map';
    const tag = ev.tag === '!' ? undefined : ev.tag;
    const value: unknown[] | Record<string, unknown> = kind === 'seq' ? [] : {};
    const pos = new NodePos(this.file, ev.start.line + 1, ev.start.column + 1);
    positions.set(value, pos);
    const parent = this.#stack[this.#stack.length - 1];
    const index = parent ? parent.children : this.#rootChildren;
    this.#checkCollectionTag(kind, tag, ev.start);
    this.#anchor(ev.anchor, value, ev.start, kind);
    const values = NodePos.values(pos)!;
    this.#stack.push({
      kind,
      value,
      tag,
      anchor: ev.anchor,
      pos,
      start: ev.start,
      parent,
      index,
      children: 0,
      merges: [],
      keys: new Set(),
      values,
    });
  }

  /** A tag the constructor has no use for on this kind of node. */
  #checkCollectionTag(kind: 'seq' | 'map', tag: string | undefined, start: Mark): void {
    if (tag === undefined || tag === '!unsafe') return;
    const fits = kind === 'seq' ? SEQUENCE_TAGS : MAPPING_TAGS;
    if (fits.has(tag)) return;
    const other = kind === 'seq' ? MAPPING_TAGS : SEQUENCE_TAGS;
    const problem = SCALAR_TAGS.has(tag)
      ? `expected a scalar node, but found ${KIND_NAME[kind]}`
      : other.has(tag)
        ? `expected a ${KIND_NAME[kind === 'seq' ? 'map' : 'seq']} node, but found ${KIND_NAME[kind]}`
        : `could not determine a constructor for the tag '${tag}'`;
    this.#defer(problem, start, this.#childOrder());
  }

  #pop(): void {
    const frame = this.#stack.pop()!;
    let value = frame.value;
    if (frame.kind === 'map' && frame.merges.length) this.#applyMerges(frame);
    if (frame.tag === '!unsafe') value = unsafeCopy(value);
    else if (frame.tag === `${YAML_TAG}omap` || frame.tag === `${YAML_TAG}pairs`) value = pairs(value as unknown[]);
    if (value !== frame.value) {
      setPos(value, frame.pos);
      if (frame.anchor !== undefined) this.#anchors.set(frame.anchor, { value, start: frame.start, kind: frame.kind });
    }
    this.#add(value, frame.start, { collection: true, pos: frame.pos });
  }

  #scalar(ev: Extract<YamlEvent, { type: 'scalar' }>): void {
    const pos = this.#pos(ev.start);
    const top = this.#stack[this.#stack.length - 1];
    const resolve = ev.plainImplicit;
    const kind = resolve ? plainScalarKind(ev.value) : 'str';
    let value: unknown;
    if (resolve && kind === 'merge' && top?.kind === 'map' && !top.pendingKey) value = MERGE;
    else if (resolve && kind === 'value' && top?.kind === 'map' && !top.pendingKey) value = this.strings(ev.value);
    else if (resolve) value = this.#resolved(ev.value, kind, ev.start);
    else value = this.#tagged(ev.value, ev.tag, ev.start, pos);
    this.#anchor(ev.anchor, value, ev.start, 'scalar');
    this.#add(value, ev.start, { pos });
  }

  #resolved(text: string, kind: ReturnType<typeof plainScalarKind>, start: Mark): unknown {
    if (kind === 'merge' || kind === 'value' || kind === 'yaml') {
      this.#defer(`could not determine a constructor for the tag '${YAML_TAG}${kind}'`, start, this.#childOrder());
      return text;
    }
    const value = resolvePlainScalar(text);
    return typeof value === 'string' ? this.strings(value) : value;
  }

  #tagged(raw: string, tag: string | undefined, start: Mark, pos: Pos): unknown {
    if (tag === undefined || tag === '!') return this.strings(raw);
    const constructed = constructScalar(raw, tag, pos);
    if (constructed.problem !== undefined) {
      this.#defer(constructed.problem, start, this.#childOrder());
      return raw;
    }
    return typeof constructed.value === 'string' ? this.strings(constructed.value) : constructed.value;
  }

  /** A node read: a document, an item of a sequence, or a key or value of a mapping. */
  #add(value: unknown, start: Mark, how: { pos?: Pos; alias?: boolean; collection?: boolean }): void {
    const top = this.#stack[this.#stack.length - 1];
    if (!top) {
      this.documents.push(value);
      this.#rootChildren++;
      return;
    }
    const index = top.children++;
    const pos = how.pos;
    if (top.kind === 'seq') {
      const items = top.value as unknown[];
      if (pos) top.values.set(items.length, pos);
      items.push(value);
      return;
    }
    if (!top.pendingKey) {
      top.pendingKey = { key: value, start, merge: value === MERGE, collection: !!how.collection };
      return;
    }
    const { key, start: keyStart, merge, collection } = top.pendingKey;
    top.pendingKey = undefined;
    if (merge) {
      top.merges.push({ value, start, alias: !!how.alias });
      return;
    }
    if (collection) {
      const type = Array.isArray(key) ? 'AnsibleSequence' : 'AnsibleMapping';
      const problem = `found unacceptable key (unhashable type: '${type}')`;
      return this.#defer(problem, keyStart, this.#childOrder(index - 1), 'while constructing a mapping');
    }
    this.#define(top, keyName(key), value, pos);
  }

  /** A mapping's key and value; a duplicate key warns (or, as ANSIBLE_DUPLICATE_YAML_DICT_KEY says, is refused or
   * ignored), and the last value wins. */
  #define(top: Frame, name: string, value: unknown, pos: Pos | undefined): void {
    if (top.keys.has(name)) {
      const message = `While constructing a mapping from ${this.file}, line ${top.pos.line}, column ${top.pos.column}, found a duplicate dict key (${name}). Using last defined value only.`;
      const mode = process.env.ANSIBLE_DUPLICATE_YAML_DICT_KEY ?? 'warn';
      if (mode === 'error') this.#defer(message, top.start, orderWithin(top, top.children - 2));
      else if (mode !== 'ignore') this.warnings.push(message);
    }
    top.keys.add(name);
    if (pos) top.values.set(name, pos);
    defineKey(top.value as Record<string, unknown>, name, value);
  }

  /** The merge keys of a mapping (`<<: *base`, `<<: [*a, *b]`): their keys first, earlier sources and the mapping's
   * own keys winning. */
  #applyMerges(frame: Frame): void {
    const own = frame.value as Record<string, unknown>;
    const merged: Record<string, unknown> = {};
    const order = orderWithin(frame, -1);
    const context = 'while constructing a mapping';
    const sources: unknown[] = [];
    for (const merge of frame.merges) {
      if (Array.isArray(merge.value) && !(merge.value instanceof PyTuple)) {
        const items = merge.value;
        const bad = items.findIndex((m) => !isMapping(m));
        if (bad >= 0) {
          const at = anyValuePos(items, bad);
          const mark = at ? { index: 0, line: at.line - 1, column: at.column - 1 } : merge.start;
          return this.#defer(`expected a mapping for merging, but found ${kindOf(items[bad])}`, mark, order, context);
        }
        sources.push(...[...items].reverse());
      } else if (isMapping(merge.value)) sources.push(merge.value);
      else
        return this.#defer(
          `expected a mapping or list of mappings for merging, but found ${kindOf(merge.value)}`,
          merge.start,
          order,
          context,
        );
    }
    for (const source of sources) for (const [k, v] of Object.entries(source as object)) defineKey(merged, k, v);
    for (const [k, v] of Object.entries(own)) defineKey(merged, k, v);
    for (const k of Object.keys(own)) delete own[k];
    for (const [k, v] of Object.entries(merged)) defineKey(own, k, v);
  }
}

/** The plain `<<` of a mapping key, until its value comes. */
const MERGE = Symbol('merge');

const isMapping = (v: unknown): boolean =>
  v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
const kindOf = (v: unknown) => (Array.isArray(v) ? 'sequence' : isMapping(v) ? 'mapping' : 'scalar');

function keyName(key: unknown): string {
  if (key === null) return 'None';
  if (typeof key === 'object' && !(key instanceof UnsafeText) && !isNum(key)) return JSON.stringify(key);
  return String(key);
}

/** PyYAML's order of construction for a child of `frame` at `index`: the frame's depth, the indexes on the way to
 * it, then the index (PyYAML builds a document level by level). */
function orderWithin(frame: Frame, index: number): number[] {
  const path: number[] = [];
  for (let f: Frame | undefined = frame; f; f = f.parent) path.unshift(f.index);
  return [path.length, ...path, index];
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

function defineKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty, so that a key named __proto__ stays a plain key
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `!unsafe` on a mapping or sequence: Ansible wraps the values it has built so far, so strings become unsafe and a
 * nested mapping or sequence (which PyYAML fills later) is empty. */
function unsafeCopy(value: unknown[] | Record<string, unknown>): unknown[] | Record<string, unknown> {
  const wrap = (v: unknown) =>
    typeof v === 'string' ? new UnsafeText(v) : Array.isArray(v) ? [] : isMapping(v) ? {} : v;
  if (Array.isArray(value)) return value.map(wrap);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) defineKey(out, k, wrap(v));
  return out;
}

/** !!omap and !!pairs: a list of (key, value) tuples. */
function pairs(items: unknown[]): unknown[] {
  return items.map((m) => {
    const [k, v] = Object.entries(isMapping(m) ? (m as object) : {})[0] ?? [];
    return PyTuple.of2(k, v);
  });
}

const SCALAR_TAGS = new Set(
  ['null', 'bool', 'int', 'float', 'binary', 'timestamp', 'str', 'python/unicode']
    .map((t) => YAML_TAG + t)
    .concat(['!vault', '!vault-encrypted']),
);
const SEQUENCE_TAGS = new Set([`${YAML_TAG}seq`, `${YAML_TAG}omap`, `${YAML_TAG}pairs`]);
const MAPPING_TAGS = new Set([`${YAML_TAG}map`, `${YAML_TAG}python/dict`, `${YAML_TAG}set`]);

/** A scalar with an explicit tag, as its constructor builds it; a problem in PyYAML's words otherwise. */
function constructScalar(raw: string, tag: string, pos: Pos): { value?: unknown; problem?: string } {
  const invalid = { problem: `invalid literal for tag '${tag}': '${raw}'` };
  switch (tag.startsWith(YAML_TAG) ? tag.slice(YAML_TAG.length) : tag) {
    case '!unsafe':
      return { value: new UnsafeText(raw) };
    case '!vault':
    case '!vault-encrypted':
      return { value: new VaultText(raw, pos) };
    case 'str':
    case 'python/unicode':
      return { value: raw };
    case 'null':
      return { value: null };
    case 'bool': {
      const value = constructBool(raw);
      return value === undefined ? { problem: `KeyError: '${raw.toLowerCase()}'` } : { value };
    }
    case 'int': {
      const value = constructInt(raw);
      return value === undefined ? invalid : { value };
    }
    case 'float': {
      const value = constructFloat(raw);
      return value === undefined ? invalid : { value };
    }
    case 'timestamp': {
      const value = constructTimestamp(raw);
      return value === undefined ? invalid : { value };
    }
    case 'binary':
      return { value: Buffer.from(raw.replace(/\s/g, ''), 'base64').toString('latin1') };
  }
  if (SEQUENCE_TAGS.has(tag)) return { problem: 'expected a sequence node, but found scalar' };
  if (MAPPING_TAGS.has(tag)) return { problem: 'expected a mapping node, but found scalar' };
  return { problem: `could not determine a constructor for the tag '${tag}'` };
}
