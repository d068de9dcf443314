// Jinja2's built-in tests and Ansible's test plugins (core, files, mathstuff, uri).
import { existsSync, lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { TemplateError } from '../src/errors.js';
import {
  PyException,
  PyTuple,
  PyTypeError,
  typeName,
  isDict,
  isFloat,
  isInt,
  isNum,
  pyCompareOp,
  pyEq,
  pyIn,
  pyBoolean,
  pyStr,
  pyRepr,
  truthy,
  type Dict,
} from '../src/python/python.js';
import { PyUndefined } from '../src/python/undefined.js';
import { filter, type TestTable } from './helpers.js';
import { compileRegex } from './regex.js';
import { compareVersions } from './version.js';
import { hashable } from './core.js';
import { toList } from './jinja2.js';

/** os.stat or os.lstat, undefined where Python's os.path functions would catch the OSError. */
function statOf(v: unknown, how: typeof statSync | typeof lstatSync): Stats | undefined {
  try {
    return how(String(v));
  } catch {
    return undefined;
  }
}
/** os.path.ismount: not a link, and on another device than its parent or the same inode (the root). */
function isMount(p: string): boolean {
  const self = statOf(p, lstatSync);
  if (!self || self.isSymbolicLink()) return false;
  const parent = statOf(realpathOr(join(p, '..')), lstatSync);
  return parent !== undefined && (self.dev !== parent.dev || self.ino === parent.ino);
}
const realpathOr = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** set(v)'s members: refused, as Python refuses them, when one cannot be hashed. */
function pySet(v: unknown): unknown[] {
  const items = toList(v);
  const bad = items.find((x) => !hashable(x));
  if (bad !== undefined) throw new PyTypeError(`unhashable type: '${typeName(bad)}'`);
  return items;
}

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

/** truthy/falsy's convert_bool: boolean-like values as convert_bool.boolean reads them, anything else as it is. */
const converted = (v: unknown, convert: unknown): unknown => (truthy(convert) ? (pyBoolean(v, true) ?? v) : v);

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

/** Jinja2's own tests: Ansible has no ansible.builtin name for them. */
const JINJA2_TESTS: TestTable = {
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
};

/** Ansible's test plugins (core, files, mathstuff, uri), also by their ansible.builtin FQCN. */
const ANSIBLE_TESTS: TestTable = {
  // core
  // (each alias, and success and reachable, names in its message the test it is built on, as Ansible's do)
  failed: resultTest('failed', failed),
  success: resultTest('failed', (r) => !failed(r)),
  changed: resultTest('changed', changed),
  skipped: resultTest('skipped', skipped),
  unreachable: resultTest('unreachable', unreachable),
  reachable: resultTest('unreachable', (r) => !unreachable(r)),
  finished: resultTest('finished', finished),
  started: resultTest('started', started),
  match: regexTest('match'),
  search: regexTest('search'),
  regex: regexTest('search'),
  version: filter(['version', 'operator', 'strict', 'version_type'], (v, { version, operator = 'eq', ...o }) =>
    compareVersions(pyStr(v), pyStr(version), { operator: pyStr(operator), strict: o.strict, type: o.version_type }),
  ),
  any: filter([], (v) => (v as unknown[]).some(truthy)),
  all: filter([], (v) => (v as unknown[]).every(truthy)),
  truthy: filter(['convert_bool'], (v, { convert_bool }) => truthy(converted(v, convert_bool))),
  falsy: filter(['convert_bool'], (v, { convert_bool }) => !truthy(converted(v, convert_bool))),
  vault_encrypted: filter([], () => false),
  nan: filter([], (v) => isNum(v) && Number.isNaN(Number(v))),
  contains: filter(['item'], (v, { item }) => pyIn(item, v)),
  subset: filter(['b'], (v, { b }) => {
    const [a, c] = [pySet(v), pySet(b)];
    return a.every((x) => c.some((y) => pyEq(x, y)));
  }),
  superset: filter(['b'], (v, { b }) => {
    const [a, c] = [pySet(v), pySet(b)];
    return c.every((x) => a.some((y) => pyEq(x, y)));
  }),
  // files
  exists: filter([], (v) => existsSync(String(v))),
  link_exists: filter([], (v) => statOf(v, lstatSync) !== undefined),
  file: filter([], (v) => statOf(v, statSync)?.isFile() ?? false),
  directory: filter([], (v) => statOf(v, statSync)?.isDirectory() ?? false),
  link: filter([], (v) => statOf(v, lstatSync)?.isSymbolicLink() ?? false),
  abs: filter([], (v) => isAbsolute(String(v))),
  mount: filter([], (v) => isMount(pyStr(v))),
  same_file: filter(['b'], (v, { b }) => {
    const [x, y] = [pyStr(v), pyStr(b)].map((f) => {
      const st = statOf(f, statSync);
      if (!st) throw new PyException('FileNotFoundError', `[Errno 2] No such file or directory: ${pyRepr(f)}`);
      return st;
    });
    return x!.dev === y!.dev && x!.ino === y!.ino;
  }),
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
// the second names Ansible's test plugins give the same tests
const ALIASES = {
  failure: 'failed',
  succeeded: 'success',
  successful: 'success',
  change: 'changed',
  skip: 'skipped',
  version_compare: 'version',
  is_file: 'file',
  is_dir: 'directory',
  is_link: 'link',
  is_abs: 'abs',
  is_mount: 'mount',
  is_same_file: 'same_file',
  issubset: 'subset',
  issuperset: 'superset',
  isnan: 'nan',
};
for (const [alias, name] of Object.entries(ALIASES)) ANSIBLE_TESTS[alias] = ANSIBLE_TESTS[name]!;

export const TESTS: TestTable = { ...JINJA2_TESTS, ...ANSIBLE_TESTS };
for (const [name, fn] of Object.entries(ANSIBLE_TESTS)) TESTS[`ansible.builtin.${name}`] = fn;
