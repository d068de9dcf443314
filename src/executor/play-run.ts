// One play: its name and hosts, vars_files and the play's magic variables, then each host's run of its sections
// (fact gathering, pre_tasks, roles and tasks, post_tasks, handlers flushed after each), all hosts at once.
import * as path from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { TsibleError } from '../errors.js';
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
import { Lockstep } from './lockstep.js';
import type { LinearStrategy } from './strategy.js';

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

export class PlayRun {
  /** Reserved names already warned about in this play. */
  readonly #warned = new Set<string>();
  constructor(
    readonly ctx: RunContext,
    readonly strategy: LinearStrategy,
    readonly play: Play,
  ) {}

  async run(): Promise<void> {
    const { ctx, play } = this;
    ctx.play = play;
    const templar = ctx.templar('localhost');
    // PlaybookExecutor prompts before the play is run, its name and hosts included
    await promptPlayVars(ctx, play, templar);
    ctx.vm.invalidate();
    const pattern = templar.template(play.hosts);
    const name = this.#name(templar, pattern);
    // the play's hosts first (a bad subscript fails the run before the play's banner)
    const hosts = matchHosts(ctx.vm.inventory, pattern, { warn: ctx.warn }).filter((h) => !ctx.gone.has(h));
    if (!hosts.length) {
      ctx.emit('playStart', play, name);
      ctx.emit('noHostsMatched');
      return;
    }
    // TaskQueueManager.run, before the play's banner: its variables must not shadow keywords or template globals
    this.#warnReserved([
      ...play.roles.flatMap((b) => (b.role ? [...Object.keys(b.role.defaults), ...Object.keys(b.role.vars)] : [])),
      ...Object.keys(play.vars),
      ...Object.keys(ctx.vm.extraVars),
    ]);
    this.#readEncryptedVarsFiles(templar);
    ctx.emit('playStart', play, name);
    this.#start(hosts, { name, templar });
    await Promise.all(hosts.map((h) => this.#runHost(h)));
    for (const h of hosts) {
      const state = ctx.hostState(h);
      if (state.failed || state.unreachable) ctx.gone.add(h);
    }
  }

  /** An unnamed play is named after its hosts pattern (Play.get_name). */
  #name(templar: Templar, pattern: unknown): string {
    const play = this.play;
    if (play.name !== undefined) return pyStr(templar.template(play.name));
    if (play.implicit) return '';
    return Array.isArray(pattern) ? pattern.map(pyStr).join(',') : pyStr(pattern);
  }

  #warnReserved(names: string[]): void {
    for (const n of [...new Set(names)].sort()) {
      if (n === 'vars' || this.#warned.has(n) || !(RESERVED_NAMES.has(n) || Object.hasOwn(GLOBALS, n))) continue;
      this.#warned.add(n);
      this.ctx.emit('warning', `Found variable using reserved name: ${n}`);
    }
  }

  /** Vault encrypted vars_files are decrypted before the play's banner, where Ansible's get_vars(play) fails
   * when no secret opens them (read again, as the others are, when the play starts). */
  #readEncryptedVarsFiles(templar: Templar): void {
    for (const vf of this.play.varsFiles) {
      let text = '';
      let file: string | undefined;
      try {
        file = findVarsFile(this.play, vf, templar);
        if (file === undefined) continue;
        text = readFileSync(file, 'latin1');
      } catch {
        continue; // any other failure is the play start's to report
      }
      if (isEncrypted(text)) readYamlFile(file);
    }
  }

  /** The play's state, its magic variables and vars_files. */
  #start(hosts: string[], { name, templar }: { name: string; templar: Templar }): void {
    const { ctx, play } = this;
    ctx.startPlay(hosts);
    const magic = ctx.vm.magic as Vars;
    magic.ansible_play_hosts = [...hosts];
    magic.ansible_play_batch = [...hosts];
    magic.ansible_play_hosts_all = [...hosts];
    magic.play_hosts = [...hosts];
    magic.ansible_play_name = name;
    ctx.started = !ctx.opts.startAtTask;
    ctx.rolesRun = new Set();
    startPlayHandlers(ctx);
    const varsFiles: Vars = {};
    for (const vf of play.varsFiles) Object.assign(varsFiles, readVarsFile(play, vf, templar));
    magic.__vars_files = varsFiles;
    ctx.vm.invalidate(); // the play's magic variables and vars_files are part of the cached variable layers
    this.#warnReserved(Object.keys(varsFiles));
    ctx.lockstep = new Lockstep(hosts);
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
    const gathering = (this.ctx.opts.env.ANSIBLE_GATHERING ?? 'implicit').toLowerCase();
    // smart: only for hosts whose facts were not gathered yet in this run
    if (gathering === 'smart') return implied && this.ctx.vm.state(host).gathered === undefined;
    return gathering === 'explicit' ? set && implied : implied;
  }
}

/** One vars_files entry read as VariableManager.get_vars reads it (the first file found of a list), refused in
 * its words (AnsibleError, exit 1). */
function readVarsFile(play: Play, entry: unknown, templar: Templar): Vars {
  if (isDict(entry) || (Array.isArray(entry) && entry.some(isDict)))
    throw new TsibleError(
      `Invalid vars_files entry found: ${pyRepr(entry)}\n` +
        'vars_files entries should be either a string type or a list of string types after template expansion',
    );
  const file = findVarsFile(play, entry, templar);
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
