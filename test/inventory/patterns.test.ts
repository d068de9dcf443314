// Host patterns and --limit against what ansible-core 2.14's InventoryManager answered for the same inventory
// (test/golden/patterns/regenerate.py records it): the hosts, in order, the warnings, or the error.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/inventory.js';
import { applyLimit, matchHosts, splitHostPattern } from '../../src/inventory/patterns.js';
import { ROOT } from '../helpers.js';

interface Case {
  pattern: string | string[];
  limit?: string;
  hosts?: string[];
  error?: string;
  warnings: string[];
}
const dir = path.join(ROOT, 'test/golden/patterns');
const cases: Case[] = JSON.parse(readFileSync(path.join(dir, 'patterns.ansible-2.14.json'), 'utf8'));
const NO_HOSTS = 'Specified inventory, host pattern and/or --limit leaves us with no hosts to target.';

/** One case as the recording ran it: a fresh inventory, the limit (paths relative to the golden's folder). */
function select(c: Case): Omit<Case, 'pattern' | 'limit'> {
  const inv = loadInventory([path.join(ROOT, 'test/golden/core/inventory/patterns.ini')]);
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  try {
    // the recording applied the limit alone (InventoryManager.subset), without the CLI's check for no hosts
    if (c.limit !== undefined)
      try {
        applyLimit(inv, c.limit.replace(/^@\.\.\//, `@${ROOT}/test/golden/`), warn);
      } catch (e) {
        if ((e as Error).message !== NO_HOSTS) throw e;
      }
    return { hosts: matchHosts(inv, c.pattern, { warn }), warnings };
  } catch (e) {
    return { error: (e as Error).message.replaceAll(`${ROOT}/test/golden/`, '../'), warnings };
  }
}

describe('host patterns as ansible-core 2.14', () => {
  it.each(cases.map((c) => [JSON.stringify(c.pattern), c.limit ?? '', c] as const))(
    'hosts: %s --limit %s',
    (_p, _l, c) => {
      const { pattern: _pattern, limit: _limit, ...expected } = c;
      expect(select(c)).toEqual(expected);
    },
  );

  it('splits patterns on commas, else on colons outside brackets, keeping addresses whole', () => {
    expect(splitHostPattern('a,b[1], c[2:3] , d')).toEqual(['a', 'b[1]', 'c[2:3]', 'd']);
    expect(splitHostPattern('web:&db:!web[1]')).toEqual(['web', '&db', '!web[1]']);
    expect(splitHostPattern('web[1:3]')).toEqual(['web[1:3]']);
    expect(splitHostPattern('fe80::1')).toEqual(['fe80::1']);
    expect(splitHostPattern('host.example.com:22')).toEqual(['host.example.com:22']);
    expect(splitHostPattern(['a:b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('warns of a pattern that matches nothing once per inventory', () => {
    const inv = loadInventory([path.join(ROOT, 'test/golden/core/inventory/patterns.ini')]);
    const warnings: string[] = [];
    for (let i = 0; i < 2; i++) matchHosts(inv, 'web:nosuch', { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual(['Could not match supplied host pattern, ignoring: nosuch']);
  });

  it('leaves us with no hosts: an error when the inventory had hosts, none when it had only localhost', () => {
    const inv = loadInventory([path.join(ROOT, 'test/golden/core/inventory/patterns.ini')]);
    expect(() => applyLimit(inv, 'db:&web')).toThrow(NO_HOSTS);
    const empty = loadInventory([]);
    applyLimit(empty, 'localhost');
    expect(matchHosts(empty, 'localhost')).toEqual(['localhost']);
    expect(matchHosts(inv, 'all', { ignoreLimits: true })).toHaveLength(7);
  });
});
