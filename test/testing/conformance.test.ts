// The conformance runner (scripts/conformance.mjs): what it says without a checkout, and a run over a stand-in
// checkout made of our own targets (the real one, ansible/ansible at stable-2.14, is never committed).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';

function conformance(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts/conformance.mjs'), ...args], { cwd });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('npm run conformance', () => {
  it('says what it needs when --ansible is missing or wrong', async () => {
    const none = await conformance([], ROOT);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      'conformance: needs --ansible DIR, a local checkout of ansible/ansible at stable-2.14',
    );
    expect(none.stderr).toContain('git clone --depth 1 --branch stable-2.14');
    const wrong = await conformance(['--ansible', tmpdir()], ROOT);
    expect(wrong.stderr).toContain('has no test/integration/targets');
  });

  it('runs the targets of a checkout through tsible test: a line each, a summary, a JSON report', async () => {
    const checkout = mkdtempSync(path.join(tmpdir(), 'tsible-ansible-'));
    const dest = path.join(checkout, 'test/integration/targets');
    mkdirSync(dest, { recursive: true });
    for (const t of ['ok_target', 'failing_target', 'disabled_target', 'runme_playbooks'])
      cpSync(path.join(ROOT, 'test/targets', t), path.join(dest, t), { recursive: true });
    const report = path.join(checkout, 'report.json');
    const run = await conformance(['--ansible', checkout, '--json', report], checkout);
    const lines = run.stdout.split('\n').filter((l) => /^\w+: /.test(l));
    expect(lines.map((l) => l.split(' (')[0]!.split(' [')[0]).sort()).toEqual([
      'disabled_target: skipped',
      'failing_target: failed',
      'ok_target: passed',
      'runme_playbooks: passed',
    ]);
    expect(run.stdout).toContain('\n2 passed, 1 failed, 1 skipped\n');
    expect(JSON.parse(readFileSync(report, 'utf8')).summary).toEqual({
      passed: 2,
      failed: 1,
      skipped: 1,
      unsupported: 0,
    });
    expect(run.code).toBe(2);
  });
});
