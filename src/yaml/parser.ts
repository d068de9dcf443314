// libyaml's parser: the events of a YAML stream from the scanner's tokens, with libyaml's problems ("did not find
// expected key", "did not find expected node content", ...) at the token where it finds them. A state machine as
// libyaml's (and PyYAML's parser.py): each state reads tokens and gives one event.
import { Scanner, YamlSyntaxError, type Mark, type ScalarStyle, type Token, type TokenType } from './scanner.js';

interface NodeProperties {
  readonly start: Mark;
  readonly anchor?: string;
  /** the resolved tag ('!' stays '!'); undefined when the node has none */
  readonly tag?: string;
}

export type YamlEvent =
  | { readonly type: 'document-start'; readonly start: Mark; readonly explicit: boolean }
  | { readonly type: 'document-end' | 'sequence-end' | 'mapping-end' | 'stream-end'; readonly start: Mark }
  | { readonly type: 'alias'; readonly start: Mark; readonly anchor: string }
  | (NodeProperties & {
      readonly type: 'scalar';
      readonly value: string;
      readonly style: ScalarStyle;
      /** whether PyYAML resolves it by its text (a plain scalar without a tag, or any tagged '!') */
      readonly plainImplicit: boolean;
    })
  | (NodeProperties & { readonly type: 'sequence-start' | 'mapping-start'; readonly flow: boolean });

type State = () => YamlEvent;

// the token types a state looks for
const EXPLICIT_DOCUMENT: readonly TokenType[] = ['version-directive', 'tag-directive', 'document-start', 'stream-end'];
const DIRECTIVES: readonly TokenType[] = ['version-directive', 'tag-directive'];
const EMPTY_DOCUMENT: readonly TokenType[] = [
  'version-directive',
  'tag-directive',
  'document-start',
  'document-end',
  'stream-end',
];
const NO_SEQUENCE_ITEM: readonly TokenType[] = ['block-entry', 'block-end'];
const NO_INDENTLESS_ITEM: readonly TokenType[] = ['block-entry', 'key', 'value', 'block-end'];
const NO_BLOCK_NODE: readonly TokenType[] = ['key', 'value', 'block-end'];
const NO_PAIR_KEY: readonly TokenType[] = ['value', 'flow-entry', 'flow-sequence-end'];
const SEQUENCE_ENTRY_END: readonly TokenType[] = ['flow-entry', 'flow-sequence-end'];
const NO_MAPPING_KEY: readonly TokenType[] = ['value', 'flow-entry', 'flow-mapping-end'];
const MAPPING_ENTRY_END: readonly TokenType[] = ['flow-entry', 'flow-mapping-end'];

const DEFAULT_TAGS: ReadonlyArray<readonly [string, string]> = [
  ['!', '!'],
  ['!!', 'tag:yaml.org,2002:'],
];

export class Parser {
  readonly #scanner: Scanner;
  readonly #states: State[] = [];
  readonly #marks: Mark[] = [];
  #state: State | undefined;
  #tagDirectives = new Map<string, string>();

  // the states, bound once
  readonly #documentEndState: State = () => this.#documentEnd();
  readonly #blockNodeState: State = () => this.#blockNode();
  readonly #documentContentState: State = () => this.#documentContent();
  readonly #documentStartState: State = () => this.#documentStart(false);
  readonly #indentlessSequenceEntryState: State = () => this.#indentlessSequenceEntry();
  readonly #blockSequenceEntryState: State = () => this.#blockSequenceEntry(false);
  readonly #blockSequenceFirstState: State = () => this.#blockSequenceEntry(true);
  readonly #blockMappingValueState: State = () => this.#blockMappingValue();
  readonly #blockMappingKeyState: State = () => this.#blockMappingKey(false);
  readonly #blockMappingFirstState: State = () => this.#blockMappingKey(true);
  readonly #flowSequenceEntryState: State = () => this.#flowSequenceEntry(false);
  readonly #flowSequenceFirstState: State = () => this.#flowSequenceEntry(true);
  readonly #flowPairKeyState: State = () => this.#flowSequenceEntryMappingKey();
  readonly #flowPairValueState: State = () => this.#flowSequenceEntryMappingValue();
  readonly #flowPairEndState: State = () => this.#flowSequenceEntryMappingEnd();
  readonly #flowMappingValueState: State = () => this.#flowMappingValue(false);
  readonly #flowMappingEmptyValueState: State = () => this.#flowMappingValue(true);
  readonly #flowMappingKeyState: State = () => this.#flowMappingKey(false);
  readonly #flowMappingFirstState: State = () => this.#flowMappingKey(true);

  constructor(text: string) {
    this.#scanner = new Scanner(text);
    this.#scanner.next(); // stream start
    this.#state = () => this.#documentStart(true);
  }

  /** The next event; undefined after the stream's end. */
  next(): YamlEvent | undefined {
    const state = this.#state;
    return state ? state() : undefined;
  }

  #peek(): Token {
    return this.#scanner.peek();
  }

  /** Whether the next token is of this type, or of one of these (constant lists: this runs for every token). */
  #is(types: TokenType | readonly TokenType[]): boolean {
    const t = this.#peek().type;
    return typeof types === 'string' ? t === types : types.includes(t);
  }

  #pop(): State {
    return this.#states.pop()!;
  }

  #documentStart(implicit: boolean): YamlEvent {
    if (!implicit) while (this.#is('document-end')) this.#scanner.next();
    const token = this.#peek();
    if (implicit && !this.#is(EXPLICIT_DOCUMENT)) {
      this.#directives();
      this.#states.push(this.#documentEndState);
      this.#state = this.#blockNodeState;
      return { type: 'document-start', start: token.start, explicit: false };
    }
    if (token.type === 'stream-end') {
      this.#state = undefined;
      return { type: 'stream-end', start: token.start };
    }
    this.#directives();
    const start = this.#peek();
    if (start.type !== 'document-start')
      throw new YamlSyntaxError('did not find expected <document start>', start.start);
    this.#states.push(this.#documentEndState);
    this.#state = this.#documentContentState;
    this.#scanner.next();
    return { type: 'document-start', start: token.start, explicit: true };
  }

  /** The %YAML and %TAG directives before a document. */
  #directives(): void {
    let version = false;
    this.#tagDirectives = new Map();
    while (this.#is(DIRECTIVES)) {
      const token = this.#scanner.next();
      if (token.type === 'version-directive') {
        if (version) throw new YamlSyntaxError('found duplicate %YAML directive', token.start);
        if (token.handle !== '1.1' && token.handle !== '1.2')
          throw new YamlSyntaxError('found incompatible YAML document', token.start);
        version = true;
      } else {
        if (this.#tagDirectives.has(token.handle!))
          throw new YamlSyntaxError('found duplicate %TAG directive', token.start);
        this.#tagDirectives.set(token.handle!, token.value!);
      }
    }
    for (const [handle, prefix] of DEFAULT_TAGS)
      if (!this.#tagDirectives.has(handle)) this.#tagDirectives.set(handle, prefix);
  }

  #documentContent(): YamlEvent {
    if (this.#is(EMPTY_DOCUMENT)) {
      this.#state = this.#pop();
      return emptyScalar(this.#peek().start);
    }
    return this.#node(true, false);
  }

  #documentEnd(): YamlEvent {
    const token = this.#peek();
    if (token.type === 'document-end') this.#scanner.next();
    this.#state = this.#documentStartState;
    return { type: 'document-end', start: token.start };
  }

  #blockNode(): YamlEvent {
    return this.#node(true, false);
  }

  /** A node's properties (anchor, tag), then its content. */
  #properties(): NodeProperties {
    let token = this.#peek();
    const start = token.start;
    let anchor: string | undefined, tagToken: Token | undefined;
    for (let k = 0; k < 2; k++) {
      if (token.type === 'anchor' && anchor === undefined) anchor = this.#scanner.next().value;
      else if (token.type === 'tag' && !tagToken) tagToken = this.#scanner.next();
      else break;
      token = this.#peek();
    }
    if (!tagToken) return { start, anchor };
    if (tagToken.handle === '') return { start, anchor, tag: tagToken.value };
    const prefix = this.#tagDirectives.get(tagToken.handle!);
    if (prefix === undefined)
      throw new YamlSyntaxError('found undefined tag handle', tagToken.start, 'while parsing a node');
    return { start, anchor, tag: prefix + tagToken.value };
  }

  #node(block: boolean, indentlessSequence: boolean): YamlEvent {
    if (this.#is('alias')) {
      this.#state = this.#pop();
      const token = this.#scanner.next();
      return { type: 'alias', start: token.start, anchor: token.value! };
    }
    const { start, anchor, tag } = this.#properties();
    const token = this.#peek();
    if (indentlessSequence && token.type === 'block-entry') {
      this.#state = this.#indentlessSequenceEntryState;
      return { type: 'sequence-start', start, anchor, tag, flow: false };
    }
    if (token.type === 'scalar') {
      this.#state = this.#pop();
      this.#scanner.next();
      const plainImplicit = (token.style === 'plain' && tag === undefined) || tag === '!';
      return { type: 'scalar', start, anchor, tag, value: token.value!, style: token.style!, plainImplicit };
    }
    const collection = this.#collectionStart(block, token.type);
    if (collection) {
      this.#state = collection.state;
      return { type: collection.type, start, anchor, tag, flow: !token.type.startsWith('block') };
    }
    if (anchor !== undefined || tag !== undefined) {
      this.#state = this.#pop();
      return { type: 'scalar', start, anchor, tag, value: '', style: 'plain', plainImplicit: tag === undefined };
    }
    throw new YamlSyntaxError(
      'did not find expected node content',
      token.start,
      block ? 'while parsing a block node' : 'while parsing a flow node',
    );
  }

  #collectionStart(
    block: boolean,
    type: TokenType,
  ): { type: 'sequence-start' | 'mapping-start'; state: State } | undefined {
    if (type === 'flow-sequence-start') return { type: 'sequence-start', state: this.#flowSequenceFirstState };
    if (type === 'flow-mapping-start') return { type: 'mapping-start', state: this.#flowMappingFirstState };
    if (block && type === 'block-sequence-start')
      return { type: 'sequence-start', state: this.#blockSequenceFirstState };
    if (block && type === 'block-mapping-start') return { type: 'mapping-start', state: this.#blockMappingFirstState };
    return undefined;
  }

  /** The first token of a collection: its mark is kept for the error that names the collection. */
  #first(first: boolean): void {
    if (!first) return;
    this.#marks.push(this.#peek().start);
    this.#scanner.next();
  }

  #blockSequenceEntry(first: boolean): YamlEvent {
    this.#first(first);
    const token = this.#peek();
    if (token.type === 'block-entry') {
      this.#scanner.next();
      if (!this.#is(NO_SEQUENCE_ITEM)) {
        this.#states.push(this.#blockSequenceEntryState);
        return this.#node(true, false);
      }
      this.#state = this.#blockSequenceEntryState;
      return emptyScalar(token.end);
    }
    if (token.type === 'block-end') return this.#end('sequence-end');
    throw new YamlSyntaxError("did not find expected '-' indicator", token.start, 'while parsing a block collection');
  }

  /** The end of a collection. */
  #end(type: 'sequence-end' | 'mapping-end'): YamlEvent {
    this.#state = this.#pop();
    this.#marks.pop();
    return { type, start: this.#scanner.next().start };
  }

  #indentlessSequenceEntry(): YamlEvent {
    const token = this.#peek();
    if (token.type !== 'block-entry') {
      this.#state = this.#pop();
      return { type: 'sequence-end', start: token.start };
    }
    this.#scanner.next();
    if (!this.#is(NO_INDENTLESS_ITEM)) {
      this.#states.push(this.#indentlessSequenceEntryState);
      return this.#node(true, false);
    }
    this.#state = this.#indentlessSequenceEntryState;
    return emptyScalar(token.end);
  }

  #blockMappingKey(first: boolean): YamlEvent {
    this.#first(first);
    const token = this.#peek();
    if (token.type === 'key') {
      this.#scanner.next();
      if (!this.#is(NO_BLOCK_NODE)) {
        this.#states.push(this.#blockMappingValueState);
        return this.#node(true, true);
      }
      this.#state = this.#blockMappingValueState;
      return emptyScalar(token.end);
    }
    if (token.type === 'block-end') return this.#end('mapping-end');
    throw new YamlSyntaxError('did not find expected key', token.start, 'while parsing a block mapping');
  }

  #blockMappingValue(): YamlEvent {
    const token = this.#peek();
    if (token.type === 'value') {
      this.#scanner.next();
      if (!this.#is(NO_BLOCK_NODE)) {
        this.#states.push(this.#blockMappingKeyState);
        return this.#node(true, true);
      }
      this.#state = this.#blockMappingKeyState;
      return emptyScalar(token.end);
    }
    this.#state = this.#blockMappingKeyState;
    return emptyScalar(token.start);
  }

  /** Between two entries of a flow collection: a ',' (or the end, which the caller handles). */
  #flowSeparator(first: boolean, close: TokenType): void {
    if (first || this.#is(close)) return;
    if (!this.#is('flow-entry')) {
      const sequence = close === 'flow-sequence-end';
      throw new YamlSyntaxError(
        sequence ? "did not find expected ',' or ']'" : "did not find expected ',' or '}'",
        this.#peek().start,
        sequence ? 'while parsing a flow sequence' : 'while parsing a flow mapping',
      );
    }
    this.#scanner.next();
  }

  #flowSequenceEntry(first: boolean): YamlEvent {
    this.#first(first);
    this.#flowSeparator(first, 'flow-sequence-end');
    const token = this.#peek();
    if (token.type === 'key') {
      this.#state = this.#flowPairKeyState;
      this.#scanner.next();
      return { type: 'mapping-start', start: token.start, anchor: undefined, tag: undefined, flow: true };
    }
    if (token.type !== 'flow-sequence-end') {
      this.#states.push(this.#flowSequenceEntryState);
      return this.#node(false, false);
    }
    return this.#end('sequence-end');
  }

  #flowSequenceEntryMappingKey(): YamlEvent {
    const token = this.#peek();
    if (!this.#is(NO_PAIR_KEY)) {
      this.#states.push(this.#flowPairValueState);
      return this.#node(false, false);
    }
    this.#scanner.next();
    this.#state = this.#flowPairValueState;
    return emptyScalar(token.end);
  }

  #flowSequenceEntryMappingValue(): YamlEvent {
    let token = this.#peek();
    if (token.type === 'value') {
      this.#scanner.next();
      token = this.#peek();
      if (!this.#is(SEQUENCE_ENTRY_END)) {
        this.#states.push(this.#flowPairEndState);
        return this.#node(false, false);
      }
    }
    this.#state = this.#flowPairEndState;
    return emptyScalar(token.start);
  }

  #flowSequenceEntryMappingEnd(): YamlEvent {
    this.#state = this.#flowSequenceEntryState;
    return { type: 'mapping-end', start: this.#peek().start };
  }

  #flowMappingKey(first: boolean): YamlEvent {
    this.#first(first);
    this.#flowSeparator(first, 'flow-mapping-end');
    let token = this.#peek();
    if (token.type === 'key') {
      this.#scanner.next();
      token = this.#peek();
      if (!this.#is(NO_MAPPING_KEY)) {
        this.#states.push(this.#flowMappingValueState);
        return this.#node(false, false);
      }
      this.#state = this.#flowMappingValueState;
      return emptyScalar(token.start);
    }
    if (token.type !== 'flow-mapping-end') {
      this.#states.push(this.#flowMappingEmptyValueState);
      return this.#node(false, false);
    }
    return this.#end('mapping-end');
  }

  #flowMappingValue(empty: boolean): YamlEvent {
    let token = this.#peek();
    this.#state = this.#flowMappingKeyState;
    if (empty) return emptyScalar(token.start);
    if (token.type === 'value') {
      this.#scanner.next();
      token = this.#peek();
      if (!this.#is(MAPPING_ENTRY_END)) {
        this.#states.push(this.#flowMappingKeyState);
        return this.#node(false, false);
      }
    }
    return emptyScalar(token.start);
  }
}

const emptyScalar = (start: Mark): YamlEvent => ({
  type: 'scalar',
  start,
  anchor: undefined,
  tag: undefined,
  value: '',
  style: 'plain',
  plainImplicit: true,
});
