// set_stats: custom statistics (shown by callbacks that show them; the default one does not).
import { setStats } from '../../../modules/control.js';
import type { ExecutorAction } from './action.js';

export default {
  definition: setStats,
  run: (args) => ({
    changed: false,
    ansible_stats: { data: args.data, per_host: args.per_host ?? false, aggregate: args.aggregate ?? true },
  }),
} satisfies ExecutorAction;
