// What a module is: its names, its argument spec in Ansible's shape, check-mode support and `run`. Argument
// validation follows ansible-core's ArgumentSpecValidator: aliases, unsupported parameters, required,
// mutual exclusion, type coercion, choices, defaults, in that order and with its messages.
import {
  BOOLEANS_TEXT,
  pyBoolean,
  pyRepr,
  pyStr,
  isDict,
  isNum,
  isFloat,
  pyFloat,
  PyFloat,
  setKey,
} from './python/python.js';
import { toBool } from '../filters/core.js';
import type { AwsCallEvent, AwsSettings } from './aws/client.js';

export type TaskResult = Record<string, unknown>;

/** Thrown inside a module to end it with an Ansible-shaped failure. */
export class ModuleFailure extends Error {
  constructor(readonly result: TaskResult) {
    super(String(result.msg));
  }
}

type ArgType =
  'str' | 'int' | 'float' | 'bool' | 'dict' | 'list' | 'raw' | 'path' | 'jsonarg' | 'json' | 'bytes' | 'bits';
interface ArgOption {
  readonly type?: ArgType;
  readonly required?: boolean;
  readonly default?: unknown;
  readonly choices?: readonly unknown[];
  readonly aliases?: readonly string[];
  readonly deprecatedAliases?: readonly { name: string; date?: string; collection_name?: string }[];
  readonly elements?: ArgType;
  readonly noLog?: boolean;
  /** Environment variables read when the option is absent (env_fallback). */
  readonly fallbackEnv?: readonly string[];
}
export type ArgumentSpec = Readonly<Record<string, ArgOption>>;

/** What a module may know of its task (the playbook model stays above modules/). */
interface ModuleTask {
  readonly name?: string;
  readonly action: string;
  /** Where files the task names are looked for (copy's src): its role and its file. */
  readonly role?: { readonly path: string };
  readonly pos?: { readonly file: string };
  /** The arguments as written (which aliases the task used). */
  readonly args?: Readonly<Record<string, unknown>>;
}

export interface ModuleContext {
  readonly task: ModuleTask;
  readonly host: string;
  readonly checkMode: boolean;
  readonly diff: boolean;
  readonly verbosity: number;
  readonly basedir: string;
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly random: { next(): number };
  /** The module's name as the task wrote it (messages quote it). */
  readonly invokedAs: string;
  warn(message: string): void;
  /** Renders template files with the task's variables (the template action's templar). */
  readonly templates?: FileTemplating;
  /** What the run offers modules beyond their task (src/executor/module-run.ts makes it once per run). */
  readonly services: ModuleServices;
  /** The parameters the result's invocation will show, for a module that changes one as it runs (uri's `path`,
   * as Python's module.params): given to modules that set `amendsInvocation`. */
  readonly invocationArgs?: Record<string, unknown>;
}

/** Jinja2 environment settings a template file is rendered with (the template action's options, which a
 * `#jinja2:` header line in the file may override), under Jinja2's names. */
export interface FileTemplateSettings {
  readonly trim_blocks: boolean;
  readonly lstrip_blocks: boolean;
  readonly newline_sequence: string;
  readonly keep_trailing_newline?: boolean;
  readonly block_start_string?: string | null;
  readonly block_end_string?: string | null;
  readonly variable_start_string?: string | null;
  readonly variable_end_string?: string | null;
  readonly comment_start_string?: string | null;
  readonly comment_end_string?: string | null;
  /** The loader's search path: where {% include %}, {% import %} and {% extends %} find templates. */
  readonly searchpath?: readonly string[];
}

/** How a module renders a template file: the task's Templar, seen from below. */
export interface FileTemplating {
  /** Where the task's files are looked for, nearest first: its role, its file's directory, the play's. */
  readonly searchDirs: readonly string[];
  /** The task's ansible_search_path: its roles (innermost first), its file's directory, the playbook's. */
  readonly searchPath: readonly string[];
  /** What templating makes of a rendered text with convert_data: a list, dict or bool literal read back. */
  convertText(text: string): unknown;
  /** The file's text rendered whole (Templar.do_template with preserve_trailing_newlines and no backslash
   * escaping), `vars` on top of the task's variables. */
  renderFile(text: string, vars: Record<string, unknown>, settings: FileTemplateSettings): string;
}

export interface ModuleServices {
  /** The run's AWS settings: modules get clients for them through modules/aws_common.ts (awsClient). */
  readonly awsSettings: AwsSettings;
  /** Every AWS call made through the run's SDK clients, for the debugger's view of a task. */
  recordAwsCall(event: AwsCallEvent): void;
  /** Asks the user at the terminal (pause's prompt); absent when there is no terminal. */
  readonly prompt?: (text: string) => Promise<string | null>;
  /** Display.display: a line on the run's output as it is, whatever the callback (pause's notices). */
  readonly display?: (text: string) => void;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ModuleDefinition {
  readonly names: readonly string[];
  readonly argumentSpec?: ArgumentSpec;
  readonly mutuallyExclusive?: readonly (readonly string[])[];
  readonly requiredOneOf?: readonly (readonly string[])[];
  /** Accepts `k=v` free-form text; `_raw_params` holds what is left. */
  readonly freeForm?: boolean;
  /** Skip validation: the module takes arbitrary keys (set_fact, set_stats). */
  readonly anyArgs?: boolean;
  readonly supportsCheckMode: boolean;
  /** The executor handles it itself (include_tasks, meta, ...). */
  readonly executorAction?: boolean;
  /** An action plugin on the controller (fail, pause, ...): its result has no `invocation`. */
  readonly actionPlugin?: boolean;
  /** The action plugin's _VALID_ARGS: any other option fails the task before the plugin runs. */
  readonly validArgs?: readonly string[];
  /** Action groups the module belongs to (module_defaults: group/aws). */
  readonly groups?: readonly string[];
  /** Runs once for the whole play, on the first host (add_host's BYPASS_HOST_LOOP). */
  readonly bypassHostLoop?: boolean;
  /** Its run may change the parameters its invocation shows (ctx.invocationArgs). */
  readonly amendsInvocation?: boolean;
  /** Where the module's canonical FQCN lives, for messages. */
  readonly fqcn?: string;
  /** Its arguments keep Ansible's unsafe marks (UnsafeText: what was templated from an unsafe value), which it
   * hands on to the facts it sets (set_fact). */
  readonly keepsUnsafe?: boolean;
  run(args: Record<string, any>, ctx: ModuleContext): Promise<TaskResult> | TaskResult;
}

export const defineModule = (def: ModuleDefinition): ModuleDefinition => def;

/** A module's facts that hold unsafe values, by facts object: each as templated, its unsafe text UnsafeText. */
const unsafeFacts = new WeakMap<object, ReadonlyMap<string, unknown>>();
export function markUnsafeFacts(facts: object, marked: ReadonlyMap<string, unknown>): void {
  if (marked.size) unsafeFacts.set(facts, marked);
}
export function unsafeFactValues(facts: object): ReadonlyMap<string, unknown> {
  return unsafeFacts.get(facts) ?? new Map();
}

export interface ValidatedArgs {
  readonly args: Record<string, any>;
  readonly error?: string;
  readonly deprecations: object[];
  readonly warnings: string[];
  /** What the module would report as invocation.module_args, also when validation failed. */
  readonly invocation: Record<string, unknown>;
  /** Values of no_log options, masked wherever they appear in the module's result. */
  readonly noLogValues?: readonly string[];
  /** Every error found, in the order found (a module reports the first; validate_argument_spec all). */
  readonly errors?: readonly string[];
}

function pyTypeOf(v: unknown): string {
  if (typeof v === 'string') return "<class 'str'>";
  if (typeof v === 'boolean') return "<class 'bool'>";
  if (typeof v === 'number' || v instanceof PyFloat) return isFloat(v) ? "<class 'float'>" : "<class 'int'>";
  if (Array.isArray(v)) return "<class 'list'>";
  if (v === null) return "<class 'NoneType'>";
  if (v instanceof Uint8Array) return "<class 'bytes'>";
  return "<class 'dict'>";
}

function cannot(value: unknown, type: ArgType, name: string, what: string): never {
  return unconvertible(value, type, name, `${pyTypeOf(value)} cannot be converted to ${what}`);
}
function unconvertible(value: unknown, type: ArgType, name: string, why: string): never {
  throw new Error(`argument '${name}' is of type ${pyTypeOf(value)} and we were unable to convert to ${type}: ${why}`);
}

/** ansible-core's type checkers (module_utils/common/validation.py), returning the converted value or throwing its message. */
function coerce(value: unknown, type: ArgType, name: string): unknown {
  // (no closures: every argument of every module call comes through here)
  switch (type) {
    case 'raw':
    case 'jsonarg':
    case 'json':
      return value;
    case 'bytes':
      return humanToBytes(value, false) ?? cannot(value, type, name, 'a Byte value');
    case 'bits':
      return humanToBytes(value, true) ?? cannot(value, type, name, 'a Bit value');
    case 'str':
    case 'path':
      if (typeof value === 'string' || value === null) return value;
      return typeof value === 'object' ? pyRepr(value) : pyStr(value);
    case 'bool':
      return coerceBool(value, name);
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value.replace(/_/g, '')))
        return parseInt(value.replace(/_/g, ''), 10);
      return cannot(value, type, name, 'an int');
    case 'float':
      if (isNum(value)) return pyFloat(Number(value));
      if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        return pyFloat(Number(value));
      return cannot(value, type, name, 'a float');
    case 'list':
      if (Array.isArray(value)) return value;
      if (typeof value === 'string') return value.split(',');
      if (isNum(value)) return [pyStr(value)];
      return cannot(value, type, name, 'a list');
    case 'dict':
      if (isDict(value)) return value;
      if (typeof value === 'string') return dictOfString(value, name);
      return cannot(value, type, name, 'a dict');
  }
  return value;
}

const SIZE_RANGES = 'BKMGTPEZY';
/** human_to_bytes: '10M' or '2 KB' as bytes ('Kb' as bits when `isBits`), undefined when it is no size. */
function humanToBytes(value: unknown, isBits: boolean): number | undefined {
  if (typeof value !== 'string' && !isNum(value)) return undefined;
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(pyStr(value))!;
  if (m[1] === '' || m[1] === '.') return undefined;
  const num = Number(m[1]);
  const unit = m[2];
  if (unit === undefined) return Math.round(num);
  const power = SIZE_RANGES.indexOf(unit[0]!.toUpperCase());
  if (power < 0) return undefined;
  const mark = isBits ? 'b' : 'B';
  // 'K' alone, 'KB' ('Kb' for bits), or the word: 'kbytes'
  const ok = unit.length === 1 || unit[1] === mark || unit.toLowerCase().includes(isBits ? 'bit' : 'byte');
  return ok ? Math.round(num * 1024 ** power) : undefined;
}

/** check_type_bool. */
function coerceBool(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean' && typeof value !== 'string' && !isNum(value))
    return cannot(value, 'bool', name, 'a bool');
  const b = pyBoolean(value, true);
  return (
    b ??
    unconvertible(
      value,
      'bool',
      name,
      `The value '${pyStr(value)}' is not a valid boolean.  Valid booleans include: ${BOOLEANS_TEXT}`,
    )
  );
}

/** check_type_dict of a string: JSON when it starts with `{`, else k=v fields. */
function dictOfString(value: string, name: string): Record<string, unknown> {
  if (value.startsWith('{')) {
    try {
      const p = JSON.parse(value);
      if (isDict(p)) return p;
    } catch {
      /* not JSON */
    }
    return unconvertible(value, 'dict', name, 'unable to evaluate string as dictionary');
  }
  if (!value.includes('='))
    return unconvertible(value, 'dict', name, 'dictionary requested, could not parse JSON or key=value');
  const out: Record<string, string> = {};
  for (const field of splitFields(value.trim())) {
    const i = field.indexOf('=');
    out[field.slice(0, i)] = field.slice(i + 1);
  }
  return out;
}

/** check_type_dict's k=v field splitter: spaces and commas separate, quotes group, backslash escapes. */
function splitFields(text: string): string[] {
  const fields: string[] = [];
  let buf = '',
    quote: string | null = null,
    escape = false;
  for (const c of text) {
    if (escape) {
      buf += c;
      escape = false;
    } else if (c === '\\') escape = true;
    else if (!quote && (c === "'" || c === '"')) quote = c;
    else if (quote && c === quote) quote = null;
    else if (!quote && (c === ',' || c === ' ')) {
      if (buf) fields.push(buf);
      buf = '';
    } else buf += c;
  }
  if (buf) fields.push(buf);
  return fields;
}

/** Each argument spec's aliases and entries, built once. */
interface PreparedSpec {
  readonly aliasOf: Map<string, string>;
  readonly entries: ReadonlyArray<readonly [string, ArgumentSpec[string]]>;
  /** The options with environment fallbacks, no_log options and required options. */
  readonly fallbacks: ReadonlyArray<readonly [string, readonly string[]]>;
  readonly noLog: readonly string[];
  readonly required: readonly string[];
}
const PREPARED = new WeakMap<object, PreparedSpec>();
function prepareSpec(spec: ArgumentSpec): PreparedSpec {
  let prepared = PREPARED.get(spec);
  if (!prepared) {
    const aliases = new Map<string, string>();
    for (const [name, opt] of Object.entries(spec)) for (const a of opt.aliases ?? []) aliases.set(a, name);
    const entries = Object.entries(spec);
    prepared = {
      aliasOf: aliases,
      entries,
      fallbacks: entries.flatMap(([n, o]) => (o.fallbackEnv ? [[n, o.fallbackEnv] as const] : [])),
      noLog: entries.flatMap(([n, o]) => (o.noLog ? [n] : [])),
      required: entries.flatMap(([n, o]) => (o.required ? [n] : [])),
    };
    PREPARED.set(spec, prepared);
  }
  return prepared;
}
const NO_DEPRECATIONS = Object.freeze([]) as unknown as object[],
  NO_WARNINGS = Object.freeze([]) as unknown as string[];

/** ActionBase.run's check of an action plugin's _VALID_ARGS, in its words (the task's action as written). */
export function invalidOptions(
  def: ModuleDefinition,
  raw: Record<string, unknown>,
  action: string,
): string | undefined {
  if (!def.validArgs) return undefined;
  const bad = Object.keys(raw).filter((k) => !def.validArgs!.includes(k) && !k.startsWith('_ansible_'));
  return bad.length ? `Invalid options for ${action}: ${bad.join(',')}` : undefined;
}

export function validateArgs(
  def: ModuleDefinition,
  raw: Record<string, unknown>,
  moduleName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ValidatedArgs {
  if (def.anyArgs || !def.argumentSpec)
    return { args: { ...raw }, deprecations: [], warnings: [], invocation: { ...raw } };
  const spec = def.argumentSpec;
  const { fallbacks, noLog } = prepareSpec(spec);
  const given = canonicalArgs(raw, spec);
  const { args } = given;
  // fallbacks apply before any check, so that even a failed validation reports them in invocation
  for (const [name, envs] of fallbacks) {
    if (args[name] !== undefined) continue;
    const found = envs.find((e) => env[e] !== undefined);
    if (found) args[name] = env[found];
  }
  const noLogValues: string[] = [];
  for (const n of noLog) if (typeof args[n] === 'string' && args[n] !== '') noLogValues.push(String(args[n]));
  const invalid = invalidOptions(def, raw, moduleName);
  const errors = invalid ? [invalid] : presenceErrors(def, given, moduleName);
  coerceArgs(spec, args, errors);
  const result = {
    args,
    deprecations: given.deprecations ?? NO_DEPRECATIONS,
    warnings: given.warnings ?? NO_WARNINGS,
    invocation: invocationOf(raw, args, spec, noLogValues),
    noLogValues,
  };
  // ansible-core collects every error and reports the first
  return errors.length ? { ...result, error: errors[0], errors } : result;
}

/** The arguments under their options' names, with what the aliases used call for, and the keys no option has. */
interface GivenArgs {
  readonly args: Record<string, any>;
  // (made when needed: most calls have no deprecation, warning or unsupported key)
  deprecations?: object[];
  warnings?: string[];
  unsupported?: string[];
}

/** The arguments with each alias replaced by its option's name (the option wins when both are given). */
function canonicalArgs(raw: Record<string, unknown>, spec: ArgumentSpec): GivenArgs {
  const { aliasOf } = prepareSpec(spec);
  const given: GivenArgs = { args: {} };
  for (const key in raw) {
    const value = raw[key];
    if (key.startsWith('_ansible_')) continue;
    const canonical = Object.hasOwn(spec, key) ? key : aliasOf.get(key);
    if (!canonical) {
      (given.unsupported ??= []).push(key);
      continue;
    }
    if (canonical !== key) {
      if (Object.hasOwn(raw, canonical))
        (given.warnings ??= []).push(`Both option ${canonical} and its alias ${key} are set.`);
      const dep = spec[canonical]!.deprecatedAliases?.find((d) => d.name === key);
      if (dep)
        (given.deprecations ??= []).push({
          msg: `Alias '${key}' is deprecated. See the module docs for more information`,
          date: dep.date,
          collection_name: dep.collection_name,
        });
      if (Object.hasOwn(raw, canonical)) continue;
    }
    given.args[canonical] = value;
  }
  return given;
}

/** The errors about which options are given: unsupported, missing, mutually exclusive, none of a required group. */
function presenceErrors(def: ModuleDefinition, { args, unsupported }: GivenArgs, moduleName: string): string[] {
  const spec = def.argumentSpec!;
  const errors: string[] = [];
  if (unsupported) {
    const names = Object.keys(spec).sort();
    const aliases = Object.values(spec)
      .flatMap((o) => o.aliases ?? [])
      .sort();
    errors.push(
      `Unsupported parameters for (${moduleName}) module: ${unsupported.sort().join(', ')}. Supported parameters include: ${names.join(', ')}${aliases.length ? ` (${aliases.join(', ')})` : ''}.`,
    );
  }
  const missing = prepareSpec(spec)
    .required.filter((n) => args[n] === undefined || args[n] === null)
    .sort();
  if (missing.length) errors.push(`missing required arguments: ${missing.join(', ')}`);
  for (const group of def.mutuallyExclusive ?? []) {
    const present = group.filter((n) => args[n] !== undefined && args[n] !== null);
    if (present.length > 1) errors.push(`parameters are mutually exclusive: ${group.join('|')}`);
  }
  for (const group of def.requiredOneOf ?? []) {
    if (!group.some((n) => args[n] !== undefined && args[n] !== null))
      errors.push(`one of the following is required: ${group.join(', ')}`);
  }
  return errors;
}

/** Each option's value converted to its type and checked against its choices, or its default when not given;
 * what fails adds to `errors`. */
function coerceArgs(spec: ArgumentSpec, args: Record<string, any>, errors: string[]): void {
  for (const [name, opt] of prepareSpec(spec).entries) {
    let v = args[name];
    if (v === undefined || v === null) {
      // a module may change its parameters (uri adds to `headers`): each run gets its own copy of a default
      args[name] =
        opt.default === undefined
          ? null
          : isDict(opt.default) || Array.isArray(opt.default)
            ? structuredClone(opt.default)
            : opt.default;
      continue;
    }
    try {
      if (opt.type) v = coerce(v, opt.type, name);
      if (opt.type === 'list' && opt.elements) v = (v as unknown[]).map((x) => coerce(x, opt.elements!, name));
    } catch (e) {
      errors.push((e as Error).message);
      continue;
    }
    if (opt.choices && !opt.choices.some((c) => c === v || (typeof v === 'string' && pyStr(c) === v))) {
      errors.push(`value of ${name} must be one of: ${opt.choices.map(pyStr).join(', ')}, got: ${pyStr(v)}`);
      continue;
    }
    args[name] = v;
  }
}

/** AnsibleModule reports the parameters as far as validation got, defaults filled in, unknown keys kept: in the
 * order the arguments were given, then the spec's (built in one pass: a copy-then-delete makes a slow object). */
function invocationOf(
  raw: Record<string, unknown>,
  args: Record<string, unknown>,
  spec: ArgumentSpec,
  noLogValues: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in raw) {
    if (k.startsWith('_ansible_')) continue;
    setKey(out, k, Object.hasOwn(spec, k) && Object.hasOwn(args, k) ? args[k] : raw[k]);
  }
  for (const [name, opt] of prepareSpec(spec).entries)
    if (!Object.hasOwn(out, name)) out[name] = Object.hasOwn(args, name) ? args[name] : (opt.default ?? null);
  return maskNoLogValues(out, noLogValues) as Record<string, unknown>;
}

/** remove_values: a secret's exact value becomes the placeholder, and any text containing it is starred. */
export function maskNoLogValues(v: unknown, secrets: readonly string[]): unknown {
  if (!secrets.length) return v;
  if (typeof v === 'string') {
    if (secrets.includes(v)) return 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER';
    let out = v;
    for (const s of secrets) out = out.split(s).join('********');
    return out;
  }
  if (Array.isArray(v)) return v.map((x) => maskNoLogValues(x, secrets));
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = maskNoLogValues(x, secrets);
    return o;
  }
  return v;
}

export { toBool };
