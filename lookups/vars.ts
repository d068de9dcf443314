// Lookups that read what the run knows: vars, varnames, env, config; and what commands print: pipe, lines.
import { execSync } from 'node:child_process';
import { TemplateError } from '../src/errors.js';
import { PyException, isSafeString, pyStr, typeName, type Dict } from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { configValue } from '../src/config.js';
import { compileRegex } from '../filters/regex.js';
import { LookupFailure, LookupOptionsError, type LookupContext, type LookupTable } from './plugin.js';
import { checkPluginType, missingPluginSetting, pluginSetting } from './plugin-settings.js';

const ON_MISSING = ['error', 'warn', 'skip'];
/** What ansible.constants holds besides settings that Python can call: the lookup refuses them by name. */
const CALLABLE_CONSTANTS = [
  'ConfigManager',
  'Sequence',
  '_DeprecatedSequenceConstant',
  '__metaclass__',
  '_deprecated',
  '_warning',
  'add_internal_fqcns',
  'set_constant',
  'to_text',
];

/** config's plugin_type/plugin_name pair, when the lookup asks for a plugin's settings. */
function pluginOf(kw: Dict): { type: string; name: string } | undefined {
  const type = kw.plugin_type ?? null,
    name = kw.plugin_name ?? null;
  checkPluginType(type);
  if (type === null && name === null) return undefined;
  if (type === null || name === null)
    throw new LookupOptionsError('Both plugin_type and plugin_name are required, cannot use one without the other');
  return { type: pyStr(type), name: pyStr(name) };
}

/** One config setting, global or a plugin's; `missing` says what an unknown one does (error, warn, skip). */
function configSetting(term: unknown, missing: string, ctx: LookupContext, plugin?: { type: string; name: string }) {
  if (typeof term !== 'string')
    throw new LookupOptionsError(
      `Invalid setting identifier, "${pyStr(term)}" is not a string, its a <class '${typeName(term)}'>`,
    );
  if (plugin) {
    const found = pluginSetting(plugin.type, plugin.name, term, ctx.vars?.() ?? {});
    if (found) return [found.value];
  } else {
    if (CALLABLE_CONSTANTS.includes(term)) throw new LookupFailure(`Invalid setting "${term}" attempted`);
    const v = configValue(term);
    if (v !== undefined) return [v];
  }
  if (missing === 'error')
    throw new LookupFailure(
      plugin
        ? missingPluginSetting(plugin.type, plugin.name, term)
        : `Unable to find setting ${term}. module 'ansible.constants' has no attribute '${term}'. module 'ansible.constants' has no attribute '${term}'`,
    );
  if (missing === 'warn')
    (ctx.warn ?? ((m) => process.stderr.write(`[WARNING]: ${m}\n`)))(`Skipping, did not find setting ${term}`);
  return [];
}

/** What a command prints (its stderr passes through); a non-zero exit is the plugin's AnsibleError. */
function shell(command: unknown, plugin: 'pipe' | 'lines'): string {
  const term = pyStr(command);
  try {
    return execSync(term, { encoding: 'utf8', shell: '/bin/sh', stdio: ['pipe', 'pipe', 'inherit'] });
  } catch (e) {
    const status = (e as { status?: number | null }).status;
    if (typeof status !== 'number') throw e;
    throw new TemplateError(`lookup_plugin.${plugin}(${term}) returned ${status}`);
  }
}

export const VARS_LOOKUPS = {
  env: {
    terms: 'strings',
    run: (terms, kw) => terms.map((t) => process.env[pyStr(t)] ?? (kw.default !== undefined ? kw.default : '')),
  },
  vars: {
    terms: 'strings',
    run: (terms, kw, ctx) =>
      terms.map((t) => {
        if (typeof t !== 'string' && !isSafeString(t))
          throw new TemplateError(
            `Invalid setting identifier, "${pyStr(t)}" is not a string, its a <class '${typeName(t)}'>`,
          );
        const v = ctx.templar?.lookup(pyStr(t));
        if (v === undefined || v instanceof PyUndefined) {
          if (kw.default !== undefined) return kw.default;
          throw new TemplateError(`No variable found with this name: ${pyStr(t)}`);
        }
        return v;
      }),
  },
  varnames: {
    terms: 'strings',
    run: (terms, _kw, ctx) => {
      const names = Object.keys(ctx.vars?.() ?? {});
      return terms.flatMap((t) => {
        if (typeof t !== 'string')
          throw new TemplateError(
            `Invalid setting identifier, "${pyStr(t)}" is not a string, it is a <class '${typeName(t)}'>`,
          );
        let re: RegExp;
        try {
          re = compileRegex(t);
        } catch (e) {
          // re.error's own text, without the name of its class
          const why = e instanceof PyException ? e.message.slice(e.pyType.length + 2) : (e as Error).message;
          throw new TemplateError(`Unable to use "${t}" as a search parameter: ${why}`);
        }
        return names.filter((n) => re.test(n));
      });
    },
  },
  config: {
    terms: 'strings',
    run: (terms, kw, ctx) => {
      const missing = kw.on_missing ?? 'error';
      if (typeof missing !== 'string' || !ON_MISSING.includes(missing))
        throw new LookupOptionsError(
          `Invalid value "${pyStr(missing)}" for configuration option "plugin_type: lookup plugin: config setting: on_missing ", valid values are: error, skip, warn`,
        );
      const plugin = pluginOf(kw);
      return terms.flatMap((t) => configSetting(t, missing, ctx, plugin));
    },
  },
  // (Ansible builds a fresh inventory from `groups`, so --limit does not apply; a bad pattern gives nothing)
  inventory_hostnames: {
    terms: 'strings',
    run: (terms, _kw, ctx) => {
      try {
        return ctx.hosts?.(terms.map(pyStr)) ?? [];
      } catch {
        return [];
      }
    },
  },
  pipe: { terms: 'strings', run: (terms) => terms.map((t) => shell(t, 'pipe').replace(/\n$/, '')) },
  lines: {
    terms: 'strings',
    run: (terms) =>
      terms.flatMap((t) =>
        shell(t, 'lines')
          .split('\n')
          .filter((l, i, a) => i < a.length - 1 || l !== ''),
      ),
  },
} as const satisfies LookupTable;
