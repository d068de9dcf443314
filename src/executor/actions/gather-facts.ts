// gather_facts and setup: the local machine's facts (tsible runs on localhost only).
import { factsAsVars, gatherFacts as gather } from '../../facts.js';
import { gatherFacts } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';

export default {
  definition: gatherFacts,
  run(_args, { ctx, host }) {
    const facts = gather(ctx.opts.env);
    ctx.vm.setGathered(host, facts);
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
