// Ansible's playbook keywords, declared once: the loader checks keys against these tables, and the executor
// reads inheritance from them (lib/ansible/playbook/{base,play,block,task}.py).
export const COMMON_KEYWORDS = [
  'any_errors_fatal',
  'become',
  'become_exe',
  'become_flags',
  'become_method',
  'become_user',
  'check_mode',
  'collections',
  'connection',
  'debugger',
  'diff',
  'environment',
  'ignore_errors',
  'ignore_unreachable',
  'module_defaults',
  'name',
  'no_log',
  'port',
  'remote_user',
  'run_once',
  'tags',
  'throttle',
  'timeout',
  'vars',
  'when',
  'delegate_to',
  'delegate_facts',
] as const;

export const TASK_KEYWORDS = new Set<string>([
  ...COMMON_KEYWORDS,
  'action',
  'args',
  'async',
  'changed_when',
  'delay',
  'failed_when',
  'local_action',
  'loop',
  'loop_control',
  'notify',
  'poll',
  'register',
  'retries',
  'until',
  'listen',
]);
export const BLOCK_KEYWORDS = new Set<string>([...COMMON_KEYWORDS, 'block', 'rescue', 'always', 'notify']);
export const PLAY_KEYWORDS = new Set<string>([
  ...COMMON_KEYWORDS,
  'hosts',
  'gather_facts',
  'gather_subset',
  'gather_timeout',
  'fact_path',
  'vars_files',
  'vars_prompt',
  'pre_tasks',
  'tasks',
  'post_tasks',
  'handlers',
  'roles',
  'strategy',
  'serial',
  'max_fail_percentage',
  'order',
  'force_handlers',
  'import_playbook',
]);

/** get_reserved_names(): every Play, Role, Block and Task attribute (with_ for the loops); a play's variable
 * of such a name draws Ansible's "Found variable using reserved name" warning. */
export const RESERVED_NAMES = new Set<string>([
  ...TASK_KEYWORDS,
  ...BLOCK_KEYWORDS,
  ...PLAY_KEYWORDS,
  'with_',
  'dependencies',
  'allow_duplicates',
  'implicit',
  'uuid',
  'finalized',
  'squashed',
  'loop_with',
  'async_val',
  'hosts',
  'role_names',
]);

/** Keywords a task inherits from its blocks, role and play (those with `inherit=True` upstream). */
export const INHERITED = [
  'any_errors_fatal',
  'check_mode',
  'debugger',
  'diff',
  'environment',
  'ignore_errors',
  'ignore_unreachable',
  'module_defaults',
  'no_log',
  'run_once',
  'delegate_to',
  'become',
  'become_user',
] as const;

export const LOOP_LOOKUP_PREFIX = 'with_';

/** Types of the keywords whose shape Ansible checks at load time (FieldAttribute isa=...). */
export const KEYWORD_TYPES: Readonly<Record<string, 'string' | 'dict' | 'list-or-dict' | 'list'>> = {
  name: 'string',
  register: 'string',
  delegate_to: 'string',
  connection: 'string',
  become_user: 'string',
  become_method: 'string',
  remote_user: 'string',
  listen: 'list',
  loop_control: 'dict',
  vars: 'list-or-dict',
  tags: 'list',
  environment: 'list-or-dict',
};

const YAML_CLASS = (v: unknown) =>
  Array.isArray(v) ? 'ansible.parsing.yaml.objects.AnsibleSequence' : 'ansible.parsing.yaml.objects.AnsibleMapping';

/** Ansible's load-time message for a keyword of the wrong shape, or undefined when it is fine. */
export function keywordTypeError(key: string, value: unknown, owner: 'Task' | 'Block' | 'Play'): string | undefined {
  const type = KEYWORD_TYPES[key];
  if (!type || value === null || value === undefined) return undefined;
  const isDict = typeof value === 'object' && !Array.isArray(value);
  switch (type) {
    case 'string':
      if (typeof value === 'object')
        return `The field '${key}' is supposed to be a string type, however the incoming data structure is a <class '${YAML_CLASS(value)}'>`;
      return undefined;
    case 'dict':
      if (key === 'loop_control' && !isDict)
        return 'the `loop_control` value must be specified as a dictionary and cannot be a variable itself (though it can contain variables)';
      return undefined;
    case 'list-or-dict':
      if (
        key === 'vars' &&
        !isDict &&
        !(Array.isArray(value) && value.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x)))
      )
        return `Vars in a ${owner} must be specified as a dictionary, or a list of dictionaries`;
      return undefined;
    case 'list':
      return undefined;
  }
}
