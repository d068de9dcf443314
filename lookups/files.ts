// Lookups that read files beside the playbook: file, fileglob, first_found, template.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { TemplateError } from '../src/errors.js';
import { isDict, pyStr, truthy, type Dict } from '../src/python/python.js';
import type { FileTemplateSettings } from '../src/module.js';
import {
  LookupFailure,
  findFile,
  flattenOnce,
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

/** first_found's candidates: `a.yml,b.yml` strings, and {files, paths} dicts as every path joined to every file. */
const firstFoundCandidates = (terms: unknown[]): string[] =>
  flattenOnce(terms).flatMap((t) =>
    isDict(t)
      ? flattenOnce([t.files ?? []]).flatMap((f) =>
          flattenOnce([t.paths ?? ['']]).map((p) => path.join(pyStr(p), pyStr(f))),
        )
      : pyStr(t).split(/[,;]/),
  );

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
  first_found: {
    terms: 'files',
    run: (terms, kw, ctx) => {
      for (const f of firstFoundCandidates(terms)) {
        const found = findFile(ctx, f);
        if (found) return [found];
      }
      // skip is an option of the lookup, or of a {files, paths, skip} term (_process_terms sets options from it)
      if (truthy(kw.skip ?? false) || flattenOnce(terms).some((t) => isDict(t) && truthy(t.skip ?? false))) return [];
      throw new LookupFailure('No file was found when using first_found.');
    },
  },
  unvault: {
    terms: 'strings',
    run: (terms, _kw, ctx) =>
      terms.map((t) => {
        const f = findFile(ctx, pyStr(t));
        if (!f) throw new TemplateError(`Unable to find file matching "${pyStr(t)}" `);
        return fileContent(f);
      }),
  },
  template: {
    terms: 'strings',
    run: (terms, kw, ctx) =>
      terms.map((t) => {
        const f = findFile(ctx, pyStr(t), 'templates');
        if (!f) {
          notFoundWarning(ctx, pyStr(t));
          throw new TemplateError(`the template file ${pyStr(t)} could not be found for the lookup`);
        }
        const text = readFileSync(f, 'utf8');
        if (ctx.templar?.renderFile && (kw.template_vars !== undefined || DELIMITERS.some((d) => d in kw)))
          return ctx.templar.renderFile(text, isDict(kw.template_vars) ? kw.template_vars : {}, lookupSettings(kw));
        return ctx.templar ? pyStr(ctx.templar.template(text)) : text;
      }),
  },
} as const satisfies LookupTable;
