// The fact cache (Ansible's FactCache over a cache plugin): each host's facts as modules returned them (ansible_*
// names, module_setup, and what set_fact made cacheable). `memory` (the default) lives for the run; `jsonfile`
// keeps one JSON file per host in ANSIBLE_CACHE_PLUGIN_CONNECTION, written as Ansible writes it (sorted keys,
// indent 4, mode 0600), so that tsible and ansible-playbook read each other's cache.
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { TsibleError } from '../errors.js';
import { isDict } from '../python/python.js';
import { pyJson, pyJsonLoads } from '../python/pyjson.js';

type Facts = Record<string, unknown>;

export interface FactCache {
  get(host: string): Facts | undefined;
  set(host: string, facts: Facts): void;
  delete(host: string): void;
}

/** The cache ANSIBLE_CACHE_PLUGIN names (memory unless set), with its connection, prefix and timeout. A cache that
 * cannot be opened is only warned about: the run keeps its facts in memory, as Ansible's VariableManager does. */
export function openFactCache(env: Readonly<Record<string, string | undefined>>, warn: (m: string) => void): FactCache {
  const name = env.ANSIBLE_CACHE_PLUGIN || 'memory';
  if (['memory', 'ansible.builtin.memory'].includes(name)) return new MemoryCache();
  if (!['jsonfile', 'ansible.builtin.jsonfile'].includes(name)) {
    warn(`Unable to load the facts cache plugin (${name}).`);
    return new MemoryCache();
  }
  const uri = env.ANSIBLE_CACHE_PLUGIN_CONNECTION;
  if (!uri) {
    warn('No setting was provided for required configuration plugin_type: cache plugin: jsonfile setting: _uri');
    return new MemoryCache();
  }
  const timeout = Number.parseFloat(env.ANSIBLE_CACHE_PLUGIN_TIMEOUT ?? '86400');
  const dir = path.resolve(uri.replace(/^~(?=$|\/)/, homedir()));
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    warn(`error in 'jsonfile' cache plugin while trying to create cache dir ${dir} : ${(e as Error).message}`);
    return new MemoryCache();
  }
  return new JsonFileCache(dir, env.ANSIBLE_CACHE_PLUGIN_PREFIX ?? '', Number.isNaN(timeout) ? 86400 : timeout, warn);
}

class MemoryCache implements FactCache {
  readonly #facts = new Map<string, Facts>();
  get(host: string): Facts | undefined {
    return this.#facts.get(host);
  }
  set(host: string, facts: Facts): void {
    this.#facts.set(host, facts);
  }
  delete(host: string): void {
    this.#facts.delete(host);
  }
}

/** BaseFileCacheModule with jsonfile's format: read once, then kept in memory; every change written through. */
class JsonFileCache extends MemoryCache {
  readonly #read = new Set<string>();
  constructor(
    readonly dir: string,
    readonly prefix: string,
    /** seconds a file stays valid after it was written (0: forever) */
    readonly timeout: number,
    readonly warn: (m: string) => void,
  ) {
    super();
  }
  #file(host: string): string {
    return path.join(this.dir, `${this.prefix}${host}`);
  }
  override get(host: string): Facts | undefined {
    if (!this.#read.has(host)) {
      this.#read.add(host);
      const facts = this.#load(host);
      if (facts) super.set(host, facts);
    }
    return super.get(host);
  }
  #load(host: string): Facts | undefined {
    const file = this.#file(host);
    let text: string;
    try {
      const st = statSync(file);
      if (this.timeout > 0 && Date.now() / 1000 - st.mtimeMs / 1000 > this.timeout) return undefined;
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const facts = pyJsonLoads(text);
      return isDict(facts) ? facts : undefined;
    } catch (e) {
      // the file goes and the run stops, as Ansible's does
      this.warn(
        `error in 'jsonfile' cache plugin while trying to read ${file} : b'${(e as Error).message}'. Most likely a corrupt file, so erasing and failing.`,
      );
      this.delete(host);
      throw new TsibleError(
        `The cache file ${file} was corrupt, or did not otherwise contain valid data. It has been removed, so you can re-run your command now.`,
      );
    }
  }
  override set(host: string, facts: Facts): void {
    this.#read.add(host);
    super.set(host, facts);
    const file = this.#file(host);
    // written beside, then renamed, as Ansible does (a reader never sees half a file)
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, pyJson(facts, { indent: 4, sortKeys: true }), { mode: 0o600 });
      renameSync(tmp, file);
    } catch (e) {
      this.warn(`error in 'jsonfile' cache plugin while trying to write to '${file}' : ${(e as Error).message}`);
    }
  }
  override delete(host: string): void {
    this.#read.add(host);
    super.delete(host);
    rmSync(this.#file(host), { force: true });
  }
}
