// src/output/diff.ts against Python's difflib (diff-cases.json, made by diff-cases.py), and the shapes of `diff`
// results the default callback meets: lists, dicts of attributes, binary and size notes.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffOutput } from '../../src/output/diff.js';
import { ROOT } from '../helpers.js';

const cases: { name: string; before: string; after: string; expected: string }[] = JSON.parse(
  readFileSync(path.join(ROOT, 'test/output/diff-cases.json'), 'utf8'),
);
const plain = (line: string) => line;

describe('diffOutput', () => {
  it.each(cases)('$name: as difflib.unified_diff', ({ before, after, expected }) =>
    expect(diffOutput({ before, after, before_header: 'f', after_header: 'f' }, plain)).toBe(expected),
  );
  it('serializes dicts as sorted JSON, and joins a list of diffs', () => {
    const text = diffOutput(
      [
        { before: 'a\n', after: 'a\n', before_header: 'f (content)', after_header: 'f (content)' },
        { before: { mode: '0644', path: 'f' }, after: { mode: '0600', path: 'f' }, before_header: 'h' },
      ],
      plain,
    );
    expect(text).toBe(
      '--- before: h\n+++ after\n@@ -1,4 +1,4 @@\n {\n-    "mode": "0644",\n+    "mode": "0600",\n     "path": "f"\n }\n\n',
    );
  });
  it('says why a diff was skipped, and shows a prepared one as it is', () => {
    expect(diffOutput({ dst_binary: 1, src_larger: 100, prepared: 'ready\n' }, plain)).toBe(
      'diff skipped: destination file appears to be binary\ndiff skipped: source file size is greater than 100\nready\n',
    );
  });
  it('colours added, removed and hunk lines', () => {
    const text = diffOutput({ before: 'a\n', after: 'b\n' }, (line, kind) => `${kind ?? '-'}|${line}`);
    expect(text).toBe('remove|--- before\n' + 'add|+++ after\n' + 'lines|@@ -1 +1 @@\n' + 'remove|-a\n' + 'add|+b\n\n');
  });
});
