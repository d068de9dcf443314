// Ansible 2.14's playbook keywords, declared once as its FieldAttributes declare them (lib/ansible/playbook/
// {base,taggable,conditional,collectionsearch,block,task,handler,play}.py, role/include.py): where each is valid,
// its type, whether a task inherits it, its default, its alias, and whether tsible implements it. Every list the
// loader, the validator and the executor use is derived from this one table.
import type { Pos } from '../errors.js';
import { BOOLEANS_TEXT, isDict, pyBoolean, pyRepr, pyStr } from '../python/python.js';

/** Where a keyword may be written: a play, a block, a task, a handler, or a role entry (`roles:` or a
 * dependency in meta/main.yml: RoleInclude). */
type Level = 'play' | 'block' | 'task' | 'handler' | 'role';

/** Ansible's `isa`. `action` is not one: it marks the keys ModuleArgsParser reads (action, local_action), whose
 * value is a module call, a string or a dict. */
type FieldType = 'string' | 'bool' | 'int' | 'percent' | 'list' | 'dict' | 'class' | 'any' | 'action';

interface KeywordSpec {
  readonly where: readonly Level[];
  readonly type: FieldType;
  /** FieldAttribute (inherited: the task's value, else its blocks', role's, play's) or NonInheritableFieldAttribute
   * (absent); `extend` (extend=True upstream): the values of every level are gathered instead, play first. */
  readonly inherit?: 'nearest' | 'extend';
  /** Ansible's value when nothing sets it (None is null), with no command-line options and default settings. */
  readonly default: unknown;
  /** Another name the YAML may use (`async` for async_val). */
  readonly alias?: string;
  /** An internal attribute: reserved as a variable name, but not a key tsible accepts. */
  readonly private?: boolean;
  readonly implemented: boolean;
  /** For a keyword tsible does not implement: the values for which ignoring it is what Ansible does too (its
   * default, or what tsible always does), or 'any' when no value can matter here. Any other value draws a
   * warning when the playbook is loaded. Unset (undefined or null) never does. */
  readonly harmless?: readonly unknown[] | 'any';
}

const ALL: readonly Level[] = ['play', 'block', 'task', 'handler', 'role'];
const BELOW_PLAY: readonly Level[] = ['block', 'task', 'handler', 'role'];
const TASKS: readonly Level[] = ['task', 'handler'];
const PLAY: readonly Level[] = ['play'];

const TABLE = {
  // Base: every play, block, task, handler and role entry
  name: { where: ALL, type: 'string', default: '', implemented: true },
  // tsible runs modules on the local machine only: the host's ansible_connection decides, and a host that is not
  // local fails with a message saying so; `local` is what tsible does anyway
  connection: {
    where: ALL,
    type: 'string',
    inherit: 'nearest',
    default: 'ssh',
    implemented: false,
    harmless: ['local'],
  },
  // the local connection has no port and runs as the current user, as Ansible's does
  port: { where: ALL, type: 'int', inherit: 'nearest', default: null, implemented: false, harmless: 'any' },
  remote_user: { where: ALL, type: 'string', inherit: 'nearest', default: null, implemented: false, harmless: 'any' },
  vars: { where: ALL, type: 'dict', default: {}, implemented: true },
  module_defaults: { where: ALL, type: 'list', inherit: 'extend', default: null, implemented: true },
  environment: { where: ALL, type: 'list', inherit: 'extend', default: null, implemented: true },
  no_log: { where: ALL, type: 'bool', inherit: 'nearest', default: false, implemented: true },
  run_once: { where: ALL, type: 'bool', inherit: 'nearest', default: null, implemented: true },
  ignore_errors: { where: ALL, type: 'bool', inherit: 'nearest', default: null, implemented: true },
  ignore_unreachable: { where: ALL, type: 'bool', inherit: 'nearest', default: null, implemented: true },
  check_mode: { where: ALL, type: 'bool', inherit: 'nearest', default: false, implemented: true },
  // --diff (-D) and `diff: false` are honoured; `diff: true` without --diff shows no diff
  diff: { where: ALL, type: 'bool', inherit: 'nearest', default: false, implemented: false, harmless: [false] },
  any_errors_fatal: { where: ALL, type: 'bool', inherit: 'nearest', default: false, implemented: true },
  // at most this many of the task's hosts run it at once (fewer than forks; 0: forks)
  throttle: { where: ALL, type: 'int', inherit: 'nearest', default: 0, implemented: true },
  timeout: { where: ALL, type: 'int', inherit: 'nearest', default: 0, implemented: true },
  debugger: { where: ALL, type: 'string', inherit: 'nearest', default: null, implemented: true },
  // tasks run as the user running tsible; the become_* settings matter only under `become`, which warns
  become: { where: ALL, type: 'bool', inherit: 'nearest', default: false, implemented: false, harmless: [false] },
  become_method: {
    where: ALL,
    type: 'string',
    inherit: 'nearest',
    default: 'sudo',
    implemented: false,
    harmless: 'any',
  },
  become_user: { where: ALL, type: 'string', inherit: 'nearest', default: null, implemented: false, harmless: 'any' },
  become_flags: { where: ALL, type: 'string', inherit: 'nearest', default: null, implemented: false, harmless: 'any' },
  become_exe: { where: ALL, type: 'string', inherit: 'nearest', default: null, implemented: false, harmless: 'any' },
  // Taggable, CollectionSearch
  tags: { where: ALL, type: 'list', inherit: 'extend', default: [], implemented: true },
  // tsible finds every module it has by its short name, FQCN and old names, with no collection search path
  collections: { where: ALL, type: 'list', inherit: 'nearest', default: [], implemented: false, harmless: 'any' },
  // Conditional, and Block/Task/Role's delegation
  when: { where: BELOW_PLAY, type: 'list', inherit: 'extend', default: [], implemented: true },
  delegate_to: { where: BELOW_PLAY, type: 'string', inherit: 'nearest', default: null, implemented: true },
  delegate_facts: {
    where: BELOW_PLAY,
    type: 'bool',
    inherit: 'nearest',
    default: null,
    implemented: true,
  },
  // Block
  block: { where: ['block'], type: 'list', default: [], implemented: true },
  rescue: { where: ['block'], type: 'list', default: [], implemented: true },
  always: { where: ['block'], type: 'list', default: [], implemented: true },
  notify: { where: ['block', 'task', 'handler'], type: 'list', inherit: 'nearest', default: null, implemented: true },
  // Task (ModuleArgsParser reads action, local_action and the module's own key)
  action: { where: TASKS, type: 'action', default: null, implemented: true },
  local_action: { where: TASKS, type: 'action', default: null, implemented: true },
  args: { where: TASKS, type: 'dict', default: {}, implemented: true },
  // tsible runs every task to its end before the next; the result has none of async's keys (ansible_job_id...)
  async_val: { where: TASKS, type: 'int', alias: 'async', default: 0, implemented: false, harmless: [0] },
  poll: { where: TASKS, type: 'int', default: 15, implemented: false, harmless: 'any' },
  changed_when: { where: TASKS, type: 'list', default: [], implemented: true },
  failed_when: { where: TASKS, type: 'list', default: [], implemented: true },
  delay: { where: TASKS, type: 'int', default: 5, implemented: true },
  retries: { where: TASKS, type: 'int', default: 3, implemented: true },
  until: { where: TASKS, type: 'list', default: [], implemented: true },
  loop: { where: TASKS, type: 'any', default: null, implemented: true },
  loop_control: {
    where: TASKS,
    type: 'class',
    default: { loop_var: 'item', index_var: null, label: null, pause: 0, extended: null, extended_allitems: true },
    implemented: true,
  },
  // with_<lookup> sets it; tsible reads the with_ key itself
  loop_with: { where: TASKS, type: 'string', default: null, private: true, implemented: true },
  register: { where: TASKS, type: 'string', default: null, implemented: true },
  // Handler
  listen: { where: ['handler'], type: 'list', default: [], implemented: true },
  // Play
  hosts: { where: PLAY, type: 'list', default: null, implemented: true },
  gather_facts: { where: PLAY, type: 'bool', default: null, implemented: true },
  // tsible gathers one fixed set of facts, read locally at once
  gather_subset: { where: PLAY, type: 'list', default: ['all'], implemented: true, harmless: ['all', ['all']] },
  gather_timeout: { where: PLAY, type: 'int', default: 10, implemented: false, harmless: 'any' },
  fact_path: { where: PLAY, type: 'string', default: null, implemented: true, harmless: [] },
  vars_files: { where: PLAY, type: 'list', default: [], implemented: true },
  vars_prompt: { where: PLAY, type: 'list', default: [], implemented: true },
  roles: { where: PLAY, type: 'list', default: [], implemented: true },
  handlers: { where: PLAY, type: 'list', default: [], implemented: true },
  pre_tasks: { where: PLAY, type: 'list', default: [], implemented: true },
  tasks: { where: PLAY, type: 'list', default: [], implemented: true },
  post_tasks: { where: PLAY, type: 'list', default: [], implemented: true },
  force_handlers: { where: PLAY, type: 'bool', default: false, implemented: true },
  max_fail_percentage: { where: PLAY, type: 'percent', default: null, implemented: true },
  serial: { where: PLAY, type: 'list', default: [], implemented: true },
  // tsible's executor is the linear strategy; `debug` is the task debugger's (src/debugger)
  strategy: { where: PLAY, type: 'string', default: 'linear', implemented: false, harmless: ['linear', 'debug'] },
  order: { where: PLAY, type: 'string', default: null, implemented: true },
} as const satisfies Record<string, KeywordSpec>;

export type KeywordName = keyof typeof TABLE;
/** The keywords whose values gather along the chain (environment, module_defaults, tags, when). */
export type ExtendKeyword = {
  [K in KeywordName]: (typeof TABLE)[K] extends { inherit: 'extend' } ? K : never;
}[KeywordName];

interface Keyword extends KeywordSpec {
  readonly name: KeywordName;
}

/** The table, one entry a keyword. */
export const KEYWORDS: readonly Keyword[] = Object.entries(TABLE).map(([name, spec]) => ({
  name: name as KeywordName,
  ...(spec as KeywordSpec),
}));

const BY_NAME = new Map<string, Keyword>();
for (const k of KEYWORDS) {
  BY_NAME.set(k.name, k);
  if (k.alias) BY_NAME.set(k.alias, k);
}

/** A keyword by its name or alias. */
export const keywordSpec = (name: string): Keyword | undefined => BY_NAME.get(name);
export const isInherited = (name: string): boolean => BY_NAME.get(name)?.inherit !== undefined;
export const keywordDefault = (name: KeywordName): unknown => TABLE[name].default;
/** The name a keyword is stored under when the YAML uses its alias (`async` is async_val). */
export const canonicalKeyword = (key: string): string => BY_NAME.get(key)?.name ?? key;

/** `with_<lookup>`: a loop over a lookup's answer (Ansible reserves the prefix itself as a name). */
const LOOP_PREFIX = 'with_';
export const isLoopKeyword = (key: string): boolean => key.startsWith(LOOP_PREFIX);
/** The lookups ansible-core ships, and those its routing sends to a collection (ansible_builtin_runtime.yml):
 * Task.preprocess_data makes `with_<lookup>` a loop only for a lookup the loader finds (these, or a collection's
 * by its full name); any other `with_` key stays an attribute no task has. */
const BUILTIN_LOOKUPS = new Set(
  [
    'config csvfile dict env file fileglob first_found indexed_items ini inventory_hostnames items lines list nested',
    'password pipe random_choice sequence subelements template together unvault url varnames vars',
    'avi aws_account_attribute aws_secret aws_service_ip_ranges aws_ssm cartesian chef_databag conjur_variable',
    'consul_kv cpm_metering cpm_status credstash cyberarkpassword dig dnstxt etcd filetree flattened',
    'formerly_core_lookup gcp_storage_file grafana_dashboard hashi_vault hiera k8s keyring laps_password lastpass',
    'lmdb_kv manifold mongodb nios nios_next_ip nios_next_network onepassword onepassword_raw openshift',
    'passwordstore rabbitmq redis shelvefile skydive',
  ]
    .join(' ')
    .split(' '),
);
export const isLoopOverLookup = (key: string): boolean =>
  isLoopKeyword(key) && (BUILTIN_LOOKUPS.has(key.slice(LOOP_PREFIX.length)) || key.includes('.'));

const spellings = (k: Keyword): string[] => (k.alias ? [k.name, k.alias] : [k.name]);
const validAt = (level: Level): ReadonlySet<string> =>
  new Set(KEYWORDS.filter((k) => k.where.includes(level) && !k.private).flatMap(spellings));
const VALID: Readonly<Record<Level, ReadonlySet<string>>> = {
  play: validAt('play'),
  block: validAt('block'),
  task: validAt('task'),
  handler: validAt('handler'),
  role: validAt('role'),
};

/** The keys a play, block, task, handler or role entry may have (with_<lookup> aside, for tasks). */
export const keywordsValidAt = (level: Level): ReadonlySet<string> => VALID[level];

/** get_reserved_names(): every attribute of Play, Role, Block and Task, private ones and aliases included, with
 * local_action and with_; a variable of such a name draws Ansible's "Found variable using reserved name". */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  ...KEYWORDS.filter((k) => k.where.some((w) => w !== 'handler')).flatMap(spellings),
  LOOP_PREFIX,
]);

/** The keywords tsible accepts but does not implement (see `harmless` for those that warn). */
export const UNIMPLEMENTED: readonly KeywordName[] = KEYWORDS.filter((k) => !k.implemented).map((k) => k.name);

const YAML_CLASS = (v: unknown) =>
  Array.isArray(v) ? 'ansible.parsing.yaml.objects.AnsibleSequence' : 'ansible.parsing.yaml.objects.AnsibleMapping';

/** LoopControl's attributes. */
const LOOP_CONTROL = ['loop_var', 'index_var', 'label', 'pause', 'extended', 'extended_allitems'];

/** Ansible's load-time message for a keyword of the wrong shape, or undefined when it is fine: the `_load_vars`
 * and `_load_loop_control` checks, and validate()'s for every string field. */
export function keywordTypeError(
  key: string,
  value: unknown,
  owner: 'Task' | 'Handler' | 'Block' | 'Play',
): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (key === 'vars') {
    if (!isDict(value) && !(Array.isArray(value) && value.every(isDict)))
      return `Vars in a ${owner} must be specified as a dictionary, or a list of dictionaries`;
    const bad = (Array.isArray(value) ? value : [value])
      .flatMap((v) => Object.keys(v as object))
      .find((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
    return bad === undefined
      ? undefined
      : `Invalid variable name in vars specified for ${owner}: '${bad}' is not a valid variable name`;
  }
  if (key === 'loop_control') {
    if (!isDict(value))
      return 'the `loop_control` value must be specified as a dictionary and cannot be a variable itself (though it can contain variables)';
    const bad = Object.keys(value).find((n) => !LOOP_CONTROL.includes(n));
    return bad === undefined ? undefined : `'${bad}' is not a valid attribute for a LoopControl`;
  }
  if (key === 'module_defaults' && !(isDict(value) || (Array.isArray(value) && value.every(isDict))))
    return `The field 'module_defaults' is supposed to be a dictionary or list of dictionaries, the keys of which must be static action, module, or group names. Only the values may contain templates. For example: {'ping': "{{ ping_defaults }}"}`;
  if (key === 'collections') {
    const bad = (Array.isArray(value) ? value : [value]).find((c) => typeof c !== 'string');
    if (bad !== undefined)
      return `the field 'collections' should be a list of (<class 'str'>,), but the item '${pyStr(bad)}' is a <class '${typeof bad === 'number' ? 'int' : typeof bad}'>`;
  }
  if (BY_NAME.get(key)?.type === 'string' && typeof value === 'object')
    return `The field '${key}' is supposed to be a string type, however the incoming data structure is a <class '${YAML_CLASS(value)}'>`;
  return undefined;
}

/** True when ignoring the keyword gives Ansible's behaviour for this value. A template cannot be judged before
 * it runs, so it is not harmless. */
function isHarmless(k: Keyword, value: unknown): boolean {
  if (value === undefined || value === null || k.harmless === 'any') return true;
  const given = k.type === 'bool' ? pyBoolean(value, true) : k.type === 'int' ? intValue(value) : value;
  const json = JSON.stringify(given);
  return given !== undefined && (k.harmless ?? []).some((h) => JSON.stringify(h) === json);
}
const intValue = (v: unknown) => (typeof v === 'number' || /^\s*-?\d+\s*$/.test(String(v)) ? Number(v) : v);

/** Adds to `warnings` one for each keyword of a play, block, task, handler or role entry that tsible ignores
 * although its value would matter in Ansible. `owner` names what has the keywords ("task", "role 'web'"). */
export function warnIgnoredKeywords(
  ds: Readonly<Record<string, unknown>>,
  owner: string,
  pos: Pos,
  warnings: string[],
): void {
  for (const key in ds) {
    const k = BY_NAME.get(key);
    if (k && !k.implemented && !isHarmless(k, ds[key]))
      warnings.push(
        `Ignoring the '${key}' keyword of the ${owner} at ${pos.file}, line ${pos.line}, column ${pos.column}: tsible does not implement it.`,
      );
  }
}

/** Python's complaint about converting a value to a field's type (FieldAttribute's post_validate), if any. */
function conversionError(type: FieldType, value: unknown): string | undefined {
  const unhashable = Array.isArray(value) ? 'list' : isDict(value) ? 'dict' : undefined;
  if (type === 'bool') {
    if (unhashable) return `unhashable type: '${unhashable}'`;
    return pyBoolean(value, true) === undefined
      ? `The value ${pyRepr(value)} is not a valid boolean.  Valid booleans include: ${BOOLEANS_TEXT}`
      : undefined;
  }
  if (type === 'int' || type === 'percent') {
    if (unhashable) return `int() argument must be a string, a bytes-like object or a real number, not '${unhashable}'`;
    if (typeof value !== 'string' || /^\s*[-+]?\d+(_\d+)*\s*$/.test(value)) return undefined;
    if (type === 'int') return `invalid literal for int() with base 10: ${pyRepr(value)}`;
    return /^\s*[-+]?(\d+\.?\d*|\.\d+)%?\s*$/.test(value)
      ? undefined
      : `could not convert string to float: ${pyRepr(value)}`;
  }
  return undefined;
}

/** Ansible's message for a keyword whose value (not a template) its type refuses, when a play, block or task is
 * validated: the first such keyword among `keys`, or undefined. */
export function keywordValueError(ds: Readonly<Record<string, unknown>>, keys: Iterable<string>): string | undefined {
  for (const key of keys) {
    const value = ds[key];
    const k = BY_NAME.get(key);
    if (!k || value === undefined || value === null || (typeof value === 'string' && /{{|{%/.test(value))) continue;
    const why = conversionError(k.type, value);
    if (why)
      return `the field '${key}' has an invalid value (${pyStr(value)}), and could not be converted to an ${k.type}.The error was: ${why}`;
  }
  return undefined;
}

/** The keywords a task's run checks before it runs: those whose error names the task (the integers, run_once,
 * any_errors_fatal, ignore_errors, no_log), then the other booleans (whose error does not). throttle is the
 * strategy's. */
const checkedAtTask = (types: string[]) =>
  KEYWORDS.filter((k) => types.includes(k.type) && k.where.includes('task') && k.name !== 'throttle').map(
    (k) => k.name,
  );
const NAMING_THE_TASK = ['run_once', 'any_errors_fatal', 'ignore_errors', 'no_log'];
export const TASK_CHECKED_NAMING_TASK = [...checkedAtTask(['int']), ...NAMING_THE_TASK];
export const TASK_CHECKED_OTHERS = checkedAtTask(['bool']).filter((k) => !NAMING_THE_TASK.includes(k));
/** The play's own keywords, checked when the play is loaded. */
export const PLAY_CHECKED_KEYWORDS = KEYWORDS.filter((k) => k.where.length === 1 && k.where[0] === 'play').map(
  (k) => k.name,
);
