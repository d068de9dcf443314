// Jinja2 3.1's syntax, checked as its lexer and parser check it: what a template that Jinja2 would refuse is told,
// in Jinja2's words ("expected token 'end of print statement', got 'bar'", "Encountered unknown tag 'endif'. ...").
// Nunjucks parses and compiles tsible's templates; this only decides whether Jinja2 would have parsed the same
// text, and with which message it would have stopped. No tree is built beyond what the checks need.

/** The message Jinja2 3.1 raises (TemplateSyntaxError) for this template as Ansible 2.14 hands it over, and that
 * text (Ansible's message quotes it); undefined when it parses. */
export function jinjaSyntaxError(source: string): { message: string; text: string } | undefined {
  let text = source;
  try {
    text = ansibleEscaped(source);
    new Parser(tokenize(text)).parse();
    return undefined;
  } catch (e) {
    if (e instanceof JinjaSyntaxError) return { message: e.message, text };
    throw e;
  }
}

/** Ansible's _escape_backslashes: inside {{ }}, string literals get their backslashes doubled before Jinja2 sees
 * the template (so that '\d' reaches a filter as written). It lexes the template to find them: a template that
 * does not lex fails right there, with the lexer's message. */
function ansibleEscaped(source: string): string {
  if (!source.includes('\\') || !source.includes('{{')) return source;
  const normalized = normalize(source);
  let out = '',
    at = 0;
  for (const t of tokenize(source)) {
    if (t.type !== 'string' || t.start === undefined) continue;
    out += normalized.slice(at, t.start) + t.value.replace(/\\/g, '\\\\');
    at = t.start + t.value.length;
  }
  return out + normalized.slice(at);
}

/** Jinja2 reads \r\n and \r as \n and drops one trailing newline (keep_trailing_newline is off). */
function normalize(text: string): string {
  const source = text.replace(/\r\n?/g, '\n');
  return source.endsWith('\n') ? source.slice(0, -1) : source;
}

class JinjaSyntaxError extends Error {}
const fail = (message: string): never => {
  throw new JinjaSyntaxError(message);
};

interface Token {
  readonly type: string;
  readonly value: string;
  readonly start?: number;
}

// ---- the lexer ----------------------------------------------------------------------------------------------

const OPERATORS: Record<string, string> = {
  '+': 'add',
  '-': 'sub',
  '/': 'div',
  '//': 'floordiv',
  '*': 'mul',
  '%': 'mod',
  '**': 'pow',
  '~': 'tilde',
  '[': 'lbracket',
  ']': 'rbracket',
  '(': 'lparen',
  ')': 'rparen',
  '{': 'lbrace',
  '}': 'rbrace',
  '==': 'eq',
  '!=': 'ne',
  '>': 'gt',
  '>=': 'gteq',
  '<': 'lt',
  '<=': 'lteq',
  '=': 'assign',
  '.': 'dot',
  ':': 'colon',
  '|': 'pipe',
  ',': 'comma',
  ';': 'semicolon',
};
const OPERATOR_OF_TYPE = Object.fromEntries(Object.entries(OPERATORS).map(([op, type]) => [type, op]));
const DESCRIPTIONS: Record<string, string> = {
  comment_begin: 'begin of comment',
  comment_end: 'end of comment',
  comment: 'comment',
  block_begin: 'begin of statement block',
  block_end: 'end of statement block',
  variable_begin: 'begin of print statement',
  variable_end: 'end of print statement',
  data: 'template data / text',
  eof: 'end of template',
};
const describeType = (type: string): string => OPERATOR_OF_TYPE[type] ?? DESCRIPTIONS[type] ?? type;
const describe = (t: Token): string => (t.type === 'name' ? t.value : describeType(t.type));
/** A token expression ('name:endif', 'block_end') as Jinja2 describes it. */
const describeExpr = (expr: string): string => {
  const i = expr.indexOf(':');
  if (i >= 0 && expr.slice(0, i) === 'name') return expr.slice(i + 1);
  return describeType(i >= 0 ? expr.slice(0, i) : expr);
};
/** Python's repr() of a string, as Jinja2's messages quote names and descriptions. */
function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return quote + out + quote;
}

const WHITESPACE = /\s+/y;
const FLOAT = /(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?e[+-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)/iy;
const INTEGER = /0b(?:_?[01])+|0o(?:_?[0-7])+|0x(?:_?[\da-f])+|[1-9](?:_?\d)*|0(?:_?0)*/iy;
const NAME = /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}\u00b7]+/uy;
const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}]*$/u;
const STRING = /'[^'\\]*(?:\\.[^'\\]*)*'|"[^"\\]*(?:\\.[^"\\]*)*"/sy;
const OPERATOR = new RegExp(
  Object.keys(OPERATORS)
    .sort((a, b) => b.length - a.length)
    .map((o) => o.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('|'),
  'y',
);
const BLOCK_END = /\+%\}|-%\}\s*|%\}\n?/y;
const VARIABLE_END = /-\}\}\s*|\}\}/y;
/** Where template data stops: a raw block, a comment, a statement or an expression (each with - or + control). */
const ROOT = /(\{%[-+]?\s*raw\s*(?:-%\}\s*|%\}))|\{#[-+]?|\{%[-+]?|\{\{[-+]?/g;
const COMMENT_END = /\+#\}|-#\}\s*|#\}\n?/g;
const RAW_END = /\{%[-+]?\s*endraw\s*(?:\+%\}|-%\}\s*|%\}\n?)/g;

function matchAt(re: RegExp, s: string, pos: number): string | undefined {
  re.lastIndex = pos;
  const m = re.exec(s);
  return m ? m[0] : undefined;
}

/** Jinja2's lexer is a generator: the parser pulls one token at a time (one ahead of the one it looks at), so a
 * parse error before a lexing error wins. */
function* tokenize(text: string): Generator<Token, void, undefined> {
  const source = normalize(text);
  let pos = 0;
  while (pos < source.length) {
    ROOT.lastIndex = pos;
    const m = ROOT.exec(source);
    if (!m) {
      yield { type: 'data', value: source.slice(pos) };
      break;
    }
    if (m.index > pos) yield { type: 'data', value: source.slice(pos, m.index) };
    pos = m.index + m[0].length;
    if (m[1] !== undefined) {
      // {% raw %}: everything up to {% endraw %} is text
      RAW_END.lastIndex = pos;
      const end = RAW_END.exec(source);
      if (!end) fail('Missing end of raw directive');
      yield { type: 'data', value: source.slice(pos, end!.index) };
      pos = end!.index + end![0].length;
    } else if (m[0].startsWith('{#')) {
      COMMENT_END.lastIndex = pos;
      const end = COMMENT_END.exec(source);
      if (!end) {
        if (pos < source.length) fail('Missing end of comment tag');
        break;
      }
      pos = end.index + end[0].length;
    } else {
      const block = m[0].startsWith('{%');
      yield { type: block ? 'block_begin' : 'variable_begin', value: m[0] };
      pos = yield* lexTag(source, pos, block);
    }
  }
  yield { type: 'eof', value: '' };
}

/** The inside of {% %} or {{ }}, up to its end (or the end of the source); returns where it stopped. */
function* lexTag(source: string, start: number, block: boolean): Generator<Token, number, undefined> {
  const balancing: string[] = [];
  let pos = start;
  while (pos < source.length) {
    // the end of the tag only counts while brackets are balanced (inside them }} is two braces)
    const end = balancing.length ? undefined : matchAt(block ? BLOCK_END : VARIABLE_END, source, pos);
    if (end !== undefined) {
      yield { type: block ? 'block_end' : 'variable_end', value: end };
      return pos + end.length;
    }
    let text: string | undefined;
    if ((text = matchAt(WHITESPACE, source, pos)) !== undefined) {
      pos += text.length;
      continue;
    }
    if ((text = matchAt(FLOAT, source, pos)) !== undefined) yield { type: 'float', value: text };
    else if ((text = matchAt(INTEGER, source, pos)) !== undefined) yield { type: 'integer', value: text };
    else if ((text = matchAt(NAME, source, pos)) !== undefined) {
      if (!IDENTIFIER.test(text)) fail('Invalid character in identifier');
      yield { type: 'name', value: text };
    } else if ((text = matchAt(STRING, source, pos)) !== undefined)
      yield { type: 'string', value: text, start: block ? undefined : pos };
    else if ((text = matchAt(OPERATOR, source, pos)) !== undefined) {
      if (text === '{') balancing.push('}');
      else if (text === '(') balancing.push(')');
      else if (text === '[') balancing.push(']');
      else if (text === '}' || text === ')' || text === ']') {
        if (!balancing.length) fail(`unexpected '${text}'`);
        const expected = balancing.pop()!;
        if (expected !== text) fail(`unexpected '${text}', expected '${expected}'`);
      }
      yield { type: OPERATORS[text]!, value: text };
    } else fail(`unexpected char ${pyRepr(String.fromCodePoint(source.codePointAt(pos)!))} at ${pos}`);
    pos += text!.length;
  }
  return pos;
}

// ---- the parser -------------------------------------------------------------------------------------------

const COMPARE = new Set(['eq', 'ne', 'lt', 'lteq', 'gt', 'gteq']);
/** What an expression is, as far as assignment targets care (Jinja2's node class, lowercased). */
type Kind = string;

class Parser {
  #i = 0;
  readonly #tokens: Token[] = [];
  readonly #tagStack: string[] = [];
  readonly #endTokenStack: string[][] = [];
  /** Like Jinja2's TokenStream, the current token is always lexed, the ones after it only when asked for. */
  constructor(readonly source: Iterator<Token>) {
    this.#pull(0);
  }
  #pull(i: number): Token {
    while (this.#tokens.length <= i) {
      const last = this.#tokens[this.#tokens.length - 1];
      if (last?.type === 'eof') return last;
      const r = this.source.next();
      this.#tokens.push(r.done ? { type: 'eof', value: '' } : r.value);
    }
    return this.#tokens[i]!;
  }

  get #current(): Token {
    return this.#tokens[this.#i]!;
  }
  /** (a call, so that TypeScript does not narrow it across calls that move the stream) */
  #type(): string {
    return this.#tokens[this.#i]!.type;
  }
  #next(): Token {
    const t = this.#current;
    if (t.type !== 'eof') {
      this.#i++;
      this.#pull(this.#i);
    }
    return t;
  }
  #look(): Token {
    return this.#pull(this.#i + 1);
  }
  #test(expr: string, t = this.#current): boolean {
    if (t.type === expr) return true;
    const i = expr.indexOf(':');
    return i >= 0 && t.type === expr.slice(0, i) && t.value === expr.slice(i + 1);
  }
  #skipIf(expr: string): boolean {
    if (this.#test(expr)) {
      this.#next();
      return true;
    }
    return false;
  }
  #expect(expr: string): Token {
    if (!this.#test(expr)) {
      const what = describeExpr(expr);
      if (this.#current.type === 'eof') fail(`unexpected end of template, expected ${pyRepr(what)}.`);
      fail(`expected token ${pyRepr(what)}, got ${pyRepr(describe(this.#current))}`);
    }
    return this.#next();
  }

  parse(): void {
    this.#subparse();
  }

  #subparse(endTokens?: string[]): void {
    if (endTokens) this.#endTokenStack.push(endTokens);
    try {
      while (this.#current.type !== 'eof') {
        const token = this.#current;
        if (token.type === 'data') this.#next();
        else if (token.type === 'variable_begin') {
          this.#next();
          this.#tuple({ condexpr: true });
          this.#expect('variable_end');
        } else if (token.type === 'block_begin') {
          this.#next();
          if (endTokens && endTokens.some((e) => this.#test(e))) return;
          this.#statement();
          this.#expect('block_end');
        } else fail('internal parsing error');
      }
    } finally {
      if (endTokens) this.#endTokenStack.pop();
    }
  }

  #failUnknownOrEof(name: string | undefined, stack: string[][]): never {
    const expected = new Set(stack.flatMap((exprs) => exprs.map(describeExpr)));
    const looking = stack.length
      ? stack[stack.length - 1]!.map((e) => pyRepr(describeExpr(e))).join(' or ')
      : undefined;
    const message = [name === undefined ? 'Unexpected end of template.' : `Encountered unknown tag ${pyRepr(name)}.`];
    if (looking) {
      if (name !== undefined && expected.has(name))
        message.push(
          `You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${looking}.`,
        );
      else message.push(`Jinja was looking for the following tags: ${looking}.`);
    }
    if (this.#tagStack.length)
      message.push(
        `The innermost block that needs to be closed is ${pyRepr(this.#tagStack[this.#tagStack.length - 1]!)}.`,
      );
    return fail(message.join(' '));
  }

  #statement(): void {
    const token = this.#current;
    if (token.type !== 'name') fail('tag name expected');
    this.#tagStack.push(token.value);
    let pop = true;
    try {
      switch (token.value) {
        case 'for':
          return this.#for();
        case 'if':
          return this.#if();
        case 'block':
          return this.#block();
        case 'extends':
          this.#next();
          this.#expression();
          return;
        case 'print':
          return this.#print();
        case 'macro':
          return this.#macro();
        case 'include':
          return this.#include();
        case 'from':
          return this.#from();
        case 'import':
          return this.#import();
        case 'set':
          return this.#set();
        case 'with':
          return this.#with();
        case 'autoescape':
          this.#next();
          this.#expression();
          this.#statements(['name:endautoescape'], true);
          return;
        case 'call':
          return this.#callBlock();
        case 'filter':
          this.#next();
          this.#filter(true);
          this.#statements(['name:endfilter'], true);
          return;
      }
      this.#tagStack.pop();
      pop = false;
      this.#failUnknownOrEof(token.value, this.#endTokenStack);
    } finally {
      if (pop) this.#tagStack.pop();
    }
  }

  #statements(endTokens: string[], dropNeedle = false): void {
    this.#skipIf('colon');
    this.#expect('block_end');
    this.#subparse(endTokens);
    if (this.#current.type === 'eof') this.#failUnknownOrEof(undefined, [...this.#endTokenStack, endTokens]);
    if (dropNeedle) this.#next();
  }

  #set(): void {
    this.#next();
    this.#assignTarget({ withNamespace: true });
    if (this.#skipIf('assign')) {
      this.#tuple({ condexpr: true });
      return;
    }
    this.#filter(false);
    this.#statements(['name:endset'], true);
  }

  #for(): void {
    this.#expect('name:for');
    this.#assignTarget({ extraEnd: ['name:in'] });
    this.#expect('name:in');
    this.#tuple({ condexpr: false, extraEnd: ['name:recursive'] });
    if (this.#skipIf('name:if')) this.#expression();
    this.#skipIf('name:recursive');
    this.#statements(['name:endfor', 'name:else']);
    if (this.#next().value !== 'endfor') this.#statements(['name:endfor'], true);
  }

  #if(): void {
    this.#expect('name:if');
    for (;;) {
      this.#tuple({ condexpr: false });
      this.#statements(['name:elif', 'name:else', 'name:endif']);
      const token = this.#next();
      if (this.#test('name:elif', token)) continue;
      if (this.#test('name:else', token)) this.#statements(['name:endif'], true);
      break;
    }
  }

  #with(): void {
    this.#next();
    this.#commaSeparated(() => {
      this.#assignTarget({});
      this.#expect('assign');
      this.#expression();
    });
    this.#statements(['name:endwith'], true);
  }
  /** Items up to the end of the statement, separated by commas (with's assignments, print's expressions). */
  #commaSeparated(item: () => void): void {
    let first = true;
    while (this.#type() !== 'block_end') {
      if (!first) this.#expect('comma');
      first = false;
      item();
    }
  }

  #block(): void {
    this.#next();
    const name = this.#expect('name').value;
    this.#skipIf('name:scoped');
    const required = this.#skipIf('name:required');
    if (this.#current.type === 'sub')
      fail(
        'Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.',
      );
    const from = this.#i;
    this.#statements(['name:endblock'], true);
    // a required block may hold only comments and whitespace: its body (after the tag's end, before {% endblock)
    if (required && this.#tokens.slice(from + 1, this.#i - 2).some((t) => t.type !== 'data' || t.value.trim() !== ''))
      fail('Required blocks can only contain comments or whitespace');
    this.#skipIf(`name:${name}`);
  }

  #print(): void {
    this.#next();
    this.#commaSeparated(() => this.#expression());
  }

  #importContext(): void {
    if ((this.#test('name:with') || this.#test('name:without')) && this.#test('name:context', this.#look())) {
      this.#next();
      this.#next();
    }
  }
  #include(): void {
    this.#next();
    this.#expression();
    if (this.#test('name:ignore') && this.#test('name:missing', this.#look())) {
      this.#next();
      this.#next();
    }
    this.#importContext();
  }
  #import(): void {
    this.#next();
    this.#expression();
    this.#expect('name:as');
    this.#assignTarget({ nameOnly: true });
    this.#importContext();
  }
  #from(): void {
    this.#next();
    this.#expression();
    this.#expect('name:import');
    let names = 0;
    const context = (): boolean => {
      if (
        (this.#current.value === 'with' || this.#current.value === 'without') &&
        this.#test('name:context', this.#look())
      ) {
        this.#next();
        this.#next();
        return true;
      }
      return false;
    };
    for (;;) {
      if (names) this.#expect('comma');
      if (this.#current.type === 'name') {
        if (context()) break;
        const target = this.#current.value;
        this.#assignTarget({ nameOnly: true });
        if (target.startsWith('_')) fail('names starting with an underline can not be imported');
        if (this.#skipIf('name:as')) this.#assignTarget({ nameOnly: true });
        names++;
        if (context() || this.#type() !== 'comma') break;
      } else this.#expect('name');
    }
  }

  #signature(): void {
    let args = 0,
      defaults = 0;
    this.#expect('lparen');
    while (this.#current.type !== 'rparen') {
      if (args) this.#expect('comma');
      this.#assignTarget({ nameOnly: true });
      if (this.#skipIf('assign')) {
        this.#expression();
        defaults++;
      } else if (defaults) fail('non-default argument follows default argument');
      args++;
    }
    this.#expect('rparen');
  }
  #callBlock(): void {
    this.#next();
    if (this.#current.type === 'lparen') this.#signature();
    if (this.#expression() !== 'call') fail('expected call');
    this.#statements(['name:endcall'], true);
  }
  #macro(): void {
    this.#next();
    this.#assignTarget({ nameOnly: true });
    this.#signature();
    this.#statements(['name:endmacro'], true);
  }

  #assignTarget(o: { nameOnly?: boolean; extraEnd?: string[]; withNamespace?: boolean }): void {
    let kind: Kind;
    if (o.withNamespace && this.#look().type === 'dot') {
      this.#expect('name');
      this.#next();
      this.#expect('name');
      kind = 'nsref';
    } else if (o.nameOnly) {
      this.#expect('name');
      kind = 'name';
    } else kind = this.#tuple({ simplified: true, extraEnd: o.extraEnd });
    if (!canAssign(kind)) fail(`can't assign to ${pyRepr(kind.startsWith('tuple') ? 'tuple' : kind)}`);
  }

  #expression(condexpr = true): Kind {
    return condexpr ? this.#condexpr() : this.#or();
  }
  #condexpr(): Kind {
    let kind = this.#or();
    while (this.#skipIf('name:if')) {
      this.#or();
      if (this.#skipIf('name:else')) this.#condexpr();
      kind = 'condexpr';
    }
    return kind;
  }
  #or(): Kind {
    let kind = this.#and();
    while (this.#skipIf('name:or')) {
      this.#and();
      kind = 'or';
    }
    return kind;
  }
  #and(): Kind {
    let kind = this.#not();
    while (this.#skipIf('name:and')) {
      this.#not();
      kind = 'and';
    }
    return kind;
  }
  #not(): Kind {
    if (this.#test('name:not')) {
      this.#next();
      this.#not();
      return 'not';
    }
    return this.#compare();
  }
  #compare(): Kind {
    let kind = this.#math1();
    for (;;) {
      if (COMPARE.has(this.#current.type)) this.#next();
      else if (this.#skipIf('name:in')) {
        /* in */
      } else if (this.#test('name:not') && this.#test('name:in', this.#look())) {
        this.#next();
        this.#next();
      } else break;
      this.#math1();
      kind = 'compare';
    }
    return kind;
  }
  #math1(): Kind {
    let kind = this.#concat();
    while (this.#current.type === 'add' || this.#current.type === 'sub') {
      kind = this.#current.type;
      this.#next();
      this.#concat();
    }
    return kind;
  }
  #concat(): Kind {
    let kind = this.#math2();
    while (this.#current.type === 'tilde') {
      this.#next();
      this.#math2();
      kind = 'concat';
    }
    return kind;
  }
  #math2(): Kind {
    let kind = this.#pow();
    while (['mul', 'div', 'floordiv', 'mod'].includes(this.#current.type)) {
      kind = this.#current.type;
      this.#next();
      this.#pow();
    }
    return kind;
  }
  #pow(): Kind {
    let kind = this.#unary();
    while (this.#current.type === 'pow') {
      this.#next();
      this.#unary();
      kind = 'pow';
    }
    return kind;
  }
  #unary(withFilter = true): Kind {
    let kind: Kind;
    if (this.#current.type === 'sub') {
      this.#next();
      this.#unary(false);
      kind = 'neg';
    } else if (this.#current.type === 'add') {
      this.#next();
      this.#unary(false);
      kind = 'pos';
    } else kind = this.#primary();
    kind = this.#postfix(kind);
    if (withFilter) kind = this.#filterExpr(kind);
    return kind;
  }
  #primary(): Kind {
    const token = this.#current;
    if (token.type === 'name') {
      this.#next();
      return ['true', 'false', 'True', 'False', 'none', 'None'].includes(token.value) ? 'const' : 'name';
    }
    if (token.type === 'string') {
      this.#next();
      while (this.#current.type === 'string') this.#next();
      return 'const';
    }
    if (token.type === 'integer' || token.type === 'float') {
      this.#next();
      return 'const';
    }
    if (token.type === 'lparen') {
      this.#next();
      const kind = this.#tuple({ condexpr: true, explicitParentheses: true });
      this.#expect('rparen');
      return kind;
    }
    if (token.type === 'lbracket') return this.#list();
    if (token.type === 'lbrace') return this.#dict();
    return fail(`unexpected ${pyRepr(describe(token))}`);
  }

  /** Returns the kind of the one expression, or 'tuple' with whether every item may be assigned ('tuple:ok'). */
  #tuple(o: { simplified?: boolean; condexpr?: boolean; extraEnd?: string[]; explicitParentheses?: boolean }): Kind {
    const parse = o.simplified ? () => this.#primary() : () => this.#expression(o.condexpr ?? true);
    const kinds: Kind[] = [];
    let isTuple = false;
    for (;;) {
      if (kinds.length) this.#expect('comma');
      if (this.#isTupleEnd(o.extraEnd)) break;
      kinds.push(parse());
      if (this.#current.type === 'comma') isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (kinds.length) return kinds[0]!;
      if (!o.explicitParentheses) fail(`Expected an expression, got ${pyRepr(describe(this.#current))}`);
    }
    return kinds.every(canAssign) ? 'tuple:ok' : 'tuple';
  }
  #isTupleEnd(extraEnd?: string[]): boolean {
    // Jinja2 3.1 passes its extra end rules to test_any as one tuple, so they never match ({% for a, in b %}
    // reads `in` as a name and then wants `in`): kept, to refuse what Jinja2 refuses
    void extraEnd;
    return ['variable_end', 'block_end', 'rparen'].includes(this.#current.type);
  }
  #list(): Kind {
    this.#collection('lbracket', 'rbracket', () => this.#expression());
    return 'list';
  }
  #dict(): Kind {
    this.#collection('lbrace', 'rbrace', () => {
      this.#expression();
      this.#expect('colon');
      this.#expression();
    });
    return 'dict';
  }
  /** [a, b] and {k: v}: items separated by commas, a trailing comma allowed. */
  #collection(open: string, close: string, item: () => void): void {
    this.#expect(open);
    let items = 0;
    while (this.#type() !== close) {
      if (items) this.#expect('comma');
      if (this.#type() === close) break;
      item();
      items++;
    }
    this.#expect(close);
  }
  #postfix(kind: Kind): Kind {
    for (;;) {
      const type = this.#current.type;
      if (type === 'dot' || type === 'lbracket') kind = this.#subscript();
      else if (type === 'lparen') {
        this.#callArgs();
        kind = 'call';
      } else return kind;
    }
  }
  #filterExpr(kind: Kind): Kind {
    for (;;) {
      const type = this.#current.type;
      if (type === 'pipe') kind = this.#filter(false);
      else if (type === 'name' && this.#current.value === 'is') kind = this.#testExpr();
      else if (type === 'lparen') {
        this.#callArgs();
        kind = 'call';
      } else return kind;
    }
  }
  #subscript(): Kind {
    const token = this.#next();
    if (token.type === 'dot') {
      const attr = this.#next();
      if (attr.type === 'name') return 'getattr';
      if (attr.type !== 'integer') fail('expected name or number');
      return 'getitem';
    }
    let args = 0;
    while (this.#current.type !== 'rbracket') {
      if (args) this.#expect('comma');
      this.#subscribed();
      args++;
    }
    this.#expect('rbracket');
    return 'getitem';
  }
  #subscribed(): void {
    if (this.#current.type === 'colon') this.#next();
    else {
      this.#expression();
      if (this.#current.type !== 'colon') return;
      this.#next();
    }
    if (this.#type() !== 'colon' && this.#type() !== 'rbracket' && this.#type() !== 'comma') this.#expression();
    if (this.#type() === 'colon') {
      this.#next();
      if (this.#type() !== 'rbracket' && this.#type() !== 'comma') this.#expression();
    }
  }
  #callArgs(): void {
    this.#expect('lparen');
    let dynArgs = false,
      dynKwargs = false,
      kwargs = false,
      requireComma = false;
    const ensure = (ok: boolean) => {
      if (!ok) fail('invalid syntax for function call expression');
    };
    while (this.#current.type !== 'rparen') {
      if (requireComma) {
        this.#expect('comma');
        if (this.#current.type === 'rparen') break;
      }
      if (this.#current.type === 'mul') {
        ensure(!dynArgs && !dynKwargs);
        this.#next();
        this.#expression();
        dynArgs = true;
      } else if (this.#current.type === 'pow') {
        ensure(!dynKwargs);
        this.#next();
        this.#expression();
        dynKwargs = true;
      } else if (this.#current.type === 'name' && this.#look().type === 'assign') {
        ensure(!dynKwargs);
        this.#next();
        this.#next();
        this.#expression();
        kwargs = true;
      } else {
        ensure(!dynArgs && !dynKwargs && !kwargs);
        this.#expression();
      }
      requireComma = true;
    }
    this.#expect('rparen');
  }
  #filter(startInline: boolean): Kind {
    while (this.#current.type === 'pipe' || startInline) {
      if (!startInline) this.#next();
      this.#expect('name');
      while (this.#current.type === 'dot') {
        this.#next();
        this.#expect('name');
      }
      if (this.#current.type === 'lparen') this.#callArgs();
      startInline = false;
    }
    return 'filter';
  }
  #testExpr(): Kind {
    this.#next();
    const negated = this.#skipIf('name:not');
    this.#expect('name');
    while (this.#current.type === 'dot') {
      this.#next();
      this.#expect('name');
    }
    if (this.#current.type === 'lparen') this.#callArgs();
    else if (
      ['name', 'string', 'integer', 'float', 'lparen', 'lbracket', 'lbrace'].includes(this.#current.type) &&
      !['name:else', 'name:or', 'name:and'].some((e) => this.#test(e))
    ) {
      if (this.#test('name:is')) fail('You cannot chain multiple tests with is');
      this.#postfix(this.#primary());
    }
    return negated ? 'not' : 'test';
  }
}

const canAssign = (kind: Kind): boolean => kind === 'name' || kind === 'nsref' || kind === 'tuple:ok';
