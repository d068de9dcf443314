// gather_facts and setup: the local machine's facts (tsible runs on localhost only), with the setup module's
// gather_subset, filter and fact_path; what they add joins the host's gathered facts.
import { gatherFacts as gather, type SetupOptions } from '../../facts.js';
import { gatherFacts } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';
import { taskEnvironment } from '../module-run.js';

/** A list option as the module's argument spec reads it: a list, or a comma-separated string. */
const list = (v: unknown): string[] | undefined =>
  v === undefined || v === null
    ? undefined
    : Array.isArray(v)
      ? v.map(String)
      : String(v)
          .split(',')
          .map((s) => s.trim());

export default {
  definition: gatherFacts,
  async run(args, { ctx, host, task, templar }) {
    const opts: SetupOptions = {
      gatherSubset: list(args.gather_subset) ?? ['all'],
      filter: list(args.filter) ?? [],
      factPath:
        args.fact_path === undefined || args.fact_path === null ? '/etc/ansible/facts.d' : String(args.fact_path),
      // ansible_env is the environment the setup module ran in: the play's and the task's `environment` included
      env: taskEnvironment(ctx, { task, templar }),
    };
    let gathered;
    try {
      gathered = await gather(opts);
    } catch (e) {
      return { failed: true, msg: (e as Error).message, changed: false };
    }
    // the gather_facts action marks the cache as gathered (what gathering: smart looks for); setup does not
    const mark = task.action === 'gather_facts' ? { _ansible_facts_gathered: true } : {};
    ctx.vm.setHostFacts(host, { ...gathered.facts, ...mark });
    // verbose_override: even -v does not print the facts
    return {
      ansible_facts: gathered.facts,
      changed: false,
      deprecations: [],
      warnings: gathered.warnings,
      _ansible_verbose_override: true,
    };
  },
} satisfies ExecutorAction;
