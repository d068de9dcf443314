// One copy of the playbook in a schedule: a PlaybookExecutor on the schedule's virtual clock, its own seeded
// randomness and simulated AWS client, stopping at the scheduler's points, reporting each finished task.
import { PlaybookExecutor, type RunOptions } from '../executor/play-executor.js';
import type { Callback, ExecutorHooks, TaskPoint } from '../executor/events.js';
import type { Playbook } from '../playbook/model.js';
import { loadInventory } from '../inventory/inventory.js';
import { seededRandom } from '../../filters/core.js';
import type { Scheduler } from './scheduler.js';

/** Included files, read once per loaded playbook: every schedule runs the same files, whatever happens to them
 * on disk while the search runs (keyed by the playbook's include tasks). */
const frozenIncludes: NonNullable<RunOptions['frozenIncludes']> = new WeakMap();

/** What a copy needs from its schedule. */
export interface CopyHost {
  readonly seed: number;
  readonly playbook: Playbook;
  readonly scheduler: Scheduler;
  /** Process i's extra vars and environment. */
  extraVars(i: number): Record<string, unknown>;
  readonly env?: Record<string, string>;
  /** Process i's AWS settings (its simulated client). */
  aws(i: number): RunOptions['aws'];
  /** After each of process i's tasks; a promise when a controller is asked. */
  afterTask(i: number, point: TaskPoint): Promise<void> | void;
  /** A process ended failed. */
  failed(message: string): void;
  /** Process i's run ended (finished, failed or crashed). */
  ended(i: number): void;
}

function runOptions(host: CopyHost, i: number): RunOptions {
  const { scheduler } = host;
  return {
    extraVars: host.extraVars(i),
    checkMode: false,
    diff: false,
    verbosity: 0,
    tags: [],
    skipTags: [],
    env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'simulated', AWS_SECRET_ACCESS_KEY: 'simulated', ...host.env },
    inventory: loadInventory([]),
    clock: {
      now: () => scheduler.now,
      sleep: async (ms: number) => {
        await scheduler.sleep(i, ms, `sleep ${ms} ms`);
      },
    },
    random: seededRandom(`${host.seed}/${i}`),
    signal: scheduler.stop.signal,
    frozenIncludes,
    aws: host.aws(i),
  };
}

/** The copy's callbacks: its current task, and its failure once the run ends with it (a rescued one does not). */
function failureCallback(host: CopyHost, i: number): Callback {
  const { scheduler } = host;
  let lastFailure = `p${i + 1}: failed`;
  return {
    taskStart: (_task, name) => {
      scheduler.procs[i]!.task = name;
    },
    taskResult: (_h, _task, result, status) => {
      if (status === 'failed') lastFailure = `p${i + 1}: ${scheduler.procs[i]!.task}: ${String(result.msg ?? '')}`;
    },
    playbookEnd: (stats) => {
      if (!scheduler.stop.signal.aborted && [...stats.values()].some((h) => h.failures > 0)) host.failed(lastFailure);
    },
  };
}

/** Builds process i's executor. */
export function copyExecutor(host: CopyHost, i: number): PlaybookExecutor {
  const hooks: ExecutorHooks = { afterTask: (point) => host.afterTask(i, point) };
  return new PlaybookExecutor(runOptions(host, i), [failureCallback(host, i)], hooks);
}

/** Runs process i's copy to its end: finished, failed, stopped with the schedule, or crashed. */
export async function runCopy(host: CopyHost, i: number, executor: PlaybookExecutor): Promise<void> {
  const { scheduler } = host;
  // a crashed process's run never settles (it waits forever at its point); the schedule stops waiting for it
  const crashed = new Promise<void>((resolve) => {
    scheduler.procs[i]!.crash = resolve;
  });
  const run = (async () => {
    await scheduler.point(i, 'task', 'start');
    await executor.run(host.playbook);
  })();
  try {
    await Promise.race([run, crashed]);
  } catch (e) {
    if (!scheduler.stop.signal.aborted) host.failed(`p${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    scheduler.procs[i]!.done = true;
    host.ended(i);
    scheduler.kick();
  }
}
