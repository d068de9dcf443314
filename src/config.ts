// Ansible's configuration settings that tsible knows (ansible-config's names, environment variables and 2.14
// defaults with no ansible.cfg), for lookup('config', ...). A setting's environment variables are read as
// Ansible's ConfigManager reads them: the last one set wins, converted by the setting's type.
import { homedir } from 'node:os';
import * as path from 'node:path';
import { pyBoolean, pyStr } from './python/python.js';

export type SettingType = 'boolean' | 'integer' | 'float' | 'string' | 'list' | 'pathspec' | 'path' | 'raw';
interface Setting {
  readonly type: SettingType;
  readonly env: readonly string[];
  readonly default: unknown;
}

const s = (type: SettingType, env: string | readonly string[], dflt: unknown): Setting => ({
  type,
  env: typeof env === 'string' ? [env] : env,
  default: dflt,
});
const color = (name: string, dflt: string) => [`COLOR_${name}`, s('string', `ANSIBLE_COLOR_${name}`, dflt)] as const;

// cowsay's stencils that Ansible accepts by default
const COWS = [
  ...['bud-frogs', 'bunny', 'cheese', 'daemon', 'default', 'dragon', 'elephant-in-snake', 'elephant', 'eyes'],
  ...['hellokitty', 'kitty', 'luke-koala', 'meow', 'milk', 'moofasa', 'moose', 'ren', 'sheep', 'small'],
  ...['stegosaurus', 'stimpy', 'supermilker', 'three-eyes', 'turkey', 'turtle', 'tux', 'udder', 'vader-koala'],
  ...['vader', 'www'],
];

const SETTINGS: ReadonlyMap<string, Setting> = new Map<string, Setting>([
  ['ANSIBLE_COW_ACCEPTLIST', s('list', ['ANSIBLE_COW_WHITELIST', 'ANSIBLE_COW_ACCEPTLIST'], COWS)],
  ['ANSIBLE_FORCE_COLOR', s('boolean', 'ANSIBLE_FORCE_COLOR', false)],
  ['ANSIBLE_NOCOLOR', s('boolean', ['ANSIBLE_NOCOLOR', 'NO_COLOR'], false)],
  ['ANY_ERRORS_FATAL', s('boolean', 'ANSIBLE_ANY_ERRORS_FATAL', false)],
  ['CALLBACKS_ENABLED', s('list', ['ANSIBLE_CALLBACK_WHITELIST', 'ANSIBLE_CALLBACKS_ENABLED'], [])],
  color('CHANGED', 'yellow'),
  color('DEBUG', 'dark gray'),
  color('DEPRECATE', 'purple'),
  color('DIFF_ADD', 'green'),
  color('DIFF_LINES', 'cyan'),
  color('DIFF_REMOVE', 'red'),
  color('ERROR', 'red'),
  color('HIGHLIGHT', 'white'),
  color('OK', 'green'),
  color('SKIP', 'cyan'),
  color('UNREACHABLE', 'bright red'),
  color('VERBOSE', 'blue'),
  color('WARN', 'bright purple'),
  [
    'COLLECTIONS_PATHS',
    s(
      'pathspec',
      ['ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_COLLECTIONS_PATHS'],
      '~/.ansible/collections:/usr/share/ansible/collections',
    ),
  ],
  ['DEFAULT_BECOME_USER', s('string', 'ANSIBLE_BECOME_USER', 'root')],
  ['DEFAULT_DEBUG', s('boolean', 'ANSIBLE_DEBUG', false)],
  ['DEFAULT_FORKS', s('integer', 'ANSIBLE_FORKS', 5)],
  ['DEFAULT_GATHERING', s('string', 'ANSIBLE_GATHERING', 'implicit')],
  ['DEFAULT_HASH_BEHAVIOUR', s('string', 'ANSIBLE_HASH_BEHAVIOUR', 'replace')],
  ['DEFAULT_JINJA2_EXTENSIONS', s('string', 'ANSIBLE_JINJA2_EXTENSIONS', [])],
  ['DEFAULT_JINJA2_NATIVE', s('boolean', 'ANSIBLE_JINJA2_NATIVE', false)],
  ['DEFAULT_KEEP_REMOTE_FILES', s('boolean', 'ANSIBLE_KEEP_REMOTE_FILES', false)],
  ['DEFAULT_LOAD_CALLBACK_PLUGINS', s('boolean', 'ANSIBLE_LOAD_CALLBACK_PLUGINS', false)],
  ['DEFAULT_MODULE_NAME', s('string', [], 'command')],
  ['DEFAULT_NULL_REPRESENTATION', s('raw', 'ANSIBLE_NULL_REPRESENTATION', null)],
  ['DEFAULT_POLL_INTERVAL', s('integer', 'ANSIBLE_POLL_INTERVAL', 15)],
  ['DEFAULT_PRIVATE_ROLE_VARS', s('boolean', 'ANSIBLE_PRIVATE_ROLE_VARS', false)],
  ['DEFAULT_REMOTE_PORT', s('integer', 'ANSIBLE_REMOTE_PORT', null)],
  ['DEFAULT_REMOTE_USER', s('string', 'ANSIBLE_REMOTE_USER', null)],
  [
    'DEFAULT_ROLES_PATH',
    s('pathspec', 'ANSIBLE_ROLES_PATH', '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles'),
  ],
  ['DEFAULT_STDOUT_CALLBACK', s('string', 'ANSIBLE_STDOUT_CALLBACK', 'default')],
  ['DEFAULT_STRATEGY', s('string', 'ANSIBLE_STRATEGY', 'linear')],
  ['DEFAULT_FORCE_HANDLERS', s('boolean', 'ANSIBLE_FORCE_HANDLERS', false)],
  ['DEFAULT_TIMEOUT', s('integer', 'ANSIBLE_TIMEOUT', 10)],
  ['DEFAULT_TRANSPORT', s('string', 'ANSIBLE_TRANSPORT', 'smart')],
  ['DEFAULT_UNDEFINED_VAR_BEHAVIOR', s('boolean', 'ANSIBLE_ERROR_ON_UNDEFINED_VARS', true)],
  ['DEFAULT_VERBOSITY', s('integer', 'ANSIBLE_VERBOSITY', 0)],
  ['DEPRECATION_WARNINGS', s('boolean', 'ANSIBLE_DEPRECATION_WARNINGS', true)],
  ['DISPLAY_ARGS_TO_STDOUT', s('boolean', 'ANSIBLE_DISPLAY_ARGS_TO_STDOUT', false)],
  ['DISPLAY_SKIPPED_HOSTS', s('boolean', 'ANSIBLE_DISPLAY_SKIPPED_HOSTS', true)],
  ['ENABLE_TASK_DEBUGGER', s('boolean', 'ANSIBLE_ENABLE_TASK_DEBUGGER', false)],
  ['HOST_KEY_CHECKING', s('boolean', 'ANSIBLE_HOST_KEY_CHECKING', true)],
  ['INVENTORY_UNPARSED_WARNING', s('boolean', 'ANSIBLE_INVENTORY_UNPARSED_WARNING', true)],
  ['LOCALHOST_WARNING', s('boolean', 'ANSIBLE_LOCALHOST_WARNING', true)],
  ['RETRY_FILES_ENABLED', s('boolean', 'ANSIBLE_RETRY_FILES_ENABLED', false)],
  ['RETRY_FILES_SAVE_PATH', s('path', 'ANSIBLE_RETRY_FILES_SAVE_PATH', null)],
  ['SHOW_CUSTOM_STATS', s('boolean', 'ANSIBLE_SHOW_CUSTOM_STATS', false)],
  ['TRANSFORM_INVALID_GROUP_CHARS', s('string', 'ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS', 'never')],
]);

const expand = (p: string) => path.resolve(p.replace(/^~(?=$|\/)/, homedir()));

/** ConfigManager's ensure_type for the types above. */
export function ensureType(value: unknown, type: SettingType): unknown {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : pyBoolean(text, false);
    case 'integer': {
      const n = Number.parseInt(text, 10);
      return Number.isNaN(n) ? value : n;
    }
    case 'float': {
      const n = Number.parseFloat(text);
      return Number.isNaN(n) ? value : n;
    }
    case 'string':
      // a bool or a number becomes its text (a variable's `ansible_port: 22` read as a string option)
      return typeof value === 'number' || typeof value === 'boolean' ? pyStr(value) : value;
    case 'list':
      return Array.isArray(value) ? value : text.split(',').map((x) => x.trim());
    case 'pathspec':
      return Array.isArray(value) ? value : text.split(':').map(expand);
    case 'path':
      return expand(text);
    default:
      return value;
  }
}

/** The value of a setting, or undefined when tsible does not know it. */
export function configValue(name: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const setting = SETTINGS.get(name);
  if (!setting) return undefined;
  let value = setting.default;
  for (const e of setting.env) if (env[e] !== undefined) value = env[e];
  return ensureType(value, setting.type);
}
