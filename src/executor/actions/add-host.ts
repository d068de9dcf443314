// add_host: a host (and its groups and variables) joins the in-memory inventory, once for the whole play.
import { pyStr } from '../../python/python.js';
import { addHostToInventory } from '../../inventory/inventory.js';
import { addHost } from '../../../modules/control.js';
import { fail, type ExecutorAction } from './action.js';

const NAME_KEYS = ['name', 'hostname', 'host', 'groups', 'group', 'groupname'];

export default {
  definition: addHost,
  run(args, { ctx }) {
    const name = args.name ?? args.hostname ?? args.host;
    if (name === undefined || name === null) fail('name, host or hostname needs to be provided');
    const groupsArg = args.groups ?? args.group ?? args.groupname ?? [];
    const groups = (Array.isArray(groupsArg) ? groupsArg : pyStr(groupsArg).split(','))
      .map((g) => pyStr(g).trim())
      .filter(Boolean);
    const hostVars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(args)) if (!NAME_KEYS.includes(k)) hostVars[k] = v;
    const hostName = pyStr(name).split(':')[0]!;
    addHostToInventory(ctx.vm.inventory, hostName, groups, hostVars);
    ctx.vm.invalidate();
    return { add_host: { host_name: hostName, groups, host_vars: hostVars }, changed: true };
  },
} satisfies ExecutorAction;
