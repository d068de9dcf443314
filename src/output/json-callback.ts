// Ansible's json stdout callback: one document, plays[].tasks[].hosts.<host>, then stats.
import type { Play, Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Callback, CustomStats, HostStats, ResultStatus } from '../executor/events.js';
import { cleanCopy } from './default-callback.js';
import { pyJson } from '../python/pyjson.js';
import { maskSecrets } from '../vault/index.js';
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';

interface TaskEntry {
  task: { name: string; id: string; path: string; duration: { start: string; end?: string } };
  hosts: Record<string, TaskResult>;
}
interface PlayEntry {
  play: { name: string; id: string; path: string; duration: { start: string; end?: string } };
  tasks: TaskEntry[];
}

/** The node's hardware address as uuid.getnode() finds it (12 hex digits), or a random one as it falls back to. */
function nodeAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const i of list ?? [])
      if (!i.internal && i.mac && i.mac !== '00:00:00:00:00:00') return i.mac.replace(/:/g, '');
  return randomBytes(6).toString('hex');
}

export class JsonCallback implements Callback {
  readonly plays: PlayEntry[] = [];
  #n = 0;
  /** get_unique_id's parts: node address, a random number per run, then a counter. */
  readonly #prefix: string;
  readonly #ids = new WeakMap<object, string>();
  constructor(
    private readonly write: (s: string) => void,
    private readonly noLogOf: (t: Task) => boolean,
  ) {
    const node = nodeAddress(),
      random = randomBytes(4).toString('hex');
    this.#prefix = `${node.slice(0, 8)}-${node.slice(8, 12)}-${random.slice(0, 4)}-${random.slice(4, 8)}`;
  }
  /** An object's _uuid: the same play or task keeps its id (a handler run twice, a task on several hosts). */
  #id(of: object): string {
    let id = this.#ids.get(of);
    if (id === undefined) this.#ids.set(of, (id = `${this.#prefix}-${(++this.#n).toString(16).padStart(12, '0')}`));
    return id;
  }
  /** Display.display writes to stdout before the document, whatever the callback. */
  display(text: string): void {
    this.write(`${text}\n`);
  }
  playStart(play: Play, name: string): void {
    const now = isoNow();
    const last = this.plays[this.plays.length - 1];
    if (last) last.play.duration.end = now;
    this.plays.push({
      play: { name, id: this.#id(play), path: `${play.pos.file}:${play.pos.line}`, duration: { start: now } },
      tasks: [],
    });
  }
  taskStart(task: Task, name: string): void {
    const play = this.plays[this.plays.length - 1]!;
    const now = isoNow();
    const last = play.tasks[play.tasks.length - 1];
    if (last) last.task.duration.end = now;
    play.tasks.push({
      task: { name, id: this.#id(task), path: `${task.pos.file}:${task.pos.line}`, duration: { start: now } },
      hosts: {},
    });
  }
  taskResult(host: string, task: Task, result: TaskResult, status: ResultStatus): void {
    const play = this.plays[this.plays.length - 1]!;
    const entry = play.tasks[play.tasks.length - 1];
    if (!entry) return;
    const shown = cleanCopy(task.action, result, this.noLogOf(task));
    delete shown._meta;
    entry.hosts[host] = {
      ...shown,
      action: task.actionAsWritten,
      ...(status === 'failed' || status === 'ignored' ? { failed: true } : {}),
      ...(status === 'skipped' ? { skipped: true } : {}),
    };
  }
  playbookEnd(stats: Map<string, HostStats>, custom: CustomStats = {}): void {
    const now = isoNow();
    for (const p of this.plays) {
      p.play.duration.end ??= now;
      for (const t of p.tasks) t.task.duration.end ??= now;
    }
    // the run's own statistics apart from the hosts'
    const { _run, ...custom_stats } = custom;
    const s: Record<string, HostStats> = {};
    for (const [h, v] of stats) s[h] = v;
    this.write(
      // ansible.posix's json callback: json.dumps(..., indent=4, sort_keys=True), so non-ASCII text is \u-escaped
      pyJson(
        // masked again at the end: a -e value a later no_log task used is a secret by now
        maskSecrets({ custom_stats, global_custom_stats: _run ?? {}, plays: this.plays, stats: s }),
        { indent: 4, sortKeys: true },
      ) + '\n',
    );
  }
}

/** The time as the json callback writes it: datetime.isoformat() in UTC, microseconds and a Z. */
function isoNow(): string {
  return new Date().toISOString().replace(/Z$/, '000Z');
}
