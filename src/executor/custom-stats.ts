// Custom statistics (set_stats): what each ok result's `ansible_stats` adds to the run's (AggregateStats.custom),
// per host or for the whole run ('_run'), aggregated or set; callbacks show them at the end when
// SHOW_CUSTOM_STATS asks.
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Templar } from '../template/templar.js';
import { PyFloat, isDict, truthy, typeName } from '../python/python.js';
import { mergeHash } from './actions/include-vars.js';
import type { RunContext } from './context.js';

/** The key AggregateStats files the run's own (not per host) statistics under. */
const RUN = '_run';

/** An ok result (each item's in a loop) with ansible_stats counts into the run's custom statistics: for its host,
 * for every host of the batch when the task ran once, or for the run when per_host is off. */
export function recordCustomStats(
  site: { ctx: RunContext; task: Task; host: string; templar: Templar },
  result: TaskResult,
): void {
  const parts = Array.isArray(result.results) ? result.results : [result];
  for (const part of parts) {
    const stats = isDict(part) ? part.ansible_stats : undefined;
    if (!isDict(stats) || !isDict(stats.data) || !Object.keys(stats.data).length) continue;
    const hosts = stats.per_host === undefined || truthy(stats.per_host) ? taskHosts(site) : [RUN];
    const aggregate = truthy(stats.aggregate ?? false);
    for (const host of hosts)
      for (const [name, value] of Object.entries(stats.data)) {
        const mine = (site.ctx.customStats[host] ??= {});
        if (aggregate && Object.hasOwn(mine, name)) mine[name] = aggregated(mine[name], value);
        else mine[name] = value;
      }
  }
}

/** StrategyBase.get_task_hosts: a task run once counts for every host of the batch still reachable. */
function taskHosts({ ctx, task, host, templar }: { ctx: RunContext; task: Task; host: string; templar: Templar }) {
  const once = ctx.keyword(task, 'run_once');
  if (once === undefined || !truthy(templar.template(once))) return [host];
  const batch = (ctx.vm.magic.ansible_play_batch as string[] | undefined) ?? [host];
  return batch.filter((h) => !ctx.hostState(h)?.unreachable);
}

/** update_custom_stats: mappings merged, values of the same type added (`+`); a value of another type (an int
 * after a float, a string after a number) leaves the statistic as it was. */
function aggregated(current: unknown, value: unknown): unknown {
  const sameType = typeName(value) === typeName(current) || (typeName(value) === 'bool' && typeName(current) === 'int');
  if (!sameType) return current;
  if (isDict(current)) return mergeHash(current, value);
  if (Array.isArray(current)) return [...current, ...(value as unknown[])];
  if (typeof current === 'string') return current + String(value);
  const sum = Number(current) + Number(value);
  return typeName(current) === 'float' ? new PyFloat(sum) : sum;
}
