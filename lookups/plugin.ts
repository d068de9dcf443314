// What every lookup plugin is: its terms' shape (declared as data), its run function, and what LookupBase gives
// Ansible's plugins (finding files, flattening terms). A family file (files, vars, sequences, ...) holds the plugins.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { TemplateError } from '../src/errors.js';
import type { Dict } from '../src/python/python.js';
import type { RandomSource } from '../filters/core.js';
import type { FileTemplating } from '../src/module.js';

/** What a lookup can see: the task's variables, where to find relative files, the run's random source. */
export interface LookupContext {
  readonly basedirs: readonly string[];
  readonly vars?: () => Dict;
  readonly templar?: { template(v: unknown): unknown; lookup(name: string): unknown } & Partial<FileTemplating>;
  /** Ansible's display.warning, through the run's callbacks. */
  readonly warn?: (message: string) => void;
  /** The inventory's hosts a host pattern selects (inventory_hostnames), where the run has an inventory. */
  readonly hosts?: (pattern: unknown) => string[];
  /** The run's seeded source: random_choice and unseeded passwords draw from it, never from Math.random. */
  readonly random?: RandomSource;
}

/** AnsibleLookupError: the plugin decided to fail; re-raised as it is (errors=warn/ignore still apply). */
export class LookupFailure extends TemplateError {}
/** An exception of another Python class (configparser's, AnsibleParserError): Templar._lookup names its class. */
export class PluginException extends TemplateError {
  constructor(
    readonly pythonClass: string,
    message: string,
  ) {
    super(message);
  }
}
/** AnsibleOptionsError: the lookup was called wrongly; re-raised as it is, whatever errors= says. */
export class LookupOptionsError extends TemplateError {}

/**
 * How Ansible hands a plugin its terms. `lookup('x', a, b)` always passes `[a, b]`; `with_x: value` passes the
 * templated value itself, listified (a string or a scalar becomes `[value]`, a list stays as it is), and what
 * the plugin makes of a dict depends on its shape:
 * - `strings`: each term one string: a path, a name, a command (a dict gives its keys, as Python iterates it)
 * - `kv`: each term a string of `key=value` options, or a shortcut form (sequence, password)
 * - `items`: the items themselves (items flattens lists among them once, random_choice picks one)
 * - `list`: one list, taken as it is; with_x of anything else fails "with_x expects a list"
 * - `lists`: each term one list, combined with the others (nested, together, cartesian)
 * - `dicts`: each term a dict (dict; with_dict of a dict passes `[dict]`)
 * - `subelements`: `[list or dict, 'key.path', {skip_missing}]`
 * - `files`: file names, or `{files, paths, skip}` dicts (first_found)
 */
export type TermsShape = 'strings' | 'kv' | 'items' | 'list' | 'lists' | 'dicts' | 'subelements' | 'files';
/** What `with_x: {a: 1}` hands the plugin, by its shape: Python iterates a dict's keys, the dict lookup wraps it
 * in a list, and list-only plugins (list, indexed_items, flattened) refuse it. */
export const DICT_AS_TERMS: Readonly<Record<TermsShape, 'keys' | 'wrap' | 'refuse'>> = {
  strings: 'keys',
  kv: 'keys',
  items: 'keys',
  list: 'refuse',
  lists: 'keys',
  dicts: 'wrap',
  subelements: 'keys',
  files: 'keys',
};

export interface LookupPlugin {
  readonly terms: TermsShape;
  /** The collection that ships it (ansible.builtin unless said); its FQCN and ansible.builtin's redirect both work. */
  readonly collection?: string;
  /** LookupBase.run(terms, variables, **kwargs): the terms as a list, the keyword options, what the task sees. */
  readonly run: (terms: unknown[], kw: Dict, ctx: LookupContext) => unknown[];
}
export type LookupTable = Readonly<Record<string, LookupPlugin>>;

/** LookupBase.find_file_in_search_path: in `subdir`, then beside each basedir (role, task file, play). */
export function findFile(ctx: LookupContext, name: string, subdir = 'files'): string | undefined {
  if (path.isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const base of ctx.basedirs)
    for (const candidate of [path.join(base, subdir, name), path.join(base, name)])
      if (existsSync(candidate)) return candidate;
  return undefined;
}
/** find_file_in_search_path's warning when a file is not found. */
export const notFoundWarning = (ctx: LookupContext, name: string): void =>
  ctx.warn?.(`Unable to find '${name}' in expected paths (use -vvvvv to see paths)`);

/** LookupBase._flatten: one level, lists (and tuples) spread, anything else kept. */
export function flattenOnce(terms: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const t of terms)
    if (Array.isArray(t)) for (const x of t) out.push(x);
    else out.push(t);
  return out;
}

/** listify_lookup_plugin_terms of a value already templated: a list stays, anything else becomes one term. */
export const listify = (term: unknown): unknown[] => (Array.isArray(term) ? term : [term]);

/** random.choice's draw, from the run's source (a templar made without one falls back to Math.random). */
export const drawBelow = (ctx: LookupContext, n: number): number =>
  Math.floor((ctx.random ?? { next: Math.random }).next() * n);
