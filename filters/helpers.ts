// The glue between Nunjucks' calling convention (positional arguments, then one trailing object marked
// `__keywords`) and Jinja2/Ansible's named parameters.
import { TemplateError } from '../src/errors.js';
import { PyUndefined } from '../src/python/undefined.js';
import { checkPythonCall } from './signatures.js';

type Params = Record<string, unknown>;
type FilterFn = (this: unknown, value: unknown, ...args: unknown[]) => unknown;
export type FilterTable = Record<string, FilterFn>;
export type TestTable = Record<string, FilterFn>;

interface FilterOptions {
  acceptsUndefined?: boolean;
}

/** Splits Nunjucks' trailing keyword object off the positional arguments. */
export function splitKeywords(args: unknown[]): { positional: unknown[]; keywords: Params } {
  const last = args[args.length - 1];
  if (last !== null && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords) {
    const keywords: Params = {};
    for (const [k, v] of Object.entries(last)) if (k !== '__keywords') keywords[k] = v;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

/**
 * Declares a filter or test by its Jinja2 parameter names: `filter(['true_val', 'false_val'], (v, p) => …)`.
 * Undefined input raises (Jinja2's StrictUndefined) unless the filter says it handles it.
 */
export function filter(
  names: readonly string[],
  fn: (value: any, params: Params) => unknown,
  opts: FilterOptions = {},
): FilterFn {
  // (every filter call of every template comes through here: no intermediate arrays or objects)
  const call = function (this: unknown, value: unknown, ...args: unknown[]) {
    const last = args[args.length - 1];
    const keywords =
      last !== null && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords
        ? (last as Params)
        : undefined;
    const count = keywords ? args.length - 1 : args.length;
    checkPythonCall(call, count, keywords);
    if (!opts.acceptsUndefined && value instanceof PyUndefined) value.fail();
    if (count > names.length)
      throw new TemplateError(`too many positional arguments (expected at most ${names.length}, got ${count})`);
    const params: Params = {};
    for (let i = 0; i < count; i++) params[names[i]!] = args[i];
    if (keywords) {
      for (const k in keywords) {
        if (k === '__keywords') continue;
        if (!names.includes(k)) throw new TemplateError(`got an unexpected keyword argument '${k}'`);
        params[k] = keywords[k];
      }
    }
    if (!opts.acceptsUndefined)
      for (const k in params) {
        const v = params[k];
        if (v instanceof PyUndefined) v.fail();
      }
    return fn.call(this, value, params);
  };
  return call;
}

/** A filter taking *args (map, select, ...): gets the raw positional list and the keywords. */
export function variadic(fn: (value: any, args: unknown[], kw: Params) => unknown): FilterFn {
  return function (this: unknown, value: unknown, ...args: unknown[]) {
    if (value instanceof PyUndefined) value.fail();
    const { positional, keywords } = splitKeywords(args);
    return fn.call(this, value, positional, keywords);
  };
}
