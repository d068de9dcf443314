// Ansible's minimal stdout callback: a line per task and host (a command's output as it printed it), no banners,
// no item lines, no recap. Warnings, --diff and colours are the default callback's.
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import type { Callback, ResultStatus } from '../executor/events.js';
import { pyStr } from '../python/python.js';
import { cleanCopy, cleanResults, dumpResults, type DefaultCallback } from './default-callback.js';

/** C.MODULE_NO_JSON: what these return shows as the command's output. */
const NO_JSON = new Set(['command', 'shell', 'raw']);

/** _command_generic_msg: the caption and return code, then stdout, stderr and msg as they are. */
function commandMessage(host: string, res: TaskResult, caption: string): string {
  const text = (k: string) => (res[k] === undefined ? '' : pyStr(res[k]));
  // (its closing newline is the one Display.display adds)
  return `${host} | ${caption} | rc=${res.rc === undefined ? -1 : pyStr(res.rc)} >>\n${text('stdout')}${text('stderr')}${text('msg')}`;
}

export class MinimalCallback implements Callback {
  constructor(
    private readonly base: DefaultCallback,
    private readonly noLogOf: (t: Task) => boolean,
    private readonly verbosity: number,
  ) {}

  taskStart(): void {
    this.base.forgetTaskWarnings();
  }
  taskResult(host: string, task: Task, raw: TaskResult, status: ResultStatus): void {
    const res = cleanCopy(task.action, raw, this.noLogOf(task));
    const command = NO_JSON.has(task.action);
    if (status === 'failed' || status === 'ignored') {
      this.base.handleException(res);
      this.base.handleWarnings(res);
      const failed = command && !('module_stderr' in res);
      this.base.line(
        failed ? commandMessage(host, res, 'FAILED') : `${host} | FAILED! => ${dumpResults(res, this.verbosity, 4)}`,
        'failed',
      );
    } else if (status === 'ok' || status === 'changed') {
      this.base.fileDiff(res);
      cleanResults(res, task.action);
      this.base.handleWarnings(res);
      const state = raw.changed ? 'CHANGED' : 'SUCCESS';
      this.base.line(
        command && !('ansible_job_id' in res)
          ? commandMessage(host, res, state)
          : `${host} | ${state} => ${dumpResults(res, this.verbosity, 4)}`,
        status,
      );
    } else if (status === 'skipped') this.base.line(`${host} | SKIPPED`, 'skipped');
    else if (status === 'unreachable')
      this.base.line(`${host} | UNREACHABLE! => ${dumpResults(res, this.verbosity, 4)}`, 'unreachable');
  }
  warning(message: string, duringTask?: boolean, formatted?: boolean): void {
    this.base.warning(message, duringTask, formatted);
  }
  deprecation(message: string): void {
    this.base.deprecation(message);
  }
  display(text: string): void {
    this.base.display(text);
  }
}
