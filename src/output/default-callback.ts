// ansible-playbook's default stdout callback (plugins/callback/default.py with CallbackBase): banners as wide as
// the terminal (80 when piped), result lines, -v JSON, the recap. Results pass through the same cleaning
// steps as Ansible's: TaskResult.clean_copy, _clean_results for debug, then _dump_results.
import type { Play, Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import {
  DELEGATED_HOST,
  type Callback,
  type CustomStats,
  type HostStats,
  type ItemOutcome,
  type ResultStatus,
  type RetryNotice,
} from '../executor/events.js';
import { deepCopy, isDict, pyStr, truthy } from '../python/python.js';
import { pyJson } from '../python/pyjson.js';
import { diffOutput, type DiffColor } from './diff.js';
import { maskSecrets, scrub } from '../vault/index.js';
import type { TsibleError } from '../errors.js';
import { formatError } from './errors.js';
import { wrap } from './textwrap.js';

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
const COLORS = {
  ok: '\x1b[0;32m',
  changed: '\x1b[0;33m',
  skipped: '\x1b[0;36m',
  failed: '\x1b[0;31m',
  warn: '\x1b[1;35m',
  reset: '\x1b[0m',
  unreachable: '\x1b[1;31m',
  debug: '\x1b[0;90m',
  diffAdd: '\x1b[0;32m',
  diffRemove: '\x1b[0;31m',
  diffLines: '\x1b[0;36m',
  verbose: '\x1b[0;34m',
};
type ResultColor = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable';
const DEBUG_ACTIONS = new Set(['debug', 'ansible.builtin.debug', 'ansible.legacy.debug']);
const DEBUG_ALLOWED = new Set(['msg', 'exception', 'warnings', 'deprecations']);
const HIDE_IN_DEBUG = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];

/** TaskResult.clean_copy: what every callback receives. */
export function cleanCopy(action: string, result: TaskResult, noLog: boolean): TaskResult {
  if (noLog || result._ansible_no_log === true) {
    const x: TaskResult = { censored: CENSORED };
    for (const k of ['attempts', 'changed', 'retries']) if (result[k] !== undefined) x[k] = result[k];
    return x;
  }
  // tsible's addition: the run's secrets (vaulted values, what no_log tasks set) are masked in every result shown
  const out = maskSecrets(deepCopy(result) as TaskResult);
  delete out.failed;
  delete out.skipped;
  if (DEBUG_ACTIONS.has(action)) delete out.invocation;
  // _SUB_PRESERVE: the delegate's connection stays at the top, as clean_copy puts its subset back
  const delegated = out._ansible_delegated_vars;
  stripInternalKeys(out);
  if (delegated !== undefined) out._ansible_delegated_vars = delegated;
  return out;
}

/** TaskResult's CLEAN_EXCEPTIONS: the internal keys callbacks still need, kept at every depth. */
const CLEAN_EXCEPTIONS = [
  '_ansible_verbose_always',
  '_ansible_item_label',
  '_ansible_no_log',
  '_ansible_verbose_override',
];

/** vars/clean.py strip_internal_keys: `_ansible_*` keys but the exceptions go, through dicts and lists (a loop's
 * items, a registered result shown by debug). */
function stripInternalKeys(v: unknown): void {
  if (Array.isArray(v)) for (const x of v) stripInternalKeys(x);
  else if (isDict(v))
    for (const k of Object.keys(v)) {
      if (k.startsWith('_ansible_') && !CLEAN_EXCEPTIONS.includes(k)) delete v[k];
      else stripInternalKeys(v[k]);
    }
}

/** CallbackBase._clean_results: debug shows what it was asked to show and nothing else. */
export function cleanResults(result: TaskResult, action: string): void {
  if (!DEBUG_ACTIONS.has(action)) return;
  if ('msg' in result) {
    for (const k of Object.keys(result)) if (!DEBUG_ALLOWED.has(k) && !k.startsWith('_')) delete result[k];
  } else for (const k of HIDE_IN_DEBUG) delete result[k];
}

/** Python's json.dumps(..., sort_keys=True, indent=indent) of a result, internal keys stripped. */
export function dumpResults(result: TaskResult, verbosity: number, indent?: number): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (isDict(v)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) if (!k.startsWith('_ansible_')) o[k] = strip(v[k]);
      return o;
    }
    return v;
  };
  const r = strip(result) as TaskResult;
  if (verbosity < 3) {
    delete r.invocation;
    delete r.diff;
  }
  delete r.exception;
  if (indent === undefined && (result._ansible_verbose_always || verbosity > 2)) indent = 4;
  // CallbackBase._dump_results dumps with ensure_ascii=False: non-ASCII text as it is, not \u escapes
  return pyJson(r, { indent, ensureAscii: false });
}

/** CallbackBase.host_label: a result delegated to another host names it, and its address when that differs. */
function hostLabel(host: string, result: TaskResult): string {
  const to = (result as Record<string, unknown>)[DELEGATED_HOST];
  if (to === undefined || String(to) === host) return host;
  const d = result._ansible_delegated_vars as { ansible_host?: unknown } | undefined;
  const address = d?.ansible_host === undefined ? String(to) : String(d.ansible_host);
  return `${host} -> ${String(to)}${address !== String(to) ? `(${address})` : ''}`;
}

interface DisplayOptions {
  /** DISPLAY_ARGS_TO_STDOUT: the banner shows the task's arguments as written. */
  readonly args?: boolean;
  /** --diff: results' diffs are shown. */
  readonly diff?: boolean;
}

interface Output {
  write(text: string): void;
  error(text: string): void;
  columns: number;
  color: boolean;
}

export class DefaultCallback implements Callback {
  #warned = new Set<string>();
  /** What this task's run warned of: a worker process's Display, one per task. */
  #taskWarned = new Set<string>();
  constructor(
    private readonly out: Output,
    private readonly verbosity: number,
    private readonly noLogOf: (t: Task) => boolean,
    private readonly options: DisplayOptions = {},
  ) {}

  /** Display.display colours every line on its own. */
  #c(color: keyof typeof COLORS, text: string): string {
    return this.out.color
      ? text
          .split('\n')
          .map((l) => `${COLORS[color]}${l}${COLORS.reset}`)
          .join('\n')
      : text;
  }
  /** Display.display of a line, in a result's colour. */
  line(text: string, color?: ResultColor): void {
    this.#line(text, color);
  }
  #line(text: string, color?: keyof typeof COLORS): void {
    this.out.write((color ? this.#c(color, text) : text) + '\n');
  }
  #banner(text: string): void {
    const msg = scrub(text); // a task's name may hold a secret: the stars fill up to its masked width
    const stars = '*'.repeat(Math.max(3, this.out.columns - [...msg].length));
    this.out.write(`\n${msg} ${stars}\n`);
  }
  #verbose(result: TaskResult, level = 0): boolean {
    return (
      (this.verbosity > level || result._ansible_verbose_always === true) && result._ansible_verbose_override !== true
    );
  }
  /** CallbackBase._handle_warnings: a result's warnings and deprecations, shown and taken out of it. */
  handleWarnings(res: TaskResult): void {
    for (const w of (res.warnings as string[] | undefined) ?? []) this.warning(w);
    delete res.warnings;
    for (const d of (res.deprecations as
      Array<{ msg: string; version?: string; date?: string; collection_name?: string }> | undefined) ?? []) {
      const when = d.date
        ? ` This feature will be removed from ${d.collection_name ?? 'ansible-core'} in a release after ${d.date}.`
        : d.version
          ? ` This feature will be removed in version ${d.version}.`
          : '';
      this.deprecation(`${d.msg}.${when}`);
    }
    delete res.deprecations;
  }
  /** CallbackBase._handle_exception: a failure's traceback, its last line below -vvv. */
  handleException(res: TaskResult): void {
    if (res.exception === undefined) return;
    const text = String(res.exception);
    if (this.verbosity < 3)
      this.#line(
        `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${text.trim().split('\n').pop()}`,
        'failed',
      );
    else {
      this.#line(`The full traceback is:\n${text}`, 'failed');
      delete res.exception;
    }
  }

  playbookStart(file: string): void {
    if (this.verbosity >= 2) this.#banner(`PLAYBOOK: ${file.split('/').pop()}`);
  }
  playCount(file: string, count: number): void {
    if (this.verbosity >= 2) this.#line(`${count} plays in ${file}`);
  }
  display(text: string): void {
    this.#line(text);
  }
  verbose(level: number, message: string): void {
    if (this.verbosity >= level) this.#line(message, 'verbose');
  }
  playStart(_play: Play, name: string): void {
    this.#banner(name ? `PLAY [${name}]` : 'PLAY');
  }
  taskStart(task: Task, name: string, handler?: boolean): void {
    // the callback's ' ' + ', '.join('%s=%s' % a for a in task.args.items()) (a space even with no args), unless
    // the task is no_log
    const args =
      this.options.args && !this.noLogOf(task)
        ? ' ' +
          Object.entries(task.args)
            .map(([k, v]) => `${k}=${pyStr(v)}`)
            .join(', ')
        : '';
    this.forgetTaskWarnings();
    this.#banner(`${handler ? 'RUNNING HANDLER' : 'TASK'} [${name}${args}]`);
    if (this.verbosity >= 2) this.#line(`task path: ${task.pos.file}:${task.pos.line}`);
  }
  itemResult(hostName: string, task: Task, { result: raw, status, label }: ItemOutcome): void {
    const host = hostLabel(hostName, raw);
    const noLog = this.noLogOf(task);
    const res = cleanCopy(task.action, raw, noLog);
    // clean_copy has replaced a censored result, so Ansible 2.14 finds no label in it and prints None
    const shownLabel = noLog || raw._ansible_no_log === true ? 'None' : label;
    if (status === 'failed' || status === 'ignored') {
      cleanResults(res, task.action);
      this.handleException(res);
      this.handleWarnings(res);
      this.#line(`failed: [${host}] (item=${shownLabel}) => ${dumpResults(res, this.verbosity)}`, 'failed');
      return;
    }
    if (status === 'skipped') {
      cleanResults(res, task.action);
      this.#line(
        `skipping: [${host}] => (item=${shownLabel}) ${this.#verbose(res) ? ` => ${dumpResults(res, this.verbosity)}` : ''}`,
        'skipped',
      );
      return;
    }
    const word = raw.changed ? 'changed' : 'ok';
    this.fileDiff(res);
    cleanResults(res, task.action);
    this.#line(
      `${word}: [${host}] => (item=${shownLabel})${this.#verbose(res) ? ` => ${dumpResults(res, this.verbosity)}` : ''}`,
      word,
    );
  }
  taskResult(hostName: string, task: Task, raw: TaskResult, status: ResultStatus): void {
    if (status === 'ok' && ['include_tasks', 'include_role', 'include'].includes(task.action)) return; // its `included:` lines said it
    const host = hostLabel(hostName, raw);
    const res = cleanCopy(task.action, raw, this.noLogOf(task));
    const loop =
      Array.isArray(res.results) &&
      (task.keywords.loop !== undefined || Object.keys(task.keywords).some((k) => k.startsWith('with_')));
    switch (status) {
      case 'failed':
      case 'ignored':
        cleanResults(res, task.action);
        this.handleException(res);
        this.handleWarnings(res);
        // the items said it, unless cleaning took the results away (a debug task's failure keeps only its msg)
        if (!(loop && Array.isArray(res.results)))
          this.#line(`fatal: [${host}]: FAILED! => ${dumpResults(res, this.verbosity)}`, 'failed');
        if (status === 'ignored') this.#line('...ignoring', 'skipped');
        break;
      case 'ok':
      case 'changed': {
        if (!loop) this.fileDiff(res);
        this.handleWarnings(res);
        if (loop) break;
        cleanResults(res, task.action);
        this.#line(
          `${status}: [${host}]${this.#verbose(res) ? ` => ${dumpResults(res, this.verbosity)}` : ''}`,
          status,
        );
        break;
      }
      case 'skipped':
        cleanResults(res, task.action);
        this.#line(
          `skipping: [${host}]${this.#verbose(res) ? ` => ${dumpResults(res, this.verbosity)}` : ''}`,
          'skipped',
        );
        break;
      case 'unreachable':
        this.#line(`fatal: [${host}]: UNREACHABLE! => ${dumpResults(res, this.verbosity)}`, 'unreachable');
        break;
      case 'rescued':
        break;
    }
  }
  /** v2_on_file_diff, sent in --diff mode for an ok result that has a diff: shown when the task changed something. */
  fileDiff(res: TaskResult): void {
    if (!this.options.diff || !res.changed || !truthy(res.diff)) return;
    const kinds = { add: 'diffAdd', remove: 'diffRemove', lines: 'diffLines' } as const;
    const text = diffOutput(res.diff, (line: string, kind: DiffColor) => (kind ? this.#c(kinds[kind], line) : line));
    if (text) this.out.write(text.endsWith('\n') ? text : text + '\n');
  }
  retry(host: string, task: Task, { name, retriesLeft: left, result }: RetryNotice): void {
    this.#line(
      `FAILED - RETRYING: [${host}]: ${name} (${left} retries left).${this.#verbose(result, 2) ? `Result was: ${dumpResults(cleanCopy(task.action, result, this.noLogOf(task)), this.verbosity)}` : ''}`,
      'debug',
    );
  }
  notified(handler: string, host: string): void {
    if (this.verbosity > 1) this.#line(`NOTIFIED HANDLER ${handler} for ${host}`, 'verbose');
  }
  included(file: string, hosts: string[], item?: string): void {
    this.#line(`included: ${file} for ${hosts.join(', ')}${item !== undefined ? ` => (item=${item})` : ''}`, 'skipped');
  }
  /** A new task runs: a worker's Display, which shows each warning once, starts afresh. */
  forgetTaskWarnings(): void {
    this.#taskWarned.clear();
  }
  warning(message: string, duringTask = false, formatted = false): void {
    const wrapped = formatted
      ? `\n[WARNING]: \n${message.replace(/\n?$/, '\n')}`
      : wrap(`[WARNING]: ${message}`, this.out.columns).join('\n') + '\n';
    const warned = duringTask ? this.#taskWarned : this.#warned;
    if (warned.has(wrapped)) return;
    warned.add(wrapped);
    this.out.error(this.#c('warn', wrapped.replace(/\n$/, '')) + '\n');
  }
  error(error: TsibleError): void {
    const text = formatError(error);
    this.out.error(this.#c('failed', text.replace(/\n$/, '')) + '\n');
  }
  deprecation(message: string): void {
    const text = wrap(
      `[DEPRECATION WARNING]: ${message} Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.`,
      this.out.columns,
      { dropWhitespace: false },
    )
      .join('\n')
      .trim();
    if (this.#warned.has(text)) return;
    this.#warned.add(text);
    this.out.error(this.#c('warn', text) + '\n');
  }
  noHostsLeft(): void {
    this.#banner('NO MORE HOSTS LEFT');
  }
  noHostsMatched(): void {
    this.#line('skipping: no hosts matched', 'skipped');
  }
  playbookEnd(stats: Map<string, HostStats>, custom?: CustomStats): void {
    this.#recap(stats);
    if (custom) this.#customStats(custom);
  }
  /** The custom statistics after the recap: each host's, then the run's, each on one line. */
  #customStats(custom: CustomStats): void {
    this.#banner('CUSTOM STATS:');
    // _dump_results(stats, indent=1) with its newlines taken out
    const oneLine = (v: Record<string, unknown>) => dumpResults(v, this.verbosity, 1).replaceAll('\n', '');
    for (const host of Object.keys(custom).sort())
      if (host !== '_run') this.#line(`\t${host}: ${oneLine(custom[host]!)}`);
    if (custom._run) this.out.write(`\n\tRUN: ${oneLine(custom._run)}\n`);
    this.out.write('\n');
  }
  #recap(stats: Map<string, HostStats>): void {
    this.#banner('PLAY RECAP');
    for (const host of [...stats.keys()].sort()) {
      const s = stats.get(host)!;
      const f = (name: string, n: number, color: keyof typeof COLORS) => {
        const t = `${name}=${String(n).padEnd(4)}`;
        return n ? this.#c(color, t) : t;
      };
      const hostColor: keyof typeof COLORS = s.failures || s.unreachable ? 'failed' : s.changed ? 'changed' : 'ok';
      // hostcolor pads the coloured text ("%-37s"), so the spaces come after the colour is reset
      const hostText = this.out.color
        ? `${COLORS[hostColor]}${host}${COLORS.reset}${' '.repeat(Math.max(0, 26 - host.length))}`
        : host.padEnd(26);
      this.#line(
        `${hostText} : ${f('ok', s.ok, 'ok')} ${f('changed', s.changed, 'changed')} ${f('unreachable', s.unreachable, 'unreachable')} ${f('failed', s.failures, 'failed')} ${f('skipped', s.skipped, 'skipped')} ${f('rescued', s.rescued, 'ok')} ${f('ignored', s.ignored, 'warn')}`,
      );
    }
    this.out.write('\n');
  }
}
