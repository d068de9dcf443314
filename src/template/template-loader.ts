// Jinja2's FileSystemLoader, which {% include %}, {% import %} and {% extends %} load templates through. Ansible
// gives each render its search path (the template lookup's, the template action's; the playbook's directory
// otherwise), so the loader in effect is set around a render, never kept in the environment.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { PyException, pyStr } from '../python/python.js';
import type { FileTemplateSettings } from '../module.js';

/** Where templates are found, and the environment settings they are compiled with. */
interface TemplateLoader {
  readonly searchpath: readonly string[];
  readonly settings: FileTemplateSettings;
}

/** AnsibleEnvironment's own settings: a loaded template of a plain task template is compiled with them. */
export const ANSIBLE_ENVIRONMENT: FileTemplateSettings = {
  trim_blocks: true,
  lstrip_blocks: false,
  newline_sequence: '\n',
};

let current: TemplateLoader | undefined;

/** Runs a render with this loader in effect (renders nest: the loader before it is back afterwards). */
export function withLoader<T>(loader: TemplateLoader, render: () => T): T {
  const saved = current;
  current = loader;
  try {
    return render();
  } finally {
    current = saved;
  }
}

export const loaderInEffect = (): TemplateLoader | undefined => current;

const isFile = (f: string): boolean => statSync(f, { throwIfNoEntry: false })?.isFile() ?? false;

/** FileSystemLoader.get_source: the name's `/`-separated pieces joined to each directory in turn; a name that
 * climbs out with `..` is found nowhere. */
function findTemplate(name: string, searchpath: readonly string[]): string | undefined {
  const pieces: string[] = [];
  for (const piece of name.split('/')) {
    if (piece === '..') return undefined;
    if (piece && piece !== '.') pieces.push(piece);
  }
  if (!pieces.length) return undefined;
  return searchpath.map((dir) => path.join(dir, ...pieces)).find(isFile);
}

/** Environment.get_template, and select_template for a list of names: the first found, compiled. */
function loadTemplate(name: unknown, ignoreMissing: boolean, compile: TemplateCompiler): unknown {
  const names = Array.isArray(name) ? name : [name];
  const loader = current ?? { searchpath: [], settings: ANSIBLE_ENVIRONMENT };
  for (const n of names) {
    // (a template object itself, as Jinja2 accepts one)
    if (n !== null && typeof n === 'object' && 'rootRenderFunc' in n) return n;
    const file = findTemplate(pyStr(n), loader.searchpath);
    if (file) return compile(file, loader.settings);
  }
  if (ignoreMissing) return compile(undefined, loader.settings);
  if (!Array.isArray(name)) throw new PyException('jinja2.exceptions.TemplateNotFound', pyStr(name));
  if (!names.length)
    throw new PyException('jinja2.exceptions.TemplatesNotFound', 'Tried to select from an empty list of templates.');
  throw new PyException(
    'jinja2.exceptions.TemplatesNotFound',
    `none of the templates given were found: ${names.map(pyStr).join(', ')}`,
  );
}

/** Compiles a template file (or, for `ignore missing`, an empty template) with these settings. */
type TemplateCompiler = (file: string | undefined, settings: FileTemplateSettings) => unknown;

/** Makes the environment load templates as Jinja2's loader does, with the loader in effect at the time. */
export function installLoader(environment: { getTemplate: unknown }, compile: TemplateCompiler): void {
  // (the compiled code always calls it with (name, eagerCompile, parentName, ignoreMissing, callback))
  environment.getTemplate = (...args: unknown[]) => {
    const [name, , , ignoreMissing, cb] = args;
    const done = typeof cb === 'function' ? (cb as (err: unknown, t?: unknown) => unknown) : undefined;
    let template: unknown;
    try {
      template = loadTemplate(name, ignoreMissing === true, compile);
    } catch (e) {
      if (done) return done(e);
      throw e;
    }
    return done ? done(null, template) : template;
  };
}
