// Privilege escalation: tsible runs every task as the user running it (README), whatever `become` says, but it
// refuses a become method Ansible would not find, as TaskExecutor._set_become_plugin does for every task that
// becomes (the method named by ansible_become_method, else the keyword, else --become-method/DEFAULT_BECOME_METHOD).
import { configValue } from '../config.js';
import type { Task } from '../playbook/model.js';
import type { TaskResult } from '../module.js';
import { pyBoolean, pyStr } from '../python/python.js';
import type { Templar } from '../template/templar.js';
import type { RunContext } from './context.js';

/** Become plugins ansible-core 2.14 finds: its own, under every name it answers to, and those it redirects to a
 * collection (ansible_builtin_runtime.yml), under their short and full names. */
const BECOME_METHODS = new Set([
  ...['runas', 'su', 'sudo'].flatMap((m) => [m, `ansible.builtin.${m}`, `ansible.legacy.${m}`]),
  ...['doas', 'dzdo', 'ksu', 'machinectl', 'pbrun', 'pfexec', 'pmrun', 'sesu', 'sudosu'].flatMap((m) => [
    m,
    `community.general.${m}`,
  ]),
  'enable',
  'ansible.netcommon.enable',
]);

/** The failure of a task that becomes with a method Ansible has no plugin for, or undefined. */
export function becomeFailure(ctx: RunContext, task: Task, templar: Templar): TaskResult | undefined {
  const byVar = templar.lookup('ansible_become');
  const become =
    byVar !== undefined && byVar !== null
      ? pyBoolean(byVar, false)
      : pyBoolean(templar.template(ctx.keyword(task, 'become') ?? configValue('DEFAULT_BECOME', ctx.opts.env)), false);
  if (!become) return undefined;
  const methodVar = templar.lookup('ansible_become_method');
  const method = pyStr(
    methodVar ||
      templar.template(ctx.keyword(task, 'become_method') ?? configValue('DEFAULT_BECOME_METHOD', ctx.opts.env)),
  );
  if (BECOME_METHODS.has(method)) return undefined;
  return {
    failed: true,
    msg: `Invalid become method specified, could not find matching plugin: '${method}'. Use \`ansible-doc -t become -l\` to list available plugins.`,
  };
}
