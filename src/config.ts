// Ansible's configuration settings that tsible knows (ansible-config's names, environment variables and 2.14
// defaults), for lookup('config', ...) and every part of tsible that a setting changes. A setting is read as
// Ansible's ConfigManager reads it: its environment variables (the last one set wins), else its entries in the
// ansible.cfg found (src/ansible-cfg.ts; where each setting is written there comes from base.yml: config-ini.ts),
// else its default, converted by the setting's type.
import { homedir } from 'node:os';
import * as path from 'node:path';
import { pyBoolean, pyStr } from './python/python.js';
import { findConfigFile, readConfigFile, type ConfigFile } from './ansible-cfg.js';
import { INI_ENTRIES } from './config-ini.js';

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
  ['DEFAULT_BECOME', s('boolean', 'ANSIBLE_BECOME', false)],
  ['DEFAULT_BECOME_METHOD', s('string', 'ANSIBLE_BECOME_METHOD', 'sudo')],
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
  ['DEFAULT_VAULT_ENCRYPT_IDENTITY', s('string', 'ANSIBLE_VAULT_ENCRYPT_IDENTITY', null)],
  ['DEFAULT_VAULT_IDENTITY_LIST', s('list', 'ANSIBLE_VAULT_IDENTITY_LIST', [])],
  ['DEFAULT_VAULT_PASSWORD_FILE', s('path', 'ANSIBLE_VAULT_PASSWORD_FILE', null)],
  ['DEPRECATION_WARNINGS', s('boolean', 'ANSIBLE_DEPRECATION_WARNINGS', true)],
  ['DISPLAY_ARGS_TO_STDOUT', s('boolean', 'ANSIBLE_DISPLAY_ARGS_TO_STDOUT', false)],
  ['DISPLAY_SKIPPED_HOSTS', s('boolean', 'ANSIBLE_DISPLAY_SKIPPED_HOSTS', true)],
  ['DUPLICATE_YAML_DICT_KEY', s('string', 'ANSIBLE_DUPLICATE_YAML_DICT_KEY', 'warn')],
  ['ENABLE_TASK_DEBUGGER', s('boolean', 'ANSIBLE_ENABLE_TASK_DEBUGGER', false)],
  ['ANSIBLE_PIPELINING', s('boolean', 'ANSIBLE_PIPELINING', false)],
  ['INJECT_FACTS_AS_VARS', s('boolean', 'ANSIBLE_INJECT_FACT_VARS', true)],
  ['ERROR_ON_MISSING_HANDLER', s('boolean', 'ANSIBLE_ERROR_ON_MISSING_HANDLER', true)],
  ['HOST_KEY_CHECKING', s('boolean', 'ANSIBLE_HOST_KEY_CHECKING', true)],
  ['INVENTORY_UNPARSED_WARNING', s('boolean', 'ANSIBLE_INVENTORY_UNPARSED_WARNING', true)],
  ['LOCALHOST_WARNING', s('boolean', 'ANSIBLE_LOCALHOST_WARNING', true)],
  ['PLUGIN_FILTERS_CFG', s('path', [], null)],
  ['RETRY_FILES_ENABLED', s('boolean', 'ANSIBLE_RETRY_FILES_ENABLED', false)],
  ['RETRY_FILES_SAVE_PATH', s('path', 'ANSIBLE_RETRY_FILES_SAVE_PATH', null)],
  ['SHOW_CUSTOM_STATS', s('boolean', 'ANSIBLE_SHOW_CUSTOM_STATS', false)],
  ['TRANSFORM_INVALID_GROUP_CHARS', s('string', 'ANSIBLE_TRANSFORM_INVALID_GROUP_CHARS', 'never')],
]);

/** `~` expanded, a relative path taken from the directory of the config file that set it (else the current one). */
const expand = (p: string, basedir?: string) => path.resolve(basedir ?? '.', p.replace(/^~(?=$|\/)/, homedir()));
/** Python's unquote: one pair of matching quotes around the whole value goes. */
const unquote = (v: string) => (/^(['"]).*\1$/s.test(v) && v.length > 1 ? v.slice(1, -1) : v);

/** ConfigManager's ensure_type for the types above; `origin` is the config file a value came from. */
export function ensureType(value: unknown, type: SettingType, origin?: string): unknown {
  if (value === null || value === undefined) return null;
  const text = String(value);
  const basedir = origin && path.dirname(origin);
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
      if (typeof value === 'number' || typeof value === 'boolean') return pyStr(value);
      return typeof value === 'string' ? unquote(value) : value;
    case 'list':
      return Array.isArray(value) ? value : text.split(',').map((x) => unquote(x.trim()));
    case 'pathspec':
      return (Array.isArray(value) ? value : text.split(':')).map((p) => expand(String(p), basedir));
    case 'path':
      return expand(text, basedir);
    default:
      return value;
  }
}

let loaded: { file: ConfigFile | null; warnings: readonly string[] } | undefined;

/** The ansible.cfg this process reads (found and read on first use, as Ansible reads it once when it starts), and
 * the warning about one it ignored. A file configparser refuses throws a StartupError. */
export function configFile(): { file: ConfigFile | null; warnings: readonly string[] } {
  if (!loaded) {
    const found = findConfigFile(process.env, process.cwd());
    loaded = { file: found.file === null ? null : readConfigFile(found.file), warnings: found.warnings };
  }
  return loaded;
}

/** Reads settings from this file from now on (null: none), as another ansible.cfg would; for tests. */
export function useConfigFile(file: string | null): void {
  loaded = { file: file === null ? null : readConfigFile(file), warnings: [] };
}

/** A setting's value in the config file, the last of its entries found winning. */
function fileValue(name: string): string | undefined {
  const file = configFile().file;
  let value: string | undefined;
  for (const [section, key] of INI_ENTRIES[name] ?? []) value = file?.sections.get(section)?.get(key) ?? value;
  return value;
}

/** The value of a setting, or undefined when tsible does not know it. */
export function configValue(name: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const setting = SETTINGS.get(name);
  if (!setting) return undefined;
  let fromEnv: string | undefined;
  for (const e of setting.env) if (env[e] !== undefined) fromEnv = env[e];
  if (fromEnv !== undefined) return ensureType(fromEnv, setting.type);
  const inFile = fileValue(name);
  if (inFile !== undefined) return ensureType(inFile, setting.type, configFile().file!.path);
  return ensureType(setting.default, setting.type);
}

/** The environment with these settings, when the config file gives them and no variable does, under their
 * environment variable: for the parts below this layer that read variables (vault secret sources). */
export function withFileSettings(env: NodeJS.ProcessEnv, names: readonly string[]): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of names) {
    const setting = SETTINGS.get(name);
    if (!setting?.env.length || setting.env.some((e) => env[e] !== undefined) || fileValue(name) === undefined)
      continue;
    const value = configValue(name, env);
    out[setting.env[0]!] = Array.isArray(value) ? value.join(',') : pyStr(value);
  }
  return out;
}
