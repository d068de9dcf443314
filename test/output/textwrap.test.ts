// src/output/textwrap.ts against Python's textwrap.wrap (textwrap-cases.json, made by textwrap-cases.py): the
// chunks of break_on_hyphens, long words broken, whitespace dropped or kept at the lines' ends.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wrap } from '../../src/output/textwrap.js';
import { ROOT } from '../helpers.js';

const cases: { text: string; width: number; drop: boolean; out: string[] }[] = JSON.parse(
  readFileSync(path.join(ROOT, 'test/output/textwrap-cases.json'), 'utf8'),
);

describe('wrap', () => {
  it(`wraps ${cases.length} texts as textwrap.wrap does`, () => {
    for (const c of cases) expect(wrap(c.text, c.width, { dropWhitespace: c.drop }), JSON.stringify(c)).toEqual(c.out);
  });
  it('breaks after the hyphens of a long hyphenated word, as Ansible wraps a warning', () => {
    expect(wrap('[WARNING]: the module community.general.some-long-hyphenated-name is deprecated', 40)).toEqual([
      '[WARNING]: the module',
      'community.general.some-long-hyphenated-',
      'name is deprecated',
    ]);
  });
});
