// The glue between Nunjucks' calling convention (positional arguments, then one trailing object marked
// `__keywords`) and Jinja2/Ansible's named parameters.
import { TemplateError } from '../src/errors.js';
import { PyUndefined } from '../src/template/undefined.js';

export type Params = Record<string, unknown>;
export type FilterFn = (this: unknown, value: unknown, ...args: unknown[]) => unknown;
export type FilterTable = Record<string, FilterFn>;
export type TestTable = Record<string, FilterFn>;

export interface FilterOptions { acceptsUndefined?: boolean }

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
export function filter(names: readonly string[], fn: (value: any, params: Params) => unknown, opts: FilterOptions = {}): FilterFn {
  return function (this: unknown, value: unknown, ...args: unknown[]) {
    const { positional, keywords } = splitKeywords(args);
    if (!opts.acceptsUndefined && value instanceof PyUndefined) value.fail();
    if (positional.length > names.length) throw new TemplateError(`too many positional arguments (expected at most ${names.length}, got ${positional.length})`);
    const params: Params = {};
    positional.forEach((v, i) => { params[names[i]!] = v });
    for (const [k, v] of Object.entries(keywords)) {
      if (!names.includes(k)) throw new TemplateError(`got an unexpected keyword argument '${k}'`);
      params[k] = v;
    }
    for (const v of Object.values(params)) if (v instanceof PyUndefined && !opts.acceptsUndefined) v.fail();
    return fn.call(this, value, params);
  };
}

/** A filter taking *args (map, select, ...): gets the raw positional list and the keywords. */
export function variadic(fn: (value: any, args: unknown[], kw: Params) => unknown): FilterFn {
  return function (this: unknown, value: unknown, ...args: unknown[]) {
    if (value instanceof PyUndefined) value.fail();
    const { positional, keywords } = splitKeywords(args);
    return fn.call(this, value, positional, keywords);
  };
}
