// set_stats: custom statistics (shown by callbacks that show them; the default one does not).
import { setStats } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';
import { isDict } from '../../python/python.js';

export default {
  definition: setStats,
  run(args) {
    if (!isDict(args.data)) return { failed: true, msg: "The 'data' option needs to be a dictionary/hash" };
    // as the set_stats action plugin: each name must be a variable name (isidentifier)
    const bad = Object.keys(args.data).find((k) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(k));
    if (bad !== undefined)
      return {
        failed: true,
        msg: `The variable name '${bad}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`,
      };
    return {
      changed: false,
      ansible_stats: { data: args.data, per_host: args.per_host ?? false, aggregate: args.aggregate ?? true },
    };
  },
} satisfies ExecutorAction;
