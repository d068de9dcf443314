// ansible.builtin.subelements: each item of a list (or a dict's values) paired with each element of its sublist.
import { TemplateError } from '../src/errors.js';
import { PyTuple, isDict, pyStr, truthy, typeName, type Dict } from '../src/python/python.js';
import { PluginException, type LookupTable } from './plugin.js';

const isFlag = (k: unknown): boolean => k === 'skip_missing';
/** What Python iterates of a value: a list's items; anything else is taken as one item (not a flag). */
const toIterable = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const isSkipped = (d: Dict): boolean => d.skipped !== undefined && d.skipped !== false;

/**
 * The item with its sublist popped out, as Ansible returns it (copied along the path, so the variable itself stays
 * whole), and the sublist; null when skip_missing skips the item.
 */
function popSublist(original: Dict, path: readonly string[], skip: boolean): [Dict, unknown[]] | null {
  const item: Dict = { ...original };
  let holder = item;
  for (const [i, k] of path.entries()) {
    if (!(k in holder)) {
      if (skip) return null;
      throw new TemplateError(`could not find '${k}' key in iterated item '${pyStr(holder)}'`);
    }
    const v = holder[k];
    if (i === path.length - 1) {
      if (!Array.isArray(v)) throw new TemplateError(`the key ${k} should point to a list, got '${pyStr(v)}'`);
      delete holder[k];
      return [item, v];
    }
    if (!isDict(v)) {
      if (skip) return null;
      throw new TemplateError(`the key ${k} should point to a dictionary, got '${pyStr(v)}'`);
    }
    holder = holder[k] = { ...v };
  }
  return [item, []];
}

function subelements(terms: unknown[], kw: Dict): unknown[] {
  const [first, key, opts] = terms as [unknown, unknown, Dict | undefined];
  // listify_lookup_plugin_terms: a list or a dict stays as it is, anything else is a list of itself
  const items = Array.isArray(first) || isDict(first) ? first : [first];
  if (terms.length < 2 || terms.length > 3)
    throw new TemplateError('subelements lookup expects a list of two or three items, ');
  if (typeof key !== 'string' || (!Array.isArray(items) && !isDict(items)))
    throw new TemplateError(
      'subelements lookup expects a list of two or three items, first a dict or a list, second a string pointing to the subkey',
    );
  if (isDict(items) && isSkipped(items)) return [];
  // the third term: a dict of flags (or, as Ansible lets through, an iterable of flag names)
  if (terms.length === 3 && !isDict(opts) && ![...(typeof opts === 'string' ? opts : toIterable(opts))].every(isFlag))
    throw new TemplateError(
      'subelements lookup expects a list of two or three items, the optional third item must be a dict with flags skip_missing',
    );
  // (flags that are a list of names pass the check above, then fail where the first item reads them)
  const skipMissing = (): boolean => {
    if (opts !== undefined && !isDict(opts))
      throw new PluginException('AttributeError', `'${typeName(opts)}' object has no attribute 'get'`);
    return truthy((opts ?? kw).skip_missing ?? false);
  };
  const path = key.split('.');
  const out: unknown[] = [];
  for (const original of isDict(items) ? Object.values(items) : items) {
    if (!isDict(original)) throw new TemplateError(`subelements lookup expects a dictionary, got '${pyStr(original)}'`);
    if (isSkipped(original)) continue;
    const popped = popSublist(original, path, skipMissing());
    if (popped) for (const s of popped[1]) out.push(PyTuple.of2(popped[0], s));
  }
  return out;
}

export const SUBELEMENTS_LOOKUPS = {
  subelements: { terms: 'subelements', run: subelements },
} as const satisfies LookupTable;
