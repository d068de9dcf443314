// libyaml's scanner (the one Ansible's loader runs, through PyYAML's CParser): the same tokens, the same leniencies
// (a flow collection may close at any indentation, tabs after indentation, long keys refused at 1024 characters) and
// the same problems at the same places, in its words. Written after libyaml 0.2.5's algorithm, which PyYAML's
// pure-Python scanner also follows.

/** A place in the text: offset, and line and column counted from 0 as libyaml counts them. */
export interface Mark {
  readonly index: number;
  readonly line: number;
  readonly column: number;
}

/** A problem libyaml reports, with the mark Ansible shows (problem_mark). */
export class YamlSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly mark: Mark,
    readonly context?: string,
  ) {
    super(problem);
  }
}

export type TokenType =
  | 'stream-start'
  | 'stream-end'
  | 'version-directive'
  | 'tag-directive'
  | 'document-start'
  | 'document-end'
  | 'block-sequence-start'
  | 'block-mapping-start'
  | 'block-end'
  | 'flow-sequence-start'
  | 'flow-mapping-start'
  | 'flow-sequence-end'
  | 'flow-mapping-end'
  | 'block-entry'
  | 'flow-entry'
  | 'key'
  | 'value'
  | 'alias'
  | 'anchor'
  | 'tag'
  | 'scalar';

export type ScalarStyle = 'plain' | "'" | '"' | '|' | '>';

export interface Token {
  readonly type: TokenType;
  readonly start: Mark;
  readonly end: Mark;
  /** scalar text, anchor or alias name, tag suffix, directive prefix */
  readonly value?: string;
  /** tag or %TAG handle; %YAML version "major.minor" */
  readonly handle?: string;
  readonly style?: ScalarStyle;
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

const isBreak = (c: string) => c === '\n' || c === '\r' || c === '\x85' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string) => c === ' ' || c === '\t';
/** blank, break or the end of the text ('') */
const isBlankz = (c: string) => c === '' || c === ' ' || c === '\t' || isBreak(c) || c === '\0';
const isBreakz = (c: string) => c === '' || c === '\0' || isBreak(c);
const isAlpha = (c: string) => /^[0-9A-Za-z_-]$/.test(c);
const isHex = (c: string) => /^[0-9A-Fa-f]$/.test(c);
const URI_EXTRA = ";/?:@&=+$.%!~*'()";
const ANCHOR_END = '?:,]}%@`';
const PLAIN_START_EXCLUDED = '-?:,[]{}#&*!|>\'"%@`';

export class Scanner {
  #i = 0;
  #line = 0;
  #column = 0;
  #flowLevel = 0;
  #indent = -1;
  readonly #indents: number[] = [];
  readonly #simpleKeys: SimpleKey[] = [];
  #simpleKeyAllowed = false;
  readonly #tokens: Token[] = [];
  #head = 0;
  #tokensParsed = 0;
  #started = false;
  #ended = false;

  constructor(private readonly text: string) {
    // the reader takes a byte order mark at the start for the encoding's, not for content
    if (text.startsWith('\uFEFF')) this.#i = 1;
  }

  /** The next token, without consuming it. */
  peek(): Token {
    this.#fetchMore();
    return this.#tokens[this.#head]!;
  }

  /** The next token, consumed. */
  next(): Token {
    const token = this.peek();
    this.#head++;
    this.#tokensParsed++;
    if (this.#head > 1024) {
      this.#tokens.splice(0, this.#head);
      this.#head = 0;
    }
    return token;
  }

  get #mark(): Mark {
    return { index: this.#i, line: this.#line, column: this.#column };
  }

  #ch(k = 0): string {
    return this.text[this.#i + k] ?? '';
  }

  #skip(): void {
    this.#i++;
    this.#column++;
  }

  /** Skips a line break (\r\n counts as one). */
  #skipLine(): void {
    const c = this.#ch();
    if (c === '\r' && this.#ch(1) === '\n') this.#i += 2;
    else if (isBreak(c)) this.#i++;
    else return;
    this.#line++;
    this.#column = 0;
  }

  /** Reads a line break as libyaml normalises it: \r\n, \r, \n and NEL become \n; LS and PS stay. */
  #readLine(): string {
    const c = this.#ch();
    this.#skipLine();
    return c === '\u2028' || c === '\u2029' ? c : '\n';
  }

  #error(problem: string, context?: string): YamlSyntaxError {
    return new YamlSyntaxError(problem, this.#mark, context);
  }

  #fetchMore(): void {
    for (;;) {
      let need = this.#head >= this.#tokens.length;
      if (!need) {
        this.#staleSimpleKeys();
        for (const k of this.#simpleKeys) if (k.possible && k.tokenNumber === this.#tokensParsed) need = true;
      }
      if (!need || this.#ended) return;
      this.#fetchNext();
    }
  }

  #enqueue(type: TokenType, start: Mark, extra: Partial<Token> = {}): void {
    this.#tokens.push({ type, start, end: this.#mark, ...extra });
  }

  #fetchNext(): void {
    if (!this.#started) return this.#streamStart();
    this.#scanToNextToken();
    this.#staleSimpleKeys();
    this.#unrollIndent(this.#column);
    const c = this.#ch();
    if (c === '' || c === '\0') return this.#streamEnd();
    if (this.#column === 0 && c === '%') return this.#directive();
    if (this.#column === 0 && this.#documentIndicator()) return this.#documentMarker();
    if (this.#fetchIndicator(c)) return;
    if (this.#startsPlain(c)) return this.#plainScalar();
    throw new YamlSyntaxError(
      'found character that cannot start any token',
      this.#mark,
      'while scanning for the next token',
    );
  }

  #documentIndicator(): boolean {
    const three = this.text.slice(this.#i, this.#i + 3);
    return (three === '---' || three === '...') && isBlankz(this.#ch(3));
  }

  /** The tokens an indicator character starts; false when `c` starts none. */
  #fetchIndicator(c: string): boolean {
    const blankzNext = isBlankz(this.#ch(1));
    if (c === '[' || c === '{') this.#flowCollectionStart(c === '[' ? 'flow-sequence-start' : 'flow-mapping-start');
    else if (c === ']' || c === '}') this.#flowCollectionEnd(c === ']' ? 'flow-sequence-end' : 'flow-mapping-end');
    else if (c === ',') this.#flowEntry();
    else if (c === '-' && blankzNext) this.#blockEntry();
    else if (c === '?' && (this.#flowLevel || blankzNext)) this.#key();
    else if (c === ':' && (this.#flowLevel || blankzNext)) this.#value();
    else if (c === '*' || c === '&') this.#anchor(c === '*' ? 'alias' : 'anchor');
    else if (c === '!') this.#tag();
    else if ((c === '|' || c === '>') && !this.#flowLevel) this.#blockScalar(c);
    else if (c === "'" || c === '"') this.#flowScalar(c);
    else return false;
    return true;
  }

  #startsPlain(c: string): boolean {
    if (!(isBlankz(c) || PLAIN_START_EXCLUDED.includes(c))) return true;
    if (c === '-' && !isBlank(this.#ch(1))) return true;
    return !this.#flowLevel && (c === '?' || c === ':') && !isBlankz(this.#ch(1));
  }

  #scanToNextToken(): void {
    for (;;) {
      if (this.#column === 0 && this.#ch() === '\uFEFF') this.#skip();
      while (this.#ch() === ' ' || ((this.#flowLevel || !this.#simpleKeyAllowed) && this.#ch() === '\t')) this.#skip();
      if (this.#ch() === '#') while (!isBreakz(this.#ch())) this.#skip();
      if (!isBreak(this.#ch())) return;
      this.#skipLine();
      if (!this.#flowLevel) this.#simpleKeyAllowed = true;
    }
  }

  #staleSimpleKeys(): void {
    for (const key of this.#simpleKeys) {
      if (key.possible && (key.mark.line < this.#line || key.mark.index + 1024 < this.#i)) {
        if (key.required)
          throw new YamlSyntaxError("could not find expected ':'", this.#mark, 'while scanning a simple key');
        key.possible = false;
      }
    }
  }

  #saveSimpleKey(): void {
    const required = !this.#flowLevel && this.#indent === this.#column;
    if (!this.#simpleKeyAllowed) return;
    this.#removeSimpleKey();
    this.#simpleKeys[this.#simpleKeys.length - 1] = {
      possible: true,
      required,
      tokenNumber: this.#tokensParsed + this.#tokens.length - this.#head,
      mark: this.#mark,
    };
  }

  #removeSimpleKey(): void {
    const key = this.#simpleKeys[this.#simpleKeys.length - 1]!;
    if (key.possible && key.required)
      throw new YamlSyntaxError("could not find expected ':'", this.#mark, 'while scanning a simple key');
    key.possible = false;
  }

  #rollIndent(column: number, tokenNumber: number, type: TokenType, mark: Mark): void {
    if (this.#flowLevel || this.#indent >= column) return;
    this.#indents.push(this.#indent);
    this.#indent = column;
    const token: Token = { type, start: mark, end: mark };
    if (tokenNumber === -1) this.#tokens.push(token);
    else this.#tokens.splice(this.#head + tokenNumber - this.#tokensParsed, 0, token);
  }

  #unrollIndent(column: number): void {
    if (this.#flowLevel) return;
    while (this.#indent > column) {
      this.#tokens.push({ type: 'block-end', start: this.#mark, end: this.#mark });
      this.#indent = this.#indents.pop()!;
    }
  }

  #streamStart(): void {
    this.#started = true;
    this.#simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.#mark });
    this.#simpleKeyAllowed = true;
    this.#enqueue('stream-start', this.#mark);
  }

  #streamEnd(): void {
    if (this.#column !== 0) {
      this.#column = 0;
      this.#line++;
    }
    this.#unrollIndent(-1);
    this.#removeSimpleKey();
    this.#simpleKeyAllowed = false;
    this.#ended = true;
    this.#enqueue('stream-end', this.#mark);
  }

  #documentMarker(): void {
    this.#unrollIndent(-1);
    this.#removeSimpleKey();
    this.#simpleKeyAllowed = false;
    const start = this.#mark;
    const type = this.#ch() === '-' ? 'document-start' : 'document-end';
    this.#i += 3;
    this.#column += 3;
    this.#enqueue(type, start);
  }

  #flowCollectionStart(type: TokenType): void {
    this.#saveSimpleKey();
    this.#simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: this.#mark });
    this.#flowLevel++;
    this.#simpleKeyAllowed = true;
    this.#single(type);
  }

  #flowCollectionEnd(type: TokenType): void {
    this.#removeSimpleKey();
    if (this.#flowLevel) {
      this.#flowLevel--;
      this.#simpleKeys.pop();
    }
    this.#simpleKeyAllowed = false;
    this.#single(type);
  }

  /** A token of one character. */
  #single(type: TokenType): void {
    const start = this.#mark;
    this.#skip();
    this.#enqueue(type, start);
  }

  #flowEntry(): void {
    this.#removeSimpleKey();
    this.#simpleKeyAllowed = true;
    this.#single('flow-entry');
  }

  #blockEntry(): void {
    if (!this.#flowLevel) {
      if (!this.#simpleKeyAllowed) throw this.#error('block sequence entries are not allowed in this context');
      this.#rollIndent(this.#column, -1, 'block-sequence-start', this.#mark);
    }
    this.#removeSimpleKey();
    this.#simpleKeyAllowed = true;
    this.#single('block-entry');
  }

  #key(): void {
    if (!this.#flowLevel) {
      if (!this.#simpleKeyAllowed) throw this.#error('mapping keys are not allowed in this context');
      this.#rollIndent(this.#column, -1, 'block-mapping-start', this.#mark);
    }
    this.#removeSimpleKey();
    this.#simpleKeyAllowed = !this.#flowLevel;
    this.#single('key');
  }

  #value(): void {
    const key = this.#simpleKeys[this.#simpleKeys.length - 1]!;
    if (key.possible) {
      const token: Token = { type: 'key', start: key.mark, end: key.mark };
      this.#tokens.splice(this.#head + key.tokenNumber - this.#tokensParsed, 0, token);
      this.#rollIndent(key.mark.column, key.tokenNumber, 'block-mapping-start', key.mark);
      key.possible = false;
      this.#simpleKeyAllowed = false;
    } else {
      if (!this.#flowLevel) {
        if (!this.#simpleKeyAllowed) throw this.#error('mapping values are not allowed in this context');
        this.#rollIndent(this.#column, -1, 'block-mapping-start', this.#mark);
      }
      this.#simpleKeyAllowed = !this.#flowLevel;
    }
    this.#single('value');
  }

  #directive(): void {
    this.#unrollIndent(-1);
    this.#removeSimpleKey();
    this.#simpleKeyAllowed = false;
    const start = this.#mark;
    this.#skip();
    let name = '';
    while (isAlpha(this.#ch())) {
      name += this.#ch();
      this.#skip();
    }
    const context = 'while scanning a directive';
    if (!name) throw this.#error('could not find expected directive name', context);
    if (!isBlankz(this.#ch())) throw this.#error('found unexpected non-alphabetical character', context);
    if (name === 'YAML') this.#enqueue('version-directive', start, { handle: this.#versionValue() });
    else if (name === 'TAG') this.#enqueue('tag-directive', start, this.#tagDirectiveValue());
    else throw this.#error('found unknown directive name', context);
    this.#lineEnd(context);
  }

  /** Blanks, a comment, then a line break or the end, after a directive or a block scalar's header. */
  #lineEnd(context: string): void {
    while (isBlank(this.#ch())) this.#skip();
    if (this.#ch() === '#') while (!isBreakz(this.#ch())) this.#skip();
    if (!isBreakz(this.#ch())) throw this.#error('did not find expected comment or line break', context);
    this.#skipLine();
  }

  #versionValue(): string {
    while (isBlank(this.#ch())) this.#skip();
    const major = this.#versionNumber();
    if (this.#ch() !== '.')
      throw this.#error("did not find expected digit or '.' character", 'while scanning a %YAML directive');
    this.#skip();
    return `${major}.${this.#versionNumber()}`;
  }

  #versionNumber(): number {
    let digits = '';
    while (/^[0-9]$/.test(this.#ch())) {
      if (digits.length >= 9)
        throw this.#error('found extremely long version number', 'while scanning a %YAML directive');
      digits += this.#ch();
      this.#skip();
    }
    if (!digits) throw this.#error('did not find expected version number', 'while scanning a %YAML directive');
    return Number(digits);
  }

  #tagDirectiveValue(): Partial<Token> {
    const context = 'while scanning a %TAG directive';
    while (isBlank(this.#ch())) this.#skip();
    const handle = this.#tagHandle(true);
    if (!isBlank(this.#ch())) throw this.#error('did not find expected whitespace', context);
    while (isBlank(this.#ch())) this.#skip();
    const value = this.#tagUri(true, true, '');
    if (!isBlankz(this.#ch())) throw this.#error('did not find expected whitespace or line break', context);
    return { handle, value };
  }

  #anchor(type: 'alias' | 'anchor'): void {
    this.#saveSimpleKey();
    this.#simpleKeyAllowed = false;
    const start = this.#mark;
    this.#skip();
    let name = '';
    while (isAlpha(this.#ch())) {
      name += this.#ch();
      this.#skip();
    }
    const c = this.#ch();
    if (!name || !(isBlankz(c) || ANCHOR_END.includes(c)))
      throw new YamlSyntaxError(
        'did not find expected alphabetic or numeric character',
        this.#mark,
        type === 'anchor' ? 'while scanning an anchor' : 'while scanning an alias',
      );
    this.#enqueue(type, start, { value: name });
  }

  #tag(): void {
    this.#saveSimpleKey();
    this.#simpleKeyAllowed = false;
    const start = this.#mark;
    let handle: string, suffix: string;
    if (this.#ch(1) === '<') {
      handle = '';
      this.#skip();
      this.#skip();
      suffix = this.#tagUri(true, false, '');
      if (this.#ch() !== '>') throw this.#error("did not find the expected '>'", 'while scanning a tag');
      this.#skip();
    } else {
      handle = this.#tagHandle(false);
      if (handle.length > 1 && handle.endsWith('!')) suffix = this.#tagUri(false, false, '');
      else {
        suffix = this.#tagUri(false, false, handle);
        handle = '!';
        if (suffix === '') [handle, suffix] = ['', '!'];
      }
    }
    if (!isBlankz(this.#ch()) && !(this.#flowLevel && this.#ch() === ','))
      throw this.#error('did not find expected whitespace or line break', 'while scanning a tag');
    this.#enqueue('tag', start, { handle, value: suffix });
  }

  #tagHandle(directive: boolean): string {
    const context = directive ? 'while scanning a tag directive' : 'while scanning a tag';
    if (this.#ch() !== '!') throw this.#error("did not find expected '!'", context);
    let handle = '!';
    this.#skip();
    while (isAlpha(this.#ch())) {
      handle += this.#ch();
      this.#skip();
    }
    if (this.#ch() === '!') {
      handle += '!';
      this.#skip();
    } else if (directive && handle !== '!')
      throw this.#error("did not find expected '!'", 'while parsing a tag directive');
    return handle;
  }

  /** A tag's URI; `head` is a handle scanned before it that turned out to be part of it (its '!' dropped). */
  #tagUri(uriChar: boolean, directive: boolean, head: string): string {
    let uri = head.slice(1);
    let length = head.length;
    for (;;) {
      const c = this.#ch();
      if (!(isAlpha(c) || URI_EXTRA.includes(c) || (uriChar && (c === ',' || c === '[' || c === ']'))) || c === '')
        break;
      if (c === '%') uri += this.#uriEscapes(directive);
      else {
        uri += c;
        this.#skip();
      }
      length++;
    }
    if (!length)
      throw this.#error(
        'did not find expected tag URI',
        directive ? 'while parsing a %TAG directive' : 'while parsing a tag',
      );
    return uri;
  }

  #uriEscapes(directive: boolean): string {
    const context = directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
    const bytes: number[] = [];
    let width = 0;
    do {
      if (!(this.#ch() === '%' && isHex(this.#ch(1)) && isHex(this.#ch(2))))
        throw this.#error('did not find URI escaped octet', context);
      const octet = parseInt(this.#ch(1) + this.#ch(2), 16);
      if (!width) {
        width =
          (octet & 0x80) === 0
            ? 1
            : (octet & 0xe0) === 0xc0
              ? 2
              : (octet & 0xf0) === 0xe0
                ? 3
                : (octet & 0xf8) === 0xf0
                  ? 4
                  : 0;
        if (!width) throw this.#error('found an incorrect leading UTF-8 octet', context);
      } else if ((octet & 0xc0) !== 0x80) throw this.#error('found an incorrect trailing UTF-8 octet', context);
      bytes.push(octet);
      for (let k = 0; k < 3; k++) this.#skip();
    } while (--width);
    return Buffer.from(bytes).toString('utf8');
  }

  #blockScalar(indicator: string): void {
    this.#removeSimpleKey();
    this.#simpleKeyAllowed = true;
    this.#tokens.push(new BlockScalarReader(this, indicator === '|').read());
  }

  #flowScalar(quote: string): void {
    this.#saveSimpleKey();
    this.#simpleKeyAllowed = false;
    this.#tokens.push(this.#quoted(quote === "'"));
  }

  #plainScalar(): void {
    this.#saveSimpleKey();
    this.#simpleKeyAllowed = false;
    this.#tokens.push(this.#plain());
  }

  /** For the scalar readers below: the scanner's reading primitives. */
  get reader() {
    return {
      ch: (k?: number) => this.#ch(k),
      skip: () => this.#skip(),
      readLine: () => this.#readLine(),
      mark: () => this.#mark,
      indent: this.#indent,
      error: (problem: string, context: string) => this.#error(problem, context),
      documentIndicator: () => this.#column === 0 && this.#documentIndicator(),
    };
  }

  #quoted(single: boolean): Token {
    const start = this.#mark;
    const context = 'while scanning a quoted scalar';
    this.#skip();
    this.#pendingEscapedBreak = false;
    let value = '';
    for (;;) {
      if (this.#column === 0 && this.#documentIndicator())
        throw this.#error('found unexpected document indicator', context);
      if (this.#ch() === '' || this.#ch() === '\0') throw this.#error('found unexpected end of stream', context);
      value += this.#quotedRun(single, start);
      if (this.#ch() === (single ? "'" : '"')) break;
      value += this.#quotedBreaks();
    }
    this.#skip();
    return { type: 'scalar', start, end: this.#mark, value, style: single ? "'" : '"' };
  }

  /** The non-blank characters of a quoted scalar up to a blank, a break or its closing quote. */
  #quotedRun(single: boolean, start: Mark): string {
    let out = '';
    while (!isBlankz(this.#ch())) {
      const c = this.#ch();
      if (single && c === "'" && this.#ch(1) === "'") {
        out += "'";
        this.#skip();
        this.#skip();
      } else if (c === (single ? "'" : '"')) break;
      else if (single) {
        out += c;
        this.#skip();
      } else if (c === '\\' && isBreak(this.#ch(1))) {
        this.#skip();
        this.#skipLine();
        this.#pendingEscapedBreak = true;
        return out;
      } else if (c === '\\') out += this.#escape(start);
      else {
        out += c;
        this.#skip();
      }
    }
    return out;
  }

  #pendingEscapedBreak = false;

  /** Blanks and breaks inside a quoted scalar, folded. */
  #quotedBreaks(): string {
    let whitespaces = '',
      leadingBreak = '',
      trailingBreaks = '';
    let leadingBlanks = this.#pendingEscapedBreak;
    this.#pendingEscapedBreak = false;
    while (isBlank(this.#ch()) || isBreak(this.#ch())) {
      if (isBlank(this.#ch())) {
        if (!leadingBlanks) whitespaces += this.#ch();
        this.#skip();
      } else if (!leadingBlanks) {
        whitespaces = '';
        leadingBreak = this.#readLine();
        leadingBlanks = true;
      } else trailingBreaks += this.#readLine();
    }
    return fold(leadingBlanks, leadingBreak, trailingBreaks, whitespaces);
  }

  #escape(start: Mark): string {
    const context = 'while parsing a quoted scalar';
    const c = this.#ch(1);
    const simple = ESCAPES[c];
    if (simple !== undefined) {
      this.#skip();
      this.#skip();
      return simple;
    }
    const length = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (!length) throw new YamlSyntaxError('found unknown escape character', this.#mark, context);
    void start;
    this.#skip();
    this.#skip();
    let hex = '';
    for (let k = 0; k < length; k++) {
      if (!isHex(this.#ch(k))) throw this.#error('did not find expected hexdecimal number', context);
      hex += this.#ch(k);
    }
    const code = parseInt(hex, 16);
    if ((code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff)
      throw this.#error('found invalid Unicode character escape code', context);
    for (let k = 0; k < length; k++) this.#skip();
    return String.fromCodePoint(code);
  }

  #plain(): Token {
    const start = this.#mark;
    let end = start;
    let value = '';
    let leadingBlanks = false;
    let whitespaces = '',
      leadingBreak = '',
      trailingBreaks = '';
    const indent = this.#indent + 1;
    for (;;) {
      if (this.#column === 0 && this.#documentIndicator()) break;
      if (this.#ch() === '#') break;
      let run = -1;
      while (!isBlankz(this.#ch())) {
        if (this.#plainEnds()) break;
        if (run < 0) {
          if (leadingBlanks || whitespaces) value += fold(leadingBlanks, leadingBreak, trailingBreaks, whitespaces);
          leadingBlanks = false;
          whitespaces = leadingBreak = trailingBreaks = '';
          run = this.#i;
        }
        this.#skip();
      }
      if (run >= 0) {
        value += this.text.slice(run, this.#i);
        end = this.#mark;
      }
      if (!(isBlank(this.#ch()) || isBreak(this.#ch()))) break;
      while (isBlank(this.#ch()) || isBreak(this.#ch())) {
        if (isBlank(this.#ch())) {
          if (leadingBlanks && this.#column < indent && this.#ch() === '\t')
            throw new YamlSyntaxError(
              'found a tab character that violates indentation',
              this.#mark,
              'while scanning a plain scalar',
            );
          if (!leadingBlanks) whitespaces += this.#ch();
          this.#skip();
        } else if (!leadingBlanks) {
          whitespaces = '';
          leadingBreak = this.#readLine();
          leadingBlanks = true;
        } else trailingBreaks += this.#readLine();
      }
      if (!this.#flowLevel && this.#column < indent) break;
    }
    if (leadingBlanks) this.#simpleKeyAllowed = true;
    return { type: 'scalar', start, end, value, style: 'plain' };
  }

  /** Whether a plain scalar ends at this character (`: `, or a flow indicator in a flow collection). */
  #plainEnds(): boolean {
    const c = this.#ch();
    if (this.#flowLevel && c === ':' && ',?[]{}'.includes(this.#ch(1)) && this.#ch(1) !== '')
      throw new YamlSyntaxError("found unexpected ':'", this.#mark, 'while scanning a plain scalar');
    return (c === ':' && isBlankz(this.#ch(1))) || (this.#flowLevel > 0 && ',[]{}'.includes(c));
  }
}

/** Line folding: a single break between text becomes a space, more breaks stay breaks. */
function fold(leadingBlanks: boolean, leadingBreak: string, trailingBreaks: string, whitespaces: string): string {
  if (!leadingBlanks) return whitespaces;
  if (leadingBreak === '\n') return trailingBreaks === '' ? ' ' : trailingBreaks;
  // an escaped line break (leadingBreak '') joins the lines; LS and PS stay
  return leadingBreak + trailingBreaks;
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\x08',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\x0b',
  f: '\x0c',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

type Reader = Scanner['reader'];

/** A literal (|) or folded (>) block scalar with its header. */
class BlockScalarReader {
  readonly #r: Reader;
  readonly #start: Mark;
  #indent = 0;
  #end: Mark;
  constructor(
    scanner: Scanner,
    private readonly literal: boolean,
  ) {
    this.#r = scanner.reader;
    this.#start = this.#r.mark();
    this.#end = this.#start;
  }

  read(): Token {
    const r = this.#r;
    r.skip();
    const { chomping, increment } = this.#header();
    if (increment) this.#indent = r.indent >= 0 ? r.indent + increment : increment;
    let value = '',
      leadingBreak = '',
      leadingBlank = false;
    let trailingBreaks = this.#breaks();
    while (r.mark().column === this.#indent && r.ch() !== '' && r.ch() !== '\0') {
      const trailingBlank = isBlank(r.ch());
      if (!this.literal && leadingBreak === '\n' && !leadingBlank && !trailingBlank) {
        if (trailingBreaks === '') value += ' ';
      } else value += leadingBreak;
      value += trailingBreaks;
      leadingBlank = isBlank(r.ch());
      while (!isBreakz(r.ch())) {
        value += r.ch();
        r.skip();
      }
      leadingBreak = isBreak(r.ch()) ? r.readLine() : '';
      trailingBreaks = this.#breaks();
    }
    if (chomping !== -1) value += leadingBreak;
    if (chomping === 1) value += trailingBreaks;
    return { type: 'scalar', start: this.#start, end: this.#end, value, style: this.literal ? '|' : '>' };
  }

  #header(): { chomping: number; increment: number } {
    const r = this.#r;
    const context = 'while scanning a block scalar';
    let chomping = 0,
      increment = 0;
    const readChomp = () => {
      if (r.ch() === '+' || r.ch() === '-') {
        chomping = r.ch() === '+' ? 1 : -1;
        r.skip();
        return true;
      }
      return false;
    };
    const readIncrement = () => {
      if (!/^[0-9]$/.test(r.ch())) return;
      if (r.ch() === '0') throw new YamlSyntaxError('found an indentation indicator equal to 0', r.mark(), context);
      increment = Number(r.ch());
      r.skip();
    };
    if (readChomp()) readIncrement();
    else if (/^[0-9]$/.test(r.ch())) {
      readIncrement();
      readChomp();
    }
    while (isBlank(r.ch())) r.skip();
    if (r.ch() === '#') while (!isBreakz(r.ch())) r.skip();
    if (!isBreakz(r.ch())) throw r.error('did not find expected comment or line break', context);
    if (isBreak(r.ch())) r.readLine();
    this.#end = r.mark();
    return { chomping, increment };
  }

  /** The empty lines before a line of content, and the indentation when not yet known. */
  #breaks(): string {
    const r = this.#r;
    let maxIndent = 0;
    let breaks = '';
    this.#end = r.mark();
    for (;;) {
      while ((!this.#indent || r.mark().column < this.#indent) && r.ch() === ' ') r.skip();
      if (r.mark().column > maxIndent) maxIndent = r.mark().column;
      if ((!this.#indent || r.mark().column < this.#indent) && r.ch() === '\t')
        throw r.error('found a tab character where an indentation space is expected', 'while scanning a block scalar');
      if (!isBreak(r.ch())) break;
      breaks += r.readLine();
      this.#end = r.mark();
    }
    if (!this.#indent) this.#indent = Math.max(maxIndent, r.indent + 1, 1);
    return breaks;
  }
}
