// `tsible PLAYBOOK...`: load, then run with the chosen callback, against real AWS or the local endpoint.
import { configFile, configValue } from '../config.js';
import { pyRepr, pyStr } from '../python/python.js';
import * as path from 'node:path';
import { existsSync, statSync } from 'node:fs';
import { ExitCode, ParseError, TsibleError, type Pos } from '../errors.js';
import { extendedError } from '../yaml/extended-error.js';
import type { CliOptions } from './options.js';
import { loadPlaybook } from '../playbook/loader.js';
import { DefaultCallback } from '../output/default-callback.js';
import { wrap } from '../output/textwrap.js';
import { JsonCallback } from '../output/json-callback.js';
import { MinimalCallback } from '../output/minimal-callback.js';
import type { Play, Playbook, Task, TaskOrBlock } from '../playbook/model.js';
import type { Callback, ExecutorHooks } from '../executor/events.js';
import { executePlaybooks } from '../api/execute.js';
import { createStepHooks } from './step.js';
import { parseExtraVars } from '../vars/extra-vars.js';
import {
  forgetSecrets,
  onVaultFormatWarning,
  setVaultSecrets,
  setupVaultSecrets,
  showSecrets,
  type VaultSecret,
} from '../vault/index.js';
import { vaultSecretIo } from './vault.js';
import { Templar } from '../template/templar.js';
import { tagsAllowRun, taskTags } from '../executor/task-tags.js';

type Io = { out(s: string): void; err(s: string): void };
type Env = Record<string, string | undefined>;

const NO_INVENTORY = '[WARNING]: No inventory was parsed, only implicit localhost is available\n';

/** A setting such as LOCALHOST_WARNING turned off. */
const off = (name: string, env: Env = process.env) => configValue(name, env) === false;

export async function runPlaybooks(opts: CliOptions, io: Io): Promise<number> {
  const config = configFile();
  config.warnings.forEach(warnOnStderr(io));
  (await import('../../modules/index.js')).applyPluginFilters(warnOnStderr(io));
  checkPlaybookFiles(opts.files);
  forgetSecrets();
  if (opts.showSecrets) showSecrets(true);
  const vaultSecrets = await readVaultSecrets(opts, io);
  const extraVars = Object.assign({}, ...opts.extraVarArgs.map(parseExtraVars)) as Record<string, unknown>;
  const playbooks = loadPlaybooks(opts, io);
  // CLI.run says it at -v whatever the mode (--syntax-check and the listings too)
  if (opts.verbosity >= 1)
    io.out(config.file ? `Using ${config.file.path} as config file\n` : 'No config file found; using defaults\n');
  if (opts.syntaxCheck) {
    for (const f of opts.files) io.out(`\nplaybook: ${f}\n`);
    return ExitCode.Ok;
  }
  if (opts.listTasks || opts.listTags || opts.listHosts) {
    await listPlaybooks(playbooks, { ...opts, extraVars }, io);
    return ExitCode.Ok;
  }
  // --force-handlers is the FORCE_HANDLERS setting for this run (the play keyword still wins)
  // and -b, --become-method and --become-user are BECOME, BECOME_METHOD and BECOME_USER
  const env: Env = {
    ...process.env,
    ...(opts.forceHandlers ? { ANSIBLE_FORCE_HANDLERS: 'True' } : {}),
    ...opts.becomeSettings,
  };
  if (opts.becomeSettings.ANSIBLE_BECOME)
    io.err('[WARNING]: Ignoring -b/--become: tsible does not implement become; tasks run as the user running it.\n');
  const inventory = await runInventory(playbooks, opts, { io, env });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  const { terminal, hooks } = await runHooks(opts, { io, env });
  try {
    const { rc } = await executePlaybooks({
      playbooks,
      inventory,
      extraVars,
      vaultSecrets,
      check: opts.check,
      diff: opts.diff,
      verbosity: opts.verbosity,
      tags: opts.tags,
      skipTags: opts.skipTags,
      startAtTask: opts.startAtTask,
      flushCache: opts.flushCache,
      forks: opts.forks,
      env,
      seed: opts.seed,
      jinja: opts.jinja,
      localAws: opts.localAws,
      signal: controller.signal,
      hooks,
      prompt: process.stdin.isTTY
        ? (text: string, how?: { hidden?: boolean }) => (how?.hidden ? terminal.nextHidden(text) : terminal.next(text))
        : undefined,
      callbacks: runCallbacks(opts, { io, env }),
    });
    return rc;
  } finally {
    terminal.close();
    process.off('SIGINT', onSigint);
  }
}

/** The terminal (one reader for --step and the debugger alike, reading only when asked) and the run's hooks. */
async function runHooks(opts: CliOptions, { io, env }: { io: Io; env: Env }) {
  const { Debugger, scriptSource, stdinSource } = await import('../debugger/debugger.js');
  const terminal = stdinSource({ out: (s) => io.out(s) });
  const debuggerHooks = new Debugger(
    { out: (s) => io.out(s) },
    opts.debugScript ? scriptSource(opts.debugScript, { out: (s) => io.out(s) }) : terminal,
    {
      globallyEnabled:
        configValue('ENABLE_TASK_DEBUGGER', env) === true || configValue('DEFAULT_STRATEGY', env) === 'debug',
      breakpoints: opts.breakpoints,
      breakWhen: opts.breakWhen,
    },
  );
  const hooks = opts.step ? composeHooks(createStepHooks(io, terminal), debuggerHooks) : debuggerHooks;
  return { terminal, hooks };
}

/** ansible-playbook's vault secrets, read before any file (playbooks, -e @file) is: no prompt unless asked. */
async function readVaultSecrets(opts: CliOptions, io: { err(s: string): void }): Promise<VaultSecret[]> {
  const secrets = await setupVaultSecrets(opts.vault, vaultSecretIo(io));
  setVaultSecrets(secrets);
  onVaultFormatWarning((message, pos) =>
    io.err(`\n[WARNING]: \n${vaultWarningText(message, pos).replace(/\n?$/, '\n')}`),
  );
  return secrets;
}

/** VaultLib's warning about malformed vault data: an inline value's error carries the value (its obj). */
const vaultWarningText = (message: string, pos?: Pos): string =>
  pos ? `${message}\n\n${extendedError(pos)}` : message;

function checkPlaybookFiles(files: readonly string[]): void {
  for (const f of files) {
    if (!existsSync(f)) throw new TsibleError(`the playbook: ${f} could not be found`);
    if (!statSync(f).isFile()) throw new TsibleError(`the playbook: ${f} does not appear to be a file`);
  }
}

function loadPlaybooks(opts: CliOptions, io: Io): Playbook[] {
  try {
    return opts.files.map((f) => loadPlaybook(f));
  } catch (e) {
    // ansible-playbook reads its inventory before the playbook: its warning comes before a parse error
    if (e instanceof ParseError && !opts.inventory.length && !off('INVENTORY_UNPARSED_WARNING')) io.err(NO_INVENTORY);
    throw e;
  }
}

/** The inventory of a run, with the warnings ansible-playbook gives about it. */
async function runInventory(playbooks: Playbook[], opts: CliOptions, { io, env }: { io: Io; env: Env }) {
  const { loadInventory } = await import('../inventory/inventory.js');
  const inventory = loadInventory(opts.inventory, inventoryOptions(playbooks, io));
  if (opts.connection) inventory.defaultConnection = opts.connection;
  // a bare task file is tsible's own addition: no inventory is expected there, so no warning either
  const quiet = playbooks.every((p) => p.plays.every((pl) => pl.implicit));
  if (!quiet && !inventory.parsed && !off('INVENTORY_UNPARSED_WARNING', env)) io.err(NO_INVENTORY);
  if (!quiet && inventory.hosts.size === 0 && !off('LOCALHOST_WARNING', env))
    io.err(
      "[WARNING]: provided hosts list is empty, only localhost is available. Note that\nthe implicit localhost does not match 'all'\n",
    );
  if (opts.limit !== undefined) {
    const { applyLimit } = await import('../inventory/patterns.js');
    applyLimit(inventory, opts.limit, warnOnStderr(io));
  }
  return inventory;
}

/** The run's callbacks: the stdout callback, which shows the run's warnings from now on (a worker's each once a
 * task). */
const runCallbacks =
  (opts: CliOptions, site: { io: Io; env: Env }) =>
  (noLogOf: (t: Task) => boolean): Callback[] => {
    const callback: Callback = stdoutCallback(noLogOf, opts, site);
    onVaultFormatWarning((message, pos) => callback.warning?.(vaultWarningText(message, pos), true, true));
    return [callback];
  };

/** The callback chosen by TSIBLE_STDOUT_CALLBACK or ANSIBLE_STDOUT_CALLBACK: json, minimal, or the default one. */
function stdoutCallback(noLogOf: (t: Task) => boolean, opts: CliOptions, { io, env }: { io: Io; env: Env }) {
  const cbName = env.TSIBLE_STDOUT_CALLBACK ?? String(configValue('DEFAULT_STDOUT_CALLBACK', env));
  if (cbName === 'json') return new JsonCallback((s) => io.out(s), noLogOf);
  const color =
    (!env.NO_COLOR && configValue('ANSIBLE_NOCOLOR', env) !== true && Boolean(process.stdout.isTTY)) ||
    configValue('ANSIBLE_FORCE_COLOR', env) === true;
  const base = new DefaultCallback(
    {
      write: (s) => io.out(s),
      error: (s) => io.err(s),
      columns: process.stdout.isTTY ? Math.max(79, process.stdout.columns - 1) : 79,
      color,
    },
    opts.verbosity,
    noLogOf,
    { args: configValue('DISPLAY_ARGS_TO_STDOUT', env) === true, diff: Boolean(opts.diff) },
  );
  return cbName === 'minimal' ? new MinimalCallback(base, noLogOf, opts.verbosity) : base;
}

/** The playbook's directory for group_vars/ and host_vars/, and the warnings about sources that do not parse. */
const inventoryOptions = (playbooks: Playbook[], io: Io) => ({
  playbookDir: playbooks[0] ? path.dirname(playbooks[0].file) : undefined,
  warn: warnOnStderr(io),
});

/** --list-tasks, --list-tags and --list-hosts: each play with what was asked for. */
async function listPlaybooks(playbooks: Playbook[], opts: ListSite['opts'], io: Io): Promise<void> {
  const { loadInventory } = await import('../inventory/inventory.js');
  const { applyLimit, matchHosts } = await import('../inventory/patterns.js');
  const inventory = loadInventory(opts.inventory, inventoryOptions(playbooks, io));
  const warn = warnOnStderr(io);
  if (opts.limit !== undefined) applyLimit(inventory, opts.limit, warn);
  for (const [i, pb] of playbooks.entries()) {
    io.out(`\nplaybook: ${opts.files[i]}\n`);
    pb.plays.forEach((play, n) => {
      const hosts = Array.isArray(play.hosts) ? play.hosts.join(',') : String(play.hosts);
      const playTags = [play.keywords.tags]
        .flatMap((t) => (typeof t === 'string' ? t.split(',').map((x) => x.trim()) : t))
        .filter((t) => t !== undefined && t !== null)
        .map(pyStr);
      // an unnamed play is named after its hosts (Play.get_name)
      const name = play.name ?? (play.implicit ? '' : hosts);
      io.out(`\n  play #${n + 1} (${hosts}): ${name}\tTAGS: [${[...new Set(playTags)].join(',')}]\n`);
      // resolving the play's hosts warns of a pattern that matches nothing, as a run would
      const matched = matchHosts(inventory, play.hosts, { warn });
      if (opts.listHosts)
        io.out(
          `    pattern: ${pyRepr([play.hosts].flat().map(pyStr))}\n    hosts (${matched.length}):\n${matched.map((h) => `      ${h}\n`).join('')}`,
        );
      listPlayTasks(play, { opts, io, playTags });
    });
  }
}

/** A play's tasks (--list-tasks) and their tags (--list-tags), as the play's tag filter leaves them. */
function listPlayTasks(play: Play, { opts, io, playTags }: ListSite): void {
  const vars = { ...play.vars, ...opts.extraVars };
  const templar = new Templar({ lookupVar: (n) => vars[n] });
  const tasks = listableTasks([...play.preTasks, ...play.roles, ...play.tasks, ...play.postTasks])
    .map((task) => ({ task, tags: taskTags(task, play, templar) }))
    .filter(({ tags }) => tagsAllowRun(tags, opts.tags, opts.skipTags));
  const sorted = (tags: Iterable<string>) => [...new Set([...playTags, ...tags])].sort();
  if (opts.listTasks) {
    io.out('    tasks:\n');
    for (const { task, tags } of tasks)
      io.out(
        `      ${task.role ? task.role.name + ' : ' : ''}${task.name ?? task.actionAsWritten}\tTAGS: [${sorted(tags).join(', ')}]\n`,
      );
  }
  if (opts.listTags) io.out(`      TASK TAGS: [${sorted(tasks.flatMap(({ tags }) => [...tags])).join(', ')}]\n`);
}
interface ListSite {
  readonly opts: CliOptions & { readonly extraVars: Record<string, unknown> };
  readonly io: Io;
  readonly playTags: readonly string[];
}

/** The tasks --list-tasks shows: static ones, includes as themselves, blocks' tasks in turn. */
function listableTasks(list: readonly TaskOrBlock[]): Task[] {
  return list.flatMap((n) => (n.kind === 'block' ? listableTasks([...n.block, ...n.rescue, ...n.always]) : [n]));
}

/** Warnings from before the run's callbacks exist, worded and wrapped as Ansible's Display prints them. */
const warnOnStderr =
  (io: { err(s: string): void }) =>
  (message: string): void =>
    io.err(`${wrap(`[WARNING]: ${message}`, 79).join('\n')}\n`);

/** --step first, then the debugger. */
function composeHooks(step: ExecutorHooks, dbg: ExecutorHooks): ExecutorHooks {
  return {
    async beforeTask(point) {
      const d = await step.beforeTask?.(point);
      if (d === 'skip') return 'skip';
      return dbg.beforeTask?.(point);
    },
    afterTask: (point, result) => dbg.afterTask?.(point, result),
  };
}
