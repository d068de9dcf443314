// Everything that reaches past Nunjucks' public API lives here, as Nunjucks' own jinja-compat.js does it:
// keep the original, wrap it, name the Jinja2 rule it implements. Installed once per process; the
// generated code calls `runtime.tsible.*`, the helpers of ./python.ts. Pinned to nunjucks 3.2.4.
import nunjucks from 'nunjucks';
// Nunjucks' internals by import, not createRequire: the CLI's bundle then holds Nunjucks itself (start-up time)
import compilerMod from 'nunjucks/src/compiler.js';
import parserMod from 'nunjucks/src/parser.js';
import nodes from 'nunjucks/src/nodes.js';
import lexer from 'nunjucks/src/lexer.js';
import runtime from 'nunjucks/src/runtime.js';
import transformerMod from 'nunjucks/src/transformer.js';
import { TsibleError, TemplateError, UndefinedError } from '../errors.js';
import * as py from '../python/python.js';
import { memberLookup, pySlice } from '../python/methods.js';
import { PyUndefined } from '../python/undefined.js';

export const NUNJUCKS_VERSION = '3.2.4';
const Compiler: any = compilerMod.Compiler;
const Parser: any = parserMod.Parser;

export interface VarsResolver {
  lookup(name: string): unknown;
}

/** What Python's errors about a call's arguments name as the callee (Jinja2 calls through the context). */
const CALL = 'ansible.template.AnsibleContext.call()';

/** Helpers the generated code calls. */
const helpers = {
  truthy: py.truthy,
  or: (a: () => unknown, b: () => unknown) => {
    const x = a();
    return py.truthy(x) ? x : b();
  },
  and: (a: () => unknown, b: () => unknown) => {
    const x = a();
    return py.truthy(x) ? b() : x;
  },
  compare(first: unknown, ops: Array<[string, () => unknown]>): boolean {
    // Python chains comparisons: a < b < c is a < b and b < c
    let left = first;
    for (const [op, rightFn] of ops) {
      const right = rightFn();
      if (!py.pyCompareOp(left, op, right)) return false;
      left = right;
    }
    return true;
  },
  in: py.pyIn,
  add: py.pyAdd,
  sub: py.pySub,
  mul: py.pyMul,
  div: py.pyDiv,
  floordiv: py.pyFloorDiv,
  mod: py.pyMod,
  pow: py.pyPow,
  neg: py.pyNeg,
  float: (n: number) => new py.PyFloat(n),
  nsSet: (ns: unknown, attr: string, value: unknown) => {
    if (!(ns instanceof py.PyNamespace)) throw new TemplateError('cannot assign attribute on non-namespace object');
    py.setKey(ns as unknown as py.Dict, attr, value);
  },
  pos: (a: unknown) => {
    if (a instanceof PyUndefined) a.fail();
    return a;
  },
  concat: (a: unknown, b: unknown) => py.pyStr(a) + py.pyStr(b),
  tuple: (items: unknown[]) => {
    const t = new py.PyTuple();
    t.push(...items);
    return t;
  },
  /** {% set a, b = value %}: Python's unpacking of an iterable into exactly n names. */
  unpack(value: unknown, n: number): unknown[] {
    if (value instanceof PyUndefined) value.fail();
    const items =
      typeof value === 'string'
        ? [...value]
        : Array.isArray(value)
          ? value
          : py.isDict(value)
            ? Object.keys(value)
            : undefined;
    if (!items) throw new py.PyException('TypeError', `cannot unpack non-iterable ${py.typeName(value)} object`);
    if (items.length > n) throw new py.PyValueError(`too many values to unpack (expected ${n})`);
    if (items.length < n) throw new py.PyValueError(`not enough values to unpack (expected ${n}, got ${items.length})`);
    return items;
  },
  slice: pySlice,
  /** `f(*value)`: the iterable's items as positional arguments. */
  starArgs(value: unknown): unknown[] {
    if (value instanceof PyUndefined) value.fail();
    if (typeof value === 'string') return [...value];
    if (Array.isArray(value)) return value;
    if (py.isDict(value)) return Object.keys(value);
    throw new py.PyTypeError(`Value after * must be an iterable, not ${py.typeName(value)}`);
  },
  /** `f(k=v, **value)`: the mapping's items join the keyword arguments, none given twice. */
  starKwargs(keywords: py.Dict, value: unknown): py.Dict {
    if (value instanceof PyUndefined) value.fail();
    if (!py.isDict(value))
      throw new py.PyTypeError(`${CALL} argument after ** must be a mapping, not ${py.typeName(value)}`);
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(keywords, key))
        throw new py.PyTypeError(`${CALL} got multiple values for keyword argument '${key}'`);
      keywords[key] = value[key];
    }
    return keywords;
  },
  /** `value is name(args)`: `operands` holds the value, then the arguments. */
  test(env: any, name: string, context: unknown, operands: unknown[]): boolean {
    let fn;
    try {
      fn = env.getTest(name);
    } catch {
      throw new TemplateError(`no test named '${name}'`);
    }
    return py.truthy(fn.call(context, ...operands));
  },
};

/** Jinja2 statements Nunjucks does not have, as Nunjucks extensions (installed on the Templar's environment). */
export const JINJA_STATEMENTS: Record<string, { tags: string[]; parse(parser: any, nodes: any, lexer: any): any }> = {
  // {% print a, b %}: the expressions' text, as {{ a }}{{ b }}
  print: {
    tags: ['print'],
    parse(parser, n) {
      const tok = parser.nextToken();
      const items: any[] = [];
      do items.push(parser.parseExpression());
      while (parser.skip(lexer.TOKEN_COMMA));
      parser.advanceAfterBlockEnd(tok.value);
      return new n.Output(tok.lineno, tok.colno, items);
    },
  },
  // {% with a = 1, b = x %}...{% endwith %}: names for the body only, their values computed before any is set
  with: {
    tags: ['with'],
    parse(parser) {
      const tok = parser.nextToken();
      const targets: any[] = [],
        values: any[] = [];
      while (!parser.peekToken() || parser.peekToken().type !== lexer.TOKEN_BLOCK_END) {
        if (targets.length && !parser.skip(lexer.TOKEN_COMMA))
          parser.fail('expected a comma between assignments', tok.lineno, tok.colno);
        targets.push(parser.parsePrimary());
        if (!parser.skipValue(lexer.TOKEN_OPERATOR, '=')) parser.fail('expected = in with', tok.lineno, tok.colno);
        values.push(parser.parseExpression());
      }
      parser.advanceAfterBlockEnd(tok.value);
      const body = parser.parseUntilBlocks('endwith');
      parser.advanceAfterBlockEnd();
      return new PyWith(tok.lineno, tok.colno, targets, values, body);
    },
  },
};
const PyWith = nodes.Node.extend('PyWith', { fields: ['targets', 'values', 'body'] });

let installed = false;

export function installPatches(): void {
  if (installed) return;
  installed = true;
  runtime.tsible = helpers;
  // in this order: a patch that wraps another's method wraps the version installed before it
  for (const patch of PATCHES) patch();
}

const PATCHES = [
  patchRuntime,
  patchBooleans,
  patchScoping,
  patchSet,
  patchOperators,
  patchPrecedence,
  patchAggregates,
  patchTuples,
  patchTests,
  patchFloats,
  patchPostfix,
  patchSubscripts,
  patchBraces,
  patchAdjacentStrings,
  patchNodeNames,
  patchStarArguments,
];

// Node types of our own, for the parser to build and the compiler to compile
const PyCond = nodes.Node.extend('PyCond', { fields: ['target'] });
const LoopBody = nodes.Node.extend('PyLoopBody', { fields: ['body'] });
const RawJs = nodes.Literal.extend('PyRawJs');
const PyTest = nodes.Node.extend('PyTest', { fields: ['name', 'args'] });
const Slice = nodes.Node.extend('Slice', { fields: ['target', 'start', 'stop', 'step'] });
const StarArgs = nodes.Node.extend('PyStarArgs', { fields: ['value'] });
const StarKwargs = nodes.Node.extend('PyStarKwargs', { fields: ['value'] });

/** The compiler emits code that calls runtime.tsible's helpers. */
const emitTruthy = (self: any, node: any, frame: any) => {
  self._emit('runtime.tsible.truthy(');
  self.compile(node, frame);
  self._emit(')');
};
const lazy = (self: any, node: any, frame: any) => {
  self._emit('(() => (');
  self.compile(node, frame);
  self._emit('))');
};
const binary = (fn: string) =>
  function (this: any, node: any, frame: any) {
    this._emit(`runtime.tsible.${fn}(`);
    this.compile(node.left, frame);
    this._emit(',');
    this.compile(node.right, frame);
    this._emit(')');
  };

/** The runtime: name lookup, attribute lookup, output, calls, iteration, errors. */
function patchRuntime(): void {
  // Jinja2: a missing name is Undefined, not JS undefined; True/False/None are literals too.
  runtime.contextOrFrameLookup = function (context: any, frame: any, name: string) {
    const val = frame.lookup(name);
    if (val !== undefined) return val;
    const ctx = context.ctx;
    if (Object.hasOwn(ctx, name)) return ctx[name];
    const vars: VarsResolver | undefined = ctx.__tsible_vars;
    if (vars) {
      // a variable whose own template is undefined is itself undefined (lazily, as Ansible's vars are): `default`
      // and `is defined` see an Undefined, any other use fails with the inner message
      let v: unknown;
      try {
        v = vars.lookup(name);
      } catch (e) {
        if (e instanceof UndefinedError) return new PyUndefined(e.message);
        throw e;
      }
      if (v !== undefined) return v;
    }
    if (Object.hasOwn(context.env.globals, name)) return context.env.globals[name];
    switch (name) {
      case 'True':
        return true;
      case 'False':
        return false;
      case 'None':
        return null;
    }
    return new PyUndefined(`'${name}' is undefined`);
  };
  // Jinja2's getattr: dict keys, list indexes, Python methods; never JS internals.
  runtime.memberLookup = (obj: unknown, key: unknown) => memberLookup(obj, key);
  // Python str() of every {{ }} result; None prints as '' (Ansible's finalize), Undefined raises.
  runtime.suppressValue = (val: unknown) => {
    if (val === null || val === undefined) return '';
    if (val instanceof PyUndefined) val.fail();
    return py.pyStr(val);
  };
  runtime.callWrap = (fn: unknown, _name: string, context: unknown, args: unknown[]) => {
    if (fn instanceof PyUndefined) fn.fail();
    if (typeof fn !== 'function') throw new py.PyTypeError(`'${py.typeName(fn)}' object is not callable`);
    return fn.apply(context, args);
  };
  const origFromIterator = runtime.fromIterator;
  runtime.fromIterator = (arr: unknown) => {
    if (arr instanceof PyUndefined) arr.fail();
    if (typeof arr === 'string') return [...arr];
    // Python iterates a dict's keys (`for k, v in d` unpacks each key, as Jinja2 does)
    if (py.isDict(arr)) return Object.keys(arr);
    return origFromIterator(arr);
  };
  const origHandleError = runtime.handleError;
  runtime.handleError = (error: unknown, lineno: number, colno: number) =>
    error instanceof TsibleError ? error : origHandleError(error, lineno, colno);
}

/** Python truthiness: and, or, not, inline and statement if. */
function patchBooleans(): void {
  // Python truthiness and operand-returning and/or with short-circuit.
  Compiler.prototype.compileOr = function (this: any, node: any, frame: any) {
    this._emit('runtime.tsible.or(');
    lazy(this, node.left, frame);
    this._emit(',');
    lazy(this, node.right, frame);
    this._emit(')');
  };
  Compiler.prototype.compileAnd = function (this: any, node: any, frame: any) {
    this._emit('runtime.tsible.and(');
    lazy(this, node.left, frame);
    this._emit(',');
    lazy(this, node.right, frame);
    this._emit(')');
  };
  Compiler.prototype.compileNot = function (this: any, node: any, frame: any) {
    this._emit('!');
    emitTruthy(this, node.target, frame);
  };
  Compiler.prototype.compileInlineIf = function (this: any, node: any, frame: any) {
    this._emit('(');
    emitTruthy(this, node.cond, frame);
    this._emit('?(');
    this.compile(node.body, frame);
    this._emit('):(');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit('))');
  };
  Compiler.prototype.compilePyCond = function (this: any, node: any, frame: any) {
    emitTruthy(this, node.target, frame);
  };
  const origAssertType = Compiler.prototype.assertType;
  Compiler.prototype.assertType = function (this: any, node: any, ...types: any[]) {
    if (node instanceof PyCond || node instanceof Slice || node instanceof PyTest) return;
    return origAssertType.call(this, node, ...types);
  };
  const origCompileIf = Compiler.prototype.compileIf;
  Compiler.prototype.compileIf = function (this: any, node: any, frame: any, async: boolean) {
    if (!(node.cond instanceof PyCond)) node.cond = new PyCond(node.cond.lineno, node.cond.colno, node.cond);
    return origCompileIf.call(this, node, frame, async);
  };
}

function patchScoping(): void {
  // Jinja2 scopes {% set %} inside a for loop to one iteration of the loop body: each iteration runs in a fresh
  // frame that isolates writes, so a set never reaches an outer variable of the same name nor the next
  // iteration (reads still see outer variables and the loop's own).
  Compiler.prototype.compilePyLoopBody = function (this: any, node: any, frame: any) {
    this._emitLine('frame = frame.push(true);');
    this.compile(node.body, frame);
    this._emitLine('frame = frame.pop();');
  };
  const origCompileFor = Compiler.prototype.compileFor;
  Compiler.prototype.compileFor = function (this: any, node: any, frame: any) {
    if (!(node.body instanceof LoopBody)) node.body = new LoopBody(node.body.lineno, node.body.colno, node.body);
    return origCompileFor.call(this, node, frame);
  };
  Compiler.prototype.compilePyWith = function (this: any, node: any, frame: any) {
    const ids = node.values.map((v: any) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this._compileExpression(v, frame);
      this._emitLine(';');
      return id;
    });
    const inner = frame.push();
    this._emitLine('frame = frame.push();');
    node.targets.forEach((t: any, i: number) => {
      inner.set(t.value, ids[i]);
      this._emitLine(`frame.set(${JSON.stringify(t.value)}, ${ids[i]});`);
    });
    this.compile(node.body, inner);
    this._emitLine('frame = frame.pop();');
  };
}

function patchSet(): void {
  // {% set ns.attr = value %} assigns an attribute of a namespace() object (Jinja2's NSRef target).
  const origCompileSet = Compiler.prototype.compileSet;
  // JS source standing for a value already computed (one name of an unpacking)
  Compiler.prototype.compilePyRawJs = function (this: any, node: any) {
    this._emit(node.value);
  };
  Compiler.prototype.compileSet = function (this: any, node: any, frame: any) {
    const target = node.targets[0];
    // {% set a, b = 1, 2 %} unpacks (Nunjucks would give every name the whole value)
    if (node.targets.length > 1 && node.value && node.targets.every((t: any) => t instanceof nodes.Symbol)) {
      const id = this._tmpid();
      this._emit(`var ${id} = runtime.tsible.unpack(`);
      this._compileExpression(node.value, frame);
      this._emitLine(`, ${node.targets.length});`);
      node.targets.forEach((t: any, i: number) =>
        origCompileSet.call(this, { targets: [t], value: new RawJs(t.lineno, t.colno, `${id}[${i}]`) }, frame),
      );
      return;
    }
    if (!(target instanceof nodes.LookupVal)) return origCompileSet.call(this, node, frame);
    if (node.targets.length > 1 || !(target.target instanceof nodes.Symbol) || !(target.val instanceof nodes.Literal))
      this.fail("can't assign to this expression", node.lineno, node.colno);
    this._emit('runtime.tsible.nsSet(');
    this.compile(target.target, frame);
    this._emit(`, ${JSON.stringify(String(target.val.value))}, `);
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(');');
  };
}

function patchOperators(): void {
  // Python comparisons: deep ==, TypeError on unordered types, chaining.
  Compiler.prototype.compileCompare = function (this: any, node: any, frame: any) {
    this._emit('runtime.tsible.compare(');
    this.compile(node.expr, frame);
    this._emit(',[');
    node.ops.forEach((op: any, i: number) => {
      if (i) this._emit(',');
      const symbol = op.type === '===' ? '==' : op.type === '!==' ? '!=' : op.type;
      this._emit(`["${symbol}",`);
      lazy(this, op.expr, frame);
      this._emit(']');
    });
    this._emit('])');
  };
  Compiler.prototype.compileIn = binary('in');
  Compiler.prototype.compileAdd = binary('add');
  Compiler.prototype.compileSub = binary('sub');
  Compiler.prototype.compileMul = binary('mul');
  Compiler.prototype.compileDiv = binary('div');
  Compiler.prototype.compileFloorDiv = binary('floordiv');
  Compiler.prototype.compileMod = binary('mod');
  Compiler.prototype.compilePow = binary('pow');
  Compiler.prototype.compileConcat = binary('concat');
  Compiler.prototype.compileNeg = function (this: any, node: any, frame: any) {
    this._emit('runtime.tsible.neg(');
    this.compile(node.target, frame);
    this._emit(')');
  };
  Compiler.prototype.compilePos = function (this: any, node: any, frame: any) {
    this._emit('runtime.tsible.pos(');
    this.compile(node.target, frame);
    this._emit(')');
  };
}

function patchPrecedence(): void {
  // Jinja2's arithmetic precedence: comparisons over + and - (one level, left to right), over ~, over *, /, //
  // and % (one level, left to right), over **. Nunjucks gives each operator a level of its own and puts ~ below
  // +, so `1 // 2 ** 3 % 4` and `2 * 7 // 2` came out differently.
  const binaryLevel = (ops: Record<string, string>, operand: (p: any) => any, tokenType = lexer.TOKEN_OPERATOR) =>
    function (this: any) {
      let node = operand(this);
      for (;;) {
        const tok = this.peekToken();
        const kind = tok && tok.type === tokenType ? ops[tok.value] : undefined;
        if (!kind) return node;
        this.nextToken();
        node = new nodes[kind](node.lineno, node.colno, node, operand(this));
      }
    };
  Parser.prototype.parseConcat = function (this: any) {
    return this.parseAdd();
  };
  Parser.prototype.parseAdd = binaryLevel({ '+': 'Add', '-': 'Sub' }, (p) => p.parseTilde());
  Parser.prototype.parseTilde = binaryLevel({ '~': 'Concat' }, (p) => p.parseMul(), lexer.TOKEN_TILDE);
  Parser.prototype.parseMul = binaryLevel({ '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '%': 'Mod' }, (p) =>
    p.parsePow(),
  );
}

function patchAggregates(): void {
  // Jinja2 allows a trailing comma in lists, dicts and tuples; `(1,)` is a one-element tuple and `()` an empty one.
  Parser.prototype.parseAggregate = function (this: any) {
    const tok = this.nextToken();
    let node: any;
    switch (tok.type) {
      case lexer.TOKEN_LEFT_PAREN:
        node = new nodes.Group(tok.lineno, tok.colno);
        break;
      case lexer.TOKEN_LEFT_BRACKET:
        node = new nodes.Array(tok.lineno, tok.colno);
        break;
      case lexer.TOKEN_LEFT_CURLY:
        node = new nodes.Dict(tok.lineno, tok.colno);
        break;
      default:
        return null;
    }
    const closing = (t: any) =>
      t.type === lexer.TOKEN_RIGHT_PAREN || t.type === lexer.TOKEN_RIGHT_BRACKET || t.type === lexer.TOKEN_RIGHT_CURLY;
    for (;;) {
      if (closing(this.peekToken())) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA))
          this.fail('parseAggregate: expected comma after expression', tok.lineno, tok.colno);
        if (node instanceof nodes.Group) node.tsibleTuple = true;
        if (closing(this.peekToken())) {
          this.nextToken();
          break;
        }
      }
      if (node instanceof nodes.Dict) {
        const key = this.parsePrimary();
        if (!this.skip(lexer.TOKEN_COLON))
          this.fail('parseAggregate: expected colon after dict key', tok.lineno, tok.colno);
        const value = this.parseExpression();
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
      } else node.addChild(this.parseExpression());
    }
    return node;
  };
}

function patchTuples(): void {
  // A bare tuple, as Jinja2's parse_tuple reads {{ 1, 2 }} and {% set a, b = 1, 2 %}: the Group of (1, 2).
  Parser.prototype.parseBareTuple = function (this: any) {
    const first = this.parseExpression();
    const comma = this.peekToken();
    if (!comma || comma.type !== lexer.TOKEN_COMMA) return first;
    const group = new nodes.Group(first.lineno, first.colno);
    group.tsibleTuple = true;
    group.addChild(first);
    while (this.skip(lexer.TOKEN_COMMA)) {
      const next = this.peekToken();
      if (!next || next.type === lexer.TOKEN_VARIABLE_END || next.type === lexer.TOKEN_BLOCK_END) break;
      group.addChild(this.parseExpression());
    }
    return group;
  };
  // {{ a, b }}: Nunjucks' parseNodes reads one expression after {{; the expression right after {{ may be a tuple
  const origParserNextToken = Parser.prototype.nextToken;
  Parser.prototype.nextToken = function (this: any, withWhitespace?: boolean) {
    const tok = origParserNextToken.call(this, withWhitespace);
    this.tsibleAfterVariableStart = tok?.type === lexer.TOKEN_VARIABLE_START;
    return tok;
  };
  const origParseExpression = Parser.prototype.parseExpression;
  Parser.prototype.parseExpression = function (this: any) {
    if (!this.tsibleAfterVariableStart) return origParseExpression.call(this);
    this.tsibleAfterVariableStart = false;
    return this.parseBareTuple();
  };
  // {% set a, b = 1, 2 %}: the value may be a bare tuple too
  const origParseSet = Parser.prototype.parseSet;
  Parser.prototype.parseSet = function (this: any) {
    const parseExpression = this.parseExpression;
    this.parseExpression = function (this: any) {
      this.parseExpression = parseExpression;
      return this.parseBareTuple();
    };
    try {
      return origParseSet.call(this);
    } finally {
      this.parseExpression = parseExpression;
    }
  };
  // (a, b) is a tuple in Jinja2, not JS's comma operator.
  const origCompileGroup = Compiler.prototype.compileGroup;
  Compiler.prototype.compileGroup = function (this: any, node: any, frame: any) {
    if (node.children.length !== 1 || node.tsibleTuple) {
      this._emit('runtime.tsible.tuple(');
      this._compileAggregate(node, frame, '[', ']');
      this._emit(')');
      return;
    }
    return origCompileGroup.call(this, node, frame);
  };
}

function patchTests(): void {
  // Tests take any number of positional and keyword arguments: `is version('2.10', '>=')`.
  Compiler.prototype.compileIs = function (this: any, node: any, frame: any) {
    const right = node.right;
    let name: string,
      args: any = null;
    if (right instanceof PyTest) {
      name = right.name;
      args = right.args;
    } else if (right instanceof nodes.FunCall) {
      name = dottedName(right.name);
      args = right.args;
    } else name = dottedName(right);
    // the tested value, then the test's arguments, in one array
    this._emit(`runtime.tsible.test(env, "${name}", context, [`);
    this.compile(node.left, frame);
    if (args?.children.length) {
      this._emit(',');
      this._compileAggregate(args, frame, '', '');
    }
    this._emit('])');
  };
  // `is name arg` (one bare argument: `is contains 'x'`, `is sameas true`), `is not`, dotted test names.
  Parser.prototype.parseIs = function (this: any) {
    let node = this.parseCompare();
    if (this.skipSymbol('is')) {
      const not = this.skipSymbol('not');
      const first = this.nextToken();
      if (first.type !== lexer.TOKEN_SYMBOL && first.type !== lexer.TOKEN_NONE && first.type !== lexer.TOKEN_BOOLEAN)
        this.fail('expected test name', first.lineno, first.colno);
      let name = first.type === lexer.TOKEN_SYMBOL ? first.value : String(first.value).toLowerCase();
      if (first.type === lexer.TOKEN_NONE) name = 'none';
      for (;;) {
        const t = this.peekToken();
        if (t && t.type === lexer.TOKEN_OPERATOR && t.value === '.') {
          this.nextToken();
          name += '.' + this.nextToken().value;
          continue;
        }
        break;
      }
      let args: any;
      const next = this.peekToken();
      if (next && next.type === lexer.TOKEN_LEFT_PAREN) {
        args = this.parseSignature();
      } else if (next && startsBareArgument(next)) {
        args = new nodes.NodeList(next.lineno, next.colno, [this.parsePrimary()]);
      } else {
        args = new nodes.NodeList(first.lineno, first.colno, []);
      }
      node = new nodes.Is(node.lineno, node.colno, node, new PyTest(first.lineno, first.colno, name, args));
      if (not) node = new nodes.Not(node.lineno, node.colno, node);
    }
    return node;
  };
}

function patchFloats(): void {
  // 1.0 and 1e3 are float literals: boxed so that they print as 1.0 and 1000.0.
  const origParsePrimary = Parser.prototype.parsePrimary;
  Parser.prototype.parsePrimary = function (this: any, noPostfix: boolean) {
    const tok = this.peekToken();
    const node = origParsePrimary.call(this, noPostfix);
    if (tok && tok.type === lexer.TOKEN_FLOAT) {
      let lit = node;
      while (lit && !(lit instanceof nodes.Literal) && (lit.target || lit.name)) lit = lit.target ?? lit.name;
      if (lit instanceof nodes.Literal && typeof lit.value === 'number') lit.value = py.pyFloat(lit.value);
    }
    return node;
  };
  const origCompileLiteral = Compiler.prototype.compileLiteral;
  Compiler.prototype.compileLiteral = function (this: any, node: any, frame: any) {
    if (node.value instanceof py.PyFloat) {
      this._emit(`runtime.tsible.float(${node.value.value})`);
      return;
    }
    return origCompileLiteral.call(this, node, frame);
  };
  // type_debug knows a string's Python type by its text (YAML's are AnsibleUnicode); a string literal of the
  // template itself is always str, whatever YAML string has the same text
  const origCompileFilter = Compiler.prototype.compileFilter;
  Compiler.prototype.compileFilter = function (this: any, node: any, frame: any) {
    const args = node.args?.children ?? [];
    const literal = args.length === 1 && args[0] instanceof nodes.Literal && typeof args[0].value === 'string';
    if (literal && /^(ansible\.builtin\.)?type_debug$/.test(node.name.value)) {
      this._emit('"str"');
      return;
    }
    return origCompileFilter.call(this, node, frame);
  };
}

function patchPostfix(): void {
  // x.0, x.0.name and keyword attribute names (x.true) are lookups in Jinja2.
  Parser.prototype.parsePostfix = function (this: any, node: any) {
    let tok = this.peekToken();
    while (tok) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        node = this.parseSubscript(node, tok);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const val = this.nextToken();
        if (val.type === lexer.TOKEN_SYMBOL) {
          node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, val.value));
        } else if (val.type === lexer.TOKEN_INT || val.type === lexer.TOKEN_FLOAT) {
          // the lexer reads `.0.name` as the float `0.` then a name, and `.0.1` as the float `0.1`
          for (const part of String(val.value)
            .split('.')
            .filter((p) => p !== ''))
            node = new nodes.LookupVal(
              tok.lineno,
              tok.colno,
              node,
              new nodes.Literal(val.lineno, val.colno, Number(part)),
            );
          const after = this.peekToken();
          if (String(val.value).endsWith('.') && after && after.type === lexer.TOKEN_SYMBOL) {
            this.nextToken();
            node = new nodes.LookupVal(
              tok.lineno,
              tok.colno,
              node,
              new nodes.Literal(after.lineno, after.colno, after.value),
            );
          }
        } else if (val.type === lexer.TOKEN_BOOLEAN || val.type === lexer.TOKEN_NONE) {
          node = new nodes.LookupVal(
            tok.lineno,
            tok.colno,
            node,
            new nodes.Literal(val.lineno, val.colno, String(val.value)),
          );
        } else {
          this.fail('expected name as lookup value, got ' + val.value, val.lineno, val.colno);
        }
      } else break;
      tok = this.peekToken();
    }
    return node;
  };
}

function patchSubscripts(): void {
  // x[i], x['k'] and Python slices x[a:b:c].
  Parser.prototype.parseSubscript = function (this: any, target: any, tok: any) {
    this.nextToken(); // [
    const parts: any[] = [null];
    let colons = 0;
    for (;;) {
      const t = this.peekToken();
      if (t.type === lexer.TOKEN_RIGHT_BRACKET) {
        this.nextToken();
        break;
      }
      if (t.type === lexer.TOKEN_COLON) {
        this.nextToken();
        colons++;
        parts.push(null);
        continue;
      }
      if (parts[colons] !== null) this.fail('expected ] or :', t.lineno, t.colno);
      parts[colons] = this.parseExpression();
    }
    if (colons === 0) {
      if (parts[0] === null) this.fail('expected an index', tok.lineno, tok.colno);
      return new nodes.LookupVal(tok.lineno, tok.colno, target, parts[0]);
    }
    if (colons > 2) this.fail('too many slice components', tok.lineno, tok.colno);
    return new Slice(tok.lineno, tok.colno, target, parts[0], parts[1] ?? null, parts[2] ?? null);
  };
  Compiler.prototype.compileSlice = function (this: any, node: any, frame: any) {
    this._emit('runtime.tsible.slice(');
    this.compile(node.target, frame);
    for (const f of ['start', 'stop', 'step']) {
      this._emit(',');
      if (node[f]) this.compile(node[f], frame);
      else this._emit('null');
    }
    this._emit(')');
  };
  // Non-string keys in dict literals ({1: 'a'}) are Python dict keys; JS objects key them by str().
  Compiler.prototype.compilePair = function (this: any, node: any, frame: any) {
    let key = node.key;
    if (key instanceof nodes.Symbol) key = new nodes.Literal(key.lineno, key.colno, key.value);
    if (key instanceof nodes.Literal) {
      this._emit(JSON.stringify(key.value === null ? 'None' : py.pyStr(key.value)));
    } else {
      this._emit('[');
      this.compile(key, frame);
      this._emit(']');
    }
    this._emit(': ');
    this._compileExpression(node.value, frame);
  };
}

function patchBraces(): void {
  // A dict literal nested in {{ }} may close with '}}' ({{ {'a': {'b': 1}} }}): Jinja2's lexer counts braces,
  // so inside an open '{' the '}}' is two closing braces, not the end of the expression.
  const Tokenizer = Object.getPrototypeOf(lexer.lex(''));
  const origNextToken = Tokenizer.nextToken;
  Tokenizer.nextToken = function (this: any) {
    if (this.in_code && this.tsibleCurly > 0 && this.str.startsWith('}', this.index)) {
      const lineno = this.lineno,
        colno = this.colno;
      this.forward();
      this.tsibleCurly--;
      return { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno, colno };
    }
    // Jinja2 floats may have an exponent (1e3, 1.5e-3); Nunjucks' lexer would read `1e3` as a name
    if (this.in_code && /[0-9]/.test(this.str[this.index] ?? '') && !/[\w.]/.test(this.str[this.index - 1] ?? '')) {
      const m = /^[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+(?![\w.])/.exec(this.str.slice(this.index, this.index + 64));
      if (m) {
        const lineno = this.lineno,
          colno = this.colno;
        for (let k = 0; k < m[0].length; k++) this.forward();
        return { type: lexer.TOKEN_FLOAT, value: m[0].replace(/_/g, ''), lineno, colno };
      }
    }
    const tok = origNextToken.call(this);
    if (tok) {
      if (tok.type === lexer.TOKEN_LEFT_CURLY) this.tsibleCurly = (this.tsibleCurly ?? 0) + 1;
      else if (tok.type === lexer.TOKEN_RIGHT_CURLY) this.tsibleCurly = Math.max(0, (this.tsibleCurly ?? 0) - 1);
      else if (tok.type === lexer.TOKEN_VARIABLE_END || tok.type === lexer.TOKEN_BLOCK_END) this.tsibleCurly = 0;
      // Jinja2 knows none/None, not null: `null` is a variable name (usually undefined)
      else if (tok.type === lexer.TOKEN_NONE && tok.value === 'null') tok.type = lexer.TOKEN_SYMBOL;
    }
    return tok;
  };
}

function patchAdjacentStrings(): void {
  const Tokenizer = Object.getPrototypeOf(lexer.lex(''));
  // Adjacent string literals are one string ('a' 'b' is 'ab'), as in Python and Jinja2: merged as they are lexed.
  const lexOne = Tokenizer.nextToken;
  Tokenizer.nextToken = function (this: any) {
    const tok = lexOne.call(this);
    if (!tok || tok.type !== lexer.TOKEN_STRING) return tok;
    for (;;) {
      const at = {
        index: this.index,
        lineno: this.lineno,
        colno: this.colno,
        in_code: this.in_code,
        tsibleCurly: this.tsibleCurly,
      };
      let next = lexOne.call(this);
      while (next && next.type === lexer.TOKEN_WHITESPACE) next = lexOne.call(this);
      if (next && next.type === lexer.TOKEN_STRING) {
        tok.value += next.value;
        continue;
      }
      Object.assign(this, at);
      return tok;
    }
  };
}

function patchNodeNames(): void {
  // Literal names in generated error strings must not break the generated JS (a newline in 'a\nb'.f()).
  const origGetNodeName = Compiler.prototype._getNodeName;
  Compiler.prototype._getNodeName = function (this: any, node: any) {
    return String(origGetNodeName.call(this, node)).replace(/[\\\n\r\u2028\u2029]/g, ' ');
  };
}

function dottedName(node: any): string {
  if (node instanceof nodes.Symbol) return node.value;
  if (node instanceof nodes.LookupVal) return `${dottedName(node.target)}.${node.val.value}`;
  if (node instanceof nodes.Literal) return String(node.value).toLowerCase();
  throw new TemplateError('expected test name');
}

function startsBareArgument(tok: any): boolean {
  switch (tok.type) {
    case lexer.TOKEN_STRING:
    case lexer.TOKEN_INT:
    case lexer.TOKEN_FLOAT:
    case lexer.TOKEN_BOOLEAN:
    case lexer.TOKEN_NONE:
    case lexer.TOKEN_LEFT_BRACKET:
    case lexer.TOKEN_LEFT_CURLY:
      return true;
    case lexer.TOKEN_SYMBOL:
      return !['and', 'or', 'else', 'if', 'is', 'in', 'not'].includes(tok.value);
    default:
      return false;
  }
}

export { nunjucks, nodes, parserMod, lexer, compilerMod, transformerMod, runtime };

/** A call's arguments as parseSignature collects them. */
interface Signature {
  args: any;
  kwargs: any;
  stars: any[];
  starKwargs?: any;
}

/** One argument of a call: `*iterable`, `**mapping`, `name=value` or a positional value. */
function parseArgument(parser: any, call: Signature): void {
  const tok = parser.peekToken();
  if (parser.skipValue(lexer.TOKEN_OPERATOR, '*'))
    call.stars.push(new StarArgs(tok.lineno, tok.colno, parser.parseExpression()));
  else if (parser.skipValue(lexer.TOKEN_OPERATOR, '**'))
    call.starKwargs = new StarKwargs(tok.lineno, tok.colno, parser.parseExpression());
  else {
    const arg = parser.parseExpression();
    if (parser.skipValue(lexer.TOKEN_OPERATOR, '='))
      call.kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, parser.parseExpression()));
    else call.args.addChild(arg);
  }
}

function patchStarArguments(): void {
  // Jinja2's calls take `*iterable` and `**mapping` (`lookup('list', wantlist=True, *phrases)`): the iterable's items
  // follow the positional arguments, the mapping's items join the keywords. Which orders are valid is
  // jinja-syntax.ts's to decide; Nunjucks' own parseSignature knows neither form.
  Parser.prototype.parseSignature = function (this: any, tolerant: boolean, noParens: boolean) {
    let tok = this.peekToken();
    if (!noParens && tok.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lexer.TOKEN_LEFT_PAREN) tok = this.nextToken();
    const call: Signature = {
      args: new nodes.NodeList(tok.lineno, tok.colno),
      kwargs: new nodes.KeywordArgs(tok.lineno, tok.colno),
      stars: [],
    };
    const ends = () => {
      const t = this.peekToken();
      if (noParens) return t.type === lexer.TOKEN_BLOCK_END;
      return t.type === lexer.TOKEN_RIGHT_PAREN && this.nextToken();
    };
    for (let first = true; !ends(); first = false) {
      if (!first) {
        const t = this.peekToken();
        if (!this.skip(lexer.TOKEN_COMMA))
          this.fail('parseSignature: expected comma after expression', t.lineno, t.colno);
        // (Jinja2 takes a trailing comma)
        if (ends()) break;
      }
      parseArgument(this, call);
    }
    for (const star of call.stars) call.args.addChild(star);
    if (call.starKwargs) call.kwargs.starKwargs = call.starKwargs;
    if (call.kwargs.children.length || call.starKwargs) call.args.addChild(call.kwargs);
    return call.args;
  };
  // (a spread inside the argument list: calls, filters and tests all compile their arguments as a list)
  (Compiler.prototype as any).compilePyStarArgs = function (this: any, node: any, frame: any) {
    this._emit('...runtime.tsible.starArgs(');
    this.compile(node.value, frame);
    this._emit(')');
  };
  const origCompileKeywordArgs = Compiler.prototype.compileKeywordArgs;
  Compiler.prototype.compileKeywordArgs = function (this: any, node: any, frame: any) {
    if (!node.starKwargs) return origCompileKeywordArgs.call(this, node, frame);
    this._emit('runtime.makeKeywordArgs(runtime.tsible.starKwargs(');
    this.compileDict(node, frame);
    this._emit(',');
    this.compile(node.starKwargs.value, frame);
    this._emit('))');
  };
}
