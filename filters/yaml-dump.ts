// yaml.dump as Ansible's to_yaml and to_nice_yaml call it: PyYAML's representer (sorted keys; with
// default_flow_style=None a collection of scalars only is written in flow style) and libyaml's emitter, which
// PyYAML's CSafeDumper uses and Ansible prefers when it is there (as on every usual install): its choice of plain,
// single- or double-quoted scalars, its indentation (sequences inside mappings are not indented), its folding at
// 80 columns, no '...' after a root scalar, characters beyond the BMP escaped. Written from the emitters' rules, for
// the nodes Ansible's data can produce; checked against real Ansible in test/golden/templating/values.json.
import { floatRepr, isDict, isFloat, isNum, isSafeString, PyFloat, typeName } from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { PyDatetime } from '../src/python/datetime.js';
import { plainScalarKind } from '../src/yaml/loader.js';
import { TemplateError } from '../src/errors.js';

/** `bang`: written with the non-specific tag `!` and quoted (how Ansible's dumper writes a datetime). */
type Scalar = { kind: 'scalar'; text: string; plainOk: boolean; bang?: boolean };
type Node =
  Scalar | { kind: 'seq'; items: Node[]; flow: boolean } | { kind: 'map'; pairs: Array<[Scalar, Node]>; flow: boolean };

interface DumpOptions {
  /** null: a collection of scalars only is written in flow style (PyYAML's default_flow_style=None); false: block. */
  readonly flowStyle: boolean | null;
  readonly indent?: number;
  readonly width?: number;
  readonly sortKeys?: boolean;
}

/** PyYAML's float representer: repr() lower-cased, '1e+16' written '1.0e+16', .inf and .nan. */
function floatText(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  const r = floatRepr(n).toLowerCase();
  return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
}

/** SafeRepresenter: the node for a value; a string is plain-able only when it would read back as a string. */
function represent(v: unknown, o: DumpOptions): Node {
  if (v instanceof PyUndefined) v.fail();
  if (v === null || v === undefined) return { kind: 'scalar', text: 'null', plainOk: true };
  if (typeof v === 'boolean') return { kind: 'scalar', text: v ? 'true' : 'false', plainOk: true };
  if (isNum(v)) return { kind: 'scalar', text: isFloat(v) ? floatText(Number(v)) : String(Number(v)), plainOk: true };
  if (typeof v === 'string' || isSafeString(v)) {
    const text = String(v);
    return { kind: 'scalar', text, plainOk: plainScalarKind(text) === 'str' };
  }
  const collectionStyle = (children: Node[]) =>
    o.flowStyle === null ? children.every((c) => c.kind === 'scalar') : o.flowStyle;
  if (Array.isArray(v)) {
    const items = v.map((x) => represent(x, o));
    return { kind: 'seq', items, flow: collectionStyle(items) };
  }
  if (isDict(v)) {
    const keys = Object.keys(v);
    if (o.sortKeys !== false) keys.sort();
    const pairs = keys.map((k) => [represent(k, o) as Scalar, represent(v[k], o)] as [Scalar, Node]);
    return { kind: 'map', pairs, flow: collectionStyle(pairs.flatMap(([k, x]) => [k, x])) };
  }
  if (v instanceof PyFloat) return { kind: 'scalar', text: floatText(v.value), plainOk: true };
  if (v instanceof PyDatetime) return { kind: 'scalar', text: v.isoformat(' '), plainOk: false, bang: true };
  throw new TemplateError(`cannot represent an object: ${typeName(v)}`);
}

const BREAKS = '\n\x85\u2028\u2029';
const SPACE_OR_BREAK = '\0 \t\r\n\x85\u2028\u2029';

interface Analysis {
  empty: boolean;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

/** analyze_scalar with allow_unicode: which styles can write this text. */
function analyze(s: string): Analysis {
  if (!s) return { empty: true, multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true };
  const chars = [...s];
  const { flowIndicators, blockIndicators } = indicators(s, chars);
  const w = whitespace(chars);
  let flowPlain = true,
    blockPlain = true,
    singleQuoted = true;
  if (w.leadingSpace || w.leadingBreak || w.trailingSpace || w.trailingBreak) flowPlain = blockPlain = false;
  if (w.breakSpace) flowPlain = blockPlain = singleQuoted = false;
  if (w.spaceBreak || w.special) flowPlain = blockPlain = singleQuoted = false;
  if (w.lineBreaks) flowPlain = blockPlain = false;
  if (flowIndicators) flowPlain = false;
  if (blockIndicators) blockPlain = false;
  return { empty: false, multiline: w.lineBreaks, flowPlain, blockPlain, singleQuoted };
}

/** Whether the text has characters that mean something in flow context, or in block context. */
function indicators(s: string, chars: string[]): { flowIndicators: boolean; blockIndicators: boolean } {
  let blockIndicators = false,
    flowIndicators = false;
  if (s.startsWith('---') || s.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  let followedByWhitespace = s.length === 1 || SPACE_OR_BREAK.includes(s[1]!);
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index]!;
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      }
      if ('?:'.includes(ch)) {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true;
      if (ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    }
    precededByWhitespace = SPACE_OR_BREAK.includes(ch);
    followedByWhitespace = index + 2 >= chars.length || SPACE_OR_BREAK.includes(chars[index + 2]!);
  }
  return { flowIndicators, blockIndicators };
}

/** Line breaks, characters the emitter cannot print, and where spaces and breaks sit. */
function whitespace(chars: string[]) {
  const w = {
    lineBreaks: false,
    special: false,
    leadingSpace: false,
    leadingBreak: false,
    trailingSpace: false,
    trailingBreak: false,
    breakSpace: false,
    spaceBreak: false,
  };
  let previousSpace = false,
    previousBreak = false;
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index]!;
    if (BREAKS.includes(ch)) w.lineBreaks = true;
    const c = ch.codePointAt(0)!;
    if (!(ch === '\n' || (c >= 0x20 && c <= 0x7e))) {
      // libyaml (the C emitter Ansible's dumper uses when PyYAML has it) prints the BMP only
      const printable = (c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)) && c !== 0xfeff;
      if (!printable) w.special = true;
    }
    if (ch === ' ') {
      if (index === 0) w.leadingSpace = true;
      if (index === chars.length - 1) w.trailingSpace = true;
      if (previousBreak) w.breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (index === 0) w.leadingBreak = true;
      if (index === chars.length - 1) w.trailingBreak = true;
      if (previousSpace) w.spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
  }
  return w;
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\t': 't',
  '\n': 'n',
  '\x0b': 'v',
  '\x0c': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xa0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

class Emitter {
  out = '';
  column = 0;
  indent: number | null = null;
  readonly indents: Array<number | null> = [];
  flowLevel = 0;
  whitespace = true;
  indention = true;
  constructor(
    readonly bestIndent: number,
    readonly bestWidth: number,
  ) {}

  // columns count characters (code points), as Python's len() does
  write(data: string): void {
    this.out += data;
    this.column += /[\ud800-\udfff]/.test(data) ? [...data].length : data.length;
  }
  indicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ` ${indicator}`;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.write(data);
  }
  lineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.out += data;
    this.column = 0;
  }
  writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) this.write(' '.repeat(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }
  increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }
  popIndent(): void {
    this.indent = this.indents.pop() ?? null;
  }

  node(n: Node, ctx: { mapping?: boolean; simpleKey?: boolean }): void {
    if (n.kind === 'scalar') {
      this.increaseIndent(true);
      this.scalar(n, ctx);
      this.popIndent();
      return;
    }
    const empty = n.kind === 'seq' ? n.items.length === 0 : n.pairs.length === 0;
    const flow = this.flowLevel > 0 || n.flow || empty;
    if (n.kind === 'seq') {
      if (flow) this.flowSequence(n.items);
      else this.blockSequence(n.items, Boolean(ctx.mapping));
    } else if (flow) this.flowMapping(n.pairs);
    else this.blockMapping(n.pairs);
  }

  /** libyaml's check_simple_key: any one-line scalar of at most 128 bytes (the empty one too). */
  simpleKey(k: Scalar): boolean {
    return !analyze(k.text).multiline && Buffer.byteLength(k.text, 'utf8') <= 128;
  }

  flowSequence(items: Node[]): void {
    this.indicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    items.forEach((item, i) => {
      if (i > 0) this.indicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      this.node(item, {});
    });
    this.popIndent();
    this.flowLevel--;
    this.indicator(']', false);
  }

  flowMapping(pairs: Array<[Scalar, Node]>): void {
    this.indicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    pairs.forEach(([k, v], i) => {
      if (i > 0) this.indicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      if (this.simpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.indicator(':', false);
      } else {
        this.indicator('?', true);
        this.node(k, { mapping: true });
        if (this.column > this.bestWidth) this.writeIndent();
        this.indicator(':', true);
      }
      this.node(v, { mapping: true });
    });
    this.popIndent();
    this.flowLevel--;
    this.indicator('}', false);
  }

  blockSequence(items: Node[], mappingContext: boolean): void {
    this.increaseIndent(false, mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(item, {});
    }
    this.popIndent();
  }

  blockMapping(pairs: Array<[Scalar, Node]>): void {
    this.increaseIndent(false);
    for (const [k, v] of pairs) {
      this.writeIndent();
      if (this.simpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.indicator(':', false);
      } else {
        this.indicator('?', true, false, true);
        this.node(k, { mapping: true });
        this.writeIndent();
        this.indicator(':', true, false, true);
      }
      this.node(v, { mapping: true });
    }
    this.popIndent();
  }

  scalar(n: Scalar, ctx: { simpleKey?: boolean }): void {
    const a = analyze(n.text);
    // libyaml's select_scalar_style
    let style: '' | "'" | '"' = '';
    if (this.flowLevel ? !a.flowPlain : !a.blockPlain) style = "'";
    if (a.empty && (this.flowLevel > 0 || ctx.simpleKey)) style = "'";
    if (!n.plainOk) style = "'";
    if (style === "'" && !a.singleQuoted) style = '"';
    const breaks = !ctx.simpleKey;
    if (n.bang) this.indicator('!', true);
    if (style === '') this.plain(n.text, breaks);
    else if (style === "'") this.singleQuoted(n.text, breaks);
    else this.doubleQuoted(n.text, breaks);
  }

  /** A space may become a line break where the column is past the width (not before another space; with `edges`,
   * not the first or last character). The caller checks that breaks are allowed and no space came before. */
  #fold(t: string[], i: number, edges: boolean): boolean {
    return this.column > this.bestWidth && t[i + 1] !== ' ' && (!edges || (i !== 0 && i !== t.length - 1));
  }

  plain(text: string, allowBreaks: boolean): void {
    const t = [...text];
    if (!this.whitespace && (t.length || this.flowLevel)) this.write(' ');
    let spaces = false;
    for (let i = 0; i < t.length; i++) {
      const ch = t[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.#fold(t, i, false)) this.writeIndent();
        else this.write(ch);
        spaces = true;
      } else {
        this.write(ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  singleQuoted(text: string, allowBreaks: boolean): void {
    this.indicator("'", true);
    const t = [...text];
    let spaces = false,
      breaks = false;
    for (let i = 0; i < t.length; i++) {
      const ch = t[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.#fold(t, i, true)) this.writeIndent();
        else this.write(ch);
        spaces = true;
      } else if (BREAKS.includes(ch)) {
        if (!breaks && ch === '\n') this.lineBreak();
        this.lineBreak(ch === '\n' ? '\n' : ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.write(ch === "'" ? "''" : ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (breaks) this.writeIndent();
    this.indicator("'", false);
    this.whitespace = false;
    this.indention = false;
  }

  doubleQuoted(text: string, allowBreaks: boolean): void {
    this.indicator('"', true);
    const t = [...text];
    let spaces = false;
    for (let i = 0; i < t.length; i++) {
      const ch = t[i]!;
      const c = ch.codePointAt(0)!;
      const printable =
        ch === '\n' ||
        (c >= 0x20 && c <= 0x7e) ||
        c === 0x85 ||
        (c >= 0xa0 && c <= 0xd7ff) ||
        (c >= 0xe000 && c <= 0xfffd);
      if (!printable || c === 0xfeff || BREAKS.includes(ch) || ch === '\r' || ch === '"' || ch === '\\') {
        this.write(
          ESCAPES[ch] !== undefined
            ? `\\${ESCAPES[ch]}`
            : c <= 0xff
              ? `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`
              : c <= 0xffff
                ? `\\u${c.toString(16).toUpperCase().padStart(4, '0')}`
                : `\\U${c.toString(16).toUpperCase().padStart(8, '0')}`,
        );
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i !== 0 && i !== t.length - 1) {
          this.writeIndent();
          if (t[i + 1] === ' ') this.write('\\');
        } else this.write(ch);
        spaces = true;
      } else {
        this.write(ch);
        spaces = false;
      }
    }
    this.indicator('"', false);
    this.whitespace = false;
    this.indention = false;
  }
}

/** yaml.dump(value, Dumper=AnsibleDumper, allow_unicode=True, ...): one implicit document. */
export function pyYamlDump(value: unknown, o: DumpOptions): string {
  const indent = o.indent !== undefined && o.indent > 1 && o.indent < 10 ? o.indent : 2;
  const width = o.width !== undefined && o.width > indent * 2 ? o.width : 80;
  const e = new Emitter(indent, width);
  e.node(represent(value, o), {});
  e.writeIndent(); // the document's end; libyaml writes no '...' after a plain root scalar
  return e.out;
}
