// The bad-input corpus (test/golden/bad-input): broken playbooks, task files, inventories, extra vars and vault
// files, each run by tsible and compared with what real ansible-playbook 2.14 did with it (record.mjs): the exit
// code, the key message and the location it names. Cases run in parallel, each with a timeout that kills it. Every
// case that differs must be listed in KNOWN_DIFFERENCES.yml with its reason; no case may print a stack trace.
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as yaml from 'js-yaml';
import { EXPECTED_FILE, HERE, keyOf, loadCases, runIn, writeCase, type Key } from '../golden/bad-input/corpus.mjs';
import { BIN, mapConcurrently } from '../helpers.js';

const CONCURRENCY = 3;
const TIMEOUT_MS = 30_000;
const cases = loadCases();
const expected: Record<string, Key> = JSON.parse(readFileSync(EXPECTED_FILE, 'utf8')).cases;
const knownGroups = yaml.load(readFileSync(path.join(HERE, 'KNOWN_DIFFERENCES.yml'), 'utf8')) as {
  reason: string;
  cases: string[];
}[];
const known = new Map(knownGroups.flatMap((g) => g.cases.map((id) => [id, g.reason] as const)));

/** A JavaScript stack frame or a Node crash report: tsible's errors are always its own words. */
const STACK_TRACE = /^\s+at .+[(:]\d+:\d+\)?$|^node:internal|^Traceback /m;

interface Outcome {
  id: string;
  got: Key;
  want: Key;
  stackTrace: boolean;
}

async function runCase(c: ReturnType<typeof loadCases>[number]): Promise<Outcome> {
  const dir = writeCase(c);
  const run = await runIn(dir, [process.execPath, BIN, ...c.args], { env: c.env, timeoutMs: TIMEOUT_MS });
  rmSync(dir, { recursive: true, force: true });
  return { id: c.id, got: keyOf(run), want: expected[c.id], stackTrace: STACK_TRACE.test(run.stderr + run.stdout) };
}

const runAll = (): Promise<Outcome[]> => mapConcurrently(cases, CONCURRENCY, runCase);

/** A run that had to be killed matches nothing, not even an Ansible run that had to be killed. */
const same = (a: Key, b: Key) =>
  a.rc !== 'timeout' && a.rc === b.rc && a.message === b.message && a.location === b.location;

describe('bad-input corpus against ansible-playbook 2.14', () => {
  it('every case is recorded, and every known difference names a case', () => {
    expect(cases.filter((c) => !expected[c.id]).map((c) => c.id)).toEqual([]);
    expect([...known.keys()].filter((id) => !cases.some((c) => c.id === id))).toEqual([]);
  });

  it(
    `tsible gives Ansible's exit code, key message and location (${cases.length} cases)`,
    { timeout: 1_800_000 },
    async () => {
      const outcomes = await runAll();
      const matching = outcomes.filter((o) => same(o.got, o.want));
      const score = `${matching.length}/${outcomes.length} (${((100 * matching.length) / outcomes.length).toFixed(1)} %)`;
      const nowSame = matching.filter((o) => known.has(o.id)).map((o) => o.id);
      console.log(`bad-input corpus: tsible matches ansible-playbook 2.14 on ${score}`);
      if (nowSame.length) console.log(`known differences that now match: ${nowSame.join(', ')}`);
      const unexplained = outcomes.filter((o) => !same(o.got, o.want) && !known.has(o.id));
      const show = (k: Key) => `${k.rc} ${JSON.stringify(k.message)} ${k.location}`;
      expect(
        unexplained.map(({ id, got, want }) => `${id}\n  tsible:  ${show(got)}\n  ansible: ${show(want)}`),
      ).toEqual([]);
      expect(outcomes.filter((o) => o.stackTrace).map((o) => o.id)).toEqual([]);
      // a case that runs until it is killed is a known difference (recursion limits), or a failure
      expect(outcomes.filter((o) => o.got.rc === 'timeout' && !known.has(o.id)).map((o) => o.id)).toEqual([]);
    },
  );
});
