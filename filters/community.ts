// Filters from community.general that Ansible users reach for in integration targets: json_query (JMESPath).
// JMESPath is a specified query language with its own compliance suite; jmespath.js, from the same project as the
// Python library Ansible uses, evaluates it, and it is loaded on first use only.
import { createRequire } from 'node:module';
import { TemplateError } from '../src/errors.js';
import { PyTuple, PyTypeError, isDict, type Dict } from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { UnsafeText } from '../src/yaml/loader.js';
import { filter, type FilterTable } from './helpers.js';

interface JmesPath {
  search(data: unknown, expression: string): unknown;
}
let jmespath: JmesPath | undefined;

/** The data as JMESPath sees it: lists, dicts, strings, numbers, booleans and null. */
function plain(v: unknown): unknown {
  if (v instanceof PyUndefined) v.fail();
  if (v instanceof PyTuple || Array.isArray(v)) return [...(v as unknown[])].map(plain);
  if (isDict(v)) {
    const o: Dict = {};
    for (const k of Object.keys(v)) o[k] = plain(v[k]);
    return o;
  }
  if (v instanceof UnsafeText) return v.value;
  return v ?? null;
}

function jsonQuery(data: unknown, expr: unknown): unknown {
  jmespath ??= createRequire(import.meta.url)('jmespath') as JmesPath;
  try {
    return jmespath.search(plain(data), String(expr));
  } catch (e) {
    // jmespath.py's own errors (parse, unknown function, argument types) and anything else (an undefined
    // value inside the data, a comparison Python refuses) get the filter's two different prefixes
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof TemplateError)
      throw new TemplateError(`Error in jmespath.search in json_query filter plugin:\n${message}`);
    throw new TemplateError(`JMESPathError in json_query filter plugin:\n${message}`);
  }
}

export const COMMUNITY_FILTERS: FilterTable = {
  'community.general.json_query': filter(
    ['expr'],
    (v, p) => {
      if (!('expr' in p)) throw new PyTypeError("json_query() missing 1 required positional argument: 'expr'");
      return jsonQuery(v, p.expr);
    },
    { acceptsUndefined: true },
  ),
};
COMMUNITY_FILTERS.json_query = COMMUNITY_FILTERS['community.general.json_query']!;
