// Plugin filtering: the modules a YAML file (ansible.cfg's plugin_filters_cfg, else /etc/ansible/plugin_filters.yml)
// rejects, read as Ansible's plugin loader reads it when it starts. A rejected module is unknown by its short name
// (its task fails to load as a misspelt one does); its FQCN still resolves, as in Ansible 2.14.
import { existsSync, readFileSync } from 'node:fs';
import { TsibleError } from '../src/errors.js';
import { configValue } from '../src/config.js';
import { loadYaml } from '../src/yaml/loader.js';
import { isDict, pyStr } from '../src/python/python.js';

const DEFAULT_FILTERS = '/etc/ansible/plugin_filters.yml';

/** The module names the filter file rejects; its problems are warnings, and the file is then skipped. */
export function readPluginFilters(warn: (message: string) => void): ReadonlySet<string> {
  const setting = configValue('PLUGIN_FILTERS_CFG') as string | null;
  const file = setting ?? DEFAULT_FILTERS;
  if (!existsSync(file)) {
    if (setting !== null) warn(`The plugin filter file, ${file} does not exist. Skipping.`);
    return new Set();
  }
  const rejected = filtersOf(file, warn);
  // Ansible can do very little without stat: it refuses to start
  if (rejected.has('stat'))
    throw new TsibleError(
      `The stat module was specified in the module blacklist file, ${file}, but Ansible will not function without the stat module.  Please remove stat from the blacklist.`,
    );
  return rejected;
}

function filtersOf(file: string, warn: (message: string) => void): Set<string> {
  let data: unknown;
  try {
    data = loadYaml(readFileSync(file, 'utf8'), '<string>').documents[0] ?? null;
  } catch (e) {
    const where =
      e instanceof TsibleError && e.pos
        ? ` The error appears to be in '<string>': line ${e.pos.line}, column ${e.pos.column}, but may be elsewhere in the file depending on the exact syntax problem.`
        : '';
    warn(`The plugin filter file, ${file} was not parsable. Skipping: ${(e as Error).message}${where}`);
    return new Set();
  }
  if (!isDict(data) || !('filter_version' in data)) {
    warn(`The plugin filter file, ${file} was invalid. Skipping.`);
    return new Set();
  }
  if (pyStr(data.filter_version).trim() !== '1.0') {
    warn(`The plugin filter file, ${file} was a version not recognized by this version of Ansible. Skipping.`);
    return new Set();
  }
  if (!('module_blacklist' in data))
    throw new TsibleError(`The plugin filter file, ${file} has no module_blacklist (KeyError: 'module_blacklist')`);
  const list = data.module_blacklist;
  if (list === null || typeof list === 'number' || typeof list === 'boolean') {
    warn(`Unable to parse the plugin filter file ${file} as module_blacklist is not a list. Skipping.`);
    return new Set();
  }
  // Python's frozenset() of a string is its characters, of a mapping its keys
  return new Set(
    typeof list === 'string' ? [...list] : Array.isArray(list) ? list.map(pyStr) : Object.keys(list ?? {}),
  );
}
