// Every filter, test and lookup that ansible-core 2.14 (ansible.builtin) and Jinja2 3.1 provide, as the installed
// Ansible lists them (test/golden/plugins/names.ansible-2.14.json, written by test/golden/plugins/list-names.py):
// tsible knows each name, Ansible's own plugins also by their ansible.builtin FQCN and Jinja2's by no FQCN.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Templar } from '../../src/template/templar.js';
import { findLookup } from '../../lookups/index.js';
import { ROOT } from '../helpers.js';

const names = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/plugins/names.ansible-2.14.json'), 'utf8')) as {
  jinja2_filters: string[];
  jinja2_tests: string[];
  filters: string[];
  tests: string[];
  lookups: string[];
};

const templar = new Templar({ lookupVar: () => undefined });
/** The error a template gives, or '' when it renders. */
function errorOf(template: string): string {
  try {
    templar.template(template);
    return '';
  } catch (e) {
    return String((e as Error).message);
  }
}
/** Whether the Templar knows a filter or test by that name. A filter is looked up when the template compiles, so
 * it is never run; a test is run ('lower' names both a filter and a test, for the `filter` and `test` tests). */
const known = (kind: 'filter' | 'test', name: string) =>
  !/Could not load|No (filter|test) named/.test(
    errorOf(kind === 'filter' ? `{{ 1 if false else (1 | ${name}) }}` : `{{ 'lower' is ${name} }}`),
  );

describe('plugin names against ansible-core 2.14 and Jinja2 3.1', () => {
  it('records the versions it was made from', () => {
    expect(names).toMatchObject({
      ansible: expect.stringMatching(/^2\.14\./),
      jinja2: expect.stringMatching(/^3\.1\./),
    });
  });
  const symbol = (n: string) => /^\W+$/.test(n);
  it.each(names.jinja2_filters)('Jinja2 filter %s', (name) => {
    expect(known('filter', name)).toBe(true);
  });
  it.each(names.jinja2_tests.filter((n) => !symbol(n)))('Jinja2 test %s', (name) => {
    expect(known('test', name)).toBe(true);
  });
  it.each(names.filters)('filter %s, also as ansible.builtin.%s', (name) => {
    expect(known('filter', name)).toBe(true);
    expect(known('filter', `ansible.builtin.${name}`)).toBe(true);
  });
  it.each(names.tests)('test %s, also as ansible.builtin.%s', (name) => {
    expect(known('test', name)).toBe(true);
    expect(known('test', `ansible.builtin.${name}`)).toBe(true);
  });
  it.each(names.lookups)('lookup %s, also as ansible.builtin.%s', (name) => {
    expect(findLookup(name)).toBeDefined();
    expect(findLookup(`ansible.builtin.${name}`)).toBeDefined();
  });
  it("gives Jinja2's own filters and tests no ansible.builtin name, as Ansible does not", () => {
    const own = (list: string[], ansible: string[]) => list.filter((n) => !ansible.includes(n) && !symbol(n));
    for (const name of own(names.jinja2_filters, names.filters))
      expect(known('filter', `ansible.builtin.${name}`), name).toBe(false);
    for (const name of own(names.jinja2_tests, names.tests))
      expect(known('test', `ansible.builtin.${name}`), name).toBe(false);
  });
});
