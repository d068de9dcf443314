// Ansible's playbook keywords, declared once: the loader checks keys against these tables, and the executor
// reads inheritance from them (lib/ansible/playbook/{base,play,block,task}.py).
export const COMMON_KEYWORDS = [
  'any_errors_fatal', 'become', 'become_exe', 'become_flags', 'become_method', 'become_user', 'check_mode', 'collections',
  'connection', 'debugger', 'diff', 'environment', 'ignore_errors', 'ignore_unreachable', 'module_defaults', 'name', 'no_log',
  'port', 'remote_user', 'run_once', 'tags', 'throttle', 'timeout', 'vars', 'when', 'delegate_to', 'delegate_facts',
] as const;

export const TASK_KEYWORDS = new Set<string>([
  ...COMMON_KEYWORDS, 'action', 'args', 'async', 'changed_when', 'delay', 'failed_when', 'local_action', 'loop',
  'loop_control', 'notify', 'poll', 'register', 'retries', 'until', 'listen',
]);
export const BLOCK_KEYWORDS = new Set<string>([...COMMON_KEYWORDS, 'block', 'rescue', 'always', 'notify']);
export const PLAY_KEYWORDS = new Set<string>([
  ...COMMON_KEYWORDS, 'hosts', 'gather_facts', 'gather_subset', 'gather_timeout', 'fact_path', 'vars_files', 'vars_prompt',
  'pre_tasks', 'tasks', 'post_tasks', 'handlers', 'roles', 'strategy', 'serial', 'max_fail_percentage', 'order', 'force_handlers',
  'import_playbook',
]);

/** Keywords a task inherits from its blocks, role and play (those with `inherit=True` upstream). */
export const INHERITED = ['any_errors_fatal', 'check_mode', 'debugger', 'diff', 'environment', 'ignore_errors', 'ignore_unreachable',
  'module_defaults', 'no_log', 'run_once', 'delegate_to', 'become', 'become_user'] as const;

export const LOOP_LOOKUP_PREFIX = 'with_';
