// Python's pprint.pformat (width 80, dict keys sorted), which the Ansible debugger's `p` prints with.
import { PyTuple, isDict, pyRepr } from '../python/python.js';

export function pformat(v: unknown, width = 80): string {
  return fmt(v, 0, width);
}

function fmt(v: unknown, indent: number, width: number): string {
  const flat = repr(v);
  if (flat.length + indent <= width || (!Array.isArray(v) && !isDict(v))) return flat;
  if (isDict(v)) {
    const keys = Object.keys(v).sort();
    const lines = keys.map((k, i) => {
      const key = pyRepr(k) + ': ';
      const body = fmt(v[k], indent + 1 + key.length, width);
      return (i === 0 ? '' : ' '.repeat(indent + 1)) + key + body;
    });
    return `{${lines.join(',\n')}}`;
  }
  const list = v as unknown[];
  const [open, close] = list instanceof PyTuple ? ['(', ')'] : ['[', ']'];
  const items = list.map((x, i) => (i === 0 ? '' : ' '.repeat(indent + 1)) + fmt(x, indent + 1, width));
  return `${open}${items.join(',\n')}${close}`;
}

/** repr with dict keys sorted, as pprint prints them. */
function repr(v: unknown): string {
  if (isDict(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${pyRepr(k)}: ${repr(v[k])}`)
      .join(', ')}}`;
  if (v instanceof PyTuple) return v.length === 1 ? `(${repr(v[0])},)` : `(${v.map(repr).join(', ')})`;
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  return pyRepr(v);
}
