// gather_facts and setup: the local machine's facts (tsible runs on localhost only).
import { factsAsVars, gatherFacts as gather } from '../../facts.js';
import { gatherFacts } from '../../../modules/control.js';
import { fnmatchTranslate } from '../../python/fnmatch.js';
import { pyStr } from '../../python/python.js';
import type { ExecutorAction } from './action.js';
import { taskEnvironment } from '../module-run.js';

/** setup's filter: fnmatch patterns for the facts' names as variables (`ansible_system`); none keeps them all. */
function filterFacts(facts: Record<string, unknown>, filter: unknown): Record<string, unknown> {
  const list = typeof filter === 'string' ? filter.split(',') : [filter ?? []].flat();
  const patterns = list
    .map((p) => pyStr(p).trim())
    .filter(Boolean)
    .map(fnmatchTranslate);
  if (!patterns.length) return facts;
  const names = Object.keys(factsAsVars(facts));
  return Object.fromEntries(Object.entries(facts).filter((_kv, i) => patterns.some((p) => p.test(names[i]!))));
}

export default {
  definition: gatherFacts,
  run(args, { ctx, host, task, templar }) {
    // ansible_env is the environment the setup module ran in: the play's and the task's `environment` included
    const facts = filterFacts(gather(taskEnvironment(ctx, { task, templar })), args.filter);
    // filtered facts join those the host has; a full gathering replaces them
    ctx.vm.setGathered(host, args.filter ? { ...ctx.vm.state(host).gathered, ...facts } : facts);
    // verbose_override: even -v does not print the facts
    return {
      ansible_facts: factsAsVars(facts),
      changed: false,
      deprecations: [],
      warnings: [],
      _ansible_verbose_override: true,
    };
  },
} satisfies ExecutorAction;
