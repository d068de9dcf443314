/** Where a piece of YAML came from: every Play, Block, Task and error carries one. */
export interface Pos {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** ansible-playbook's exit codes (lib/ansible/cli/__init__.py and the task queue manager). */
export const ExitCode = {
  Ok: 0,
  Error: 1,
  TaskFailed: 2,
  /** argparse's own exit code for a command line it cannot parse. */
  UsageError: 2,
  ParseError: 4,
  HostsUnreachable: 4,
  OptionsError: 5,
  Interrupted: 99,
  Unexpected: 250,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class TsibleError extends Error {
  readonly pos?: Pos;
  exitCode: ExitCode = ExitCode.Error;
  constructor(message: string, opts: { pos?: Pos; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.pos = opts.pos;
  }
}
/** A Python exception out of ansible-playbook's own code, which it reports as an unexpected exception (exit 250):
 * tsible raises it where Ansible fails that way, with Python's message (and may add its own lines after it). */
export class UnexpectedError extends TsibleError {
  override exitCode: ExitCode = ExitCode.Unexpected;
  constructor(pythonMessage: string, more = '') {
    super(`Unexpected Exception, this is probably a bug: ${pythonMessage}${more ? `\n${more}` : ''}`);
  }
}
/** YAML or playbook structure that Ansible refuses at load time (exit 4). */
export class ParseError extends TsibleError {
  override exitCode: ExitCode = ExitCode.ParseError;
}
/** Bad command-line options (exit 5). */
export class OptionsError extends TsibleError {
  override exitCode: ExitCode = ExitCode.OptionsError;
}
/** Refused while Ansible is starting, before its command line is read (a config file it cannot read): printed as
 * `ERROR: message`, exit 5. */
export class StartupError extends OptionsError {}
/** A command line argparse would refuse (unknown option, missing or invalid value): the usage line, then the
 * error, exit 2. */
export class UsageError extends OptionsError {
  override exitCode: ExitCode = ExitCode.UsageError;
}
/** A template failed to render; fails the task that rendered it. */
export class TemplateError extends TsibleError {}
/** A variable or attribute is undefined; Ansible wraps it in the task-level message. */
export class UndefinedError extends TemplateError {}
/** A template Jinja2 would not parse (its TemplateSyntaxError), worded as Ansible reports it. */
export class TemplateSyntaxError extends TemplateError {}
/** A template failure Ansible raises with the task as its object, so its message ends with where the task is
 * (a failed conditional check); other template failures name no position. */
export class TaskTemplateError extends TemplateError {}
/** Ctrl-C or the debugger's quit. */
export class InterruptedError extends TsibleError {
  override exitCode: ExitCode = ExitCode.Interrupted;
}
