// The module registry: every module tsible knows, by each of its names.
import { ModuleFailure, defineModule, type ModuleDefinition } from '../src/module.js';
import setFact from './set_fact.js';
import fail from './fail.js';
import ping from './ping.js';
import waitFor from './wait_for.js';
import pause from './pause.js';
import { commandModule, shellModule } from './command.js';
import * as control from './control.js';
import logGroup from './cloudwatchlogs_log_group.js';
import logGroupInfo from './cloudwatchlogs_log_group_info.js';
import metricFilter from './cloudwatchlogs_log_group_metric_filter.js';
import sesRuleSet from './aws_ses_rule_set.js';
import stat from './stat.js';
import slurp from './slurp.js';
import file from './file.js';
import copy from './copy.js';
import lineinfile from './lineinfile.js';
import blockinfile from './blockinfile.js';
import replace from './replace.js';
import template from './template.js';
import find from './find.js';
import tempfile from './tempfile.js';
import knownHosts from './known_hosts.js';
import fetch from './fetch.js';
import raw from './raw.js';
import script from './script.js';
import assemble from './assemble.js';
import uri from './uri.js';
import getUrl from './get_url.js';
import { BUILTIN_MODULE_NAMES } from './builtin-names.js';
import { readPluginFilters } from './plugin-filters.js';

const MODULES: readonly ModuleDefinition[] = [
  setFact,
  fail,
  ping,
  waitFor,
  pause,
  commandModule,
  shellModule,
  ...Object.values(control),
  logGroup,
  logGroupInfo,
  metricFilter,
  sesRuleSet,
  stat,
  slurp,
  file,
  copy,
  lineinfile,
  blockinfile,
  replace,
  template,
  find,
  tempfile,
  knownHosts,
  fetch,
  raw,
  script,
  assemble,
  uri,
  getUrl,
];

const byName = new Map<string, ModuleDefinition>();
for (const m of MODULES) for (const n of m.names) byName.set(n, m);

/** A module of ansible.builtin that tsible does not implement: a playbook naming it loads, as it does in Ansible,
 * and the task fails only when it runs. */
const unimplemented = (name: string): ModuleDefinition =>
  defineModule({
    names: [name, `ansible.builtin.${name}`, `ansible.legacy.${name}`],
    anyArgs: true,
    supportsCheckMode: true,
    fqcn: `ansible.builtin.${name}`,
    run() {
      throw new ModuleFailure({ failed: true, msg: `tsible does not implement the module ansible.builtin.${name}` });
    },
  });
for (const name of BUILTIN_MODULE_NAMES) {
  if (byName.has(`ansible.builtin.${name}`)) continue;
  const m = unimplemented(name);
  for (const n of m.names) byName.set(n, m);
}

/** Modules the plugin filter file rejects, by the names it gives. */
let rejected: ReadonlySet<string> = new Set();

/** Reads the plugin filter file (plugin_filters_cfg) as Ansible does when it starts; its problems are warnings. */
export function applyPluginFilters(warn: (message: string) => void): void {
  rejected = readPluginFilters(warn);
}

export const resolveModule = (name: string): ModuleDefinition | undefined =>
  rejected.has(name) ? undefined : byName.get(name);
