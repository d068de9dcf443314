// expandsPast (src/python/expanded-size.ts) answers as expandedSize(value) > limit does, whichever walk it takes.
import { describe, expect, it } from 'vitest';
import { expandedSize, expandsPast } from '../../src/python/expanded-size.js';

/** A list of `width` references to the same inner value, `depth` times over (a YAML alias bomb's shape). */
function shared(depth: number, width: number): unknown {
  let v: unknown = ['lol'];
  for (let i = 0; i < depth; i++) v = Array(width).fill(v);
  return v;
}

describe('expandsPast', () => {
  const cases: Array<[string, unknown]> = [
    ['a scalar', 'x'],
    ['a small result', { changed: true, stdout_lines: ['a', 'b'], invocation: { module_args: { x: null } } }],
    ['a shared list, small', shared(2, 3)],
    ['a shared list, large', shared(9, 9)],
    ['a plain list past the plain walk', Array.from({ length: 30_000 }, (_, i) => ({ i }))],
  ];
  it.each(cases)('%s: as expandedSize at every limit around its size', (_name, value) => {
    const size = expandedSize(value, Number.MAX_SAFE_INTEGER);
    for (const limit of [1, size - 1, size, size + 1, 5_000_000])
      if (limit > 0) expect(expandsPast(value, limit)).toBe(expandedSize(value, limit) > limit);
  });
});
