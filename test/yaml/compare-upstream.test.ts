// scripts/yaml-compare.mjs on the local checkouts of ansible-core (every YAML file of its integration targets) and
// of the YAML test suite (every in.yaml of its data branch): each file loaded by Ansible's own loader and by
// tsible's must give the same values, or the same refusal at the same place. Skipped, with the reason, where the
// checkouts, the built dist/ or a Python with Ansible are missing (CI has none of them); test/yaml/pyyaml.test.ts
// runs everywhere.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ES module of the scripts, without types
import { ansiblePython, main } from '../../scripts/yaml-compare.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ansible = process.env.TSIBLE_ANSIBLE_CHECKOUT ?? '/work/upstream/ansible';
const suite = process.env.TSIBLE_YAML_TEST_SUITE ?? '/work/upstream/yaml-test-suite';

/** Where tsible differs on purpose or by JavaScript's nature, by file: see README. */
const KNOWN: Record<string, string> = {
  // a JavaScript object lists integer-like keys first, in numeric order
  'targets/inventory/inv_with_int.yml': 'key order',
  '74H7/in.yaml': 'key order',
  // !!binary loads as a string of the bytes (Latin-1), !!set as a mapping of its members to null
  'targets/roles_arg_spec/test_complex_role_fails.yml': 'bytes',
  '565N/in.yaml': 'bytes',
  '2XXW/in.yaml': 'set',
};

function why(): string | undefined {
  if (!existsSync(path.join(ansible, 'test/integration/targets'))) return `no ansible-core checkout at ${ansible}`;
  if (!existsSync(path.join(suite, '.git'))) return `no yaml-test-suite checkout at ${suite}`;
  if (!existsSync(path.join(root, 'dist/src/yaml/loader.js'))) return 'dist/ is not built (npm run build)';
  if (!ansiblePython()) return 'no Python that can import ansible';
  return undefined;
}

const skip = why();
if (skip) console.log(`test/yaml/compare-upstream.test.ts skipped: ${skip}`);

describe.skipIf(!!skip)("every YAML file of ansible-core's targets and of the YAML test suite", () => {
  it('loads as Ansible loads it, or is refused as Ansible refuses it', async () => {
    const report = await main([
      '--ansible',
      ansible,
      '--yaml-test-suite',
      suite,
      '--json',
      path.join(root, 'dist/yaml-compare-report.json'),
    ]);
    const unexplained = [report.ansibleTargets, report.yamlTestSuite]
      .flatMap((c) => c.differing)
      .filter((d: { verdict: string }) => !d.verdict.startsWith('same'))
      .map((d: { file: string; verdict: string }) => ({ file: d.file, verdict: d.verdict }))
      .filter((d: { file: string }) => !Object.keys(KNOWN).some((k) => d.file.endsWith(k)));
    expect(unexplained).toEqual([]);
    expect(report.ansibleTargets.files).toBeGreaterThan(1500);
    expect(report.yamlTestSuite.files).toBeGreaterThan(400);
  }, 600_000);
});
