// Lookups that read a value out of a data file beside the playbook: csvfile (CSV/TSV rows) and ini (INI sections
// or Java properties, read as Python's configparser reads them).
import { readFileSync } from 'node:fs';
import { TemplateError } from '../src/errors.js';
import { pyRepr, pyStr, truthy, type Dict } from '../src/python/python.js';
import { parseKv } from '../src/playbook/kv.js';
import { compileRegex } from '../filters/regex.js';
import { decryptIfVaulted, isEncrypted } from '../src/vault/index.js';
import {
  LookupFailure,
  LookupOptionsError,
  PluginException,
  findFile,
  notFoundWarning,
  type LookupContext,
  type LookupTable,
} from './plugin.js';

/** The plugin's options: its defaults, then the keywords given (set_options ignores keywords it does not define). */
const options = (defaults: Dict, kw: Dict): Dict => ({
  ...defaults,
  ...Object.fromEntries(Object.entries(kw).filter(([k]) => Object.hasOwn(defaults, k))),
});

/** The file an option names, found as find_file_in_search_path finds it (with its warning when it is not). */
function located(ctx: LookupContext, name: unknown): string | undefined {
  const found = findFile(ctx, pyStr(name));
  if (!found) notFoundWarning(ctx, pyStr(name));
  return found;
}

/** A file's text in the encoding the lookup's option names (Python's codec names: latin-1's aliases read as
 * ISO-8859-1, others through the WHATWG decoder); a vault encrypted file decrypted first. */
function readText(file: string, encoding: unknown): string {
  const bytes = readFileSync(file);
  const name = pyStr(encoding).trim().toLowerCase();
  if (isEncrypted(bytes.toString('latin1'))) return decryptIfVaulted(bytes.toString('utf8'), file);
  if (/^(?:utf[-_ ]?8)$/.test(name)) return bytes.toString('utf8');
  if (/^(?:latin[-_ ]?1|iso[-_ ]?8859[-_ ]1|l1)$/.test(name)) return bytes.toString('latin1');
  for (const label of [name, name.replace(/_/g, '-')]) {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // not a label the decoder knows: the next spelling
    }
  }
  throw new PluginException('LookupError', `unknown encoding: ${pyStr(encoding)}`);
}

/** Python's csv.reader with the excel dialect: quoted fields (`""` a quote), any one-character delimiter. */
function csvRows(text: string, delimiter: string): string[][] {
  if ([...delimiter].length !== 1) throw new TemplateError('csvfile: "delimiter" must be a 1-character string');
  const rows: string[][] = [];
  let row: string[] = [],
    field = '',
    quoted = false,
    started = false;
  const endField = () => (row.push(field), (field = ''), (started = false));
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"' && !started) quoted = started = true;
    else if (c === delimiter) endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (started || row.length) endField();
      rows.push(row);
      row = [];
    } else {
      field += c;
      started = true;
    }
  }
  if (started || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

const CSV_DEFAULTS: Dict = { col: '1', default: null, delimiter: 'TAB', file: 'ansible.csv', encoding: 'utf-8' };

function csvfile(terms: unknown[], kw: Dict, ctx: LookupContext): unknown[] {
  const params = options(CSV_DEFAULTS, kw);
  const out: unknown[] = [];
  for (const term of terms) {
    const kv = parseKv(pyStr(term), false);
    if (kv._raw_params === undefined) throw new TemplateError('Search key is required but was not found');
    for (const [name, value] of Object.entries(kv)) {
      if (name === '_raw_params') continue;
      if (!Object.hasOwn(params, name)) throw new TemplateError(`${name} is not a valid option`);
      params[name] = value; // (as in Ansible, an option given inline stays for the terms after it)
    }
    if (params.delimiter === 'TAB') params.delimiter = '\t';
    const file = located(ctx, params.file);
    if (!file) throw new TemplateError("csvfile: [Errno 2] No such file or directory: b'None'");
    const row = csvRows(readText(file, params.encoding), pyStr(params.delimiter)).find(
      (r) => r.length && r[0] === kv._raw_params,
    );
    const col = Number.parseInt(pyStr(params.col), 10);
    if (row && (Number.isNaN(col) || col >= row.length || col < -row.length))
      throw new TemplateError(
        Number.isNaN(col)
          ? `csvfile: invalid literal for int() with base 10: '${pyStr(params.col)}'`
          : 'csvfile: list index out of range',
      );
    const value = row ? row.at(col) : params.default;
    if (value !== null && value !== undefined) out.push(...(Array.isArray(value) ? value : [value]));
  }
  return out;
}

/** A configparser section: option names (lower-cased unless case_sensitive) to their value, or null (no value). */
type Section = Map<string, string | null>;
interface IniFile {
  readonly sections: Map<string, Section>;
  readonly defaults: Section;
}
interface IniReading {
  readonly caseSensitive: boolean;
  readonly allowNoValue: boolean;
}

/** A configparser exception, which Templar._lookup reports by its class. */
const CP = (name: string, message: string) => new PluginException(`configparser.${name}`, message);
const configError = (line: number, what: string) =>
  `While reading from '<???>' [line ${String(line).padStart(2)}]: ${what}`;

/** ConfigParser.read_file (strict, `=`/`:` delimiters, `#`/`;` comments, indented continuation lines), into `ini`. */
function readIni(text: string, o: IniReading, ini: IniFile): void {
  const added = new Set<string>();
  const values = new Map<Section, Map<string, string[] | null>>();
  let section: Section | undefined,
    sectionName = '',
    option: string | undefined,
    indent = 0;
  const lines = text.split(/(?<=\n)/);
  lines.forEach((line, i) => {
    const comment = /^\s*[#;]/.test(line);
    const value = comment ? '' : line.trim();
    if (!value) {
      const held = section && option !== undefined ? values.get(section)?.get(option) : undefined;
      if (!comment && held) held.push('');
      return;
    }
    const at = /\S/.exec(line)?.index ?? 0;
    if (section && option !== undefined && at > indent) {
      values.get(section)?.get(option)?.push(value);
      return;
    }
    indent = at;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      sectionName = header[1]!;
      if (added.has(sectionName))
        throw CP('DuplicateSectionError', configError(i + 1, `section ${pyRepr(sectionName)} already exists`));
      section = sectionName === 'DEFAULT' ? ini.defaults : ini.sections.get(sectionName);
      if (!section) ini.sections.set(sectionName, (section = new Map()));
      if (sectionName !== 'DEFAULT') added.add(sectionName);
      option = undefined;
      return;
    }
    if (!section)
      throw CP(
        'MissingSectionHeaderError',
        `File contains no section headers.\nfile: '<???>', line: ${i + 1}\n${pyRepr(line)}`,
      );
    const m = (o.allowNoValue ? /^(.*?)\s*(?:([=:])\s*(.*))?$/s : /^(.*?)\s*([=:])\s*(.*)$/s).exec(value);
    if (!m || !m[1])
      throw CP(
        'ParsingError',
        `Source contains parsing errors: '<???>'\n\t[line ${String(i + 1).padStart(2)}]: ${pyRepr(line)}`,
      );
    option = o.caseSensitive ? m[1].trimEnd() : m[1].trimEnd().toLowerCase();
    if (added.has(`${sectionName}\u0000${option}`))
      throw CP(
        'DuplicateOptionError',
        configError(i + 1, `option ${pyRepr(option)} in section ${pyRepr(sectionName)} already exists`),
      );
    added.add(`${sectionName}\u0000${option}`);
    if (!values.has(section)) values.set(section, new Map());
    values.get(section)!.set(option, m[2] === undefined ? null : [m[3]!.trim()]);
  });
  for (const [s, held] of values) for (const [k, v] of held) s.set(k, v === null ? null : v.join('\n').trimEnd());
}

/** The option whose value is being interpolated (configparser's errors name it). */
interface Reading {
  readonly section: string;
  readonly option: string;
}

/** BasicInterpolation: `%%` is a percent sign, `%(name)s` another option of the section (or of DEFAULT). */
function interpolate(ini: IniFile, at: Reading, raw: string, depth = 1): string {
  const where = `option ${pyRepr(at.option)} in section ${pyRepr(at.section)}`;
  if (depth > 10)
    throw CP(
      'InterpolationDepthError',
      `Recursion limit exceeded in value substitution: ${where} contains an interpolation key which cannot be substituted in 10 steps. Raw value: ${pyRepr(raw)}`,
    );
  const section = ini.sections.get(at.section) ?? ini.defaults;
  let out = '';
  for (let rest = raw; rest;) {
    const p = rest.indexOf('%');
    if (p < 0) return out + rest;
    out += rest.slice(0, p);
    rest = rest.slice(p);
    if (rest[1] === '%') {
      out += '%';
      rest = rest.slice(2);
      continue;
    }
    const ref = /^%\(([^)]+)\)s/.exec(rest);
    if (!ref)
      throw CP(
        'InterpolationSyntaxError',
        rest[1] === '('
          ? `bad interpolation variable reference ${pyRepr(rest)}`
          : `'%' must be followed by '%' or '(', found: ${pyRepr(rest)}`,
      );
    const name = ref[1]!.toLowerCase();
    const v = section.has(name) ? section.get(name) : ini.defaults.get(name);
    if (v === undefined || v === null)
      throw CP(
        'InterpolationMissingOptionError',
        `Bad value substitution: ${where} contains an interpolation key ${pyRepr(name)} which is not a valid option name. Raw value: ${pyRepr(raw)}`,
      );
    out += v.includes('%') ? interpolate(ini, at, v, depth + 1) : v;
    rest = rest.slice(ref[0].length);
  }
  return out;
}

/** The value (or, with re, the values) of `key` in the section; the default when the section lacks it. */
function iniValue(ini: IniFile, key: string, params: Dict): unknown {
  const name = pyStr(params.section);
  const section = ini.sections.get(name);
  if (!section) throw new LookupFailure(`No section '${name}' in ${pyStr(params.file)}`);
  const all = new Map([...ini.defaults, ...section]);
  const get = (option: string, v: string | null | undefined) =>
    v === null || v === undefined ? v : interpolate(ini, { section: name, option }, v);
  if (truthy(params.re)) {
    const re = compileRegex(key, { anchor: 'start' });
    return [...all].filter(([k]) => re.test(k)).map(([k, v]) => get(k, v));
  }
  return all.has(key) ? get(key, all.get(key)) : params.default;
}

/** The ini lookup's inline form: words after the key, `name=value` starting an option that runs to the next one. */
function inlineParams(term: string, params: Dict): string[] {
  const found = new Map<string, string>();
  let current = 'key';
  term
    .split(/\s+/)
    .filter(Boolean)
    .forEach((phrase, i) => {
      if (phrase.includes('=')) for (const k of Object.keys(params)) if (phrase.includes(`${k}=`)) current = k;
      found.set(current, i === 0 || !found.get(current) ? phrase : `${found.get(current)} ${phrase}`);
    });
  return [...found.values()];
}

const INI_DEFAULTS: Dict = {
  type: 'ini',
  file: 'ansible.ini',
  section: 'global',
  re: false,
  encoding: 'utf-8',
  default: '',
  case_sensitive: false,
  allow_no_value: false,
  allow_none: false,
};

/** The key of one term, and the options it sets inline (they stay set for the terms after it, as in Ansible). */
function iniKey(term: string, params: Dict): string {
  if (!term.includes('=') && !term.trim().includes(' ')) return term;
  let key: string | undefined;
  for (const param of inlineParams(term, params)) {
    if (!param.includes('=')) {
      key ??= param;
      continue;
    }
    const parts = param.split('=');
    if (parts.length !== 2)
      throw new LookupFailure(
        `Could not use '${param}' from ${pyRepr(inlineParams(term, params))}: too many values to unpack (expected 2)`,
      );
    if (!Object.hasOwn(params, parts[0]!)) throw new LookupFailure(`${parts[0]} is not a valid option.`);
    params[parts[0]!] = parts[1];
  }
  if (key === undefined)
    throw new LookupOptionsError(`No key to lookup was provided as first term with in string inline options: ${term}`);
  return key;
}

function ini(terms: unknown[], kw: Dict, ctx: LookupContext): unknown[] {
  const params = options(INI_DEFAULTS, kw);
  const reading = {
    caseSensitive: truthy(params.case_sensitive),
    allowNoValue: truthy(params.allow_no_value) || truthy(params.allow_none),
  };
  const parsed: IniFile = { sections: new Map(), defaults: new Map() };
  const out: unknown[] = [];
  for (const term of terms) {
    const key = iniKey(pyStr(term), params);
    const file = located(ctx, params.file);
    if (!file) throw new PluginException('ansible.errors.AnsibleParserError', "Invalid filename: 'None'");
    let text = readText(file, params.encoding);
    if (params.type === 'properties') {
      text = `[java_properties]\n${text}`;
      params.section = 'java_properties';
    }
    try {
      readIni(text, reading, parsed);
    } catch (e) {
      if (!(e instanceof PluginException) || e.pythonClass !== 'configparser.DuplicateOptionError') throw e;
      throw new LookupFailure(`Duplicate option in '${pyStr(params.file)}': ${e.message}`);
    }
    const value = iniValue(parsed, reading.caseSensitive ? key : key.toLowerCase(), params);
    if (value !== null && value !== undefined) out.push(...(Array.isArray(value) ? value : [value]));
  }
  return out;
}

export const DATA_LOOKUPS = {
  csvfile: { terms: 'strings', run: csvfile },
  ini: { terms: 'strings', run: ini },
} as const satisfies LookupTable;
