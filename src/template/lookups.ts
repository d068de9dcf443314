// Jinja2's and Ansible's template globals, and the lookup plugins behind lookup()/query()/q() and with_*.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, opendirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { TemplateError } from '../errors.js';
import { PyNamespace, PyTuple, isDict, pyRepr, pyStr, truthy, typeName, type Dict } from '../python/python.js';
import { PyUndefined } from '../python/undefined.js';
import { splitKeywords } from '../../filters/helpers.js';
import { PyRandom } from '../../filters/pyrandom.js';
import { SALT_CHARS, passwordHash } from '../../filters/crypt.js';
import { parseKv } from '../playbook/kv.js';
import { PyDatetime } from '../python/datetime.js';
import { configValue } from '../config.js';

/** What a lookup can see: the task's variables and where to find relative files. */
export interface LookupContext {
  readonly basedirs: readonly string[];
  readonly vars?: () => Dict;
  readonly templar?: { template(v: unknown): unknown; lookup(name: string): unknown };
  /** Ansible's display.warning, through the run's callbacks. */
  readonly warn?: (message: string) => void;
}

/** AnsibleLookupError: the plugin decided to fail; re-raised as it is (errors=warn/ignore still apply). */
export class LookupFailure extends TemplateError {}
/** AnsibleOptionsError: the lookup was called wrongly; re-raised as it is, whatever errors= says. */
export class LookupOptionsError extends TemplateError {}

type Lookup = (terms: unknown[], kw: Dict, ctx: LookupContext) => unknown[];

const findFile = (ctx: LookupContext, name: string, subdir = 'files'): string | undefined => {
  if (path.isAbsolute(name)) return existsSync(name) ? name : undefined;
  for (const base of ctx.basedirs)
    for (const candidate of [path.join(base, subdir, name), path.join(base, name)])
      if (existsSync(candidate)) return candidate;
  return undefined;
};
/** LookupBase.find_file_in_search_path's warning when a file is not found. */
const notFoundWarning = (ctx: LookupContext, name: string) =>
  ctx.warn?.(`Unable to find '${name}' in expected paths (use -vvvvv to see paths)`);
const flat = (terms: unknown[]) => terms.flatMap((t) => (Array.isArray(t) ? t : [t]));

export const LOOKUPS: Record<string, Lookup> = {
  env: (terms, kw) => terms.map((t) => process.env[pyStr(t)] ?? (kw.default !== undefined ? kw.default : '')),
  vars: (terms, kw, ctx) =>
    terms.map((t) => {
      const v = ctx.templar?.lookup(pyStr(t));
      if (v === undefined || v instanceof PyUndefined) {
        if (kw.default !== undefined) return kw.default;
        throw new TemplateError(`No variable found with this name: ${pyStr(t)}`);
      }
      return v;
    }),
  varnames: (terms, _kw, ctx) => {
    const names = Object.keys(ctx.vars?.() ?? {});
    return [terms.flatMap((t) => names.filter((n) => new RegExp(pyStr(t)).test(n))).join(',')];
  },
  file: (terms, kw, ctx) =>
    terms.map((t) => {
      const f = findFile(ctx, pyStr(t));
      if (!f) {
        notFoundWarning(ctx, pyStr(t));
        throw new TemplateError(`could not locate file in lookup: ${pyStr(t)}`);
      }
      let s = readFileSync(f, 'utf8');
      if (kw.rstrip === undefined || truthy(kw.rstrip)) s = s.replace(/\s+$/, '');
      if (truthy(kw.lstrip ?? false)) s = s.replace(/^\s+/, '');
      return s;
    }),
  template: (terms, _kw, ctx) =>
    terms.map((t) => {
      const f = findFile(ctx, pyStr(t), 'templates');
      if (!f) notFoundWarning(ctx, pyStr(t));
      if (!f) throw new TemplateError(`the template file ${pyStr(t)} could not be found for the lookup`);
      return ctx.templar ? pyStr(ctx.templar.template(readFileSync(f, 'utf8'))) : readFileSync(f, 'utf8');
    }),
  lines: (terms) =>
    terms.flatMap((t) =>
      execSync(pyStr(t), { encoding: 'utf8', shell: '/bin/sh' })
        .split('\n')
        .filter((l, i, a) => i < a.length - 1 || l !== ''),
    ),
  pipe: (terms) => terms.map((t) => execSync(pyStr(t), { encoding: 'utf8', shell: '/bin/sh' }).replace(/\n$/, '')),
  items: (terms) => flat(terms),
  list: (terms) => terms,
  indexed_items: (terms) => flat(terms).map((x, i) => PyTuple.of2(i, x)),
  dict: (terms) =>
    terms.flatMap((t) => {
      if (!isDict(t)) throw new TemplateError('with_dict expects a dict');
      return Object.entries(t).map(([key, value]) => ({ key, value }));
    }),
  together: (terms) => {
    const lists = terms.map((t) => (Array.isArray(t) ? t : [t]));
    const n = Math.max(0, ...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => lists.map((l) => (i < l.length ? l[i] : null)));
  },
  nested: (terms) => {
    const lists = terms.map((t) => (Array.isArray(t) ? t : [t]));
    return lists.reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]]);
  },
  random_choice: (terms) => {
    const items = flat(terms);
    return items.length ? [items[Math.floor(Math.random() * items.length)]] : [];
  },
  first_found: (terms, kw, ctx) => {
    const files = flat(terms).flatMap((t) =>
      isDict(t)
        ? flat([t.files ?? []]).flatMap((f) => flat([t.paths ?? ['']]).map((p) => path.join(pyStr(p), pyStr(f))))
        : pyStr(t).split(/[,;]/),
    );
    for (const f of files) {
      const found = findFile(ctx, f);
      if (found) return [found];
    }
    if (truthy(kw.skip ?? false)) return [];
    throw new TemplateError('No file was found when using first_found.');
  },
  fileglob: (terms, _kw, ctx) =>
    terms.flatMap((t) => {
      const pattern = pyStr(t);
      const dir = path.dirname(pattern);
      const base = path.basename(pattern);
      const re = new RegExp(
        '^' +
          base
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.') +
          '$',
      );
      for (const root of path.isAbsolute(dir)
        ? [dir]
        : ctx.basedirs.flatMap((b) => [path.join(b, 'files', dir), path.join(b, dir)])) {
        if (!existsSync(root)) continue;
        // directory order, as Python's glob returns it (readdirSync would sort)
        const names: string[] = [];
        const d = opendirSync(root);
        for (let e = d.readSync(); e; e = d.readSync()) names.push(e.name);
        d.closeSync();
        const hits = names
          .filter((n) => re.test(n))
          .map((n) => path.join(root, n))
          .filter((p) => statSync(p).isFile());
        if (hits.length) return hits;
      }
      return [];
    }),
  password: (terms, kw, ctx) => terms.map((t) => passwordLookup(pyStr(t), kw, ctx)),
  config: (terms, kw, ctx) => {
    if ((kw.plugin_type ?? null) !== null || (kw.plugin_name ?? null) !== null) {
      if ((kw.plugin_type ?? null) === null || (kw.plugin_name ?? null) === null)
        throw new LookupOptionsError('Both plugin_type and plugin_name are required, cannot use one without the other');
      throw new LookupFailure(
        `tsible does not know the settings of ${pyStr(kw.plugin_type)} plugin "${pyStr(kw.plugin_name)}"`,
      );
    }
    const missing = kw.on_missing ?? 'error';
    if (typeof missing !== 'string' || !['error', 'warn', 'skip'].includes(missing))
      throw new LookupOptionsError(
        `Invalid value "${pyStr(missing)}" for configuration option "plugin_type: lookup plugin: config setting: on_missing ", valid values are: error, skip, warn`,
      );
    return terms.flatMap((t) => {
      if (typeof t !== 'string')
        throw new LookupOptionsError(
          `Invalid setting identifier, "${pyStr(t)}" is not a string, its a <class '${typeName(t)}'>`,
        );
      const v = configValue(t);
      if (v !== undefined) return [v];
      if (missing === 'error')
        throw new LookupFailure(
          `Unable to find setting ${t}. module 'ansible.constants' has no attribute '${t}'. module 'ansible.constants' has no attribute '${t}'`,
        );
      if (missing === 'warn')
        (ctx.warn ?? ((m) => process.stderr.write(`[WARNING]: ${m}\n`)))(`Skipping, did not find setting ${t}`);
      return [];
    });
  },
  sequence: (terms, kw) => (terms.length ? terms.flatMap((t) => sequence(parseSequenceTerm(pyStr(t)))) : sequence(kw)),
  subelements: (terms, kw) => {
    const [items, key, opts] = terms as [unknown, unknown, Dict | undefined];
    if (terms.length < 2 || terms.length > 3)
      throw new TemplateError('subelements lookup expects a list of two or three items, ');
    if (typeof key !== 'string' || (!Array.isArray(items) && !isDict(items)))
      throw new TemplateError(
        'subelements lookup expects a list of two or three items, first a dict or a list, second a string pointing to the subkey',
      );
    if (isDict(items) && items.skipped !== undefined && items.skipped !== false) return [];
    const skip = truthy((opts ?? kw).skip_missing ?? false);
    const path = key.split('.');
    const out: unknown[] = [];
    for (const original of isDict(items) ? Object.values(items) : items) {
      if (!isDict(original))
        throw new TemplateError(`subelements lookup expects a dictionary, got '${pyStr(original)}'`);
      if (original.skipped !== undefined && original.skipped !== false) continue;
      // Ansible pops the list out of the item it returns: copy along the path so the variable itself stays whole
      const item0: Dict = { ...original };
      let holder: Dict = item0;
      let sublist: unknown[] = [];
      let missing = false;
      for (const [i, k] of path.entries()) {
        if (!(k in holder)) {
          if (skip) {
            missing = true;
            break;
          }
          throw new TemplateError(`could not find '${k}' key in iterated item '${pyStr(holder)}'`);
        }
        if (i < path.length - 1) {
          if (!isDict(holder[k])) {
            if (skip) {
              missing = true;
              break;
            }
            throw new TemplateError(`the key ${k} should point to a dictionary, got '${pyStr(holder[k])}'`);
          }
          holder = holder[k] = { ...(holder[k] as Dict) };
        } else {
          if (!Array.isArray(holder[k]))
            throw new TemplateError(`the key ${k} should point to a list, got '${pyStr(holder[k])}'`);
          sublist = holder[k] as unknown[];
          delete holder[k];
        }
      }
      if (missing) continue;
      for (const s of sublist) out.push([item0, s]);
    }
    return out;
  },
};

function parseSequenceTerm(term: string): Dict {
  const kw: Dict = {};
  const m = /^(?:(0x[0-9a-f]+|0o?[0-7]+|-?\d+)-)?(0x[0-9a-f]+|0o?[0-7]+|-?\d+)(?:\/(-?\d+))?(?::(.+))?$/i.exec(
    term.trim(),
  );
  if (m && !term.includes('=')) {
    kw.start = m[1] ?? 1;
    kw.end = m[2];
    if (m[3]) kw.stride = m[3];
    if (m[4]) kw.format = m[4];
    return kw;
  }
  for (const part of term.trim().split(/\s+/)) {
    const [k, v] = part.split('=');
    if (k && v !== undefined) kw[k] = v;
  }
  return kw;
}
function sequence(kw: Dict): string[] {
  const num = (v: unknown) => {
    const s = pyStr(v);
    return s.startsWith('0x')
      ? parseInt(s, 16)
      : /^0o?[0-7]+$/.test(s) && s !== '0'
        ? parseInt(s.replace(/^0o?/, ''), 8)
        : Number(s);
  };
  const start = num(kw.start ?? 1),
    stride = num(kw.stride ?? 1);
  const end = kw.end !== undefined ? num(kw.end) : kw.count !== undefined ? start + (num(kw.count) - 1) * stride : NaN;
  if (Number.isNaN(end)) throw new TemplateError('must specify count or end in with_sequence');
  const fmt = pyStr(kw.format ?? '%d');
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) {
    out.push(
      fmt.replace(/%(0?\d*)([dxXo])/, (_m, w: string, c: string) => {
        const s =
          c === 'd' ? String(i) : c === 'o' ? i.toString(8) : c === 'x' ? i.toString(16) : i.toString(16).toUpperCase();
        return w.startsWith('0') ? s.padStart(Number(w), '0') : s.padStart(Number(w || 0));
      }),
    );
    if (stride === 0) break;
  }
  return out;
}

/** Runs a lookup plugin as `lookup()`/`query()` do; `wantlist` decides between a list and a joined string. */
export function runLookup(name: string, args: unknown[], ctx: LookupContext, wantlist: boolean): unknown {
  const short = name.replace(/^ansible\.builtin\./, '');
  const plugin = LOOKUPS[short];
  if (!plugin) throw new TemplateError(`lookup plugin (${name}) not found`);
  const { positional, keywords } = splitKeywords(args);
  for (const t of positional) if (t instanceof PyUndefined) t.fail();
  const errors = keywords.errors ?? 'strict';
  delete keywords.errors;
  const want = wantlist || truthy(keywords.wantlist ?? false);
  delete keywords.wantlist;
  let result: unknown[];
  try {
    result = plugin(positional, keywords, ctx);
  } catch (e) {
    if (e instanceof LookupOptionsError) throw e;
    if (errors === 'ignore') return want ? [] : null;
    if (errors === 'warn') return want ? [] : null;
    if (e instanceof LookupFailure) throw e;
    // AnsibleError(msg, orig_exc=e): the message, then the original's
    if (e instanceof TemplateError)
      throw new TemplateError(
        `An unhandled exception occurred while running the lookup plugin '${short}'. Error was a <class 'ansible.errors.AnsibleError'>, original message: ${e.message}. ${e.message}`,
        { cause: e },
      );
    throw e;
  }
  if (want || result.length === 0) return result;
  // ','.join(ran) raises TypeError for anything but strings, and Ansible then returns the list itself
  if (!result.every((x) => typeof x === 'string')) return result.length === 1 ? result[0] : result;
  if (result.length === 1) return result[0];
  return result.join(',');
}

function lookupContextOf(self: unknown): LookupContext {
  const ctx = (self as { ctx?: Dict })?.ctx ?? {};
  const templar = ctx.__tsible_templar as { lookupContext?: LookupContext } | undefined;
  return templar?.lookupContext ?? { basedirs: [process.cwd()] };
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

// Python's string module constants, by the names the password lookup's `chars` accepts.
const ascii_lowercase = 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase = ascii_lowercase.toUpperCase(),
  digits = '0123456789';
const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  whitespace = ' \t\n\r\x0b\x0c';
const STRING_CONSTANTS: Record<string, string> = {
  ascii_lowercase,
  ascii_uppercase,
  ascii_letters: ascii_lowercase + ascii_uppercase,
  digits,
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation,
  whitespace,
  printable: digits + ascii_lowercase + ascii_uppercase + punctuation + whitespace,
};
const PASSWORD_PARAMS = ['length', 'encrypt', 'chars', 'ident', 'seed'];

/**
 * ansible.builtin.password: `path [length=N chars=a,b encrypt=sha512_crypt seed=S]`. An existing file's
 * content (up to ` salt=`) is the password; otherwise a new one is drawn (Python's Random(seed) when seeded, so
 * the same password as Ansible) and stored with mode 0600, unless the path is /dev/null.
 */
function passwordLookup(term: string, kw: Dict, ctx: LookupContext): string {
  const space = term.indexOf(' ');
  let relpath = space < 0 ? term : term.slice(0, space);
  const params: Dict = {};
  if (space >= 0) {
    const parsed = parseKv(term.slice(space + 1), true) as Dict;
    for (const [k, v] of Object.entries(parsed)) if (k !== '_raw_params') params[k] = v;
    if (parsed._raw_params !== undefined) {
      relpath = `${relpath} ${pyStr(parsed._raw_params)}`;
      if (!term.startsWith(relpath))
        throw new TemplateError('Unrecognized value after key=value parameters given to password lookup');
    }
  }
  const invalid = Object.keys(params).filter((k) => !PASSWORD_PARAMS.includes(k));
  if (invalid.length)
    throw new TemplateError(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`);
  const opt = (k: string, dflt: unknown) =>
    params[k] !== undefined ? params[k] : kw[k] !== undefined && kw[k] !== null ? kw[k] : dflt;
  const length = Number(opt('length', 20));
  if (!Number.isInteger(length))
    throw new TemplateError(`invalid literal for int() with base 10: ${pyRepr(opt('length', 20))}`);
  let chars = opt('chars', ['ascii_letters', 'digits', '.,:-_']);
  if (typeof chars === 'string')
    chars = [
      ...(chars.includes(',,') ? [','] : []),
      ...chars
        .replace(/,,/g, ',')
        .split(',')
        .filter((c) => c),
    ];
  const candidates = (chars as unknown[])
    .map((c) => STRING_CONSTANTS[pyStr(c)] ?? pyStr(c))
    .join('')
    .replace(/["']/g, '');
  const seed = opt('seed', null),
    encrypt = opt('encrypt', null);
  const file = path.resolve(ctx.basedirs[ctx.basedirs.length - 1] ?? process.cwd(), relpath);
  const devNull = file === '/dev/null';
  const draw = (n: number, from: string, rnd: { below(n: number): number }) =>
    Array.from({ length: n }, () => from[rnd.below(from.length)]).join('');
  const existed = !devNull && existsSync(file);
  let content = existed ? readFileSync(file, 'utf8').replace(/\s+$/, '') : null;
  let password: string,
    salt: string | null = null;
  if (content === null) {
    const rnd = seed !== null ? new PyRandom(seed) : new PyRandom(Number.parseInt(randomBytes(6).toString('hex'), 16));
    password = draw(length, candidates, rnd);
  } else {
    const at = content.lastIndexOf(' salt=');
    password = at < 0 ? content : content.slice(0, at);
    if (at >= 0) salt = content.slice(at + 6).replace(/ ident=.*$/, '');
  }
  const needsSalt = encrypt !== null && !salt;
  if (needsSalt)
    salt = draw(
      encrypt === 'md5_crypt' || encrypt === 'md5' ? 8 : 16,
      SALT_CHARS,
      new PyRandom(Number.parseInt(randomBytes(6).toString('hex'), 16)),
    );
  if (!devNull && (!existed || needsSalt)) {
    content = encrypt !== null || salt ? `${password} salt=${salt}` : password;
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, content + '\n', { mode: 0o600, flag: existed ? 'w' : 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return passwordLookup(term, kw, ctx);
    } // another process wrote it first
  }
  return encrypt !== null ? passwordHash(password, pyStr(encrypt), salt) : password;
}

export const GLOBALS: Dict = {
  range,
  dict: (...args: unknown[]) => {
    const { keywords } = splitKeywords(args);
    return keywords;
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
    return runLookup(pyStr(name), args, lookupContextOf(this), false);
  },
  query(this: unknown, name: unknown, ...args: unknown[]) {
    return runLookup(pyStr(name), args, lookupContextOf(this), true);
  },
  q(this: unknown, name: unknown, ...args: unknown[]) {
    return runLookup(pyStr(name), args, lookupContextOf(this), true);
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
