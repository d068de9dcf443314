// group_by: the host joins a group named by key (and the group joins its parents).
import { pyStr } from '../../python/python.js';
import { addGroupToInventory } from '../../inventory/inventory.js';
import { groupBy } from '../../../modules/control.js';
import { fail, type ExecutorAction } from './action.js';

export default {
  definition: groupBy,
  run(args, { ctx, host }) {
    if (args.key === undefined) fail("the 'key' param is required when using group_by");
    const key = pyStr(args.key).replace(/[^A-Za-z0-9_]/g, '_');
    const parents = (Array.isArray(args.parents) ? args.parents : [args.parents ?? 'all']).map(pyStr);
    addGroupToInventory(ctx.vm.inventory, key, host, parents);
    ctx.vm.invalidate();
    return { add_group: key, parent_groups: parents, changed: true };
  },
} satisfies ExecutorAction;
