// Every case of test/golden/vault/cases.txt, run with `tsible vault` where regenerate.sh ran the real ansible-vault
// 2.14: the same stdout, stderr and exit code (argparse's usage text for option errors aside: ansible-vault prints
// its whole top-level usage, tsible vault its own).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers.js';

const dir = path.join(ROOT, 'test/golden/vault');
const cases = readFileSync(path.join(dir, 'cases.txt'), 'utf8')
  .split('\n')
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => ({ name: l.slice(0, l.indexOf('\t')), command: l.slice(l.indexOf('\t') + 1) }));
const expected = (name: string, kind: string) => readFileSync(path.join(dir, 'expected', `${name}.${kind}`), 'utf8');

/** One case in a scratch copy of fixtures/ and made/, as regenerate.sh runs it. */
function runCase(command: string): { stdout: string; stderr: string; rc: number } {
  const scratch = mkdtempSync(path.join(tmpdir(), 'tsible-vault-golden.'));
  try {
    cpSync(path.join(dir, 'fixtures'), scratch, { recursive: true });
    cpSync(path.join(dir, 'made'), scratch, { recursive: true });
    const run = spawnSync('bash', ['-c', command], {
      cwd: scratch,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, VAULT: `${process.execPath} ${BIN} vault`, NO_COLOR: '1' },
    });
    const clean = (s: string) => s.split(scratch).join('<dir>');
    return { stdout: clean(run.stdout), stderr: clean(run.stderr), rc: run.status ?? -1 };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe('tsible vault does what ansible-vault 2.14 does', () => {
  it('has at least 40 cases', () => expect(cases.length).toBeGreaterThanOrEqual(40));
  for (const { name, command } of cases) {
    it(name, () => {
      const got = runCase(command);
      const rc = Number(expected(name, 'rc'));
      expect({ rc: got.rc, stderr: got.stderr }).toEqual({ rc, stderr: expected(name, 'err') });
      if (rc === 5) expect(got.stdout).toMatch(/^usage: tsible vault/);
      else expect(got.stdout).toBe(expected(name, 'out'));
    });
  }
});
