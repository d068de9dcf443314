// ansible-playbook's default stdout callback: banners 80 wide when piped, result lines, -v JSON, the recap.
import type { Play, Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Callback, HostStats, ResultStatus } from '../executor/events.js';
import { isDict } from '../template/python.js';

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
const COLORS = { ok: '\x1b[0;32m', changed: '\x1b[0;33m', skipped: '\x1b[0;36m', failed: '\x1b[0;31m', warn: '\x1b[1;35m', reset: '\x1b[0m', unreachable: '\x1b[1;31m', deprecate: '\x1b[1;35m' };

/** Python json.dumps(sort_keys=True) of what the default callback shows. */
export function dumpResult(result: TaskResult, indent?: number): string {
  const clean = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => clean(x, false));
    if (isDict(v)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        if (top && (k.startsWith('_ansible_') || k === 'invocation' || k === 'exception' || k === 'diff' || k === '_meta')) continue;
        if (!top && k.startsWith('_ansible_')) continue;
        o[k] = clean(v[k], false);
      }
      return o;
    }
    return v;
  };
  const json = (v: unknown, level: number): string => {
    const pad = indent === undefined ? '' : '\n' + ' '.repeat(indent * (level + 1)), end = indent === undefined ? '' : '\n' + ' '.repeat(indent * level);
    if (Array.isArray(v)) return v.length ? `[${pad}${v.map((x) => json(x, level + 1)).join(indent === undefined ? ', ' : ',' + pad)}${end}]` : '[]';
    if (isDict(v)) { const e = Object.entries(v); return e.length ? `{${pad}${e.map(([k, x]) => `${JSON.stringify(k)}: ${json(x, level + 1)}`).join(indent === undefined ? ', ' : ',' + pad)}${end}}` : '{}' }
    if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    return (JSON.stringify(v) ?? 'null').replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  };
  return json(clean(result, true), 0);
}

export function censor(task: Task, result: TaskResult, noLog: boolean): TaskResult {
  void task;
  if (!noLog) return result;
  const out: TaskResult = { censored: CENSORED };
  for (const k of ['changed', 'attempts', 'skipped', 'failed']) if (result[k] !== undefined) out[k] = result[k];
  if (Array.isArray(result.results)) out.results = result.results.map(() => ({ censored: CENSORED }));
  return out;
}

export interface Output { write(text: string): void; columns?: number; color: boolean }

export class DefaultCallback implements Callback {
  #lastTask?: Task;
  constructor(private readonly out: Output, private readonly verbosity: number, private readonly noLogOf: (t: Task) => boolean) {}

  #c(color: keyof typeof COLORS, text: string): string { return this.out.color ? `${COLORS[color]}${text}${COLORS.reset}` : text }
  #banner(msg: string): void {
    const width = Math.max(79, (this.out.columns ?? 80) - 1);
    const stars = '*'.repeat(Math.max(3, width - msg.length - 1));
    this.out.write(`\n${msg} ${stars}\n`);
  }
  playbookStart(file: string): void { if (this.verbosity >= 2) this.#banner(`PLAYBOOK: ${file.split('/').pop()}`) }
  playStart(_play: Play, name: string): void { this.#banner(name ? `PLAY [${name}]` : 'PLAY') }
  taskStart(task: Task, name: string, handler?: boolean): void {
    this.#lastTask = task;
    this.#banner(`${handler ? 'RUNNING HANDLER' : 'TASK'} [${name}]`);
    if (this.verbosity >= 2) this.out.write(`task path: ${task.pos.file}:${task.pos.line}\n`);
  }
  #detail(task: Task, result: TaskResult, force = false): string {
    const shown = censor(task, result, this.noLogOf(task));
    if (!force && this.verbosity < 1 && !(result._ansible_verbose_always && !this.noLogOf(task))) return '';
    return ` => ${dumpResult(shown, this.verbosity >= 3 || (result._ansible_verbose_always && this.verbosity < 1) ? 4 : undefined)}`;
  }
  itemResult(host: string, task: Task, result: TaskResult, status: ResultStatus, label: string): void {
    const word = status === 'ignored' ? 'failed' : status === 'skipped' ? 'skipping' : status;
    const color = status === 'ok' ? 'ok' : status === 'changed' ? 'changed' : status === 'skipped' ? 'skipped' : 'failed';
    if (status === 'failed' || status === 'ignored') this.out.write(this.#c('failed', `failed: [${host}] (item=${label})${this.#detail(task, result, true)}`) + '\n');
    else this.out.write(this.#c(color, `${word}: [${host}] => (item=${label})${status === 'skipped' ? ' ' : ''}${this.#detail(task, result).replace(/^ => /, ' => ')}`) + '\n');
  }
  taskResult(host: string, task: Task, result: TaskResult, status: ResultStatus): void {
    for (const w of (result.warnings as string[] | undefined) ?? []) this.warning(w);
    if (Array.isArray(result.results)) {
      // loop: items were printed one by one; Ansible prints a final line only for failures
      if (status === 'failed' || status === 'ignored') this.out.write(this.#c('failed', `fatal: [${host}]: FAILED! => ${dumpResult(censor(task, { msg: result.msg, changed: result.changed, failed: true }, false))}`) + '\n');
      if (status === 'ignored') this.out.write(this.#c('skipped', '...ignoring') + '\n');
      return;
    }
    switch (status) {
      case 'ok': case 'changed': this.out.write(this.#c(status, `${status}: [${host}]${this.#detail(task, result)}`) + '\n'); break;
      case 'skipped': this.out.write(this.#c('skipped', `skipping: [${host}]${this.verbosity >= 1 ? this.#detail(task, result) : ''}`) + '\n'); break;
      case 'failed': case 'ignored':
        this.out.write(this.#c('failed', `fatal: [${host}]: FAILED! => ${dumpResult(censor(task, result, this.noLogOf(task)), this.verbosity >= 3 ? 4 : undefined)}`) + '\n');
        if (status === 'ignored') this.out.write(this.#c('skipped', '...ignoring') + '\n');
        break;
      case 'unreachable': this.out.write(this.#c('unreachable', `fatal: [${host}]: UNREACHABLE! => ${dumpResult(result)}`) + '\n'); break;
    }
  }
  retry(_host: string, _task: Task, name: string, left: number, result: TaskResult): void {
    this.out.write(this.#c('failed', `FAILED - RETRYING: [${_host}]: ${name} (${left} retries left).${this.verbosity >= 3 ? 'Result was: ' + dumpResult(result, 4) : ''}`) + '\n');
  }
  included(file: string, hosts: string[], item?: string): void { this.out.write(`included: ${file} for ${hosts.join(', ')}${item !== undefined ? ` => (item=${item})` : ''}\n`) }
  warning(message: string): void { this.out.write(this.#c('warn', `[WARNING]: ${message}`) + '\n') }
  deprecation(message: string): void { this.out.write(this.#c('deprecate', `[DEPRECATION WARNING]: ${message}`) + '\n') }
  noHostsLeft(): void { this.#banner('NO MORE HOSTS LEFT') }
  playbookEnd(stats: Map<string, HostStats>): void {
    this.#banner('PLAY RECAP');
    for (const host of [...stats.keys()].sort()) {
      const s = stats.get(host)!;
      const f = (name: string, n: number, color: keyof typeof COLORS) => { const t = `${name}=${String(n).padEnd(4)}`; return n ? this.#c(color, t) : t };
      const hostText = s.failures || s.unreachable ? this.#c('failed', host) : s.changed ? this.#c('changed', host) : this.#c('ok', host);
      const pad = ' '.repeat(Math.max(0, 26 - host.length));
      this.out.write(`${hostText}${pad} : ${f('ok', s.ok, 'ok')} ${f('changed', s.changed, 'changed')} ${f('unreachable', s.unreachable, 'unreachable')} ${f('failed', s.failures, 'failed')} ${f('skipped', s.skipped, 'skipped')} ${f('rescued', s.rescued, 'ok')} ${f('ignored', s.ignored, 'changed')}\n`);
    }
    this.out.write('\n');
  }
}
