// validate_argument_spec: arguments checked against an argument spec in Ansible's shape, with the module argument
// validator (src/module.ts). The arguments are the spec's names among the task's variables (templated), with
// provided_arguments over them; every error is reported, as ArgumentSpecValidator reports them. Roles with
// meta/argument_specs get this action as their first task (src/playbook/loader.ts).
import { isDict, pyRepr, pyStr, typeName } from '../../python/python.js';
import { validateArgs, type ArgumentSpec, type ModuleDefinition } from '../../module.js';
import { validateArgumentSpec } from '../../../modules/control.js';
import { fail, type ExecutorAction } from './action.js';

type Raw = Record<string, unknown>;
const TYPES = new Set('str int float bool dict list raw path jsonarg json bytes bits'.split(' '));

/** An option of an Ansible argument spec as the module validator takes it (types it lacks are taken as raw). */
function option(o: unknown): ArgumentSpec[string] {
  const d: Raw = isDict(o) ? o : {};
  const type = String(d.type ?? 'str');
  const elements = d.elements === undefined ? undefined : String(d.elements);
  return {
    type: (TYPES.has(type) ? type : 'raw') as ArgumentSpec[string]['type'],
    ...(d.required ? { required: true } : {}),
    ...(d.default !== undefined ? { default: d.default } : {}),
    ...(Array.isArray(d.choices) ? { choices: d.choices } : {}),
    ...(Array.isArray(d.aliases) ? { aliases: d.aliases.map(String) } : {}),
    ...(d.no_log ? { noLog: true } : {}),
    ...(elements && TYPES.has(elements) ? { elements: elements as ArgumentSpec[string]['type'] } : {}),
  };
}

const UNSUPPORTED = /^Unsupported parameters for \([^)]*\) module: (.*)(\. Supported parameters include: .*)$/;

/** A suboption's message as ArgumentSpecValidator words it: naming the options it is found in. */
function inContext(error: string, context: readonly string[]): string {
  if (!context.length) return error;
  const path = context.join(' -> ');
  if (error.startsWith('argument '))
    return error.replace(' and we were unable', ` found in '${path}'. and we were unable`);
  const unsupported = UNSUPPORTED.exec(error);
  if (unsupported) {
    const names = unsupported[1]!.split(', ').map((n) => `${context.join('.')}.${n}`);
    return `Unsupported parameters for (validate_argument_spec) module: ${names.join(', ')}${unsupported[2]}`;
  }
  return `${error} found in ${path}`;
}

const CHOICES = /^value of \S+ must be one of: /;

/** The errors for one level of options (their values converted in `args`): type errors before value errors,
 * then each option's suboptions' errors. */
function levelErrors(spec: Raw, args: Raw, context: readonly string[]): string[] {
  const definition: ModuleDefinition = {
    ...validateArgumentSpec,
    argumentSpec: Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, option(v)])),
  };
  const validated = validateArgs(definition, args, 'validate_argument_spec');
  const found = (validated.errors ?? []).map((e) => inContext(e, context));
  const errors = [...found.filter((e) => !CHOICES.test(e)), ...found.filter((e) => CHOICES.test(e))];
  for (const [name, o] of Object.entries(spec)) {
    const value = validated.args[name];
    if (isDictOption(o) && value !== null && value !== undefined)
      errors.push(...subOptionErrors(o, value, [...context, name]));
  }
  return errors;
}

function isDictOption(o: unknown): o is Raw {
  return isDict(o) && isDict(o.options) && (o.type === 'dict' || (o.type === 'list' && o.elements === 'dict'));
}

/** _validate_sub_spec for a dict option (or a list of dicts) with `options`. */
function subOptionErrors(o: Raw, value: unknown, context: readonly string[]): string[] {
  const errors: string[] = [];
  for (const sub of Array.isArray(value) ? value : [value]) {
    if (isDict(sub)) errors.push(...levelErrors(o.options as Raw, sub, context));
    else errors.push(`value of '${context[context.length - 1]}' must be of type dict or list of dicts`);
  }
  return errors;
}

/** _list_no_log_values' check, which comes first: a dict option's value must read as a dict (its first failure). */
function subOptionValueError(spec: Raw, args: Raw, typeErrors: readonly string[]): string | undefined {
  for (const [name, o] of Object.entries(spec)) {
    const value = args[name];
    if (!isDictOption(o) || value === null || value === undefined) continue;
    for (const sub of Array.isArray(value) ? value : [value]) {
      if (typeof sub === 'string') {
        const reason = typeErrors.find((e) => e.startsWith(`argument '${name}' `) && e.includes(DICT_REASON));
        if (reason) return reason.slice(reason.indexOf(DICT_REASON) + DICT_REASON.length);
      } else if (!isDict(sub))
        return `Value '${pyStr(sub)}' in the sub parameter field '${name}' must by a ${String(o.type)}, not '${typeName(sub)}'`;
    }
  }
  return undefined;
}
const DICT_REASON = 'convert to dict: ';

/** ArgumentSpecValidator's error messages for these arguments. */
function argumentErrors(spec: Raw, args: Raw): string[] {
  const errors = levelErrors(spec, args, []);
  const first = subOptionValueError(spec, args, errors);
  // the generic validator names no module, and finds unsupported parameters (of every level) last, in one message
  const unsupported = errors.map((e) => UNSUPPORTED.exec(e)).filter((m) => m !== null);
  const names = unsupported.flatMap((m) => m[1]!.split(', ')).sort();
  return [
    ...(first ? [first] : []),
    ...errors.filter((e) => !UNSUPPORTED.test(e)),
    ...(unsupported.length ? [names.join(', ') + unsupported[unsupported.length - 1]![2]] : []),
  ];
}

export default {
  definition: validateArgumentSpec,
  run(args, { task, templar }) {
    const context = args.validate_args_context ?? {};
    if (!('argument_spec' in task.args)) fail(`"argument_spec" arg is required in args: ${pyRepr(task.args)}`);
    const spec = args.argument_spec;
    const provided = args.provided_arguments ?? {};
    if (!isDict(spec)) fail(`Incorrect type for argument_spec, expected dict and got <class '${typeName(spec)}'>`);
    if (!isDict(provided))
      fail(`Incorrect type for provided_arguments, expected dict and got <class '${typeName(provided)}'>`);
    const fromVars: Raw = {};
    for (const name of Object.keys(spec as Raw)) {
      const value = templar.lookup(name);
      if (value !== undefined) fromVars[name] = value;
    }
    const errors = argumentErrors(spec as Raw, { ...fromVars, ...(provided as Raw) });
    if (errors.length)
      return {
        failed: true,
        validate_args_context: context,
        msg: `Validation of arguments failed:\n${errors.join('\n')}`,
        argument_spec_data: spec,
        argument_errors: errors,
      };
    return { validate_args_context: context, changed: false, msg: 'The arg spec validation passed' };
  },
} satisfies ExecutorAction;
