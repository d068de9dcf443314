// How the template tests run a case: through the Templar and set_fact, as a task would, with `vars` and
// `hostvars` as lazy views; the answer is the value set_fact stores or the error a task would report.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import * as path from 'node:path';
import { Templar } from '../../src/template/templar.js';
import { PyTuple, typeName } from '../../src/python/python.js';
import { OMIT, removeOmitted, templateFailure } from '../../src/executor/task-executor.js';
import setFact from '../../modules/set_fact.js';
import { lazyVarsView } from '../../src/vars/hostvars.js';
import { ROOT } from '../helpers.js';

export interface Answer {
  value?: unknown;
  error?: string;
}

/** Renders one template for the host `magic.inventory_hostname`; `magic` variables are final (never templated again). */
export function renderAsSetFact(
  template: string,
  hostVars: Record<string, unknown>,
  magic: Record<string, unknown>,
  basedir: string,
): Answer {
  const all: Record<string, unknown> = { ...hostVars, ...magic, omit: OMIT };
  const templar: Templar = new Templar({
    lookupVar: (n) => all[n],
    isFinal: (n) => n in magic || n === 'omit' || n === 'vars' || n === 'hostvars',
    random: { next: () => 0.5 },
    lookup: { basedirs: [basedir], vars: () => all },
  });
  const names = Object.keys(all);
  all.vars = lazyVarsView(
    () => names,
    (k) => templar.lookup(k),
  );
  all.hostvars = { [String(magic.inventory_hostname)]: all.vars };
  const raw = { probe: template };
  try {
    const args = removeOmitted(templar.template(raw)) as Record<string, unknown>;
    const r = setFact.run(args, {} as never) as Record<string, unknown>;
    if (r.failed) return { error: String(r.msg) };
    return { value: (r.ansible_facts as Record<string, unknown>).probe };
  } catch (e) {
    const failure = templateFailure(e, undefined, raw);
    return { error: String(failure.msg ?? failure.exception) };
  }
}

/** Python's type name for a value as set_fact stores it. */
export const pyTypeOf = (v: unknown): string => (v instanceof PyTuple ? 'list' : typeName(v));

/** A case's answer in the form a test compares: what tsible answered, or what Ansible answered (where Ansible's
 * answer is checked loosely, an asymmetric matcher stands in for the part not compared). */
export interface AnswerForm {
  native: unknown;
  text: unknown;
}

export interface KnownDifference {
  readonly why: string;
  /** tsible's current answer, pinned so that a change either way (a fix, or another wrong answer) shows up. */
  readonly tsible: AnswerForm | undefined;
}

/** test/template/KNOWN_DIFFERENCES: case id → why tsible's answer differs from Ansible's, and tsible's answer
 * (the indented `= {...}` line under the id). */
export function knownDifferences(): Map<string, KnownDifference> {
  const known = new Map<string, { why: string; tsible: AnswerForm | undefined }>();
  let last: { why: string; tsible: AnswerForm | undefined } | undefined;
  for (const line of readFileSync(path.join(ROOT, 'test/template/KNOWN_DIFFERENCES'), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const pinned = /^\s+=\s*(.*)$/.exec(line);
    if (pinned) {
      if (!last) throw new Error(`KNOWN_DIFFERENCES: an answer without an id: ${line}`);
      last.tsible = JSON.parse(pinned[1]!) as AnswerForm;
      continue;
    }
    const [id, ...why] = line.split(/\s+/);
    known.set(id!, (last = { why: why.join(' '), tsible: undefined }));
  }
  return known;
}

/** The assertions for a case: tsible's answer equals Ansible's, or, for a case listed in KNOWN_DIFFERENCES,
 * still differs from it and equals the answer pinned there. True when tsible's answer is Ansible's. */
export function expectAnswer(
  id: string,
  tsible: AnswerForm,
  ansible: AnswerForm,
  known: ReadonlyMap<string, KnownDifference>,
): boolean {
  const listed = known.get(id);
  if (!listed) {
    expect(tsible, `${id}: tsible's answer (received) against Ansible's (expected)`).toEqual(ansible);
    return true;
  }
  expect(tsible, `${id} is listed in KNOWN_DIFFERENCES but now matches Ansible: remove it`).not.toEqual(ansible);
  if (listed.tsible === undefined)
    throw new Error(`${id}: KNOWN_DIFFERENCES pins no answer; tsible's is\n    = ${JSON.stringify(tsible)}`);
  expect(
    tsible,
    `${id}: tsible's answer changed from the one pinned in KNOWN_DIFFERENCES (expected); pin the new one if it is right`,
  ).toEqual(listed.tsible);
  return false;
}
