// Ansible's json stdout callback: one document, plays[].tasks[].hosts.<host>, then stats.
import type { Play, Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Callback, HostStats, ResultStatus } from '../executor/events.js';
import { cleanCopy } from './default-callback.js';
import { pyJson } from '../python/pyjson.js';
import { maskSecrets } from '../vault/index.js';

interface TaskEntry {
  task: { name: string; id: string; path: string; duration: { start: string; end?: string } };
  hosts: Record<string, TaskResult>;
}
interface PlayEntry {
  play: { name: string; id: string; path: string; duration: { start: string; end?: string } };
  tasks: TaskEntry[];
}

export class JsonCallback implements Callback {
  readonly plays: PlayEntry[] = [];
  #n = 0;
  constructor(
    private readonly write: (s: string) => void,
    private readonly noLogOf: (t: Task) => boolean,
  ) {}
  #id(): string {
    return `tsible-${String(++this.#n).padStart(8, '0')}`;
  }
  playStart(play: Play, name: string): void {
    const now = new Date().toISOString();
    const last = this.plays[this.plays.length - 1];
    if (last) last.play.duration.end = now;
    this.plays.push({
      play: { name, id: this.#id(), path: `${play.pos.file}:${play.pos.line}`, duration: { start: now } },
      tasks: [],
    });
  }
  taskStart(task: Task, name: string): void {
    const play = this.plays[this.plays.length - 1]!;
    const now = new Date().toISOString();
    const last = play.tasks[play.tasks.length - 1];
    if (last) last.task.duration.end = now;
    play.tasks.push({
      task: { name, id: this.#id(), path: `${task.pos.file}:${task.pos.line}`, duration: { start: now } },
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
  playbookEnd(stats: Map<string, HostStats>): void {
    const now = new Date().toISOString();
    for (const p of this.plays) {
      p.play.duration.end ??= now;
      for (const t of p.tasks) t.task.duration.end ??= now;
    }
    const s: Record<string, HostStats> = {};
    for (const [h, v] of stats) s[h] = v;
    this.write(
      // ansible.posix's json callback: json.dumps(..., indent=4, sort_keys=True), so non-ASCII text is \u-escaped
      pyJson(
        // masked again at the end: a -e value a later no_log task used is a secret by now
        maskSecrets({ custom_stats: {}, global_custom_stats: {}, plays: this.plays, stats: s }),
        { indent: 4, sortKeys: true },
      ) + '\n',
    );
  }
}
