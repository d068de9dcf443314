// ansible.cfg as ansible-core 2.14 finds and reads it, and plugin_filters_cfg's file. Expected values were recorded
// from Python's configparser (as ConfigManager creates it) and from ansible-playbook with each file.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findConfigFile, parseIni, readConfigFile } from '../../src/ansible-cfg.js';
import { configValue, useConfigFile, withFileSettings } from '../../src/config.js';
import { readPluginFilters } from '../../modules/plugin-filters.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tsible-ansible-cfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};

describe('configparser', () => {
  it('reads sections, both separators, lowercased keys, comments, continuation lines and [DEFAULT]', () => {
    const sections = parseIni('[defaults]\nForks = 7 ; c\nx=a;b\n  cont\n# a comment\ny: 1\n[DEFAULT]\nz=1\n');
    expect(Object.fromEntries(sections.get('defaults')!)).toEqual({ forks: '7', x: 'a;b\ncont', y: '1', z: '1' });
  });
  it('refuses what configparser refuses, in its words', () => {
    expect(() => parseIni('forks = 5\n')).toThrow(
      "File contains no section headers.\nfile: '<string>', line: 1\n'forks = 5\\n'",
    );
    expect(() => parseIni('[defaults]\ngarbage\n')).toThrow(
      "Source contains parsing errors: '<string>'\n\t[line  2]: 'garbage\\n'",
    );
    expect(() => parseIni('[defaults]\na=1\na=2\n')).toThrow(
      "While reading from '<string>' [line  3]: option 'a' in section 'defaults' already exists",
    );
    expect(() => parseIni('[defaults]\n[defaults]\n')).toThrow(
      "While reading from '<string>' [line  2]: section 'defaults' already exists",
    );
  });
  it('names the file in the error Ansible gives before it starts', () => {
    const file = write('bad.cfg', '[defaults]\ngarbage\n');
    expect(() => readConfigFile(file)).toThrow(
      `Error reading config file (${file}): Source contains parsing errors: '<string>'\n\t[line  2]: 'garbage\\n'`,
    );
  });
});

describe('finding ansible.cfg', () => {
  it('takes ANSIBLE_CONFIG first (a directory means its ansible.cfg), then ./ansible.cfg', () => {
    const cwd = path.join(dir, 'project');
    const inCwd = write('project/ansible.cfg', '[defaults]\n');
    const named = write('named/ansible.cfg', '[defaults]\n');
    expect(findConfigFile({ ANSIBLE_CONFIG: '../named' }, cwd)).toEqual({ file: named, warnings: [] });
    expect(findConfigFile({}, cwd).file).toBe(inCwd);
    // a missing ANSIBLE_CONFIG is passed over
    expect(findConfigFile({ ANSIBLE_CONFIG: 'nowhere.cfg' }, cwd).file).toBe(inCwd);
  });
  it('ignores ./ansible.cfg in a world writable directory, with the warning, unless ANSIBLE_CONFIG names it', () => {
    const cwd = path.join(dir, 'public');
    const inCwd = write('public/ansible.cfg', '[defaults]\n');
    chmodSync(cwd, 0o777);
    const found = findConfigFile({}, cwd);
    expect(found.file).not.toBe(inCwd);
    expect(found.warnings).toEqual([
      `Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source. For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir`,
    ]);
    expect(findConfigFile({ ANSIBLE_CONFIG: inCwd }, cwd)).toEqual({ file: inCwd, warnings: [] });
  });
});

describe('settings from the file', () => {
  afterEach(() => useConfigFile(null));
  it('are read by their ini entries, environment variables winning, paths from the file', () => {
    useConfigFile(
      write(
        'settings/ansible.cfg',
        '[defaults]\nforks = 9\nroles_path = roles:~/r\nvault_identity_list = a@x, b@y\nvault_password_file = pw\n' +
          'nocolor = yes\n[colors]\nok = "blue"\n',
      ),
    );
    expect(configValue('DEFAULT_FORKS', {})).toBe(9);
    expect(configValue('DEFAULT_FORKS', { ANSIBLE_FORKS: '2' })).toBe(2);
    expect(configValue('DEFAULT_ROLES_PATH', {})).toEqual([path.join(dir, 'settings/roles'), `${homedir()}/r`]);
    expect(configValue('ANSIBLE_NOCOLOR', {})).toBe(true);
    expect(configValue('COLOR_OK', {})).toBe('blue');
    expect(configValue('DEFAULT_GATHERING', {})).toBe('implicit');
    expect(withFileSettings({}, ['DEFAULT_VAULT_IDENTITY_LIST', 'DEFAULT_VAULT_PASSWORD_FILE'])).toEqual({
      ANSIBLE_VAULT_IDENTITY_LIST: 'a@x,b@y',
      ANSIBLE_VAULT_PASSWORD_FILE: path.join(dir, 'settings/pw'),
    });
    expect(withFileSettings({ ANSIBLE_VAULT_IDENTITY_LIST: 'c@z' }, ['DEFAULT_VAULT_IDENTITY_LIST'])).toEqual({
      ANSIBLE_VAULT_IDENTITY_LIST: 'c@z',
    });
  });
});

describe('plugin_filters_cfg', () => {
  afterEach(() => useConfigFile(null));
  const filtersFrom = (yaml: string | undefined) => {
    const filters = path.join(dir, 'filters', 'f.yml');
    rmSync(filters, { force: true });
    if (yaml !== undefined) write('filters/f.yml', yaml);
    useConfigFile(write('filters/ansible.cfg', '[defaults]\nplugin_filters_cfg = f.yml\n'));
    const warnings: string[] = [];
    const rejected = readPluginFilters((m) => warnings.push(m));
    return { rejected: [...rejected], warnings };
  };
  const file = path.join(dir, 'filters', 'f.yml');
  it('rejects the modules module_blacklist names', () => {
    expect(filtersFrom('filter_version: 1.0\nmodule_blacklist: [copy, pause]\n')).toEqual({
      rejected: ['copy', 'pause'],
      warnings: [],
    });
  });
  it("skips a file it cannot use, with Ansible's warnings", () => {
    expect(filtersFrom(undefined).warnings).toEqual([`The plugin filter file, ${file} does not exist. Skipping.`]);
    expect(filtersFrom('module_blacklist: [x]\n').warnings).toEqual([
      `The plugin filter file, ${file} was invalid. Skipping.`,
    ]);
    expect(filtersFrom('filter_version: 2.0\nmodule_blacklist: [x]\n').warnings).toEqual([
      `The plugin filter file, ${file} was a version not recognized by this version of Ansible. Skipping.`,
    ]);
    expect(filtersFrom('filter_version: 1.0\nmodule_blacklist:\n').warnings).toEqual([
      `Unable to parse the plugin filter file ${file} as module_blacklist is not a list. Skipping.`,
    ]);
    expect(filtersFrom('a: [\n').warnings[0]).toMatch(
      new RegExp(
        `^The plugin filter file, ${file} was not parsable. Skipping: We were unable to read either as JSON nor YAML`,
      ),
    );
  });
  it('refuses to start without stat', () => {
    expect(() => filtersFrom('filter_version: 1.0\nmodule_blacklist: [stat]\n')).toThrow(
      `The stat module was specified in the module blacklist file, ${file}, but Ansible will not function without the stat module.  Please remove stat from the blacklist.`,
    );
  });
});
