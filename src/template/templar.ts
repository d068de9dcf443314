// The Templar: Ansible 2.14's templating on Nunjucks. Compiles each distinct template string once, renders
// with Python semantics (./nunjucks-patches.ts), and turns the result into a value with 2.14's pipeline
// (or 2.19's native one behind the `jinja` switch).
import { TemplateError, TemplateSyntaxError, TsibleError, UndefinedError } from '../errors.js';
import { PyRecursionError, recursiveRepr } from '../python/recursion.js';
import { jinjaSyntaxError } from './jinja-syntax.js';
import { ANSIBLE_ENVIRONMENT, installLoader, loaderInEffect, withLoader } from './template-loader.js';
import { readFileSync } from 'node:fs';
import { UnsafeText, wrapUnsafe } from '../yaml/loader.js';
import { VaultError, VaultText } from '../vault/index.js';
import {
  JINJA_STATEMENTS,
  installPatches,
  nunjucks,
  nodes,
  parserMod,
  compilerMod,
  transformerMod,
  runtime,
  type VarsResolver,
} from './nunjucks-patches.js';
import { PyDatetime, PyTimedelta } from '../python/datetime.js';
import {
  PyFloat,
  PyTuple,
  PyTypeError,
  decodeEscapes,
  isDict,
  isSafeString,
  setKey,
  parsePythonLiteral,
  pyStr,
  truthy,
} from '../python/python.js';
import { PyUndefined } from '../python/undefined.js';
import { JINJA2_FILTERS, bindEnvironment } from '../../filters/jinja2.js';
import { CORE_FILTERS, type RandomSource } from '../../filters/core.js';
import { COMMUNITY_FILTERS } from '../../filters/community.js';
import { withSignatures } from '../../filters/signatures.js';
import { ENCRYPTION_FILTERS } from '../../filters/encryption.js';
import { TESTS } from '../../filters/tests.js';
import { GLOBALS } from './globals.js';
import type { LookupContext } from '../../lookups/index.js';
import type { FileTemplateSettings, FileTemplating } from '../module.js';

export type JinjaMode = '2.14' | 'native';

/** Filters whose text result Ansible 2.14 keeps as text (C.STRING_TYPE_FILTERS). */
const STRING_TYPE_FILTERS = new Set([
  'string',
  'to_json',
  'to_nice_json',
  'to_yaml',
  'to_nice_yaml',
  'ppretty',
  'json',
]);

let environment: any;
function env(): any {
  if (environment) return environment;
  installPatches();
  environment = new nunjucks.Environment(null, {
    autoescape: false,
    trimBlocks: true,
    dev: true,
    throwOnUndefined: false,
  });
  bindEnvironment(environment);
  for (const [name, fn] of Object.entries(withSignatures(JINJA2_FILTERS))) environment.addFilter(name, fn);
  // Ansible's filter plugins, also by FQCN (Jinja2's own filters have none)
  for (const [name, fn] of Object.entries(withSignatures({ ...CORE_FILTERS, ...ENCRYPTION_FILTERS }))) {
    environment.addFilter(name, fn);
    environment.addFilter(`ansible.builtin.${name}`, fn);
  }
  for (const [name, fn] of Object.entries(COMMUNITY_FILTERS)) environment.addFilter(name, fn);
  for (const [name, fn] of Object.entries(TESTS)) environment.addTest(name, fn);
  for (const [name, value] of Object.entries(GLOBALS)) environment.addGlobal(name, value);
  for (const [name, ext] of Object.entries(JINJA_STATEMENTS)) environment.addExtension(name, ext);
  installLoader(environment, (file, settings) => {
    // a loaded template is a whole file, its last newline dropped as Jinja2's lexer drops it
    const data = file === undefined ? '' : readFileSync(file, 'utf8');
    const src = data.replace(/\r\n?/g, '\n');
    return compileFile(src.endsWith('\n') ? src.slice(0, -1) : src, data, settings).template;
  });
  return environment;
}

interface Compiled {
  readonly template: any;
  readonly single: boolean;
  readonly stringFilter: boolean;
  readonly singleVar?: string;
  /** It includes, imports or extends other templates (which need a loader). */
  readonly loads?: boolean;
}
const cache = new Map<string, Compiled>();
/** Conditionals and the debugger's expressions by their text, without building `{{ expr }}` to look them up. */
const expressions = new Map<string, Compiled>();
const CACHE_LIMIT = 20_000;

/** Whether a string holds Jinja2 ({{, {% or {#). */
function isTemplate(s: string): boolean {
  for (let i = s.indexOf('{'); i !== -1; i = s.indexOf('{', i + 1)) {
    const next = s.charCodeAt(i + 1);
    if (next === 123 || next === 37 || next === 35) return true; // { % #
  }
  return false;
}

/**
 * String literals as Ansible 2.14's Jinja2 reads them. Inside {{ }} the Templar first doubles every backslash
 * (_escape_backslashes), so Jinja2's unescaping gives back the text as written: `'\\d'` stays `\\d`. Inside {% %}
 * Jinja2 decodes Python's escapes (`\\n` a newline, `\\\\` one backslash, unknown ones kept). Either way the literal
 * is rewritten so that Nunjucks, which has escapes of its own, reads back exactly that text.
 */
function escapeBackslashes(src: string, wholeFile = false): string {
  if (!src.includes('\\')) return src;
  const literal = /'(?:[^'\\]|\\[\s\S])*'|"(?:[^"\\]|\\[\s\S])*"/g;
  // (a template file is rendered with escape_backslashes=False: its {{ }} literals decode as {% %} ones do)
  return src.replace(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g, (block) =>
    block.startsWith('{{') && !wholeFile
      ? block.replace(literal, (lit) => lit.replace(/\\/g, '\\\\'))
      : block.replace(literal, (lit) => {
          const quote = lit[0]!,
            text = decodeEscapes(lit.slice(1, -1));
          return quote + text.replace(/\\/g, '\\\\').replace(quote === "'" ? /'/g : /"/g, `\\${quote}`) + quote;
        }),
  );
}

/** Jinja2's `+` whitespace controls, which Nunjucks does not know: `{%+` (lstrip_blocks is off: nothing to undo)
 * and `+%}` / `+#}`, which keep the newline trim_blocks would remove (written twice, one is trimmed). */
function plusControls(src: string): string {
  if (!src.includes('+')) return src;
  return src
    .replace(/\{([%#{])\+/g, '{$1')
    .replace(/\+([%#])\}(\n?)/g, (_m, c: string, nl: string) => `${c}}${nl}${nl}`);
}

/** A template that does not parse or compile: AnsibleError(msg, orig_exc=e), the parser's message once more at the end. */
function syntaxError(src: string, why: string, cause?: unknown): TemplateError {
  return new TemplateSyntaxError(`template error while templating string: ${why}. String: ${src}. ${why}`, { cause });
}

/** `checked`: the caller already asked Jinja2's grammar about this text (in the form Ansible renders it);
 * `asBlock`: its literals decode as inside {% %} (a conditional, which Ansible renders as `{% if ... %}`). */
function compile(src: string, checked = false, asBlock = false): Compiled {
  const key = asBlock ? `\u0000${src}` : src;
  let found = cache.get(key);
  if (found) return found;
  // what Jinja2 would refuse is refused with its words; Nunjucks compiles the rest
  const refused = checked ? undefined : jinjaSyntaxError(src);
  if (refused !== undefined) throw syntaxError(refused.text, refused.message);
  const e = env();
  const prepared = plusControls(escapeBackslashes(src, asBlock));
  let root: any;
  try {
    root = parserMod.parse(prepared, e.extensionsList, e.opts);
  } catch (err) {
    throw syntaxError(src, cleanNunjucksMessage(err), err);
  }
  const only =
    root.children.length === 1 &&
    root.children[0] instanceof nodes.Output &&
    root.children[0].children.length === 1 &&
    !(root.children[0].children[0] instanceof nodes.TemplateData)
      ? root.children[0].children[0]
      : null;
  let single = false,
    stringFilter = false,
    singleVar: string | undefined;
  if (only && /^\{\{-?[\s\S]*-?\}\}$/.test(prepared.trim()) && prepared.trim() === prepared) {
    single = true;
    stringFilter =
      only instanceof nodes.Filter && STRING_TYPE_FILTERS.has(only.name.value.replace(/^ansible\.builtin\./, ''));
    if (only instanceof nodes.Symbol) singleVar = only.value;
    // one expression: hand its native value to __tsible_capture instead of printing it
    const output = root.children[0];
    output.children[0] = new nodes.FunCall(
      only.lineno,
      only.colno,
      new nodes.Symbol(only.lineno, only.colno, '__tsible_capture'),
      new nodes.NodeList(only.lineno, only.colno, [only]),
    );
  }
  const loads = LOADING_NODES.some((type) => root.findAll(type).length > 0);
  found = { template: buildTemplate(root, src), single, stringFilter, singleVar, loads };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, found);
  return found;
}

const LOADING_NODES = [nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends];

/** Compiles a parsed tree rather than have Nunjucks lex and parse the text a second time. */
function buildTemplate(root: any, src: string): any {
  const e = env();
  try {
    const compiler = new compilerMod.Compiler(undefined, false);
    compiler.compile(transformerMod.transform(root, e.asyncFilters, undefined));
    const props = new Function(compiler.getCode())();
    const template = new nunjucks.Template({ type: 'code', obj: props } as unknown as string, e, undefined, true);
    // (a template that extends another renders its parent's blocks: it needs Nunjucks' own context)
    (template as any).inherits = root.findAll(nodes.Extends).length > 0;
    return template;
  } catch (err) {
    throw syntaxError(src, cleanNunjucksMessage(err), err);
  }
}

/** A whole template file, compiled with the environment settings it is rendered with. */
const fileCache = new Map<string, Compiled>();
function compileFile(src: string, data: string, settings: FileTemplateSettings): Compiled {
  const { searchpath, ...compiledWith } = settings;
  void searchpath; // (where templates are loaded from changes nothing in this one's code)
  const key = `${JSON.stringify(compiledWith)}\u0000${src}`;
  let found = fileCache.get(key);
  if (found) return found;
  const s = settings;
  const customDelimiters = [s.block_start_string, s.variable_start_string, s.comment_start_string].some((d) => d);
  // what Jinja2 would refuse with its usual delimiters is refused with its words
  const refused = customDelimiters ? undefined : jinjaSyntaxError(src);
  if (refused !== undefined) throw syntaxError(data, refused.message);
  const e = env();
  const tags = {
    blockStart: s.block_start_string ?? '{%',
    blockEnd: s.block_end_string ?? '%}',
    variableStart: s.variable_start_string ?? '{{',
    variableEnd: s.variable_end_string ?? '}}',
    commentStart: s.comment_start_string ?? '{#',
    commentEnd: s.comment_end_string ?? '#}',
  };
  const opts = { ...e.opts, trimBlocks: s.trim_blocks, lstripBlocks: s.lstrip_blocks, tags };
  // trim_blocks also takes the newline after a comment, which Nunjucks' lexer leaves
  const commentEnd = tags.commentEnd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const trimmed = s.trim_blocks ? src.replace(new RegExp(`${commentEnd}\\n`, 'g'), tags.commentEnd) : src;
  let root: any;
  try {
    root = parserMod.parse(plusControls(escapeBackslashes(trimmed, true)), e.extensionsList, opts);
  } catch (err) {
    throw syntaxError(data, cleanNunjucksMessage(err), err);
  }
  // Jinja2 writes the template's own newlines as newline_sequence (what expressions print is left alone)
  if (s.newline_sequence !== '\n')
    for (const node of root.findAll(nodes.TemplateData)) node.value = node.value.replace(/\n/g, s.newline_sequence);
  found = { template: buildTemplate(root, data), single: false, stringFilter: false };
  if (fileCache.size >= 1000) fileCache.clear();
  fileCache.set(key, found);
  return found;
}

/** A `#jinja2:` first line: environment settings as `key: python literal` pairs, and the text after it. */
function jinja2Overrides(data: string, settings: FileTemplateSettings): [string, FileTemplateSettings] {
  if (!data.startsWith('#jinja2:')) return [data, settings];
  const eol = data.indexOf('\n');
  const line = data.slice('#jinja2:'.length, eol === -1 ? data.length - 1 : eol);
  const out: Record<string, unknown> = { ...settings };
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1)
      throw new TemplateError(
        `failed to parse jinja2 override '${pair.trim()}'. Did you use something different from colon as key-value separator?`,
      );
    const value = parsePythonLiteral(pair.slice(colon + 1).trim());
    out[pair.slice(0, colon).trim()] = value.ok ? value.value : pair.slice(colon + 1).trim();
  }
  return [data.slice(eol + 1), out as unknown as FileTemplateSettings];
}

const newlinesAtEnd = (text: string): number => text.length - text.replace(/\n+$/, '').length;

function cleanNunjucksMessage(err: unknown): string {
  const msg = String((err as Error)?.message ?? err);
  return msg
    .replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/m, '')
    .replace(/^Template render error:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface TemplarOptions {
  /** Raw variable lookup; the Templar templates what it returns unless `isFinal(name)` says not to. */
  readonly lookupVar: (name: string) => unknown;
  readonly isFinal?: (name: string) => boolean;
  /** Whether a final variable holds an unsafe value (a registered result, a fact set from an unsafe one). */
  readonly isUnsafe?: (name: string) => boolean;
  readonly random?: RandomSource;
  readonly jinja?: JinjaMode;
  readonly lookup?: Omit<LookupContext, 'templar' | 'random'>;
}

/** The mark of a list or dict being templated (#templateValue), until its result replaces it. */
const TEMPLATING = Symbol('templating');

/** An error out of templating a variable's value that AnsibleJ2Vars wraps in its "unhandled exception" words
 * (tsible wraps a recursion and, as Ansible does at each variable, its own wrapping). */
class VariableTemplatingError extends TemplateError {}
function variableTemplatingError(raw: unknown, e: TemplateError): VariableTemplatingError {
  const text = typeof raw === 'string' ? raw : recursiveRepr(raw);
  const kind = e instanceof PyRecursionError ? 'RecursionError' : 'ansible.errors.AnsibleError';
  return new VariableTemplatingError(
    `An unhandled exception occurred while templating '${text}'. Error was a <class '${kind}'>, original message: ${e instanceof PyRecursionError ? e.reason : e.message}`,
  );
}

/** What Ansible's 2.14 pipeline makes of a rendered text (steps 5–6). */
/** An inline vault value read by a template: its plaintext, or, when no secret of the run opens it, the encrypted
 * value itself (Ansible's AnsibleVaultEncryptedUnicode is decrypted only where it is used as text: `unvault` can
 * still open it with a secret of its own, and any use as text fails with the vault's error). */
function openedVault(value: VaultText): unknown {
  try {
    return value.data;
  } catch (e) {
    if (e instanceof VaultError) return value;
    throw e;
  }
}

function literalFromText(text: string): unknown {
  const t = text;
  if (t === 'True') return true;
  if (t === 'False') return false;
  // ansible_eval_concat: only text that starts with the bracket (no leading space) is read back as a literal
  if (t.startsWith('[') || t.startsWith('{')) {
    const parsed = parsePythonLiteral(t);
    if (parsed.ok) return parsed.value;
  }
  return text;
}

export class Templar implements VarsResolver, FileTemplating {
  readonly #opts: TemplarOptions;
  // (made on first use: many templars render nothing, and most resolve no variable that needs templating)
  #resolved: Map<string, unknown> | undefined;
  #resolving: Set<string> | undefined;
  // unsafe values read so far (!unsafe ones, or variables whose templates read one), and those variables' names
  #unsafeReads = 0;
  #unsafeNames: Set<string> | undefined;

  constructor(opts: TemplarOptions) {
    this.#opts = opts;
  }

  get jinja(): JinjaMode {
    return this.#opts.jinja ?? '2.14';
  }
  get lookupContext(): LookupContext {
    return { basedirs: [process.cwd()], ...this.#opts.lookup, random: this.#opts.random, templar: this };
  }

  /** The resolver Nunjucks calls for every free name: variables are templated when they are read. */
  lookup(name: string): unknown {
    const resolved = (this.#resolved ??= new Map());
    if (resolved.has(name)) {
      if (this.#unsafeNames?.has(name)) this.#unsafeReads++;
      return resolved.get(name);
    }
    const raw = this.#opts.lookupVar(name);
    if (raw === undefined) return undefined;
    const before = this.#unsafeReads;
    const value = this.#resolve(name, raw);
    if (this.#unsafeReads > before) (this.#unsafeNames ??= new Set()).add(name);
    return value;
  }

  #resolve(name: string, raw: unknown): unknown {
    const resolved = this.#resolved!;
    if (this.#opts.isFinal?.(name)) {
      if (raw instanceof UnsafeText || this.#opts.isUnsafe?.(name)) this.#unsafeReads++;
      const v = raw instanceof UnsafeText ? raw.value : raw instanceof VaultText ? openedVault(raw) : raw;
      resolved.set(name, v);
      return v;
    }
    const resolving = (this.#resolving ??= new Set());
    // Ansible 2.14 finds the loop when Python's recursion limit stops it, then wraps this message in one "An
    // unhandled exception occurred while templating '{{ x }}'. Error was a <class ...>, original message: " per
    // level it had reached (137 for `x: "{{ x }}"`, measured with ansible-playbook): tsible gives the innermost
    if (resolving.has(name)) {
      const text = typeof raw === 'string' ? raw : `{{ ${name} }}`;
      throw new TemplateError(`recursive loop detected in template string: ${text}. maximum recursion depth exceeded`);
    }
    resolving.add(name);
    try {
      const value = this.template(raw);
      resolved.set(name, value);
      return value;
    } catch (e) {
      // AnsibleJ2Vars: the variable becomes an Undefined whose hint is its own template and the inner error, which
      // Ansible's message gives twice (the error's text, then its cause's)
      if (e instanceof UndefinedError) throw new UndefinedError(`${pyStr(raw)}: ${e.message}. ${e.message}`);
      if (e instanceof PyRecursionError || e instanceof VariableTemplatingError) throw variableTemplatingError(raw, e);
      throw e;
    } finally {
      resolving.delete(name);
    }
  }

  /** Whether templating `value` reads an unsafe value (a !unsafe one, or a variable templated from one): Ansible's
   * result is then AnsibleUnsafe, which no later templating renders. */
  readsUnsafe(value: unknown): boolean {
    const before = this.#unsafeReads;
    this.template(value);
    return this.#unsafeReads > before;
  }

  /** A lookup's result was read (Ansible's lookups return unsafe values): what is being rendered reads unsafe. */
  noteUnsafe(): void {
    this.#unsafeReads++;
  }

  /** Templates any value: strings are rendered, lists and dicts recursively, unsafe text is left alone. */
  template(value: unknown, opts: { convertBare?: boolean } = {}): unknown {
    void opts;
    return this.#templateValue(value, null, false);
  }

  /** Templates as template() does, but what Ansible would hand on as AnsibleUnsafe comes back marked: a string whose
   * rendering read an unsafe value, and an unsafe string itself, are UnsafeText (in lists and dicts too). */
  templateMarked(value: unknown): unknown {
    return this.#templateValue(value, null, true);
  }

  /** A list or dict that several YAML aliases share is templated once and its result shared in turn, as PyYAML
   * shares the node: an alias bomb then costs what its text costs, until something expands it (sizes.ts). */
  #templateValue(value: unknown, done: Map<object, unknown> | null, marked: boolean): unknown {
    if (typeof value === 'string') {
      if (!isTemplate(value)) return value;
      if (!marked) return this.templateString(value);
      const before = this.#unsafeReads;
      const out = this.templateString(value);
      return this.#unsafeReads > before ? wrapUnsafe(out) : out;
    }
    if (value instanceof UnsafeText) {
      this.#unsafeReads++;
      return marked ? value : value.value;
    }
    // a decrypted value is not templated (Ansible 2.14 keeps it an AnsibleVaultEncryptedUnicode, never a template)
    if (value instanceof VaultText) return openedVault(value);
    if (!Array.isArray(value) && !isDict(value)) return value;
    done ??= new Map();
    const known = done.get(value);
    // a value met again inside itself (`a: &a [*a]`) never ends: Python's recursion limit stops it
    if (known === TEMPLATING) throw new PyRecursionError();
    if (known !== undefined) return known;
    done.set(value, TEMPLATING);
    let out: unknown;
    if (Array.isArray(value)) out = value.map((v) => this.#templateValue(v, done, marked));
    else {
      const dict: Record<string, unknown> = {};
      for (const k in value) {
        const key = isTemplate(k) ? pyStr(this.templateString(k)) : k;
        setKey(dict, key, this.#templateValue(value[k], done, marked));
      }
      out = dict;
    }
    done.set(value, out);
    return out;
  }

  templateString(src: string): unknown {
    const c = compile(src);
    let isVariable = false;
    let captured: unknown = undefined;
    if (c.singleVar !== undefined) {
      // 2.14's fast path: `{{ name }}` of a variable holding a bool, number or None returns it as it is
      const v = this.lookup(c.singleVar);
      isVariable = v !== undefined;
      if (v === null || typeof v === 'boolean' || typeof v === 'number' || v instanceof PyFloat) return v;
      // any other variable: rendering `{{ name }}` would hand exactly this value to the capture
      captured = v;
    }
    if (!isVariable) {
      const text = this.#renderLoading(c, src, (v: unknown) => {
        captured = v;
        return '';
      });
      if (!c.single) {
        if (this.jinja === 'native') return text;
        return literalFromText(src.endsWith('\n') && !text.endsWith('\n') ? text + '\n' : text);
      }
    }
    if (captured instanceof PyUndefined) captured.fail();
    if (captured instanceof VaultText) captured = captured.data;
    if (isSafeString(captured)) captured = String(captured);
    if (this.jinja === 'native') return captured === undefined ? null : normalizeNative(captured);
    if (c.stringFilter) return captured;
    if (captured === null || captured === undefined) return isVariable ? null : '';
    if (typeof captured === 'boolean') return captured;
    if (typeof captured === 'number' || captured instanceof PyFloat) return pyStr(captured);
    if (typeof captured === 'string') return literalFromText(captured);
    if (captured instanceof PyTuple) return pyStr(captured); // 2.14 re-reads only '[...]' and '{...}'
    // 2.14 reads the text of a container back with literal_eval: one holding a datetime stays that text
    if (Array.isArray(captured) || isDict(captured))
      return holdsNonLiteral(captured) ? pyStr(captured) : normalizeNative(captured);
    return literalFromText(pyStr(captured));
  }

  #render(c: Compiled, src: string, capture: (v: unknown) => string): string {
    const ctx = {
      __tsible_vars: this,
      __tsible_capture: capture,
      __tsible_random: this.#opts.random,
      __tsible_templar: this,
    };
    try {
      return renderCompiled(c.template, ctx);
    } catch (err) {
      const cause = unwrap(err);
      if (cause instanceof PyTypeError)
        throw new TemplateError(
          `Unexpected templating type error occurred on (${src}): ${cause.message}. ${cause.message}`,
          { cause },
        );
      const missing = /(?:filter not found: |no test named ')([\w.]+)/.exec(String((cause as Error)?.message ?? ''));
      if (missing)
        throw new TemplateError(
          `template error while templating string: Could not load "${missing[1]}": '${missing[1]}'. String: ${src}. Could not load "${missing[1]}": '${missing[1]}'`,
          { cause },
        );
      if (cause instanceof TsibleError) throw cause;
      throw new TemplateError(
        `An unhandled exception occurred while templating '${src}'. Error was a ${(cause as Error)?.name ?? 'Error'}, original message: ${cleanNunjucksMessage(cause)}`,
        { cause },
      );
    }
  }

  /** A render that loads templates finds them where the render in progress does, else (a task's own template)
   * in the playbook's directory, as the Templar's environment loader does. */
  #renderLoading(c: Compiled, src: string, capture: (v: unknown) => string): string {
    if (!c.loads || loaderInEffect()) return this.#render(c, src, capture);
    const searchpath = this.lookupContext.basedirs.slice(-1);
    return withLoader({ searchpath, settings: ANSIBLE_ENVIRONMENT }, () => this.#render(c, src, capture));
  }

  get searchDirs(): readonly string[] {
    return this.lookupContext.basedirs;
  }

  /** The task's ansible_search_path (its roles, its file's directory, the playbook's), else its search dirs. */
  get searchPath(): readonly string[] {
    const v = this.#opts.lookupVar('ansible_search_path');
    return Array.isArray(v) ? v.map((p) => pyStr(p)) : this.searchDirs;
  }

  /** What 2.14's concat makes of a rendered text when converting data: a literal read back, else the text. */
  convertText(text: string): unknown {
    return literalFromText(text);
  }

  /** Templar.do_template of a whole file, as the template action calls it: Jinja2 drops the source's last
   * newline (unless keep_trailing_newline), then as many newlines as the source ended with are put back. */
  renderFile(text: string, vars: Record<string, unknown>, settings: FileTemplateSettings): string {
    const [data, s] = jinja2Overrides(text, settings);
    let src = data.replace(/\r\n?/g, '\n');
    if (!s.keep_trailing_newline && src.endsWith('\n')) src = src.slice(0, -1);
    const compiled = compileFile(src, data, s);
    const parent = this.#opts;
    const scoped = new Templar({
      ...parent,
      lookupVar: (n) => (Object.hasOwn(vars, n) ? vars[n] : parent.lookupVar(n)),
      isFinal: (n) => Object.hasOwn(vars, n) || (parent.isFinal?.(n) ?? false),
    });
    const render = () => scoped.#render(compiled, data, () => '');
    let out = s.searchpath ? withLoader({ searchpath: s.searchpath, settings: s }, render) : render();
    const missing = newlinesAtEnd(data) - newlinesAtEnd(out);
    if (missing > 0) out += s.newline_sequence.repeat(missing);
    return out;
  }

  /** `when:`, `failed_when:`, `changed_when:`, `until:` and assert's `that:`, as Ansible 2.14 evaluates them. */
  evaluateConditional(conditional: unknown): boolean {
    if (typeof conditional === 'boolean') return conditional;
    if (conditional === null || conditional === undefined) return true;
    if (typeof conditional === 'number' || conditional instanceof PyFloat) return Number(conditional) !== 0;
    let expr = pyStr(conditional instanceof UnsafeText ? conditional.value : conditional).trim();
    if (expr === '') return true;
    if (isTemplate(expr)) {
      // Conditional._check_conditional warns about this, then templates the text and evaluates what it produced
      this.#opts.lookup?.warn?.(
        `conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${pyStr(conditional)}`,
      );
      const rendered = this.template(expr);
      if (typeof rendered === 'boolean') return rendered;
      expr = pyStr(rendered).trim();
      if (expr === '') return false;
    }
    // 2.14 renders '{% if expr %} True {% else %} False {% endif %}': the Python truth of the expression (and a
    // syntax error names that text)
    if (!expressions.has(expr)) {
      const presented = `{% if ${expr} %} True {% else %} False {% endif %}`;
      const refused = jinjaSyntaxError(presented);
      if (refused !== undefined) throw syntaxError(refused.text, refused.message);
    }
    return truthy(this.#evaluate(expr, true));
  }

  /** The native value of one Jinja2 expression, before any result conversion (the debugger's `p`). */
  evaluate(expr: string): unknown {
    return this.#evaluate(expr, false);
  }
  #evaluate(expr: string, checked: boolean): unknown {
    // (a conditional's is kept under its text, which evaluateConditional asks about; the debugger's apart)
    const key = checked ? expr : `\u0000${expr}`;
    let c = expressions.get(key);
    if (!c) {
      // Ansible escapes backslashes only in a text that has '{{': the `{% if %}` of a conditional has none
      c = compile(`{{ ${expr} }}`, checked, checked && !expr.includes('{{'));
      if (expressions.size >= CACHE_LIMIT) expressions.clear();
      expressions.set(key, c);
    }
    let captured: unknown = undefined;
    this.#render(c, expr, (v: unknown) => {
      captured = v;
      return '';
    });
    if (captured instanceof PyUndefined) captured.fail();
    return captured;
  }
}

/**
 * Template.render for what tsible's templates are (synchronous, no inheritance): the compiled root function called
 * with a context made for this one render, not a copy of `ctx` and its bookkeeping (every task renders several).
 * Templates that define blocks go through Nunjucks' own render.
 */
function renderCompiled(template: any, ctx: Record<string, unknown>): string {
  if (Object.keys(template.blocks).length || template.inherits) return template.render(ctx);
  const e = template.env;
  const frame = new runtime.Frame();
  frame.topLevel = true;
  let out = '',
    failure: unknown;
  template.rootRenderFunc(e, new RenderContext(e, ctx), frame, runtime, (err: unknown, res: string) => {
    if (err) failure = err;
    else out = res;
  });
  if (failure !== undefined)
    throw (
      nunjucks.lib as unknown as { _prettifyError(path: string, dev: boolean, err: unknown): Error }
    )._prettifyError(template.path, e.opts.dev, failure);
  return out;
}
/** What compiled templates ask of their context (Nunjucks' Context without blocks and its copy of ctx). */
class RenderContext {
  #exported: string[] | undefined;
  constructor(
    readonly env: any,
    readonly ctx: Record<string, unknown>,
  ) {}
  lookup(name: string): unknown {
    return name in this.env.globals && !(name in this.ctx) ? this.env.globals[name] : this.ctx[name];
  }
  setVariable(name: string, value: unknown): void {
    this.ctx[name] = value;
  }
  getVariables(): Record<string, unknown> {
    return this.ctx;
  }
  addExport(name: string): void {
    (this.#exported ??= []).push(name);
  }
  getExported(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const n of this.#exported ?? []) out[n] = this.ctx[n];
    return out;
  }
  getBlock(name: string): never {
    throw new Error(`unknown block "${name}"`);
  }
  getSuper(_env: unknown, name: string): never {
    throw new Error(`no super block available for "${name}"`);
  }
}

function unwrap(err: unknown): unknown {
  let e: any = err;
  for (let i = 0; i < 5 && e && !(e instanceof TsibleError); i++) {
    if (e.cause) e = e.cause;
    else break;
  }
  return e;
}

/** Whether a container holds a value whose repr() literal_eval cannot read (a datetime, a timedelta). A list or
 * dict shared by YAML aliases is looked into once. */
function holdsNonLiteral(v: unknown, seen = new Set<object>()): boolean {
  if (!Array.isArray(v) && !isDict(v)) return v instanceof PyDatetime || v instanceof PyTimedelta;
  if (seen.has(v)) return false;
  seen.add(v);
  return (Array.isArray(v) ? v : Object.values(v)).some((x) => holdsNonLiteral(x, seen));
}

/** Values leaving the template engine: tuples become lists, as they do when Ansible stores them. What YAML's
 * aliases shared stays shared. */
function normalizeNative(v: unknown, done = new Map<object, unknown>()): unknown {
  if (v instanceof PyUndefined) v.fail();
  if (!Array.isArray(v) && !isDict(v)) return v;
  const known = done.get(v);
  if (known !== undefined) return known;
  let out: unknown;
  if (v instanceof PyTuple) out = [...v].map((x) => normalizeNative(x, done));
  else if (Array.isArray(v)) out = v.map((x) => normalizeNative(x, done));
  else {
    const o: Record<string, unknown> = {};
    for (const k in v) setKey(o, k, normalizeNative(v[k], done));
    out = o;
  }
  done.set(v, out);
  return out;
}

export { UndefinedError };
