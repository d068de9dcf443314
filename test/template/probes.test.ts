// The reference probes: 223 templates with real Ansible 2.14's answers (test/golden/probes.ansible-2.14.json,
// copied from shared/reference/templating-probes). Each runs through the Templar and set_fact as a task
// would, and its answer is compared with Ansible's; a case listed in KNOWN_DIFFERENCES must still differ and give
// the answer pinned there. The match rate is reported.
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, afterAll } from 'vitest';
import { expectAnswer, knownDifferences, pyTypeOf, renderAsSetFact, type Answer, type AnswerForm } from './render.js';
import { ROOT } from '../helpers.js';

const golden = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/probes.ansible-2.14.json'), 'utf8'));
const known = knownDifferences();

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

interface Recorded {
  type?: string;
  value?: unknown;
  error?: string;
  message?: string;
}
interface Probe {
  id: string;
  template: string;
  vars?: Record<string, unknown>;
  check: 'exact' | 'type';
  expected: { native: Recorded; string: Recorded };
}

/** Python's type of a value as the probe recorded it (a tuple shows as the list set_fact keeps). */
const typeOf = (t: string | undefined) => (t === 'tuple' ? 'list' : t);

/** tsible's answer: for `type` probes the type only (values are random), else type and JSON value. */
function tsibleForm(c: Probe, native: Answer, text: Answer): AnswerForm {
  const form = (a: Answer, typeOnly: boolean) =>
    a.error !== undefined
      ? { error: a.error }
      : typeOnly
        ? { type: pyTypeOf(a.value) }
        : { type: pyTypeOf(a.value), json: JSON.stringify(a.value) };
  return { native: form(native, c.check === 'type'), text: form(text, c.check === 'type') };
}

/** Ansible's answer in the same form. The text rendering (after '@@') is checked as the probes were recorded:
 * an error as any error, a type probe or a hashed value not at all, else the exact text. */
function ansibleForm(c: Probe): AnswerForm {
  const n = c.expected.native,
    s = c.expected.string;
  const native =
    n.error !== undefined
      ? { error: n.message }
      : c.check === 'type'
        ? { type: n.type }
        : { type: typeOf(n.type), json: JSON.stringify(n.value) };
  const text =
    s.error !== undefined
      ? { error: expect.any(String) }
      : c.check === 'type' || String(s.value).includes('<sha1>')
        ? expect.anything()
        : { type: 'str', json: JSON.stringify('@@' + String(s.value)) };
  return { native, text };
}

const outcomes: Array<{ id: string; ok: boolean }> = [];
describe('templating probes against Ansible 2.14', () => {
  for (const c of golden.cases as Probe[]) {
    it(`${c.id}: ${c.template}`, () => {
      const answer = tsibleForm(c, probe(c), probe(c, '@@'));
      const want = ansibleForm(c);
      let same = false;
      try {
        same = expectAnswer(c.id, answer, want, known);
      } finally {
        outcomes.push({ id: c.id, ok: same });
      }
    });
  }
  afterAll(() => {
    const same = outcomes.filter((o) => o.ok).length;
    console.log(
      `templating probes: ${same}/${outcomes.length} identical to Ansible 2.14 (${outcomes.length - same} listed in test/template/KNOWN_DIFFERENCES)`,
    );
  });
});
