// The one code path that runs loaded playbooks, for the CLI, the library API and `tsible test`: inventory,
// the optional local endpoint, the executor per playbook, and the exit code Ansible would give.
import { ExitCode, InterruptedError } from '../errors.js';
import type { Playbook, Task } from '../playbook/model.js';
import { PlaybookExecutor, type RunOptions } from '../executor/play-executor.js';
import type { Callback, ExecutorHooks } from '../executor/events.js';
import type { Inventory } from '../inventory/inventory.js';
import { openFactCache } from '../vars/fact-cache.js';
import { seededRandom } from '../../filters/core.js';

export const systemClock = {
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new InterruptedError('User interrupted execution'));
        return;
      }
      const t = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(t);
        reject(new InterruptedError('User interrupted execution'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

interface ExecuteParams {
  readonly playbooks: readonly Playbook[];
  readonly inventory: Inventory;
  readonly extraVars: Record<string, unknown>;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly verbosity?: number;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  readonly startAtTask?: string;
  /** --flush-cache: the fact cache of every inventory host emptied before the first playbook. */
  readonly flushCache?: boolean;
  /** How many hosts run a task at once (1 when absent). */
  readonly forks?: number;
  readonly env: Record<string, string | undefined>;
  readonly seed?: string;
  readonly jinja?: RunOptions['jinja'];
  /** Start the built-in CloudWatch Logs endpoint for this run. */
  readonly localAws?: boolean;
  /** An endpoint to send every AWS call to (a local endpoint started elsewhere). */
  readonly awsEndpoint?: string;
  readonly signal: AbortSignal;
  readonly prompt?: RunOptions['prompt'];
  readonly vaultSecrets?: RunOptions['vaultSecrets'];
  readonly hooks?: ExecutorHooks;
  /** Callbacks for the run; `noLog` tells them which tasks are censored. */
  readonly callbacks: (noLog: (t: Task) => boolean) => Callback[];
}

interface ExecuteOutcome {
  readonly rc: number;
  readonly executors: PlaybookExecutor[];
}

export async function executePlaybooks(p: ExecuteParams): Promise<ExecuteOutcome> {
  let endpoint: { url: string; close(): Promise<void> } | undefined;
  if (p.localAws && !p.awsEndpoint) {
    const { startEndpoint } = await import('../endpoint/server.js');
    endpoint = await startEndpoint();
  }
  let current: PlaybookExecutor | undefined;
  const callbacks = p.callbacks((t) => current?.noLog(t) ?? false);
  const executors: PlaybookExecutor[] = [];
  const warn = (message: string) => callbacks.forEach((c) => c.warning?.(message));
  const factCache = openFactCache(p.env, warn);
  if (p.flushCache) for (const host of p.inventory.hosts.keys()) factCache.delete(host);
  let failed = false,
    unreachable = false;
  try {
    for (const pb of p.playbooks) {
      const executor = new PlaybookExecutor(
        {
          extraVars: p.extraVars,
          checkMode: p.check ?? false,
          diff: p.diff ?? false,
          verbosity: p.verbosity ?? 0,
          tags: p.tags ?? [],
          skipTags: p.skipTags ?? [],
          startAtTask: p.startAtTask,
          forks: p.forks,
          env: p.env,
          inventory: p.inventory,
          factCache,
          prompt: p.prompt,
          vaultSecrets: p.vaultSecrets ?? [],
          clock: systemClock,
          random: p.seed === undefined ? { next: Math.random } : seededRandom(p.seed),
          signal: p.signal,
          jinja: p.jinja,
          aws: {
            endpointOverride: p.awsEndpoint ?? endpoint?.url,
            fallbackCredentials: { accessKeyId: 'tsible-local', secretAccessKey: 'tsible-local' },
          },
        },
        callbacks,
        p.hooks,
      );
      current = executor;
      executors.push(executor);
      await executor.run(pb);
      // a host that failed and was not rescued: an include's failure counts in the recap even when rescued, and an
      // included role that could not be loaded fails the host without counting
      if (executor.failedHosts.size > 0) failed = true;
      if ([...executor.stats.values()].some((s) => s.unreachable > 0)) unreachable = true;
    }
  } finally {
    await endpoint?.close();
    (await import('../aws/client.js')).destroyClients();
  }
  if (p.signal.aborted) throw new InterruptedError('User interrupted execution');
  // the task queue manager: unreachable hosts (4) win over failed ones (2)
  return { rc: unreachable ? ExitCode.HostsUnreachable : failed ? ExitCode.TaskFailed : ExitCode.Ok, executors };
}
