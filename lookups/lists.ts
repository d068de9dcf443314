// Lookups that build loop items from lists and dicts: items, list, indexed_items, dict, together, nested,
// random_choice (ansible.builtin); flattened and cartesian (community.general). Each follows its
// Ansible plugin's algorithm, LookupBase._flatten included, so odd inputs give Ansible's odd answers.
import { TemplateError } from '../src/errors.js';
import { PyTuple, isDict } from '../src/python/python.js';
import { drawBelow, flattenOnce, listify, type LookupContext, type LookupTable } from './plugin.js';

/** The lists of nested/together/cartesian (their _lookup_variables); none at all is an error. */
function listsOf(terms: unknown[], error: string): unknown[][] {
  if (terms.length === 0) throw new TemplateError(error);
  return terms.map(listify);
}

/** Python's iteration of one item of a one-list with_nested: a list's items, a string's characters (a number,
 * which Python cannot iterate, stays one item). */
const iterate = (x: unknown): unknown[] =>
  Array.isArray(x) ? flattenOnce(x) : typeof x === 'string' ? Array.from(x) : [x];

/** nested: LookupBase._combine over the lists in turn (each pair flattened once), then each result once more. */
function nested(terms: unknown[]): unknown[] {
  const lists = listsOf(terms, 'with_nested requires at least one element in the nested list');
  let result = lists[0]!;
  for (let i = 1; i < lists.length; i++) {
    const combined: unknown[] = [];
    for (const x of result) for (const y of lists[i]!) combined.push(flattenOnce([x, y]));
    result = combined;
  }
  return result.map(iterate);
}

/** together: itertools.zip_longest(fillvalue=None), each tuple flattened once. */
function together(terms: unknown[]): unknown[] {
  const lists = listsOf(terms, 'with_together requires at least one element in each list');
  const n = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_x, i) => flattenOnce(lists.map((l) => (i < l.length ? l[i] : null))));
}

/** cartesian: itertools.product of the lists, each tuple flattened once. */
function cartesian(terms: unknown[]): unknown[] {
  let product: unknown[][] = [[]];
  for (const list of listsOf(terms, 'with_cartesian requires at least one element in each list')) {
    const next: unknown[][] = [];
    for (const tuple of product) for (const x of list) next.push([...tuple, x]);
    product = next;
  }
  return product.map(flattenOnce);
}

/** A list of one list (of one list...) is its innermost item (_check_list_of_one_list). */
function unwrapSingle(term: unknown): unknown {
  let t = term;
  while (Array.isArray(t) && t.length === 1) t = t[0];
  return t;
}

/** flattened: all the way down; a string is templated again (a variable's name stays itself); 'None' ends it. */
function flattenAll(terms: readonly unknown[], ctx: LookupContext): unknown[] {
  const out: unknown[] = [];
  for (const original of terms) {
    let term = unwrapSingle(original);
    if (term === 'None' || term === 'null') break;
    if (typeof term === 'string' && ctx.templar) {
      const templated = ctx.templar.template(term);
      if (templated !== term) term = listify(templated);
    }
    if (Array.isArray(term)) out.push(...flattenAll(term, ctx));
    else out.push(term);
  }
  return out;
}

function dictItems(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => {
    if (!isDict(t)) throw new TemplateError('with_dict expects a dict');
    return Object.entries(t).map(([key, value]) => ({ key, value }));
  });
}

export const LIST_LOOKUPS = {
  items: { terms: 'items', run: (terms) => flattenOnce(terms) },
  list: { terms: 'list', run: (terms) => terms },
  indexed_items: { terms: 'list', run: (terms) => flattenOnce(terms).map((x, i) => PyTuple.of2(i, x)) },
  dict: { terms: 'dicts', run: dictItems },
  together: { terms: 'lists', run: together },
  nested: { terms: 'lists', run: nested },
  // random.choice(terms), from the run's seeded source
  random_choice: {
    terms: 'items',
    run: (terms, _kw, ctx) => (terms.length ? [terms[drawBelow(ctx, terms.length)]] : []),
  },
  flattened: { terms: 'list', collection: 'community.general', run: (terms, _kw, ctx) => flattenAll(terms, ctx) },
  cartesian: { terms: 'lists', collection: 'community.general', run: cartesian },
} as const satisfies LookupTable;
