// The actions the executor carries out itself, because they change what runs next or the variables, or need the
// task's templar: debug, assert, include/import of tasks and roles, include_vars, meta, set_stats, add_host,
// group_by, fact gathering. Their names and argument specs live here, where the loader finds them; their
// behaviour in src/executor/actions/<name>.ts (includes: src/executor/includes.ts).
import { defineModule, type ModuleDefinition } from '../src/module.js';

const executor = (names: string[], extra: Partial<ModuleDefinition> = {}): ModuleDefinition =>
  defineModule({
    names,
    supportsCheckMode: true,
    executorAction: true,
    ...extra,
    run() {
      throw new Error(`${names[0]} is carried out by the executor`);
    },
  });
const b = (n: string) => [n, `ansible.builtin.${n}`, `ansible.legacy.${n}`];

export const debug = executor(b('debug'), {
  argumentSpec: { msg: { type: 'raw' }, var: { type: 'raw' }, verbosity: { type: 'int', default: 0 } },
  validArgs: ['msg', 'var', 'verbosity'],
});
export const assert = executor(b('assert'), {
  argumentSpec: {
    that: { type: 'raw', required: true },
    fail_msg: { type: 'raw', aliases: ['msg'] },
    success_msg: { type: 'raw' },
    quiet: { type: 'raw', default: false }, // boolean(quiet, strict=False), in the action
  },
  validArgs: ['fail_msg', 'msg', 'quiet', 'success_msg', 'that'],
});
export const validateArgumentSpec = executor(b('validate_argument_spec'), {
  argumentSpec: {
    argument_spec: { type: 'raw' },
    provided_arguments: { type: 'raw' },
    validate_args_context: { type: 'raw' },
  },
});
export const includeTasks = executor(b('include_tasks'), {
  freeForm: true,
  argumentSpec: { file: { type: 'str' }, _raw_params: { type: 'str' }, apply: { type: 'dict' } },
});
export const importTasks = executor(b('import_tasks'), {
  freeForm: true,
  argumentSpec: { file: { type: 'str' }, _raw_params: { type: 'str' } },
});
export const include = executor(b('include'), { freeForm: true, anyArgs: true });
export const includeRole = executor(b('include_role'), {
  argumentSpec: {
    name: { type: 'str', required: true },
    tasks_from: { type: 'str', default: 'main' },
    vars_from: { type: 'str', default: 'main' },
    defaults_from: { type: 'str', default: 'main' },
    handlers_from: { type: 'str', default: 'main' },
    apply: { type: 'dict' },
    public: { type: 'bool', default: false },
    allow_duplicates: { type: 'bool', default: true },
    rolespec_validate: { type: 'bool', default: true },
  },
});
export const importRole = executor(b('import_role'), { argumentSpec: includeRole.argumentSpec! });
export const includeVars = executor(b('include_vars'), {
  freeForm: true,
  argumentSpec: {
    file: { type: 'path' },
    _raw_params: { type: 'str' },
    dir: { type: 'path' },
    name: { type: 'str' },
    depth: { type: 'int', default: 0 },
    files_matching: { type: 'str' },
    ignore_files: { type: 'list' },
    extensions: { type: 'list', default: ['yaml', 'yml', 'json'] },
    ignore_unknown_extensions: { type: 'bool', default: false },
    hash_behaviour: { type: 'str' },
  },
});
export const meta = executor(b('meta'), {
  freeForm: true,
  argumentSpec: { _raw_params: { type: 'str', required: true } },
});
export const setStats = executor(b('set_stats'), {
  argumentSpec: {
    data: { type: 'dict', required: true },
    per_host: { type: 'bool', default: false },
    aggregate: { type: 'bool', default: true },
  },
  validArgs: ['aggregate', 'data', 'per_host'],
});
export const addHost = executor(b('add_host'), { anyArgs: true, bypassHostLoop: true });
export const groupBy = executor(b('group_by'), {
  argumentSpec: { key: { type: 'str', required: true }, parents: { type: 'list', default: ['all'] } },
  validArgs: ['key', 'parents'],
});
export const gatherFacts = executor([...b('setup'), ...b('gather_facts')], { anyArgs: true });
