// The options of ansible-core's own plugins that lookup('config', ..., plugin_type=, plugin_name=) answers, as their
// documentation declares them in 2.14 (type, default, environment variables, variables); and how ConfigManager
// picks a value: the last of the option's variables the task has, else its command-line value, else the last of
// its environment variables that is set, else the default; converted by the option's type.
import { configValue, ensureType, type SettingType } from '../src/config.js';
import { pyStr, type Dict } from '../src/python/python.js';
import { VaultText } from '../src/vault/index.js';
import { UnsafeText } from '../src/yaml/loader.js';
import { LookupFailure, LookupOptionsError } from './plugin.js';

interface PluginOption {
  readonly type: SettingType;
  readonly default: unknown;
  readonly env?: readonly string[];
  readonly vars?: readonly string[];
  /** The global setting that gives the command line's default (ansible-playbook's --timeout is DEFAULT_TIMEOUT). */
  readonly cli?: string;
}

const o = (type: SettingType, dflt: unknown, env: readonly string[] = [], vars: readonly string[] = []) => ({
  type,
  default: dflt,
  env,
  vars,
});
/** An option of ssh's many that hold a program's name or its arguments. */
const sshArgs = (name: string, dflt: string | null) =>
  o('string', dflt, [`ANSIBLE_${name.toUpperCase()}`], [`ansible_${name}`]);

const SSH: Readonly<Record<string, PluginOption>> = {
  control_path: o('string', null, ['ANSIBLE_SSH_CONTROL_PATH'], ['ansible_control_path']),
  control_path_dir: o('string', '~/.ansible/cp', ['ANSIBLE_SSH_CONTROL_PATH_DIR'], ['ansible_control_path_dir']),
  host: o('string', 'inventory_hostname', [], ['inventory_hostname', 'ansible_host', 'ansible_ssh_host']),
  host_key_checking: o(
    'boolean',
    true,
    ['ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_SSH_HOST_KEY_CHECKING'],
    ['ansible_host_key_checking', 'ansible_ssh_host_key_checking'],
  ),
  password: o('string', null, [], ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password']),
  pipelining: o(
    'boolean',
    false,
    ['ANSIBLE_PIPELINING', 'ANSIBLE_SSH_PIPELINING'],
    ['ansible_pipelining', 'ansible_ssh_pipelining'],
  ),
  pkcs11_provider: o('string', '', ['ANSIBLE_PKCS11_PROVIDER'], ['ansible_ssh_pkcs11_provider']),
  port: o('integer', null, ['ANSIBLE_REMOTE_PORT'], ['ansible_port', 'ansible_ssh_port']),
  private_key_file: o(
    'string',
    null,
    ['ANSIBLE_PRIVATE_KEY_FILE'],
    ['ansible_private_key_file', 'ansible_ssh_private_key_file'],
  ),
  reconnection_retries: o('integer', 0, ['ANSIBLE_SSH_RETRIES'], ['ansible_ssh_retries']),
  remote_user: o('string', null, ['ANSIBLE_REMOTE_USER'], ['ansible_user', 'ansible_ssh_user']),
  scp_executable: sshArgs('scp_executable', 'scp'),
  scp_extra_args: sshArgs('scp_extra_args', ''),
  scp_if_ssh: sshArgs('scp_if_ssh', 'smart'),
  // a boolean whose documented default is the text 'yes', as use_tty's
  sftp_batch_mode: o('boolean', 'yes', ['ANSIBLE_SFTP_BATCH_MODE'], ['ansible_sftp_batch_mode']),
  sftp_executable: sshArgs('sftp_executable', 'sftp'),
  sftp_extra_args: sshArgs('sftp_extra_args', ''),
  ssh_args: sshArgs('ssh_args', '-C -o ControlMaster=auto -o ControlPersist=60s'),
  ssh_common_args: sshArgs('ssh_common_args', ''),
  ssh_executable: sshArgs('ssh_executable', 'ssh'),
  ssh_extra_args: sshArgs('ssh_extra_args', ''),
  ssh_transfer_method: sshArgs('ssh_transfer_method', null),
  sshpass_prompt: sshArgs('sshpass_prompt', ''),
  timeout: {
    ...o('integer', 10, ['ANSIBLE_TIMEOUT', 'ANSIBLE_SSH_TIMEOUT'], ['ansible_ssh_timeout']),
    cli: 'DEFAULT_TIMEOUT',
  },
  use_tty: o('boolean', 'yes', ['ANSIBLE_SSH_USETTY'], ['ansible_ssh_use_tty']),
};

const SH: Readonly<Record<string, PluginOption>> = {
  admin_users: o('list', ['root', 'toor'], ['ANSIBLE_ADMIN_USERS'], ['ansible_admin_users']),
  async_dir: o('string', '~/.ansible_async', ['ANSIBLE_ASYNC_DIR'], ['ansible_async_dir']),
  common_remote_group: o('string', null, ['ANSIBLE_COMMON_REMOTE_GROUP'], ['ansible_common_remote_group']),
  environment: o('list', [{}]),
  remote_tmp: o('string', '~/.ansible/tmp', ['ANSIBLE_REMOTE_TEMP', 'ANSIBLE_REMOTE_TMP'], ['ansible_remote_tmp']),
  system_tmpdirs: o('list', ['/var/tmp', '/tmp'], ['ANSIBLE_SYSTEM_TMPDIRS'], ['ansible_system_tmpdirs']),
  world_readable_temp: o(
    'boolean',
    false,
    ['ANSIBLE_SHELL_ALLOW_WORLD_READABLE_TEMP'],
    ['ansible_shell_allow_world_readable_temp'],
  ),
};

/** The plugins whose options tsible knows, by plugin type and name. */
const PLUGINS: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, PluginOption>>>>>> = {
  connection: {
    ssh: SSH,
    local: { pipelining: o('boolean', false, ['ANSIBLE_PIPELINING'], ['ansible_pipelining']) },
  },
  shell: { sh: SH },
};
/** ansible-core's own plugins of each type (others are in collections). */
const BUILTIN: Readonly<Record<string, readonly string[]>> = {
  connection: ['local', 'paramiko_ssh', 'psrp', 'ssh', 'winrm'],
  shell: ['cmd', 'powershell', 'sh'],
};
/** The plugin types the config lookup accepts. */
const PLUGIN_TYPES = [
  'become',
  'cache',
  'callback',
  'cliconf',
  'connection',
  'httpapi',
  'inventory',
  'lookup',
  'netconf',
  'shell',
  'vars',
];

/** A variable's value as ConfigManager reads it: untemplated; an inline vault value is its plaintext. */
function variable(vars: Dict, name: string): unknown {
  const v = Object.hasOwn(vars, name) ? vars[name] : undefined;
  if (v instanceof UnsafeText) return v.value;
  if (v instanceof VaultText) return v.data;
  return v;
}

/** The last of the names that is set (not None) in the container, or undefined. */
function lastSet(names: readonly string[], read: (name: string) => unknown): unknown {
  let value: unknown = undefined;
  for (const name of names) {
    const v = read(name);
    if (v !== undefined && v !== null) value = v;
  }
  return value;
}

/** A plugin's short name: an ansible.builtin FQCN names ansible-core's own. */
const shortPluginName = (name: string): string =>
  name.startsWith('ansible.builtin.') ? name.slice('ansible.builtin.'.length) : name;

/** The options of a plugin; Ansible's error when there is no such plugin. */
function pluginOptions(type: string, name: string): Readonly<Record<string, PluginOption>> {
  const short = shortPluginName(name);
  const known = PLUGINS[type]?.[short];
  if (known) return known;
  // a collection's plugin, or one of ansible-core's that tsible has no table for
  if (short.includes('.') || (BUILTIN[type] ?? []).includes(short))
    throw new LookupFailure(`tsible does not know the settings of ${type} plugin "${name}"`);
  throw new LookupFailure(`Unable to load ${type} plugin "${name}"`);
}

/** A plugin's setting for the task's variables; undefined when the plugin has no such option. */
export function pluginSetting(type: string, name: string, setting: string, vars: Dict): { value: unknown } | undefined {
  const options = pluginOptions(type, name);
  const option = Object.hasOwn(options, setting) ? options[setting] : undefined;
  if (!option) return undefined;
  let value = lastSet(option.vars ?? [], (n) => variable(vars, n));
  if (value === undefined && option.cli) value = configValue(option.cli);
  value ??= lastSet(option.env ?? [], (n) => process.env[n]);
  return { value: ensureType(value ?? option.default, option.type) };
}

/** The message of a setting a plugin does not have (ConfigManager's, twice, as the lookup words it). */
export const missingPluginSetting = (type: string, name: string, setting: string): string => {
  const why = `Requested entry (plugin_type: ${type} plugin: ${shortPluginName(name)} setting: ${setting} ) was not defined in configuration.`;
  return `Unable to find setting ${setting}. ${why}. ${why}`;
};

/** The lookup's plugin_type must be one of the plugin types. */
export function checkPluginType(type: unknown): void {
  if (type !== null && type !== undefined && !PLUGIN_TYPES.includes(pyStr(type)))
    throw new LookupOptionsError(
      `Invalid value "${pyStr(type)}" for configuration option "plugin_type: lookup plugin: config setting: plugin_type ", valid values are: ${PLUGIN_TYPES.join(', ')}`,
    );
}
