// Lookups that read files beside the playbook: file, fileglob, first_found, template.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TemplateError, UndefinedError } from '../src/errors.js';
import { PyException, isDict, pyStr, truthy, typeName, type Dict } from '../src/python/python.js';
import type { FileTemplateSettings } from '../src/module.js';
import {
  LookupFailure,
  PluginException,
  findFile,
  notFoundWarning,
  type LookupContext,
  type LookupTable,
} from './plugin.js';
import { addSecrets, decryptIfVaulted } from '../src/vault/index.js';
import { globFiles } from '../filters/paths.js';

/** A file's text as DataLoader._get_file_contents reads it: a vault encrypted file decrypted, its plaintext then
 * one of the run's secrets. */
function fileContent(f: string): string {
  const raw = readFileSync(f, 'utf8');
  const text = decryptIfVaulted(raw, f);
  if (text !== raw) addSecrets(text);
  return text;
}

/** fileglob: the first search directory with a match gives all its matches. */
function fileglob(term: unknown, ctx: LookupContext): string[] {
  const pattern = pyStr(term);
  const dir = path.dirname(pattern);
  const roots = path.isAbsolute(dir)
    ? [dir]
    : ctx.basedirs.flatMap((b) => [path.join(b, 'files', dir), path.join(b, dir)]);
  for (const root of roots) {
    if (!existsSync(root)) continue;
    const hits = globFiles(path.join(root, path.basename(pattern)));
    if (hits.length) return hits;
  }
  return [];
}

/** The template lookup's options that change Jinja2's delimiters. */
const DELIMITERS = ['variable_start_string', 'variable_end_string', 'comment_start_string', 'comment_end_string'];
/** How the template lookup renders a file with template_vars or its own delimiters: Ansible's environment
 * (trim_blocks), those delimiters. */
const lookupSettings = (kw: Dict): FileTemplateSettings => ({
  trim_blocks: true,
  lstrip_blocks: false,
  newline_sequence: '\n',
  ...Object.fromEntries(DELIMITERS.map((d) => [d, kw[d] === undefined ? null : pyStr(kw[d])])),
});

/** A list option as ConfigManager reads it: a string split on commas (each piece stripped), None nothing. */
const listOption = (v: unknown): unknown[] =>
  v === undefined || v === null
    ? []
    : Array.isArray(v)
      ? v
      : pyStr(v)
          .split(',')
          .map((x) => x.trim());

/** first_found's _split_on: every string of a list split again on any of the characters. */
const splitOn = (items: unknown[], chars: RegExp): string[] => items.flatMap((i) => pyStr(i).split(chars));

/** os.path.join of a search path and a file name: an absolute name wins; nothing is normalised. */
const joinPath = (dir: string, name: string): string =>
  name.startsWith('/') || dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`;

/** first_found's search: each dict term's files in each of its paths (or its files alone), a string term as it is
 * unless the keywords give files; a list term searched in turn. `skip` is the last term's. */
function firstFoundSearch(terms: unknown[], kw: Dict): { search: string[]; skip: boolean } {
  let search: string[] = [],
    skip = false;
  for (const term of terms) {
    if (Array.isArray(term)) {
      const inner = firstFoundSearch(term, kw);
      search.push(...inner.search);
      skip = inner.skip;
      continue;
    }
    if (!isDict(term) && typeof term !== 'string')
      throw new LookupFailure(
        `Invalid term supplied, can handle string, mapping or list of strings but got: <class '${typeName(term)}'> for ${pyStr(term)}`,
      );
    const opts = isDict(term) ? term : kw;
    const files = splitOn(listOption(opts.files), /[,;]/);
    const paths = splitOn(listOption(opts.paths), /[,:;]/);
    skip = truthy(opts.skip ?? false);
    if (paths.length) for (const p of paths) for (const f of files) search.push(joinPath(p, f));
    else if (files.length) search = files;
    else search.push(term as string);
  }
  return { search, skip };
}

/** first_found: the first candidate that exists, each templated first (one that is undefined is passed over). */
function firstFound(terms: unknown[], kw: Dict, ctx: LookupContext): unknown[] {
  const { search, skip } = firstFoundSearch(terms, kw);
  for (const candidate of search) {
    let name: unknown;
    try {
      name = ctx.templar ? ctx.templar.template(candidate) : candidate;
    } catch (e) {
      if (e instanceof UndefinedError) continue;
      throw e;
    }
    const found = findFile(ctx, pyStr(name));
    if (found) return [found];
  }
  if (skip) return [];
  throw new LookupFailure('No file was found when using first_found.');
}

/** The template lookup: the file from templates/ rendered in Ansible's environment, its includes found beside it
 * and in each search path's templates/ and itself; the text read back as a literal unless convert_data is off. */
function templateLookup(term: string, kw: Dict, ctx: LookupContext): unknown {
  const f = findFile(ctx, term, 'templates');
  if (!f) {
    notFoundWarning(ctx, term);
    throw new TemplateError(`the template file ${term} could not be found for the lookup`);
  }
  const text = readFileSync(f, 'utf8');
  const templar = ctx.templar;
  if (!templar?.renderFile) return text;
  const searchpath = [path.dirname(f), ...(templar.searchPath ?? []).flatMap((p) => [path.join(p, 'templates'), p])];
  const vars = isDict(kw.template_vars) ? kw.template_vars : {};
  let out: string;
  try {
    out = templar.renderFile(text, vars, { ...lookupSettings(kw), searchpath });
  } catch (e) {
    // Jinja2's own exceptions (TemplateNotFound) reach Templar._lookup as they are, named by their class
    if (e instanceof PyException && e.pyType.startsWith('jinja2.'))
      throw new PluginException(e.pyType, e.message.slice(e.pyType.length + 2));
    throw e;
  }
  return truthy(kw.convert_data ?? true) && templar.convertText ? templar.convertText(out) : out;
}

export const FILE_LOOKUPS = {
  file: {
    terms: 'strings',
    run: (terms, kw, ctx) =>
      terms.map((t) => {
        const f = findFile(ctx, pyStr(t));
        if (!f) {
          notFoundWarning(ctx, pyStr(t));
          throw new TemplateError(`could not locate file in lookup: ${pyStr(t)}`);
        }
        // as DataLoader._get_file_contents, a vault encrypted file is read decrypted
        let s = fileContent(f);
        if (kw.rstrip === undefined || truthy(kw.rstrip)) s = s.replace(/\s+$/, '');
        if (truthy(kw.lstrip ?? false)) s = s.replace(/^\s+/, '');
        return s;
      }),
  },
  fileglob: { terms: 'strings', run: (terms, _kw, ctx) => terms.flatMap((t) => fileglob(t, ctx)) },
  first_found: { terms: 'files', run: firstFound },
  unvault: {
    terms: 'strings',
    run: (terms, _kw, ctx) =>
      terms.map((t) => {
        const f = findFile(ctx, pyStr(t));
        if (!f) throw new TemplateError(`Unable to find file matching "${pyStr(t)}" `);
        return fileContent(f);
      }),
  },
  template: { terms: 'strings', run: (terms, kw, ctx) => terms.map((t) => templateLookup(pyStr(t), kw, ctx)) },
} as const satisfies LookupTable;
