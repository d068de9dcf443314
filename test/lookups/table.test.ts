// The lookup table: every plugin declares its terms' shape, and with_<name> reaches every plugin through the
// table (by short name, ansible.builtin's name and its own FQCN), its terms shaped by that declaration.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DICT_AS_TERMS, LOOKUPS, findLookup, loopLookupItems, loopTerms, runLookup } from '../../lookups/index.js';
import type { LookupContext, LookupPlugin, TermsShape } from '../../lookups/index.js';

const ctx: LookupContext = { basedirs: [process.cwd()] };
const names = Object.keys(LOOKUPS);
const plugin = (name: string): LookupPlugin => LOOKUPS[name]!;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the lookup table', () => {
  it('holds the builtin lookups tsible implements, and community.general flattened and cartesian', () => {
    expect(names.sort()).toEqual(
      [
        'cartesian',
        'config',
        'csvfile',
        'dict',
        'env',
        'file',
        'fileglob',
        'first_found',
        'flattened',
        'indexed_items',
        'ini',
        'inventory_hostnames',
        'items',
        'lines',
        'list',
        'nested',
        'password',
        'pipe',
        'random_choice',
        'sequence',
        'subelements',
        'template',
        'together',
        'unvault',
        'url',
        'vars',
        'varnames',
      ].sort(),
    );
    expect(plugin('flattened').collection).toBe('community.general');
    expect(plugin('cartesian').collection).toBe('community.general');
  });

  it.each(names)('%s declares a known terms shape and a run function', (name) => {
    expect(Object.keys(DICT_AS_TERMS)).toContain(plugin(name).terms);
    expect(typeof plugin(name).run).toBe('function');
  });

  it.each(names)('%s is found by its short name, ansible.builtin.%s and its own FQCN', (name) => {
    const p = plugin(name);
    expect(findLookup(name)).toBe(p);
    expect(findLookup(`ansible.builtin.${name}`)).toBe(p);
    expect(findLookup(`${p.collection ?? 'ansible.builtin'}.${name}`)).toBe(p);
    expect(findLookup(`other.collection.${name}`)).toBeUndefined();
  });

  it('does not find what it does not hold, even a name on Object.prototype', () => {
    expect(findLookup('nope')).toBeUndefined();
    expect(findLookup('constructor')).toBeUndefined();
    expect(() => runLookup('nope', [], ctx, true)).toThrow('lookup plugin (nope) not found');
    expect(() => loopLookupItems('nope', [1], ctx)).toThrow(
      "Unexpected failure in finding the lookup named 'nope' in the available lookup plugins",
    );
  });
});

describe('with_<name> through the table', () => {
  it.each(names)('with_%s runs the plugin from the table, terms shaped by its declaration', (name) => {
    const run = vi.spyOn(plugin(name), 'run').mockReturnValue(['x', ['y']]);
    const value = ['a', ['b']];
    for (const written of [name, `ansible.builtin.${name}`, `${plugin(name).collection ?? 'ansible.builtin'}.${name}`])
      expect(loopLookupItems(written, value, ctx)).toEqual(['x', ['y']]);
    expect(run).toHaveBeenCalledTimes(3);
    expect(run).toHaveBeenCalledWith(loopTerms(name, plugin(name), value), {}, ctx);
  });

  it.each(names)('with_%s of a dict: keys, the dict wrapped, or refused, as its shape says', (name) => {
    const run = vi.spyOn(plugin(name), 'run').mockImplementation((terms) => terms);
    const d = { a: 1, b: 2 };
    const asTerms = DICT_AS_TERMS[plugin(name).terms];
    if (asTerms === 'refuse') {
      expect(() => loopLookupItems(name, d, ctx)).toThrow(`with_${name} expects a list`);
      expect(run).not.toHaveBeenCalled();
    } else expect(loopLookupItems(name, d, ctx)).toEqual(asTerms === 'wrap' ? [d] : ['a', 'b']);
  });

  const shapes: [TermsShape, unknown, unknown[]][] = [
    ['strings', 'one', ['one']],
    ['strings', 7, [7]],
    ['list', null, [null]],
    ['lists', [[1], [2]], [[1], [2]]],
    ['dicts', { k: 1 }, [{ k: 1 }]],
    ['dicts', [{ k: 1 }, { j: 2 }], [{ k: 1 }, { j: 2 }]],
  ];
  it.each(shapes)('a %s plugin given %j gets the terms %j', (terms, value, expected) => {
    expect(loopTerms('x', { terms, run: () => [] }, value)).toEqual(expected);
  });

  it('hands a loop lists, never tuples', () => {
    const items = loopLookupItems('indexed_items', ['a'], ctx);
    expect(items).toEqual([[0, 'a']]);
    expect(Object.getPrototypeOf(items[0])).toBe(Array.prototype);
  });
});
