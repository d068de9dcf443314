// meta: strategy/__init__.py _execute_meta. Its result is {msg}, its header goes to -vv as "META: ...".
import type { TaskResult } from '../../module.js';
import { pyStr } from '../../python/python.js';
import { meta } from '../../../modules/control.js';
import { refreshInventory, isImplicitLocalhostName } from '../../inventory/inventory.js';
import { matchHosts } from '../../inventory/patterns.js';
import { EndPlay, type RunContext } from '../context.js';
import { fail, type ActionSite, type ExecutorAction } from './action.js';

/** What each meta action does to the run, and the message it reports. */
const META: Record<string, (ctx: RunContext, host: string) => string> = {
  noop: () => 'noop',
  refresh_inventory(ctx) {
    refreshPlayHosts(ctx);
    return 'inventory successfully refreshed';
  },
  clear_facts(ctx) {
    // run once, for every host of the play (StrategyBase._execute_meta)
    for (const h of (ctx.vm.magic.ansible_play_hosts_all as string[] | undefined) ?? []) ctx.vm.clearFacts(h);
    return 'facts cleared';
  },
  reset_connection: () => 'no connection, nothing to reset',
  flush_handlers: (_ctx, host) => `triggered running handlers for ${host}`,
  end_play: () => 'ending play',
  end_batch(ctx) {
    for (const state of ctx.hosts.values()) state.ended = true;
    return 'ending batch';
  },
  end_host(ctx, host) {
    ctx.hostState(host).ended = true;
    return `ending play for ${host}`;
  },
  clear_host_errors(ctx) {
    for (const state of ctx.hosts.values()) state.failed = false;
    return 'cleared host errors';
  },
};

export default {
  definition: meta,
  run(args, { ctx, host }) {
    const what = String(args._raw_params ?? '').trim();
    if (!Object.hasOwn(META, what)) fail(`invalid meta action requested: ${what}`);
    const msg = META[what]!(ctx, host);
    ctx.emit('verbose', 2, `META: ${msg}`);
    if (what === 'end_play') throw new EndPlay();
    return { msg, changed: false, _meta: what };
  },
} satisfies ExecutorAction;

/** The inventory read again (InventoryManager.refresh_inventory), and the play's hosts found again in it
 * (_set_hosts_cache): a host of the batch the inventory no longer has leaves the play without a word; a new one
 * joins ansible_play_hosts_all and ansible_play_hosts, and runs from the next play on. */
function refreshPlayHosts(ctx: RunContext): void {
  const inv = ctx.vm.inventory;
  refreshInventory(inv);
  ctx.vm.invalidate();
  const magic = ctx.vm.magic;
  const known = (h: string) => inv.hosts.has(h) || (isImplicitLocalhostName(h) && !inv.hosts.size);
  const batch = ((magic.ansible_play_batch as string[] | undefined) ?? []).filter(known);
  for (const [host, state] of ctx.hosts) if (!known(host)) state.ended = true;
  const all = matchHosts(inv, ctx.hostPattern, { ignoreLimits: true });
  magic.ansible_play_hosts_all = all;
  magic.ansible_play_hosts = all.filter((h) => !ctx.gone.has(h));
  magic.ansible_play_batch = batch;
  magic.play_hosts = [...batch];
}

/** A meta action the strategy knows: any other ends the run at the task (_execute_meta's AnsibleError). */
export const isMetaAction = (what: string): boolean => Object.hasOwn(META, what);

/** The meta action the task names (free-form: `meta: end_play`). */
export const metaAction = (site: { task: { args: Readonly<Record<string, unknown>> } }): string =>
  pyStr(site.task.args._raw_params ?? '').trim();

const SKIPPED_SUFFIX: Record<string, (host: string) => string> = {
  flush_handlers: (host) => `, not running handlers for ${host}`,
  clear_facts: (host) => `, not clearing facts and fact cache for ${host}`,
  clear_host_errors: (host) => `, not clearing host error state for ${host}`,
  end_batch: () => ', continuing current batch',
  end_play: () => ', continuing play',
  end_host: (host) => `, continuing execution for ${host}`,
};

/** A meta task whose `when` is false says what it did not do. */
export function metaSkipped(site: ActionSite): TaskResult {
  const what = metaAction(site);
  const suffix = Object.hasOwn(SKIPPED_SUFFIX, what) ? SKIPPED_SUFFIX[what]!(site.host) : '';
  const skip_reason = `${what} conditional evaluated to False${suffix}`;
  site.ctx.emit('verbose', 2, `META: ${skip_reason}`);
  return {
    msg: what === 'end_host' ? `end_host conditional evaluated to false, continuing execution for ${site.host}` : what,
    skipped: true,
    skip_reason,
  };
}
