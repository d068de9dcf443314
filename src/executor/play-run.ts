// One play: its name and hosts, vars_files and the play's magic variables, then each host's run of its sections
// (fact gathering, pre_tasks, roles and tasks, post_tasks, handlers flushed after each), all hosts at once.
import { configValue } from '../config.js';
import * as path from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { OptionsError, ParseError, TsibleError, UndefinedError } from '../errors.js';
import type { Play, Task, TaskOrBlock } from '../playbook/model.js';
import { RESERVED_NAMES } from '../playbook/keywords.js';
import { readYamlFile } from '../playbook/loader.js';
import { isEncrypted } from '../vault/index.js';
import { GLOBALS } from '../template/globals.js';
import type { Templar } from '../template/templar.js';
import { isDict, pyRepr, pyStr, truthy } from '../python/python.js';
import type { Vars } from '../vars/variable-manager.js';
import { matchHosts } from '../inventory/patterns.js';
import { EndPlay, type RunContext } from './context.js';
import { startPlayHandlers } from './handlers.js';
import { promptPlayVars } from './vars-prompt.js';
import { serialBatches } from './serial.js';
import { Lockstep } from './lockstep.js';
import type { LinearStrategy } from './strategy.js';

/** Jinja2's own globals beside Ansible's (templar.environment.globals), which tsible's GLOBALS leave to Nunjucks or
 * lack. */
const JINJA2_GLOBALS: ReadonlySet<string> = new Set(['lipsum', 'cycler', 'joiner']);

/** The implicit first task of a play that gathers facts. */
const gatherTask = (play: Play): Task => ({
  kind: 'task',
  name: 'Gathering Facts',
  action: 'gather_facts',
  actionAsWritten: 'gather_facts',
  // the play's options for gathering (PlayIterator passes the ones it has)
  args: Object.fromEntries(
    ['gather_subset', 'gather_timeout', 'fact_path'].flatMap((k) =>
      play.keywords[k] === undefined || play.keywords[k] === null ? [] : [[k, play.keywords[k]]],
    ),
  ),
  keywords: {
    // unless the play is tagged, gathering always runs
    ...(play.keywords.tags === undefined || play.keywords.tags === null ? { tags: ['always'] } : {}),
    ...(play.importedWhen ? { when: [...play.importedWhen] } : {}),
  },
  pos: play.pos,
});

/** A vars_files entry: a file, or a list whose first file found is read; each is looked for in the playbook's
 * `vars/` directory, then beside it (path_dwim_relative_stack). Undefined when none is there. */
function findVarsFile(play: Play, entry: unknown, templar: Templar): string | undefined {
  for (const name of Array.isArray(entry) ? entry : [entry]) {
    const f = pyStr(templar.template(name));
    const candidates = path.isAbsolute(f) ? [f] : [path.join(play.basedir, 'vars', f), path.join(play.basedir, f)];
    // found when it exists: a directory is then an error reading it, as in Ansible
    const found = candidates.find((c) => statSync(c, { throwIfNoEntry: false }) !== undefined);
    if (found) return found;
  }
  return undefined;
}

/** A vars_files entry and the file found for it (none: not found), or why looking failed. */
interface FoundVarsFile {
  readonly entry: unknown;
  readonly file?: string;
  readonly error?: unknown;
}

/** The orders InventoryManager.get_hosts knows, and the strategy plugins ansible-core ships. */
const HOST_ORDERS = ['inventory', 'sorted', 'reverse_sorted', 'reverse_inventory', 'shuffle'];
const STRATEGIES = new Set(['linear', 'free', 'host_pinned', 'debug']);

/** max_fail_percentage as the 'percent' field converts it (a number, or text with an optional %); null when unset. */
function maxFailPercentage(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = typeof value === 'number' ? value : parseFloat(pyStr(value).replace('%', ''));
  return Number.isNaN(n) ? null : n;
}

export class PlayRun {
  /** Reserved names already warned about in this play. */
  readonly #warned = new Set<string>();
  constructor(
    readonly ctx: RunContext,
    readonly strategy: LinearStrategy,
    readonly play: Play,
  ) {}

  /** Runs the play; true when the playbook ends with it: every host of a batch failed or was unreachable
   * (PlaybookExecutor's break_play). */
  async run(): Promise<boolean> {
    const { ctx, play } = this;
    ctx.play = play;
    const templar = ctx.templar('localhost');
    // PlaybookExecutor prompts before the play is run, its name and hosts included
    await promptPlayVars(ctx, play, templar);
    ctx.vm.invalidate();
    const pattern = this.#hosts(templar);
    ctx.hostPattern = pattern;
    const name = this.#name(templar, pattern);
    const templated = templar.template(play.keywords.order ?? null);
    const order = templated === null ? 'inventory' : pyStr(templated);
    if (!HOST_ORDERS.includes(order)) throw new OptionsError(`Invalid 'order' specified for inventory hosts: ${order}`);
    // the play's hosts first (a bad subscript fails the run before the play's banner)
    const matched = matchHosts(ctx.vm.inventory, pattern, { warn: ctx.warn }).filter((h) => !ctx.gone.has(h));
    const hosts = orderHosts(matched, order, ctx.opts.random);
    if (!hosts.length) {
      ctx.emit('playStart', play, name);
      ctx.emit('noHostsMatched');
      return false;
    }
    // PlaybookExecutor makes the batches before TaskQueueManager.run
    const batches = serialBatches(hosts, templar.template(play.keywords.serial ?? null));
    // TaskQueueManager.run, before the play's banner: its variables must not shadow keywords or template globals
    this.#warnReserved([
      ...play.roles.flatMap((b) => (b.role ? [...Object.keys(b.role.defaults), ...Object.keys(b.role.vars)] : [])),
      ...Object.keys(play.vars),
      ...Object.keys(ctx.vm.extraVars),
    ]);
    const varsFiles = this.#findVarsFiles(templar);
    ctx.maxFailPercentage = maxFailPercentage(templar.template(play.keywords.max_fail_percentage ?? null));
    const strategy = templar.template(play.keywords.strategy ?? null);
    if (
      strategy !== undefined &&
      strategy !== null &&
      !STRATEGIES.has(pyStr(strategy).replace(/^ansible\.(builtin|legacy)\./, ''))
    ) {
      ctx.emit('playStart', play, name);
      throw new TsibleError(`Invalid play strategy specified: ${pyStr(strategy)}`, { pos: play.pos });
    }
    // serial: the play runs batch after batch, each from its banner to its handlers (PlaybookExecutor)
    for (const batch of batches) {
      ctx.emit('playStart', play, name);
      this.#start(batch, { name, varsFiles, matched });
      await Promise.all(batch.map((h) => this.#runHost(h)));
      for (const h of batch) {
        const state = ctx.hostState(h);
        if (state.failed || state.unreachable) ctx.gone.add(h);
        if (state.failed) ctx.failed.add(h);
      }
      // a batch whose hosts all failed ends the playbook; end_play and any_errors_fatal end the play
      if (batch.every((h) => ctx.gone.has(h))) return true;
      if (this.#endedPlay || ctx.fatal) break;
    }
    return false;
  }
  #endedPlay = false;

  /** The play's hosts templated: an undefined variable there refuses the play (post_validate, exit 4). */
  #hosts(templar: Templar): unknown {
    try {
      return templar.template(this.play.hosts);
    } catch (e) {
      if (!(e instanceof UndefinedError)) throw e;
      throw new ParseError(
        `The field 'hosts' has an invalid value, which includes an undefined variable. The error was: ${e.message}. ${e.message}`,
        { pos: this.play.pos },
      );
    }
  }

  /** An unnamed play is named after its hosts pattern (Play.get_name); a name that does not template is shown as
   * written, as post_validate leaves it. */
  #name(templar: Templar, pattern: unknown): string {
    const play = this.play;
    if (play.name !== undefined) {
      try {
        return pyStr(templar.template(play.name));
      } catch (e) {
        if (!(e instanceof UndefinedError)) throw e;
        return pyStr(play.name);
      }
    }
    if (play.implicit) return '';
    return Array.isArray(pattern) ? pattern.map(pyStr).join(',') : pyStr(pattern);
  }

  #warnReserved(names: string[]): void {
    for (const n of [...new Set(names)].sort()) {
      const global = Object.hasOwn(GLOBALS, n) || JINJA2_GLOBALS.has(n);
      if (n === 'vars' || this.#warned.has(n) || !(RESERVED_NAMES.has(n) || global)) continue;
      this.#warned.add(n);
      this.ctx.emit('warning', `Found variable using reserved name: ${n}`);
    }
  }

  /** Each vars_files entry's file, found once; vault encrypted ones are decrypted before the play's banner, where
   * Ansible's get_vars(play) fails when no secret opens them. A failure to find one is the play start's to report. */
  #findVarsFiles(templar: Templar): FoundVarsFile[] {
    return this.play.varsFiles.map((entry) => {
      let file: string | undefined;
      try {
        file = findVarsFile(this.play, entry, templar);
      } catch (error) {
        return { entry, error };
      }
      let text = '';
      try {
        if (file !== undefined) text = readFileSync(file, 'latin1');
      } catch {
        // a file that cannot be read (a directory) is reported when it is loaded
      }
      if (file !== undefined && isEncrypted(text)) readYamlFile(file);
      return { entry, file };
    });
  }

  /** The play's state, its magic variables and vars_files. */
  /** matched: the play's hosts in inventory order, as ansible_play_hosts lists them (a batch follows `order`). */
  #start(
    hosts: string[],
    { name, varsFiles: found, matched }: { name: string; varsFiles: FoundVarsFile[]; matched: string[] },
  ): void {
    const { ctx } = this;
    ctx.startPlay(hosts);
    const magic = ctx.vm.magic as Vars;
    magic.ansible_play_hosts = matched.filter((h) => !ctx.gone.has(h));
    magic.ansible_play_batch = [...hosts];
    magic.ansible_play_hosts_all = [...matched];
    magic.play_hosts = [...hosts];
    magic.ansible_play_name = name;
    ctx.started = !ctx.opts.startAtTask;
    ctx.rolesRun = new Set();
    startPlayHandlers(ctx);
    const varsFiles: Vars = {};
    for (const vf of found) Object.assign(varsFiles, readVarsFile(vf));
    magic.__vars_files = varsFiles;
    ctx.vm.invalidate(); // the play's magic variables and vars_files are part of the cached variable layers
    this.#warnReserved(Object.keys(varsFiles));
    ctx.lockstep = new Lockstep(hosts, (task, host) => this.strategy.gate.width(task, host));
  }

  async #runHost(host: string): Promise<void> {
    const { ctx, play, strategy } = this;
    try {
      if (this.#gathers(host)) await strategy.gate.runTask(gatherTask(play), host, {});
      // roles and tasks are one section: handlers flush after pre_tasks, after roles+tasks, after post_tasks
      const sections: Array<readonly TaskOrBlock[]> = [play.preTasks, [...play.roles, ...play.tasks], play.postTasks];
      for (const section of sections) {
        await strategy.runList(section, host);
        await strategy.flushHandlers(host);
        if (ctx.hostState(host).done) break;
      }
    } catch (e) {
      if (!(e instanceof EndPlay)) throw e;
      for (const state of ctx.hosts.values()) state.ended = true;
      this.#endedPlay = true;
    } finally {
      ctx.lockstep.leave(host);
    }
  }

  /** gather_facts: the play keyword, else ANSIBLE_GATHERING (implicit, the default, gathers; explicit does not). */
  #gathers(host: string): boolean {
    const kw = this.play.keywords.gather_facts;
    const set = kw !== undefined && kw !== null;
    if (!set && this.play.implicit) return false;
    const implied = !set || truthy(this.ctx.templar('localhost').template(kw));
    const gathering = String(configValue('DEFAULT_GATHERING', this.ctx.opts.env)).toLowerCase();
    // smart: only for hosts whose fact cache has no gathered facts (from this run, or a persistent cache's)
    if (gathering === 'smart') return implied && !this.ctx.vm.hostFacts(host)?._ansible_facts_gathered;
    return gathering === 'explicit' ? set && implied : implied;
  }
}

/** One vars_files entry read as VariableManager.get_vars reads it (the first file found of a list), refused in
 * its words (AnsibleError, exit 1). */
function readVarsFile({ entry, file, error }: FoundVarsFile): Vars {
  if (isDict(entry) || (Array.isArray(entry) && entry.some(isDict)))
    throw new TsibleError(
      `Invalid vars_files entry found: ${pyRepr(entry)}\n` +
        'vars_files entries should be either a string type or a list of string types after template expansion',
    );
  if (error !== undefined) throw error;
  if (file === undefined)
    throw new TsibleError(
      `vars file ${Array.isArray(entry) ? pyRepr(entry) : pyStr(entry)} was not found\n` +
        'Could not find file on the Ansible Controller.\n' +
        'If you are using a module and expect the file to exist on the remote, see the remote_src option',
    );
  const doc = readYamlFile(file).documents[0];
  if (doc === null || doc === undefined || isDict(doc)) return (doc ?? {}) as Vars;
  const kind = Array.isArray(doc) ? 'AnsibleSequence' : 'AnsibleUnicode';
  throw new TsibleError(
    `variable files must contain either a dictionary of variables, or a list of dictionaries. Got: ${pyStr(doc)} (<class 'ansible.parsing.yaml.objects.${kind}'>)`,
  );
}

/** InventoryManager.get_hosts(order=): the play's hosts in the order its `order` keyword (one of HOST_ORDERS) asks. */
function orderHosts(hosts: string[], order: string, random: { next(): number }): string[] {
  if (order === 'inventory') return hosts;
  if (order === 'sorted' || order === 'reverse_sorted') {
    const sorted = [...hosts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return order === 'sorted' ? sorted : sorted.reverse();
  }
  if (order === 'reverse_inventory') return [...hosts].reverse();
  const out = [...hosts];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
