// validate_argument_spec: arguments checked against an argument spec in Ansible's shape, with the module argument
// validator (src/module.ts). The arguments are the spec's names among the task's variables (templated), with
// provided_arguments over them; every error is reported, as ArgumentSpecValidator reports them. Roles with
// meta/argument_specs get this action as their first task (src/playbook/loader.ts).
import { isDict, pyRepr, typeName } from '../../python/python.js';
import { validateArgs, type ArgumentSpec, type ModuleDefinition } from '../../module.js';
import { validateArgumentSpec } from '../../../modules/control.js';
import { fail, type ExecutorAction } from './action.js';

type Raw = Record<string, unknown>;
const TYPES = new Set(['str', 'int', 'float', 'bool', 'dict', 'list', 'raw', 'path', 'jsonarg']);

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

const UNSUPPORTED = /^Unsupported parameters for \([^)]*\) module: /;

/** ArgumentSpecValidator's error messages for these arguments. */
function argumentErrors(spec: Raw, args: Raw): string[] {
  const definition: ModuleDefinition = {
    ...validateArgumentSpec,
    argumentSpec: Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, option(v)])),
  };
  const errors = [...(validateArgs(definition, args, 'validate_argument_spec').errors ?? [])];
  // the generic validator names no module, and finds unsupported parameters last
  const unsupported = errors.filter((e) => UNSUPPORTED.test(e)).map((e) => e.replace(UNSUPPORTED, ''));
  return [...errors.filter((e) => !UNSUPPORTED.test(e)), ...unsupported];
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
