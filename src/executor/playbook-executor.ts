// The playbook run (PlaybookExecutor): the run's magic variables and variable manager, then each play in turn,
// and the statistics. The facade other folders use; the parts of a run live beside it, one responsibility a file:
//   context.ts         RunContext: what the parts share (options, callbacks, hooks, variables, play state, stats)
//   play-run.ts        a play: hosts, vars_files, magic variables, sections, handlers flushed after each
//   strategy.ts        the linear strategy's parts wired: task-gate.ts (whether and how a task runs),
//                      block-walk.ts (blocks, rescue, always, roles), handlers.ts
//   host-state.ts      HostState: everything a host's run knows
//   task-run.ts        TaskRun: one task on one host (hooks, banner, redo); task-executor.ts: TaskExecutor, one
//                      execution (loop.ts, until.ts, module-run.ts, conditionals.ts, delegation)
//   task-result.ts     a result processed (register, facts, status, notify); includes.ts: include_tasks/role
//   actions/           the actions the executor carries out itself, a table by name
//   task-keywords.ts   keyword(): every task keyword read; task-point.ts, templar-scope.ts: what hooks and
//                      templates see
import * as path from 'node:path';
import type { Playbook, Task } from '../playbook/model.js';
import { forgetRunCaches } from '../playbook/loader.js';
import { VariableManager, type Vars, type VarsOptions } from '../vars/variable-manager.js';
import { openFactCache } from '../vars/fact-cache.js';
import { configValue } from '../config.js';
import { loadInventory, type Inventory } from '../inventory/inventory.js';
import type { AwsCallEvent } from '../aws/client.js';
import type { Callback, ExecutorHooks, HostStats } from './events.js';
import { RunContext } from './context.js';
import { OMIT } from './module-run.js';
import type { RunOptions } from './options.js';
import { PlayRun } from './play-run.js';
import { LinearStrategy } from './strategy.js';

export type { RunOptions } from './options.js';

export class PlaybookExecutor {
  readonly #ctx: RunContext;
  readonly #strategy: LinearStrategy;

  constructor(
    readonly opts: RunOptions,
    readonly callbacks: Callback[],
    readonly hooks: ExecutorHooks = {},
  ) {
    this.#ctx = new RunContext(opts, callbacks, hooks);
    this.#strategy = new LinearStrategy(this.#ctx);
  }

  get stats(): Map<string, HostStats> {
    return this.#ctx.stats;
  }
  /** The hosts that ended a play failed. */
  get failedHosts(): ReadonlySet<string> {
    return this.#ctx.failed;
  }
  get awsCalls(): AwsCallEvent[] {
    return this.#ctx.awsCalls;
  }
  get vm(): VariableManager {
    return this.#ctx.vm;
  }
  /** True when the task's output is censored (no_log on the task, a block, a role or the play). */
  noLog(task: Task): boolean {
    return this.#ctx.noLog(task);
  }

  async run(playbook: Playbook): Promise<void> {
    const ctx = this.#ctx;
    forgetRunCaches(); // include files are looked up afresh for every run
    ctx.emit('playbookStart', playbook.file);
    ctx.emit('playCount', path.relative(process.cwd(), playbook.file) || playbook.file, playbook.plays.length);
    for (const w of playbook.warnings) ctx.emit('warning', w);
    const inventory = this.opts.inventory ?? loadInventory([], { playbookDir: path.dirname(playbook.file) });
    ctx.vm = new VariableManager(this.opts.extraVars, inventory, this.#magic(playbook, inventory), this.#varsOptions());
    for (const play of playbook.plays) {
      const allFailed = await new PlayRun(ctx, this.#strategy, play).run();
      if (ctx.fatal) {
        // over max_fail_percentage the strategy says so, then again as every host has now failed
        if (ctx.maxFailed) ctx.emit('noHostsLeft');
        ctx.emit('noHostsLeft');
        break;
      }
      if (allFailed) break;
    }
    // the recap lists the hosts something was counted for (AggregateStats.processed)
    const counted = [...ctx.stats].filter(([, s]) => Object.values(s).some((n) => n > 0));
    const showCustom =
      Object.keys(ctx.customStats).length > 0 && configValue('SHOW_CUSTOM_STATS', this.opts.env) === true;
    ctx.emit('playbookEnd', new Map(counted), showCustom ? ctx.customStats : undefined);
  }

  /** The settings that decide how variables combine, and the fact cache. */
  #varsOptions(): VarsOptions {
    const { env, factCache } = this.opts;
    return {
      factCache: factCache ?? openFactCache(env, this.#ctx.warn),
      hashMerge: configValue('DEFAULT_HASH_BEHAVIOUR', env) === 'merge',
      injectFacts: configValue('INJECT_FACTS_AS_VARS', env) !== false,
      env,
    };
  }

  /** The run's magic variables (the play adds its own). */
  #magic(playbook: Playbook, { sources, limit }: Inventory): Vars {
    const opts = this.opts;
    return {
      playbook_dir: path.dirname(playbook.file),
      ansible_check_mode: opts.checkMode,
      ansible_diff_mode: opts.diff,
      ansible_verbosity: opts.verbosity,
      omit: OMIT,
      ansible_version: { full: '2.14.18', major: 2, minor: 14, revision: 18, string: '2.14.18' },
      ansible_run_tags: opts.tags.length ? [...opts.tags] : ['all'],
      ansible_skip_tags: [...opts.skipTags],
      ansible_inventory_sources: sources,
      ansible_config_file: null,
      ...(limit && { ansible_limit: limit.text }),
    };
  }
}
