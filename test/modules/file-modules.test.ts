// The file modules' parts a golden cannot reach case by case: symbolic modes and the --diff text, each against
// what ansible-core 2.14 computed for the same input (file-modules.expected.json, recorded by
// file-modules.expected.py), and the helpers' Python readings of paths and modes.
import { readFileSync } from 'node:fs';
import type * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modeOf, pyDirname, symbolicModeToOctal } from '../../modules/file_common.js';
import { diffOutput } from '../../src/output/diff.js';
import { ModuleFailure } from '../../src/module.js';
import { ROOT } from '../helpers.js';

const expected = JSON.parse(readFileSync(path.join(ROOT, 'test/modules/file-modules.expected.json'), 'utf8')) as {
  modes: [number, string, number][];
  diffs: [unknown, string][];
};
const statOfMode = (mode: number) => ({ mode, isDirectory: () => (mode & 0o170000) === 0o040000 }) as fs.Stats;

describe('symbolic modes as _symbolic_mode_to_octal reads them (umask 022)', () => {
  const umask022 = process.umask() === 0o022;
  for (const [base, symbolic, mode] of expected.modes)
    it.skipIf(!umask022 && /(^|,)[+=-]/.test(symbolic))(`${base.toString(8)} ${symbolic}`, () => {
      expect(symbolicModeToOctal(statOfMode(base), symbolic).toString(8)).toBe(mode.toString(8));
    });
  it('rejects what chmod would not take, in the module words', () => {
    expect(() => symbolicModeToOctal(statOfMode(0o100644), 'x+r')).toThrow('bad symbolic permission for mode: x+r');
    expect(() => symbolicModeToOctal(statOfMode(0o100644), 'u+q')).toThrow('bad symbolic permission for mode: u+q');
    try {
      modeOf('u+q', statOfMode(0o100644), '/p');
      expect.unreachable();
    } catch (e) {
      expect((e as ModuleFailure).result).toMatchObject({
        msg: 'mode must be in octal or symbolic form',
        details: 'bad symbolic permission for mode: u+q',
      });
    }
  });
  it('reads text as octal as int(text, 8) does, and passes numbers through', () => {
    const st = statOfMode(0o100644);
    expect(modeOf('0644', st, '/p')).toBe(0o644);
    expect(modeOf('644', st, '/p')).toBe(0o644);
    expect(modeOf('0o755', st, '/p')).toBe(0o755);
    expect(modeOf(420, st, '/p')).toBe(420);
    expect(modeOf('77777', st, '/p')).toBe(0o77777);
  });
});

describe('the --diff text as CallbackBase._get_diff writes it', () => {
  expected.diffs.forEach(([diff, text], i) =>
    it(`case ${i}`, () => {
      expect(diffOutput(structuredClone(diff), (line) => line)).toBe(text);
    }),
  );
});

describe("Python's os.path.dirname", () => {
  it('keeps what is before the last slash', () => {
    expect(pyDirname('/a/b/')).toBe('/a/b');
    expect(pyDirname('/a/b')).toBe('/a');
    expect(pyDirname('b')).toBe('');
    expect(pyDirname('/b')).toBe('/');
    expect(pyDirname('//b')).toBe('//');
  });
});
