// ansible.builtin.sequence: `start=1 end=10 stride=2 format=x%02d`, or its shortcut `[start-]end[/stride][:format]`.
// Only the terms count: keyword options of lookup('sequence', ...) are ignored, as the plugin ignores them.
import { ParseError, TemplateError } from '../src/errors.js';
import { PyException, PyTypeError, PyValueError, pyMod, pyRepr, pyStr, typeName } from '../src/python/python.js';
import { parseKv } from '../src/playbook/kv.js';
import { PluginException, type LookupTable } from './plugin.js';

/** The plugin's state for one term: start, end or count, stride, format. */
interface Sequence {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

// each number of the shortcut as the plugin's pattern takes it (hex digits, so `A` is caught by int() later)
const NUM = '(0?x?[0-9a-f]+)';
const SHORTCUT = new RegExp(`^(${NUM}-)?${NUM}(/${NUM})?(:(.+))?$`, 'i');

/** Python's int(text, 0): a sign, then decimal without leading zeros or 0x/0o/0b digits, `_` between digits. */
const INT_BASE_0 = /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?\d)*)$/;
function integer(name: string, raw: string): number {
  const text = raw.trim();
  if (!INT_BASE_0.test(text)) throw new TemplateError(`can't parse ${name}=${raw} as integer`);
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.replace(/^[+-]/, '').replaceAll('_', '');
  const radix = /^0[xX]/.test(digits) ? 16 : /^0[oO]/.test(digits) ? 8 : /^0[bB]/.test(digits) ? 2 : 10;
  return sign * parseInt(radix === 10 ? digits : digits.slice(2), radix);
}

/** parse_simple_args: the shortcut form sets what it gives; false when the term is not one. */
function parseShortcut(seq: Sequence, term: string): boolean {
  const m = SHORTCUT.exec(term);
  if (!m) return false;
  const [, , start, end, , stride, , format] = m;
  if (start !== undefined) seq.start = integer('start', start);
  seq.end = integer('end', end!);
  if (stride !== undefined) seq.stride = integer('stride', stride);
  if (format !== undefined) seq.format = format;
  return true;
}

/** parse_kv_args: start, end, count and stride as integers, format as it is, nothing else. */
function parseOptions(seq: Sequence, term: string): void {
  const options = { ...parseKvOrRaise(term) };
  for (const name of ['start', 'end', 'count', 'stride'] as const) {
    if (options[name] === undefined) continue;
    seq[name] = integer(name, pyStr(options[name]));
    delete options[name];
  }
  if ('format' in options) {
    seq.format = pyStr(options.format);
    delete options.format;
  }
  const unknown = Object.keys(options);
  if (unknown.length) throw new TemplateError(`unrecognized arguments to with_sequence: ${pyRepr(unknown)}`);
}

/** parse_kv's AnsibleParserError passes through the plugin as it is, naming its class. */
function parseKvOrRaise(term: string): Record<string, unknown> {
  try {
    return parseKv(term, false);
  } catch (e) {
    if (e instanceof ParseError) throw new PluginException('ansible.errors.AnsibleParserError', e.message);
    throw e;
  }
}

/** sanity_check: exactly one of count and end, a stride pointing the right way, one `%` in the format. */
function sanityCheck(seq: Sequence): { start: number; end: number; stride: number } {
  if (seq.count === undefined && seq.end === undefined)
    throw new TemplateError('must specify count or end in with_sequence');
  if (seq.count !== undefined && seq.end !== undefined)
    throw new TemplateError("can't specify both count and end in with_sequence");
  let { start, stride } = seq;
  let end = seq.end!;
  if (seq.count !== undefined) {
    // (the plugin's own arithmetic: it only agrees with `count` for a stride of 1)
    if (seq.count !== 0) end = start + seq.count * stride - 1;
    else start = end = stride = 0;
  }
  if (stride > 0 && end < start) throw new TemplateError('to count backwards make stride negative');
  if (stride < 0 && end > start) throw new TemplateError("to count forward don't make stride negative");
  if (seq.format.split('%').length !== 2) throw new TemplateError(`bad formatting string: ${seq.format}`);
  return { start, end, stride };
}

/** generate_sequence: range(start, end ± 1, stride), each number through the format's `%`. */
function generate(format: string, { start, end, stride }: { start: number; end: number; stride: number }): string[] {
  const out: string[] = [];
  if (stride === 0) return out;
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    try {
      out.push(pyStr(pyMod(format, i)));
    } catch (e) {
      if (!(e instanceof PyException || e instanceof PyTypeError || e instanceof PyValueError)) throw e;
      throw new TemplateError(`problem formatting ${i} with ${pyRepr(format)}`);
    }
  }
  return out;
}

function sequence(term: unknown): string[] {
  if (typeof term !== 'string')
    throw new TemplateError(
      `unknown error parsing with_sequence arguments: ${pyRepr(term)}. Error was: expected string or bytes-like object, got '${typeName(term)}'`,
    );
  const seq: Sequence = { start: 1, stride: 1, format: '%d' };
  if (!parseShortcut(seq, term)) parseOptions(seq, term);
  return generate(seq.format, sanityCheck(seq));
}

export const SEQUENCE_LOOKUPS = {
  sequence: { terms: 'kv', run: (terms) => terms.flatMap(sequence) },
} as const satisfies LookupTable;
