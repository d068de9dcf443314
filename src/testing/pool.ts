// Targets at CI scale: each target in a process of its own (its environment, its working directory, its temporary
// tree, its resource_prefix), up to `jobs` at once, each within a time limit; a hung target's whole process group
// is killed and the target counted failed with the reason 'timeout'.
import { spawn } from 'node:child_process';
import { scrub } from '../vault/index.js';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { makeResourcePrefix, precheck, runTarget, type TargetOptions, type TargetResult } from './target.js';
import { targetInfo } from './aliases.js';
import { tsibleBin } from './runme.js';

interface PoolOptions {
  readonly jobs: number;
  /** Each target's time limit in seconds; none when undefined. */
  readonly timeout?: number;
  /** Stop starting targets after a failure. */
  readonly stopOnFailure: boolean;
  readonly retryOnError: boolean;
  /** Told of each result as it comes, and of a retry. */
  readonly onResult: (r: TargetResult, retrying: boolean) => void;
}

/** What a worker is given: the target and the options that survive JSON (no signal, no prompt). */
interface WorkerSpec {
  readonly dir: string;
  readonly options: TargetOptions;
  readonly resultFile: string;
}

/** `tsible test --worker SPEC`: one target in this process, its result written where the spec says. */
export async function runWorker(specFile: string): Promise<number> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as WorkerSpec;
  const result = await runTarget(spec.dir, { ...spec.options, ownProcess: true });
  const run = result.run && {
    rc: result.run.rc,
    ok: result.run.ok,
    tasks: result.run.tasks,
    json: result.run.json,
    output: result.run.output,
  };
  // the run's secrets are known here only: the result leaves this process masked
  writeFileSync(spec.resultFile, scrub(JSON.stringify({ ...result, run })), { mode: 0o600 });
  return 0;
}

/** Runs one target in a worker process and reads back its result. */
function runIsolated(dir: string, options: TargetOptions, timeout: number | undefined): Promise<TargetResult> {
  const started = Date.now();
  const scratch = mkdtempSync(path.join(tmpdir(), 'tsible-worker-'));
  const spec: WorkerSpec = {
    dir,
    options: { ...options, signal: undefined },
    resultFile: path.join(scratch, 'r.json'),
  };
  // the spec holds the environment, credentials included: for this user only (the folder is too)
  writeFileSync(path.join(scratch, 'spec.json'), JSON.stringify(spec), { mode: 0o600 });
  const child = spawn(process.execPath, [tsibleBin(), 'test', '--worker', path.join(scratch, 'spec.json')], {
    env: (options.env ?? process.env) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  let stderr = '',
    timedOut = false;
  child.stderr.on('data', (b) => (stderr = (stderr + b).slice(-2000)));
  const timer =
    timeout === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killGroup(child.pid);
        }, timeout * 1000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      const info = targetInfo(dir);
      const failed = (reason: string): TargetResult => {
        return { name: info.name, aliases: info.aliases, status: 'failed', reason, ms: Date.now() - started };
      };
      let result: TargetResult;
      if (timedOut) result = failed('timeout');
      else if (existsSync(spec.resultFile)) result = JSON.parse(readFileSync(spec.resultFile, 'utf8'));
      else result = failed(`the worker exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}`);
      rmSync(scratch, { recursive: true, force: true });
      resolve(result);
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs the targets, `jobs` at a time; the results in the order of `dirs` (targets not started are left out). */
export async function runTargetsIsolated(
  dirs: readonly string[],
  options: TargetOptions,
  pool: PoolOptions,
): Promise<TargetResult[]> {
  const results: Array<TargetResult | undefined> = [];
  const prefixes = new Set<string>();
  let next = 0,
    stop = false;
  const one = async (dir: string): Promise<TargetResult> => {
    const early = precheck(targetInfo(dir), options);
    if (early) return { name: targetInfo(dir).name, aliases: targetInfo(dir).aliases, ...early, ms: 0 };
    let prefix = options.resourcePrefix;
    // unique per target, so that targets running at once never share AWS resources
    while (prefix === undefined || prefixes.has(prefix)) prefix = makeResourcePrefix();
    prefixes.add(prefix);
    let r = await runIsolated(dir, { ...options, resourcePrefix: prefix }, pool.timeout);
    if (r.status === 'failed' && pool.retryOnError) {
      pool.onResult(r, true);
      r = await runIsolated(dir, { ...options, resourcePrefix: prefix }, pool.timeout);
    }
    return r;
  };
  const lane = async () => {
    while (!stop && next < dirs.length) {
      const i = next++;
      const r = await one(dirs[i]!);
      results[i] = r;
      pool.onResult(r, false);
      if (r.status === 'failed' && pool.stopOnFailure) stop = true;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, pool.jobs) }, lane));
  return results.filter((r): r is TargetResult => r !== undefined);
}
