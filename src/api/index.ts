// tsible as a library, for Node test suites: run a playbook, a task file or an ansible-test target and get the
// results back as data. The CLI runs through the same executePlaybooks.
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { TsibleError } from '../errors.js';
import { loadPlaybook } from '../playbook/loader.js';
import { loadInventory } from '../inventory/inventory.js';
import { applyLimit } from '../inventory/patterns.js';
import { DefaultCallback } from '../output/default-callback.js';
import { JsonCallback } from '../output/json-callback.js';
import type { Callback, HostStats, ResultStatus } from '../executor/events.js';
import type { PlaybookExecutor } from '../executor/playbook-executor.js';
import type { TaskResult } from '../module.js';
import type { Task } from '../playbook/model.js';
import { executePlaybooks } from './execute.js';
import { toPlain } from '../python/python.js';
import { configValue } from '../config.js';
import { DEFAULT_VAULT_ID, scrub, setVaultSecrets, type VaultSecret } from '../vault/index.js';

export interface RunOptions {
  /** Extra variables (-e), highest precedence. */
  readonly extraVars?: Record<string, unknown>;
  readonly check?: boolean;
  readonly diff?: boolean;
  readonly tags?: readonly string[];
  readonly skipTags?: readonly string[];
  /** Inventory sources as -i takes them ('a,b,' or files). */
  readonly inventory?: readonly string[];
  /** Host patterns as --limit takes them ('web[0]:db', '@file'). */
  readonly limit?: string;
  /** Serve CloudWatch Logs from the built-in endpoint for this run. */
  readonly localAws?: boolean;
  /** Send every AWS call to this endpoint (e.g. one started with startEndpoint()). */
  readonly awsEndpoint?: string;
  readonly env?: Record<string, string | undefined>;
  readonly signal?: AbortSignal;
  readonly verbosity?: number;
  readonly seed?: string;
  /** Vault secrets as (label, password) pairs, tried in this order, or one password (the label 'default'). */
  readonly vaultSecrets?: readonly { readonly vaultId: string; readonly password: string }[] | string;
}

export interface TaskRecord {
  readonly play: string;
  readonly task: string;
  readonly action: string;
  readonly host: string;
  readonly status: ResultStatus;
  readonly result: TaskResult;
  /** file:line of the task. */
  readonly path: string;
}

export interface RunResult {
  /** ansible-playbook's exit code: 0, 2 (a task failed), 4 (unreachable), ... */
  readonly rc: number;
  readonly ok: boolean;
  readonly stats: Record<string, HostStats>;
  readonly tasks: readonly TaskRecord[];
  /** Facts and registered results of each host at the end of the run, as plain JS data (a Python float 3.0 is
   * the number 3 here; the printed output and `json` keep Python's form). */
  readonly hostvars: Record<string, Record<string, unknown>>;
  /** What the default callback printed. */
  readonly output: string;
  /** The json callback's document. */
  readonly json: { plays: unknown[]; stats: Record<string, HostStats> };
}

class Collector implements Callback {
  readonly tasks: TaskRecord[] = [];
  #play = '';
  playStart(_p: unknown, name: string): void {
    this.#play = name;
  }
  taskResult(
    host: string,
    task: { name?: string; actionAsWritten: string; pos: { file: string; line: number } },
    result: TaskResult,
    status: ResultStatus,
  ): void {
    this.tasks.push({
      play: this.#play,
      task: task.name ?? task.actionAsWritten,
      action: task.actionAsWritten,
      host,
      status,
      result: toPlain(result) as TaskResult,
      path: `${task.pos.file}:${task.pos.line}`,
    });
  }
}

/** Runs a playbook (or a bare task file) and returns everything it did. */
export async function runPlaybook(file: string, opts: RunOptions = {}): Promise<RunResult> {
  if (!existsSync(file)) throw new TsibleError(`the playbook: ${file} could not be found`);
  const vaultSecrets = vaultSecretsOf(opts.vaultSecrets);
  setVaultSecrets(vaultSecrets);
  const playbook = loadPlaybook(file);
  const inventory = loadInventory([...(opts.inventory ?? [])], { playbookDir: path.dirname(playbook.file) });
  const sink = { output: '', json: '' };
  if (opts.limit !== undefined)
    applyLimit(inventory, opts.limit, (message) => {
      sink.output += `[WARNING]: ${message}\n`;
    });
  const collector = new Collector();
  const controller = new AbortController();
  opts.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const { rc, executors } = await executePlaybooks({
    playbooks: [playbook],
    inventory,
    extraVars: { ...opts.extraVars },
    vaultSecrets,
    check: opts.check,
    diff: opts.diff,
    verbosity: opts.verbosity ?? 0,
    tags: opts.tags,
    skipTags: opts.skipTags,
    env: { ...(opts.env ?? process.env) },
    seed: opts.seed,
    localAws: opts.localAws,
    awsEndpoint: opts.awsEndpoint,
    signal: controller.signal,
    callbacks: (noLog) => [...capturingCallbacks(opts, sink, noLog), collector],
  });
  const doc = JSON.parse(sink.json) as RunResult['json'];
  const { output } = sink;
  return {
    rc,
    ok: rc === 0,
    stats: doc.stats,
    tasks: collector.tasks,
    hostvars: hostvarsOf(executors),
    output,
    json: doc,
  };
}

/** The default callback's text and the json callback's document, captured as ansible-playbook would print them. */
function capturingCallbacks(opts: RunOptions, sink: { output: string; json: string }, noLog: (t: Task) => boolean) {
  const write = (s: string) => {
    sink.output += scrub(s); // the run's secrets masked, as the command line prints them
  };
  return [
    new DefaultCallback({ write, error: write, columns: 79, color: false }, opts.verbosity ?? 0, noLog, {
      args: configValue('DISPLAY_ARGS_TO_STDOUT', opts.env ?? process.env) === true,
      diff: Boolean(opts.diff),
    }),
    new JsonCallback((s) => {
      sink.json += s;
    }, noLog),
  ];
}

/** Each host's facts and registered results at the end of the run, as plain data. */
function hostvarsOf(executors: readonly { vm: PlaybookExecutor['vm'] }[]): Record<string, Record<string, unknown>> {
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const ex of executors)
    for (const [host, st] of ex.vm.hostState)
      hostvars[host] = toPlain({ ...(hostvars[host] ?? {}), ...st.facts, ...st.registered }) as Record<string, unknown>;
  return hostvars;
}

const vaultSecretsOf = (given: RunOptions['vaultSecrets'] = []): VaultSecret[] =>
  (typeof given === 'string' ? [{ vaultId: DEFAULT_VAULT_ID, password: given }] : given).map((s) => ({
    vaultId: s.vaultId,
    password: Buffer.from(s.password, 'utf8'),
  }));

/** Runs a file of tasks as the tasks of an implicit localhost play (what ansible-playbook cannot do). */
export const runTasks = (file: string, opts: RunOptions = {}): Promise<RunResult> => runPlaybook(file, opts);

export { startEndpoint, type LocalEndpoint } from '../endpoint/server.js';
