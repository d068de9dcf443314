// gather_facts and setup: the local machine's facts (tsible runs on localhost only).
import { factsAsVars, gatherFacts as gather } from '../../facts.js';
import { gatherFacts } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';
import { taskEnvironment } from '../module-run.js';

export default {
  definition: gatherFacts,
  run(_args, { ctx, host, task, templar }) {
    // ansible_env is the environment the setup module ran in: the play's and the task's `environment` included
    const facts = gather(taskEnvironment(ctx, { task, templar }));
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
