// parse_kv and split_args against what ansible-core 2.14 answered for the same text
// (test/golden/splitter/regenerate.py records it).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKv } from '../../src/playbook/kv.js';
import { ROOT } from '../helpers.js';

interface Case {
  text: string;
  check_raw: boolean;
  result: Record<string, unknown>;
}
const cases: Case[] = JSON.parse(
  readFileSync(path.join(ROOT, 'test/golden/splitter/parse-kv.ansible-2.14.json'), 'utf8'),
);

const parse = (text: string, checkRaw: boolean): Record<string, unknown> => {
  try {
    return parseKv(text, checkRaw);
  } catch (e) {
    return { error: (e as Error).message };
  }
};

describe('parseKv as ansible-core 2.14 parse_kv', () => {
  it.each(cases.map((c) => [JSON.stringify(c.text), c.check_raw, c] as const))('%s check_raw=%s', (_t, _c, c) =>
    expect(parse(c.text, c.check_raw)).toEqual(c.result),
  );
});
