// How the template tests run a case: through the Templar and set_fact, as a task would, with `vars` and
// `hostvars` as lazy views; the answer is the value set_fact stores or the error a task would report.
import { readFileSync } from 'node:fs';
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
    lookup: { basedirs: [basedir] },
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

/** test/template/KNOWN_DIFFERENCES: case id → why tsible's answer differs from Ansible's. */
export const knownDifferences = (): Map<string, string> =>
  new Map(
    readFileSync(path.join(ROOT, 'test/template/KNOWN_DIFFERENCES'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
      .map((l) => {
        const [id, ...why] = l.split(/\s+/);
        return [id!, why.join(' ')] as const;
      }),
  );
