// The reference probes: 223 templates with real Ansible 2.14's answers (test/golden/probes.ansible-2.14.json,
// copied from shared/reference/templating-probes). Each runs through the Templar and set_fact as a task
// would; the match rate is reported and must not drop below the cases known to differ.
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, afterAll } from 'vitest';
import { knownDifferences, pyTypeOf, renderAsSetFact, type Answer } from './render.js';
import { ROOT } from '../helpers.js';

const golden = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/probes.ansible-2.14.json'), 'utf8'));
const known = Object.fromEntries(knownDifferences());

const base = mkdtempSync(path.join(tmpdir(), 'tsible-probes-'));
mkdirSync(path.join(base, 'files'));
writeFileSync(path.join(base, 'files/sample.txt'), 'line one\nline two\n');
process.env.EXPR_PROBE_GREETING = 'hi from probe env';

const probe = (c: { vars?: Record<string, unknown>; template: string }, prefix = ''): Answer =>
  renderAsSetFact(
    prefix + c.template,
    { host_level_var: 'from-inventory', group_level_var: 42, ...c.vars },
    { inventory_hostname: 'probe_host', groups: { all: ['probe_host'], probe_group: ['probe_host'], ungrouped: [] } },
    base,
  );

function matches(expected: any, got: { value?: unknown; error?: string }, check: string): boolean {
  if (expected.error !== undefined) return got.error === expected.message;
  if (got.error !== undefined) return false;
  if (check === 'type') return pyTypeOf(got.value) === expected.type;
  return (
    JSON.stringify(got.value) === JSON.stringify(expected.value) &&
    (expected.type === 'tuple' || pyTypeOf(got.value) === expected.type)
  );
}

const outcomes: Array<{ id: string; ok: boolean }> = [];
describe('templating probes against Ansible 2.14', () => {
  for (const c of golden.cases) {
    it(`${c.id}: ${c.template}`, () => {
      const nativeOk = matches(c.expected.native, probe(c), c.check);
      const s = c.expected.string;
      const text = probe(c, '@@');
      const stringOk =
        s.error !== undefined
          ? text.error !== undefined
          : c.check === 'type' ||
            s.value.includes('<sha1>') ||
            (typeof text.value === 'string' && text.value === '@@' + s.value) ||
            JSON.stringify(text.value) === JSON.stringify('@@' + s.value);
      const ok = nativeOk && stringOk;
      outcomes.push({ id: c.id, ok });
      if (known[c.id] !== undefined)
        expect(ok, `${c.id} is listed in KNOWN_DIFFERENCES but now matches: remove it`).toBe(false);
      else expect({ native: probe(c), text: probe(c, '@@') }).toSatisfy(() => ok);
    });
  }
  afterAll(() => {
    const same = outcomes.filter((o) => o.ok).length;
    console.log(
      `templating probes: ${same}/${outcomes.length} identical to Ansible 2.14 (${outcomes.length - same} listed in test/template/KNOWN_DIFFERENCES)`,
    );
  });
});
