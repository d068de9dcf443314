// Jinja2's and Ansible's template globals: range, dict, namespace, lookup/query/q (over the lookup table), now,
// undef.
import { TemplateError } from '../errors.js';
import {
  PyNamespace,
  PyTypeError,
  PyValueError,
  copyDict,
  isDict,
  pyStr,
  setKey,
  truthy,
  typeName,
  type Dict,
} from '../python/python.js';
import { PyUndefined } from '../python/undefined.js';
import { PyDatetime } from '../python/datetime.js';
import { splitKeywords } from '../../filters/helpers.js';
import { runLookup, type LookupContext } from '../../lookups/index.js';

/** The lookup context of the Templar rendering the template (Nunjucks calls a global with its context). */
function lookupContextOf(self: unknown): LookupContext {
  const ctx = (self as { ctx?: Dict })?.ctx ?? {};
  const templar = ctx.__tsible_templar as { lookupContext?: LookupContext } | undefined;
  return templar?.lookupContext ?? { basedirs: [process.cwd()] };
}

/** A lookup's result is unsafe (unless allow_unsafe=True, or it found nothing): the template rendering it reads
 * an unsafe value, as Templar._lookup marks its context. */
function unsafeLookup(self: unknown, result: unknown, args: unknown[]): unknown {
  const empty = result === null || result === undefined || result === '' || (Array.isArray(result) && !result.length);
  if (!empty && !truthy(splitKeywords(args).keywords.allow_unsafe ?? false)) {
    const ctx = (self as { ctx?: Dict })?.ctx ?? {};
    (ctx.__tsible_templar as { noteUnsafe?(): void } | undefined)?.noteUnsafe?.();
  }
  return result;
}

function range(...args: unknown[]): number[] {
  const n = args.map((a) => {
    if (a instanceof PyUndefined) a.fail();
    return Number(a);
  });
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new TemplateError('range() arg 3 must not be zero');
  const out: number[] = [];
  // Ansible's Jinja2 is not sandboxed, so no MAX_RANGE; ten million keeps a typo from eating the memory
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(i);
    if (out.length > 10_000_000) throw new TemplateError('range() of more than 10,000,000 items');
  }
  return out;
}

/** dict(mapping) or dict(iterable of pairs), as Python builds it. */
function dictFrom(source: unknown): Dict {
  if (source instanceof PyUndefined) source.fail();
  if (isDict(source)) return copyDict(source);
  if (!Array.isArray(source) && typeof source !== 'string')
    throw new PyTypeError(`'${typeName(source)}' object is not iterable`);
  const out: Dict = {};
  [...source].forEach((pair: unknown, i) => {
    if (!Array.isArray(pair) && typeof pair !== 'string')
      throw new PyTypeError(`cannot convert dictionary update sequence element #${i} to a sequence`);
    const items = [...pair];
    if (items.length !== 2)
      throw new PyValueError(`dictionary update sequence element #${i} has length ${items.length}; 2 is required`);
    setKey(out, pyStr(items[0]), items[1]);
  });
  return out;
}

export const GLOBALS: Dict = {
  range,
  dict: (...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    if (positional.length > 1) throw new PyTypeError(`dict expected at most 1 argument, got ${positional.length}`);
    const out = positional.length ? dictFrom(positional[0]) : {};
    for (const [k, v] of Object.entries(keywords)) setKey(out, k, v);
    return out;
  },
  namespace: (...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    const init: Dict = {};
    for (const p of positional)
      if (isDict(p)) Object.assign(init, p);
      else throw new TemplateError(`'${typeName(p)}' object is not iterable`);
    return new PyNamespace({ ...init, ...keywords });
  },
  lookup(this: unknown, name: unknown, ...args: unknown[]) {
    return unsafeLookup(this, runLookup(pyStr(name), args, lookupContextOf(this), false), args);
  },
  query(this: unknown, name: unknown, ...args: unknown[]) {
    return unsafeLookup(this, runLookup(pyStr(name), args, lookupContextOf(this), true), args);
  },
  q(this: unknown, name: unknown, ...args: unknown[]) {
    return unsafeLookup(this, runLookup(pyStr(name), args, lookupContextOf(this), true), args);
  },
  // now(utc=False, fmt=None): a naive datetime, or its strftime(fmt)
  now: (...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    const d = PyDatetime.now(truthy(keywords.utc ?? positional[0] ?? false));
    const fmt = keywords.fmt ?? positional[1];
    return fmt === undefined || fmt === null ? d : d.strftime(pyStr(fmt));
  },
  undef: (hint?: unknown) =>
    new PyUndefined(hint === undefined ? 'Mandatory variable has not been overridden' : pyStr(hint)),
};
