// Random and PCT schedules are independent, so `tsible explore` spreads them over worker processes (separate
// processes scale better than worker threads here: 1.5x against 1.15x on two cores): worker w of W
// runs the schedules whose index is w modulo W, in order. The report is the one a single thread would give: the
// violation with the lowest index (every schedule before it ran), the failures before it, and that many schedules
// explored. Workers exist only in the built package (dist/); elsewhere the search runs in one process.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fork, type ChildProcess } from 'node:child_process';
import { seededRandom } from '../../filters/core.js';
import { loadPlaybook } from '../playbook/loader.js';
import type { ExploreOptions, ExploreReport } from './explore-options.js';
import type { ScheduleOutcome } from './simulation.js';

/** What a worker gets: the options without the loaded playbook (it loads the file itself) and its share. */
interface Share {
  readonly file: string;
  readonly options: Omit<ExploreOptions, 'playbook' | 'onProgress'>;
  readonly w: number;
  readonly of: number;
}
/** Schedules a worker ran since its last message (sent every PROGRESS_MS, at once for a violation). */
type FromWorker = { t: 'ran'; indices: number[]; failed: number[]; violated?: number } | { t: 'done' };
const PROGRESS_MS = 50;
type ToWorker = { t: 'stop'; after: number };

const WORKER = fileURLToPath(new URL('./parallel.js', import.meta.url));

/** Node's options for the workers: only the parent's memory limits. Anything else may not be repeated in a child:
 * `node -e SCRIPT` would run the script again in every worker (which would start workers of its own), a debugger
 * would want the same port, --inspect-brk would wait forever. */
function workerExecArgv(): string[] {
  return process.execArgv.filter((a) => /^--(max-old-space-size|max-semi-space-size|stack-size)=/.test(a));
}
/** This process is a worker: a search it runs never starts workers of its own. */
let insideWorker = false;

/** The schedule seeds of a search, in order: drawn from the master seed. */
export function scheduleSeeds(seed: number, count: number): number[] {
  const master = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(master.next() * 2 ** 31));
}

/** How many processes a search may use: the machine's cores, unless told, and one where workers cannot start. */
export function workerCount(requested: number | undefined, file: string | undefined): number {
  if (insideWorker || !file || !import.meta.url.endsWith('.js') || !existsSync(WORKER)) return 1;
  return Math.max(1, requested ?? Math.min(availableParallelism(), 8));
}

export async function exploreInWorkers(
  o: ExploreOptions,
  file: string,
  threads: number,
  rerun: (seed: number) => Promise<ScheduleOutcome>,
): Promise<ExploreReport> {
  const { playbook: _p, onProgress, ...options } = o;
  void _p;
  const seeds = scheduleSeeds(o.seed, o.schedules);
  const ran = new Set<number>(),
    failedAt: number[] = [];
  let cutoff = Infinity,
    explored = 0;
  const workers: ChildProcess[] = Array.from({ length: threads }, () =>
    fork(WORKER, [], {
      env: { ...process.env, TSIBLE_EXPLORE_WORKER: '1' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: workerExecArgv(),
    }),
  );
  workers.forEach((worker, w) => worker.send({ file, options, w, of: threads } satisfies Share));
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          let finished = false;
          worker.on('message', (m: FromWorker) => {
            if (m.t === 'done') {
              finished = true;
              resolve();
              return;
            }
            for (const index of m.indices) ran.add(index);
            explored += m.indices.length;
            failedAt.push(...m.failed);
            if (m.violated !== undefined && m.violated < cutoff) {
              cutoff = m.violated;
              // a worker that already finished may have closed its channel: nothing to tell it then
              for (const other of workers)
                if (other.connected)
                  other.send({ t: 'stop', after: cutoff } satisfies ToWorker, () => {
                    /* gone */
                  });
            }
            onProgress?.(explored);
          });
          worker.on('error', (e) => {
            if (!finished) reject(e);
          });
          worker.on('exit', (code) => {
            if (!finished && code !== 0) reject(new Error(`an explorer worker stopped with exit code ${code}`));
          });
        }),
    ),
  );
  for (const w of workers) if (w.connected) w.disconnect();
  const failures = failedAt.filter((i) => i <= cutoff).sort((a, b) => a - b);
  const firstFailure = failures.length ? await rerun(seeds[failures[0]!]!) : undefined;
  if (cutoff === Infinity) return { explored: ran.size, failures: failures.length, firstFailure };
  return { explored: cutoff + 1, found: await rerun(seeds[cutoff]!), failures: failures.length, firstFailure };
}

// the worker side: run this share's schedules in order until the budget, a stop, or a violation of its own
if (process.env.TSIBLE_EXPLORE_WORKER === '1' && process.send) {
  delete process.env.TSIBLE_EXPLORE_WORKER;
  insideWorker = true;
  let stopAfter = Infinity;
  let share: ((s: Share) => void) | undefined;
  const shared = new Promise<Share>((resolve) => {
    share = resolve;
  });
  process.on('message', (m: ToWorker | Share) => {
    if ('t' in m) stopAfter = Math.min(stopAfter, m.after);
    else share!(m);
  });
  // the search is over (or its process died): stop at once
  process.on('disconnect', () => process.exit(0));
  const send = (m: FromWorker) =>
    new Promise<void>((resolve) => {
      process.send!(m, undefined, {}, () => resolve());
    });
  void (async () => {
    const { file, options, w, of } = await shared;
    const { runSeed } = await import('./runs.js');
    const o: ExploreOptions = { ...options, playbook: loadPlaybook(file) };
    const seeds = scheduleSeeds(o.seed, o.schedules);
    const started = Date.now();
    let batch: Extract<FromWorker, { t: 'ran' }> = { t: 'ran', indices: [], failed: [] },
      sentAt = started;
    const flush = async () => {
      if (batch.indices.length) {
        const b = batch;
        batch = { t: 'ran', indices: [], failed: [] };
        sentAt = Date.now();
        await send(b);
      }
    };
    for (let index = w; index < seeds.length; index += of) {
      // a stop arrives between schedules: let it in
      await new Promise((r) => setImmediate(r));
      if (index > stopAfter || (o.seconds !== undefined && Date.now() - started >= o.seconds * 1000)) break;
      const outcome = await runSeed(o, seeds[index]!);
      batch.indices.push(index);
      if (outcome.failures.length) batch.failed.push(index);
      if (outcome.violation || outcome.error) {
        batch.violated = index;
        break;
      }
      if (Date.now() - sentAt >= PROGRESS_MS) await flush();
    }
    await flush();
    await send({ t: 'done' });
    if (process.connected) process.disconnect();
  })();
}
