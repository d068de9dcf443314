// The list-building lookups as Ansible 2.14 and community.general compute them (checked with ansible-playbook;
// the golden test/golden/core/lookups-loops.yml runs them end to end).
import { describe, expect, it } from 'vitest';
import { loopLookupItems, runLookup, type LookupContext } from '../../lookups/index.js';

const ctx: LookupContext = { basedirs: [process.cwd()] };

describe('list lookups, as with_<name>', () => {
  const cases: [string, unknown, unknown[]][] = [
    ['flattened', [[1, [2, [3]]], [[[4]]], 'None', 5], [1, 2, 3, 4]],
    ['flattened', [[['a']], 'b'], ['a', 'b']],
    [
      'cartesian',
      [[1, 2], ['a', ['b', 'c']], 'q'],
      [
        [1, 'a', 'q'],
        [1, 'b', 'c', 'q'],
        [2, 'a', 'q'],
        [2, 'b', 'c', 'q'],
      ],
    ],
    ['cartesian', [[1], []], []],
    [
      'nested',
      [[[1, 2], 3], ['a']],
      [
        [1, 2, 'a'],
        [3, 'a'],
      ],
    ],
    ['nested', { a: 1, b: 2 }, [['a', 'b']]],
    [
      'together',
      [[[1, 2], 3], ['a']],
      [
        [1, 2, 'a'],
        [3, null],
      ],
    ],
    ['items', { a: 1, b: 2 }, ['a', 'b']],
    ['items', [[1, 2], 3], [1, 2, 3]],
    ['random_choice', [[7, 7]], [[7, 7]]],
    ['random_choice', [], []],
    [
      'dict',
      [{ a: 1 }, { b: 2 }],
      [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ],
    ],
  ];
  it.each(cases)('with_%s: %j', (name, value, expected) => {
    expect(loopLookupItems(name, value, ctx)).toEqual(expected);
  });

  it.each([
    ['cartesian', [], 'with_cartesian requires at least one element in each list'],
    ['together', [], 'with_together requires at least one element in each list'],
    ['nested', [], 'with_nested requires at least one element in the nested list'],
    ['dict', 'text', 'with_dict expects a dict'],
    ['community.general.flattened', { a: 1 }, 'with_flattened expects a list'],
  ])('with_%s of %j fails as the plugin words it, unwrapped', (name, value, message) => {
    expect(() => loopLookupItems(name, value, ctx)).toThrow(new RegExp(`^${message}$`));
  });
});

describe('list lookups, as lookup() and query()', () => {
  it('give the same lists, joined only for strings', () => {
    expect(runLookup('community.general.flattened', [[1, [2, [3]]], 'x'], ctx, false)).toEqual([1, 2, 3, 'x']);
    expect(runLookup('cartesian', [[1, 2], ['a']], ctx, true)).toEqual([
      [1, 'a'],
      [2, 'a'],
    ]);
    expect(runLookup('random_choice', ['z', 'z'], ctx, false)).toBe('z');
    expect(runLookup('items', ['a', ['b']], ctx, false)).toBe('a,b');
  });

  it('wrap a plugin error as Templar._lookup does', () => {
    expect(() => runLookup('dict', ['text'], ctx, false)).toThrow(
      "An unhandled exception occurred while running the lookup plugin 'dict'. Error was a <class 'ansible.errors.AnsibleError'>, original message: with_dict expects a dict. with_dict expects a dict",
    );
  });
});
