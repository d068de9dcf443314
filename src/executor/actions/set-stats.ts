// set_stats: custom statistics (shown by callbacks that show them; the default one does not).
import { setStats } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';
import { isDict } from '../../python/python.js';

export default {
  definition: setStats,
  run: (args) =>
    isDict(args.data)
      ? {
          changed: false,
          ansible_stats: { data: args.data, per_host: args.per_host ?? false, aggregate: args.aggregate ?? true },
        }
      : { failed: true, msg: "The 'data' option needs to be a dictionary/hash" },
} satisfies ExecutorAction;
