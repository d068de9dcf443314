// The reference probes: 223 templates with real Ansible 2.14's answers (test/golden/probes.ansible-2.14.json,
// copied from shared/reference/templating-probes). Each runs through the Templar and set_fact as a task
// would; the match rate is reported and must not drop below the cases known to differ.
import { readFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, afterAll } from 'vitest';
import { Templar } from '../../src/template/templar.js';
import { OMIT, removeOmitted, templateFailure } from '../../src/executor/task-executor.js';
import setFact from '../../modules/set_fact.js';
import { lazyVarsView } from '../../src/vars/hostvars.js';
import { ROOT } from '../helpers.js';

const golden = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/probes.ansible-2.14.json'), 'utf8'));
const known: Record<string, string> = Object.fromEntries(readFileSync(path.join(ROOT, 'test/template/KNOWN_DIFFERENCES'), 'utf8')
  .split('\n').filter((l) => l.trim() && !l.startsWith('#')).map((l) => { const [id, ...why] = l.split(/\s+/); return [id!, why.join(' ')] }));

const base = mkdtempSync(path.join(tmpdir(), 'tsible-probes-'));
mkdirSync(path.join(base, 'files'));
writeFileSync(path.join(base, 'files/sample.txt'), 'line one\nline two\n');
process.env.EXPR_PROBE_GREETING = 'hi from probe env';

function probe(c: { vars?: Record<string, unknown>; template: string }, prefix = ''): { value?: unknown; error?: string } {
  const hostVars = { host_level_var: 'from-inventory', group_level_var: 42, ...c.vars };
  const magic: Record<string, unknown> = { inventory_hostname: 'probe_host', groups: { all: ['probe_host'], probe_group: ['probe_host'], ungrouped: [] }, omit: OMIT };
  const all: Record<string, unknown> = { ...hostVars, ...magic };
  const templar: Templar = new Templar({ lookupVar: (n) => all[n], isFinal: (n) => n in magic || n === 'vars' || n === 'hostvars', random: { next: () => 0.5 }, lookup: { basedirs: [base] } });
  const names = Object.keys(all);
  all.vars = lazyVarsView(() => names, (k) => templar.lookup(k));
  all.hostvars = { probe_host: all.vars };
  try {
    const args = removeOmitted({ probe: templar.template(prefix + c.template) }) as Record<string, unknown>;
    const r = setFact.run(args, {} as never) as Record<string, unknown>;
    if (r.failed) return { error: String(r.msg) };
    return { value: (r.ansible_facts as Record<string, unknown>).probe };
  } catch (e) {
    return { error: String(templateFailure(e).msg) };
  }
}

const typeOf = (v: unknown) => (v === null ? 'NoneType' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : typeof v === 'string' ? 'str' : Array.isArray(v) ? 'list' : 'dict');

function matches(expected: any, got: { value?: unknown; error?: string }, check: string): boolean {
  if (expected.error !== undefined) return got.error === expected.message;
  if (got.error !== undefined) return false;
  if (check === 'type') return typeOf(got.value) === expected.type;
  return JSON.stringify(got.value) === JSON.stringify(expected.value) && (expected.type === 'tuple' || typeOf(got.value) === expected.type || (expected.type === 'float' && typeof got.value === 'number'));
}

const outcomes: Array<{ id: string; ok: boolean }> = [];
describe('templating probes against Ansible 2.14', () => {
  for (const c of golden.cases) {
    it(`${c.id}: ${c.template}`, () => {
      const nativeOk = matches(c.expected.native, probe(c), c.check);
      const s = c.expected.string;
      const text = probe(c, '@@');
      const stringOk = s.error !== undefined ? text.error !== undefined : c.check === 'type' || s.value.includes('<sha1>') || (typeof text.value === 'string' && text.value === '@@' + s.value) || JSON.stringify(text.value) === JSON.stringify('@@' + s.value);
      const ok = nativeOk && stringOk;
      outcomes.push({ id: c.id, ok });
      if (known[c.id] !== undefined) expect(ok, `${c.id} is listed in KNOWN_DIFFERENCES but now matches: remove it`).toBe(false);
      else expect({ native: probe(c), text: probe(c, '@@') }).toSatisfy(() => ok);
    });
  }
  afterAll(() => {
    const same = outcomes.filter((o) => o.ok).length;
    console.log(`templating probes: ${same}/${outcomes.length} identical to Ansible 2.14 (${outcomes.length - same} listed in test/template/KNOWN_DIFFERENCES)`);
  });
});
