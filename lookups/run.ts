// Running a lookup plugin the two ways Ansible does: lookup()/query() in a template (Templar._lookup) and a
// task's with_<name> loop (TaskExecutor._get_loop_items).
import { TemplateError } from '../src/errors.js';
import { isDict, truthy } from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { splitKeywords } from '../filters/helpers.js';
import {
  DICT_AS_TERMS,
  LookupFailure,
  LookupOptionsError,
  PluginException,
  type LookupContext,
  type LookupPlugin,
} from './plugin.js';
import { findLookup, shortName } from './table.js';

/** A failed run as Templar._lookup reports it: errors=warn/ignore give nothing, else re-raised or wrapped. */
function lookupError(e: unknown, name: string, errors: unknown, want: boolean): unknown {
  if (e instanceof LookupOptionsError) throw e;
  if (errors === 'ignore' || errors === 'warn') return want ? [] : null;
  if (e instanceof LookupFailure) throw e;
  // AnsibleError(msg, orig_exc=e): the message, then the original's
  if (e instanceof TemplateError) {
    const type = e instanceof PluginException ? e.pythonClass : 'ansible.errors.AnsibleError';
    throw new TemplateError(
      `An unhandled exception occurred while running the lookup plugin '${name}'. Error was a <class '${type}'>, original message: ${e.message}. ${e.message}`,
      { cause: e },
    );
  }
  throw e;
}

/** What lookup() returns for a plugin's list when no list was wanted. */
function unlisted(result: unknown[]): unknown {
  if (result.length === 0) return result;
  // ','.join(ran) raises TypeError for anything but strings, and Ansible then returns the list itself
  if (!result.every((x) => typeof x === 'string')) return result.length === 1 ? result[0] : result;
  return result.length === 1 ? result[0] : result.join(',');
}

/** Runs a lookup plugin as `lookup()`/`query()` do; `wantlist` decides between a list and a joined string. */
export function runLookup(name: string, args: unknown[], ctx: LookupContext, wantlist: boolean): unknown {
  const plugin = findLookup(name);
  if (!plugin) throw new TemplateError(`lookup plugin (${name}) not found`);
  const { positional, keywords } = splitKeywords(args);
  for (const t of positional) if (t instanceof PyUndefined) t.fail();
  const errors = keywords.errors ?? 'strict';
  delete keywords.errors;
  const want = wantlist || truthy(keywords.wantlist ?? false);
  delete keywords.wantlist;
  // listify_lookup_plugin_terms: the terms are templated (once more, when a template computed them)
  const terms = ctx.templar ? positional.map((t) => ctx.templar!.template(t)) : positional;
  let result: unknown[];
  try {
    result = plugin.run(terms, keywords, ctx);
  } catch (e) {
    return lookupError(e, name.replace(/^ansible\.builtin\./, ''), errors, want);
  }
  return want ? result : unlisted(result);
}

/** listify_lookup_plugin_terms of with_x's templated value, then what the plugin's shape makes of a dict. */
export function loopTerms(name: string, plugin: LookupPlugin, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (!isDict(value)) return [value];
  const asTerms = DICT_AS_TERMS[plugin.terms];
  if (asTerms === 'wrap') return [value];
  if (asTerms === 'refuse') throw new TemplateError(`with_${shortName(name)} expects a list`);
  return Object.keys(value);
}

/**
 * The items of `with_<name>: value` (value already templated): the plugin's run on the terms its shape gives, with
 * no options, and its errors as they are (a loop does not wrap them as lookup() does).
 */
export function loopLookupItems(name: string, value: unknown, ctx: LookupContext): unknown[] {
  const plugin = findLookup(name);
  if (!plugin)
    throw new TemplateError(`Unexpected failure in finding the lookup named '${name}' in the available lookup plugins`);
  // loop items reach the task as lists, never tuples (wrap_var turns them into lists)
  return plugin.run(loopTerms(name, plugin, value), {}, ctx).map((x) => (Array.isArray(x) ? [...x] : x));
}
