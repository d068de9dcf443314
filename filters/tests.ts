// Jinja2's built-in tests and Ansible's test plugins (core, files, mathstuff, uri).
import { existsSync, lstatSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { TemplateError } from '../src/errors.js';
import {
  PyException,
  PyTuple,
  isDict,
  isFloat,
  isInt,
  isNum,
  pyCompareOp,
  pyEq,
  pyIn,
  truthy,
  type Dict,
} from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { filter, type TestTable } from './helpers.js';
import { compileRegex } from './regex.js';
import { compareVersions } from './version.js';

function resultTest(name: string, check: (r: Dict) => boolean) {
  return filter([], (v) => {
    if (!isDict(v)) throw new TemplateError(`The '${name}' test expects a dictionary`);
    return check(v);
  });
}
const failed = (r: Dict) => truthy(r.failed ?? false);
const changed = (r: Dict): boolean => {
  if (truthy(r.changed ?? false)) return true;
  return Array.isArray(r.results) && r.results.some((x) => isDict(x) && truthy(x.changed ?? false));
};
const skipped = (r: Dict) => truthy(r.skipped ?? false);
const unreachable = (r: Dict) => truthy(r.unreachable ?? false);
const finished = (r: Dict) => (r.finished === undefined ? true : truthy(r.finished));
const started = (r: Dict) => (r.started === undefined ? true : truthy(r.started));

const op = (symbol: string) => filter(['other'], (v, { other }) => pyCompareOp(v, symbol, other));
const regexTest = (mode: 'match' | 'search' | 'fullmatch') =>
  filter(
    ['pattern', 'ignorecase', 'multiline', 'match_type'],
    (v, { pattern, ignorecase = false, multiline = false, match_type }) => {
      const m = (match_type as string | undefined) ?? mode;
      const re = compileRegex(String(pattern), {
        ignorecase: Boolean(ignorecase),
        multiline: Boolean(multiline),
        anchor: m === 'match' ? 'start' : m === 'fullmatch' ? 'full' : 'none',
      });
      return re.test(String(v));
    },
  );

function pluginExists(get: () => unknown, kind: string, name: unknown): boolean {
  let found: unknown;
  try {
    found = get();
  } catch {
    found = undefined;
  }
  if (found) return true;
  throw new PyException('jinja2.exceptions.TemplateSyntaxError', `No ${kind} named '${String(name)}'.\n  line 0`);
}

export const TESTS: TestTable = {
  // Jinja2
  boolean: filter([], (v) => typeof v === 'boolean'),
  callable: filter([], (v) => typeof v === 'function'),
  defined: filter([], (v) => !(v instanceof PyUndefined), { acceptsUndefined: true }),
  undefined: filter([], (v) => v instanceof PyUndefined, { acceptsUndefined: true }),
  divisibleby: filter(['num'], (v, { num }) => Number(v) % Number(num) === 0),
  eq: op('=='),
  equalto: op('=='),
  '==': op('=='),
  ne: op('!='),
  '!=': op('!='),
  lt: op('<'),
  lessthan: op('<'),
  '<': op('<'),
  le: op('<='),
  '<=': op('<='),
  gt: op('>'),
  greaterthan: op('>'),
  '>': op('>'),
  ge: op('>='),
  '>=': op('>='),
  escaped: filter([], () => false),
  // Jinja2 3.1's: true when a filter (a test) of that name exists; under Ansible 2.14 asking for one that does not
  // raises out of its plugin loader (the task fails with "The error was:   line 0")
  filter: filter([], function (this: { env?: { getFilter(n: string): unknown } }, v) {
    return pluginExists(() => this.env?.getFilter(String(v)), 'filter', v);
  }),
  test: filter([], function (this: { env?: { getTest(n: string): unknown } }, v) {
    return pluginExists(() => this.env?.getTest(String(v)), 'test', v);
  }),
  even: filter([], (v) => Number(v) % 2 === 0),
  odd: filter([], (v) => Math.abs(Number(v) % 2) === 1),
  false: filter([], (v) => v === false),
  true: filter([], (v) => v === true),
  none: filter([], (v) => v === null),
  float: filter([], (v) => isFloat(v)),
  integer: filter([], (v) => isInt(v)),
  number: filter([], (v) => isNum(v)),
  in: filter(['seq'], (v, { seq }) => pyIn(v, seq)),
  iterable: filter([], (v) => typeof v === 'string' || Array.isArray(v) || isDict(v)),
  sequence: filter([], (v) => typeof v === 'string' || Array.isArray(v) || isDict(v)),
  mapping: filter([], (v) => isDict(v)),
  string: filter([], (v) => typeof v === 'string'),
  lower: filter([], (v) => typeof v === 'string' && v === v.toLowerCase()),
  upper: filter([], (v) => typeof v === 'string' && v === v.toUpperCase()),
  sameas: filter(['other'], (v, { other }) => v === other || (v instanceof PyTuple && v === other)),
  // Ansible core
  failed: resultTest('failed', failed),
  failure: resultTest('failure', failed),
  success: resultTest('success', (r) => !failed(r)),
  succeeded: resultTest('succeeded', (r) => !failed(r)),
  successful: resultTest('successful', (r) => !failed(r)),
  changed: resultTest('changed', changed),
  change: resultTest('change', changed),
  skipped: resultTest('skipped', skipped),
  skip: resultTest('skip', skipped),
  unreachable: resultTest('unreachable', unreachable),
  reachable: resultTest('reachable', (r) => !unreachable(r)),
  finished: resultTest('finished', finished),
  started: resultTest('started', started),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: regexTest('search'),
  version: filter(['version', 'operator', 'strict', 'version_type'], (v, { version, operator = 'eq', version_type }) =>
    compareVersions(String(v), String(version), String(operator), version_type as string | undefined),
  ),
  any: filter([], (v) => (v as unknown[]).some(truthy)),
  all: filter([], (v) => (v as unknown[]).every(truthy)),
  truthy: filter(['convert_bool'], (v) => truthy(v)),
  falsy: filter(['convert_bool'], (v) => !truthy(v)),
  vault_encrypted: filter([], () => false),
  nan: filter([], (v) => typeof v === 'number' && Number.isNaN(v)),
  contains: filter(['item'], (v, { item }) => pyIn(item, v)),
  subset: filter(['b'], (v, { b }) => (v as unknown[]).every((x) => (b as unknown[]).some((y) => pyEq(x, y)))),
  superset: filter(['b'], (v, { b }) => (b as unknown[]).every((x) => (v as unknown[]).some((y) => pyEq(x, y)))),
  // files
  exists: filter([], (v) => existsSync(String(v))),
  file: filter([], (v) => {
    try {
      return statSync(String(v)).isFile();
    } catch {
      return false;
    }
  }),
  is_file: filter([], (v) => {
    try {
      return statSync(String(v)).isFile();
    } catch {
      return false;
    }
  }),
  directory: filter([], (v) => {
    try {
      return statSync(String(v)).isDirectory();
    } catch {
      return false;
    }
  }),
  is_dir: filter([], (v) => {
    try {
      return statSync(String(v)).isDirectory();
    } catch {
      return false;
    }
  }),
  link: filter([], (v) => {
    try {
      return lstatSync(String(v)).isSymbolicLink();
    } catch {
      return false;
    }
  }),
  is_link: filter([], (v) => {
    try {
      return lstatSync(String(v)).isSymbolicLink();
    } catch {
      return false;
    }
  }),
  abs: filter([], (v) => isAbsolute(String(v))),
  is_abs: filter([], (v) => isAbsolute(String(v))),
  mount: filter([], (v) => String(v) === '/'),
  // uri
  uri: filter(['schemes'], (v, { schemes }) => {
    try {
      const u = new URL(String(v));
      return !schemes || (schemes as string[]).includes(u.protocol.slice(0, -1));
    } catch {
      return false;
    }
  }),
  url: filter(['schemes'], (v, { schemes }) => {
    try {
      const u = new URL(String(v));
      return Boolean(u.host) && (!schemes || (schemes as string[]).includes(u.protocol.slice(0, -1)));
    } catch {
      return false;
    }
  }),
  urn: filter([], (v) => /^urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]+$/i.test(String(v))),
};
for (const [name, fn] of Object.entries({ ...TESTS })) {
  if (/^[a-z_]+$/.test(name)) {
    TESTS[`ansible.builtin.${name}`] = fn;
  }
}
TESTS.version_compare = TESTS.version!;
