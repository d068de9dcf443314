// Runs a small playbook in this process, straight through the executor (no built CLI), and records what the
// callbacks were told: banners, each host's result with its status, the statistics.
import * as path from 'node:path';
import { PlaybookExecutor, type RunOptions } from '../../src/executor/playbook-executor.js';
import type { Callback, ExecutorHooks, HostStats } from '../../src/executor/events.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import { loadInventory } from '../../src/inventory/inventory.js';
import { systemClock } from '../../src/api/execute.js';
import { playbookDir } from '../helpers.js';

export interface Recorded {
  /** `TASK [name]`, then `status: [host] msg` for each result (msg when the result has one). */
  readonly lines: string[];
  readonly stats: Map<string, HostStats>;
  /** Each warning as the executor gave it (the callback decides which ones to show). */
  readonly warnings: string[];
  readonly executor: PlaybookExecutor;
}

/** Two local hosts, a and b, for what several hosts do (lockstep, run_once). */
export const TWO_HOSTS = 'a ansible_connection=local\nb ansible_connection=local\n';

export async function runPlaybook(
  files: string | Record<string, string>,
  options: Partial<Pick<RunOptions, 'tags' | 'skipTags' | 'startAtTask' | 'extraVars' | 'forks'>> & {
    hosts?: string;
    hooks?: ExecutorHooks;
  } = {},
): Promise<Recorded> {
  const all = typeof files === 'string' ? { 'site.yml': files } : files;
  const dir = playbookDir(options.hosts ? { ...all, 'hosts.ini': options.hosts } : all);
  const lines: string[] = [];
  const warnings: string[] = [];
  const callback: Callback = {
    warning: (message) => warnings.push(message),
    taskStart: (_task, name) => lines.push(`TASK [${name}]`),
    taskResult: (host, _task, result, status) =>
      lines.push(`${status}: [${host}]${result.msg === undefined ? '' : ` ${String(result.msg)}`}`),
  };
  const executor = new PlaybookExecutor(
    {
      extraVars: options.extraVars ?? {},
      checkMode: false,
      diff: false,
      verbosity: 0,
      tags: options.tags ?? [],
      skipTags: options.skipTags ?? [],
      startAtTask: options.startAtTask,
      forks: options.forks,
      env: {},
      clock: systemClock,
      random: { next: Math.random },
      signal: new AbortController().signal,
      aws: {},
      inventory: loadInventory(options.hosts ? [path.join(dir, 'hosts.ini')] : [], { playbookDir: dir }),
    },
    [callback],
    options.hooks,
  );
  await executor.run(loadPlaybook(path.join(dir, 'site.yml')));
  return { lines, stats: executor.stats, warnings, executor };
}
