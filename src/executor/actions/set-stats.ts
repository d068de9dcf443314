// set_stats: custom statistics, which the strategy adds to the run's (custom-stats.ts) and callbacks show at the
// end when SHOW_CUSTOM_STATS asks.
import { setStats } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';
import { isDict, pyBoolean, pyStr } from '../../python/python.js';
import { PY_KEYWORDS } from '../task-result.js';

/** ansible.utils.vars.isidentifier: an ASCII Python identifier that is no keyword. */
const isIdentifier = (name: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !PY_KEYWORDS.has(name);

export default {
  definition: setStats,
  run(args) {
    const data = args.data ?? {};
    if (!isDict(data)) return { failed: true, msg: "The 'data' option needs to be a dictionary/hash" };
    const bad = Object.keys(data).find((k) => !isIdentifier(pyStr(k)));
    if (bad !== undefined)
      return {
        failed: true,
        msg: `The variable name '${bad}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
      };
    // the options as boolean(strict=False) reads them: anything it does not know is false
    const option = (value: unknown, byDefault: boolean) =>
      value === undefined || value === null ? byDefault : pyBoolean(value, false)!;
    return {
      changed: false,
      ansible_stats: { data, per_host: option(args.per_host, false), aggregate: option(args.aggregate, true) },
    };
  },
} satisfies ExecutorAction;
