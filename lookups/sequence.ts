// ansible.builtin.sequence: `start=1 end=10 stride=2 format=x%02d`, or its shortcut `[start-]end[/stride][:format]`.
import { TemplateError } from '../src/errors.js';
import { pyStr, type Dict } from '../src/python/python.js';
import type { LookupTable } from './plugin.js';

const SHORTCUT = /^(?:(0x[0-9a-f]+|0o?[0-7]+|-?\d+)-)?(0x[0-9a-f]+|0o?[0-7]+|-?\d+)(?:\/(-?\d+))?(?::(.+))?$/i;

/** One term's options: the shortcut form, else its key=value words. */
function parseSequenceTerm(term: string): Dict {
  const kw: Dict = {};
  const m = SHORTCUT.exec(term.trim());
  if (m && !term.includes('=')) {
    kw.start = m[1] ?? 1;
    kw.end = m[2];
    if (m[3]) kw.stride = m[3];
    if (m[4]) kw.format = m[4];
    return kw;
  }
  for (const part of term.trim().split(/\s+/)) {
    const [k, v] = part.split('=');
    if (k && v !== undefined) kw[k] = v;
  }
  return kw;
}

/** A number as the sequence lookup reads it: decimal, 0x hex, 0o or 0 octal. */
function sequenceNumber(v: unknown): number {
  const s = pyStr(v);
  if (s.startsWith('0x')) return parseInt(s, 16);
  if (/^0o?[0-7]+$/.test(s) && s !== '0') return parseInt(s.replace(/^0o?/, ''), 8);
  return Number(s);
}

/** The `%d`, `%x`, `%X`, `%o` of the format, with its width and zero padding. */
const formatted = (fmt: string, i: number): string =>
  fmt.replace(/%(0?\d*)([dxXo])/, (_m, w: string, c: string) => {
    const s =
      c === 'd' ? String(i) : c === 'o' ? i.toString(8) : c === 'x' ? i.toString(16) : i.toString(16).toUpperCase();
    return w.startsWith('0') ? s.padStart(Number(w), '0') : s.padStart(Number(w || 0));
  });

function sequence(kw: Dict): string[] {
  const start = sequenceNumber(kw.start ?? 1),
    stride = sequenceNumber(kw.stride ?? 1);
  const end =
    kw.end !== undefined
      ? sequenceNumber(kw.end)
      : kw.count !== undefined
        ? start + (sequenceNumber(kw.count) - 1) * stride
        : NaN;
  if (Number.isNaN(end)) throw new TemplateError('must specify count or end in with_sequence');
  const fmt = pyStr(kw.format ?? '%d');
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    out.push(formatted(fmt, i));
    if (stride === 0) break;
  }
  return out;
}

export const SEQUENCE_LOOKUPS = {
  sequence: {
    terms: 'kv',
    run: (terms, kw) => (terms.length ? terms.flatMap((t) => sequence(parseSequenceTerm(pyStr(t)))) : sequence(kw)),
  },
} as const satisfies LookupTable;
