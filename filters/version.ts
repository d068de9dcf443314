// Ansible's `version` test: loose (LooseVersion-like), strict, semver and pep440-ish comparisons.
import { TemplateError } from '../src/errors.js';

// in version_compare's order (its error lists them)
const OPERATORS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
};

/** distutils LooseVersion: split into runs of digits and letters; numbers compare as numbers. */
function loose(v: string): Array<number | string> {
  return (v.match(/\d+|[a-z]+|\.|/gi) ?? [])
    .filter((p) => p && p !== '.')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
function cmpParts(a: Array<number | string>, b: Array<number | string>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i],
      y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1; // LooseVersion in Python 3 would raise; numbers-first is what users expect
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}
function semver(v: string): [number[], string[]] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) throw new TemplateError(`Version comparison failed: invalid semantic version '${v}'`);
  return [[Number(m[1]), Number(m[2]), Number(m[3])], m[4] ? m[4].split('.') : []];
}
function cmpSemver(a: string, b: string): number {
  const [na, pa] = semver(a),
    [nb, pb] = semver(b);
  const c = cmpParts(na, nb);
  if (c) return c;
  if (!pa.length || !pb.length) return pb.length - pa.length;
  return cmpParts(
    pa.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
    pb.map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
  );
}

/** distutils StrictVersion: `N.N[.N][(a|b)N]`, the patch number 0 when absent; a release sorts after its
 * pre-releases. */
function strict(v: string): number[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(v);
  if (!m) throw new TemplateError(`Version comparison failed: invalid version number '${v}'`);
  const pre = m[4] === undefined ? [Infinity, 0] : [m[4] === 'a' ? 0 : 1, Number(m[5])];
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), ...pre];
}

const VERSION_TYPES = ['loose', 'strict', 'semver', 'semantic', 'pep440'];

/** The `version` test's options, as version_compare checks them before comparing. */
interface VersionOptions {
  readonly operator: string;
  readonly strict?: unknown;
  readonly type?: unknown;
}

export function compareVersions(value: string, version: string, o: VersionOptions): boolean {
  const given = (x: unknown) => x !== undefined && x !== null;
  if (given(o.strict) && given(o.type)) throw new TemplateError("Cannot specify both 'strict' and 'version_type'");
  if (value === '' || value === 'None') throw new TemplateError('Input version value cannot be empty');
  if (version === '' || version === 'None')
    throw new TemplateError('Version parameter to compare against cannot be empty');
  const type = o.strict ? 'strict' : given(o.type) && o.type !== '' ? String(o.type) : 'loose';
  if (!VERSION_TYPES.includes(type))
    throw new TemplateError(
      `Invalid version type (${type}). Must be one of ${VERSION_TYPES.map((t) => `'${t}'`).join(', ')}`,
    );
  const check = OPERATORS[o.operator];
  if (!check)
    throw new TemplateError(
      `Invalid operator type (${o.operator}). Must be one of ${Object.keys(OPERATORS)
        .map((k) => `'${k}'`)
        .join(', ')}`,
    );
  if (type === 'semver' || type === 'semantic') return check(cmpSemver(value, version));
  if (type === 'strict') return check(cmpParts(strict(value), strict(version)));
  return check(cmpParts(loose(value), loose(version)));
}
