// The keyword table and what is derived from it, against Ansible 2.14.18's own lists (the fattributes of its
// playbook classes and get_reserved_names(), printed by the installed ansible-core), and the loader's use of it.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KEYWORDS,
  RESERVED_NAMES,
  UNIMPLEMENTED,
  canonicalKeyword,
  isInherited,
  keywordDefault,
  keywordSpec,
  keywordTypeError,
  keywordsValidAt,
  warnIgnoredKeywords,
} from '../../src/playbook/keywords.js';
import { taskKeyword } from '../../src/playbook/inheritance.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import type { Block, Play, Task } from '../../src/playbook/model.js';
import { playbookDir } from '../helpers.js';

const sorted = (s: Iterable<string>) => [...s].sort();

// Base, Taggable and CollectionSearch: every play, block, task, handler and role entry
const BASE = [
  'any_errors_fatal',
  'become',
  'become_exe',
  'become_flags',
  'become_method',
  'become_user',
  'check_mode',
  'collections',
  'connection',
  'debugger',
  'diff',
  'environment',
  'ignore_errors',
  'ignore_unreachable',
  'module_defaults',
  'name',
  'no_log',
  'port',
  'remote_user',
  'run_once',
  'tags',
  'throttle',
  'timeout',
  'vars',
];
const TASK = [
  ...BASE,
  'action',
  'args',
  'async',
  'async_val',
  'changed_when',
  'delay',
  'delegate_facts',
  'delegate_to',
  'failed_when',
  'local_action', // ModuleArgsParser's, not a FieldAttribute
  'loop',
  'loop_control',
  'notify',
  'poll',
  'register',
  'retries',
  'until',
  'when',
];

describe('keywords valid at each level, as Ansible 2.14 declares them', () => {
  it.each([
    [
      'play',
      [
        ...BASE,
        'fact_path',
        'force_handlers',
        'gather_facts',
        'gather_subset',
        'gather_timeout',
        'handlers',
        'hosts',
        'max_fail_percentage',
        'order',
        'post_tasks',
        'pre_tasks',
        'roles',
        'serial',
        'strategy',
        'tasks',
        'vars_files',
        'vars_prompt',
      ],
    ],
    ['block', [...BASE, 'always', 'block', 'delegate_facts', 'delegate_to', 'notify', 'rescue', 'when']],
    ['task', TASK],
    ['handler', [...TASK, 'listen']],
    ['role', [...BASE, 'delegate_facts', 'delegate_to', 'when']],
  ] as const)('%s', (level, expected) => {
    expect(sorted(keywordsValidAt(level))).toEqual(sorted(expected));
  });

  it('reserves the names get_reserved_names() gives', () => {
    expect(sorted(RESERVED_NAMES)).toEqual(
      sorted([
        ...new Set([...keywordsValidAt('play'), ...keywordsValidAt('block'), ...TASK]),
        'loop_with', // private attributes count
        'with_',
      ]),
    );
    expect(RESERVED_NAMES.has('listen')).toBe(false); // Handler is not among get_reserved_names()'s classes
  });
});

describe('inheritance, defaults and aliases', () => {
  it('inherits what FieldAttribute declares, not what NonInheritableFieldAttribute does', () => {
    for (const name of ['no_log', 'ignore_errors', 'delegate_to', 'notify', 'environment', 'when', 'timeout'])
      expect(isInherited(name), name).toBe(true);
    for (const name of ['register', 'loop', 'retries', 'vars', 'name', 'listen', 'strategy'])
      expect(isInherited(name), name).toBe(false);
    expect(sorted(KEYWORDS.filter((k) => k.inherit === 'extend').map((k) => k.name))).toEqual([
      'environment',
      'module_defaults',
      'tags',
      'when',
    ]);
  });

  it("gives Ansible's defaults", () => {
    expect(keywordDefault('delay')).toBe(5);
    expect(keywordDefault('retries')).toBe(3);
    expect(keywordDefault('poll')).toBe(15);
    expect(keywordDefault('async_val')).toBe(0);
    expect(keywordDefault('timeout')).toBe(0);
    expect(keywordDefault('throttle')).toBe(0);
    expect(keywordDefault('no_log')).toBe(false);
    expect(keywordDefault('strategy')).toBe('linear');
    expect(keywordDefault('gather_subset')).toEqual(['all']);
    expect(keywordDefault('when')).toEqual([]);
    expect(keywordDefault('ignore_errors')).toBeNull();
  });

  it('knows async by its alias and stores it as async_val', () => {
    expect(keywordSpec('async')?.name).toBe('async_val');
    expect(canonicalKeyword('async')).toBe('async_val');
    expect(canonicalKeyword('with_items')).toBe('with_items');
    const dir = playbookDir({ 'p.yml': '- hosts: localhost\n  tasks:\n    - command: "true"\n      async: 0\n' });
    const task = loadPlaybook(path.join(dir, 'p.yml')).plays[0]!.tasks[0] as Task;
    expect(task.keywords).toEqual({ async_val: 0 });
  });
});

describe('taskKeyword', () => {
  const pos = { file: 'x.yml', line: 1, column: 1 };
  const block = (keywords: Record<string, unknown>, parent?: Block): Block => ({
    kind: 'block',
    block: [],
    rescue: [],
    always: [],
    keywords,
    pos,
    parent,
  });
  const task = (keywords: Record<string, unknown>, parent?: Block): Task => ({
    kind: 'task',
    action: 'debug',
    actionAsWritten: 'debug',
    args: {},
    keywords,
    pos,
    parent,
  });
  const play = (keywords: Record<string, unknown>) => ({ keywords }) as unknown as Play;
  const outer = block({ no_log: true, environment: { A: '1' }, when: 'a', register: 'r' });
  const inner = block({ ignore_errors: true, environment: { B: '2' } }, outer);

  it('takes the nearest value of an inherited keyword: the task, its blocks inside out, then the play', () => {
    const p = play({ no_log: false, ignore_errors: false, run_once: true, strategy: 'debug' });
    expect(taskKeyword(task({}, inner), 'ignore_errors', p)).toBe(true);
    expect(taskKeyword(task({}, inner), 'no_log', p)).toBe(true);
    expect(taskKeyword(task({ no_log: false }, inner), 'no_log', p)).toBe(false);
    expect(taskKeyword(task({}, inner), 'run_once', p)).toBe(true);
    expect(taskKeyword(task({}, inner), 'debugger', p)).toBeUndefined();
  });

  it("reads a keyword that is not inherited from the task only, and a play's own keyword from the play", () => {
    const p = play({ strategy: 'debug' });
    expect(taskKeyword(task({}, inner), 'register', p)).toBeUndefined();
    expect(taskKeyword(task({ register: 'x' }, inner), 'register', p)).toBe('x');
    expect(taskKeyword(task({}, inner), 'strategy', p)).toBe('debug');
  });

  it('gathers an extend keyword along the chain, play first, leaving out unset levels', () => {
    const t = task({ environment: { C: '3' }, when: ['b', 'c'] }, inner);
    expect(taskKeyword(t, 'environment', play({ environment: { P: '0' } }))).toEqual([
      { P: '0' },
      { A: '1' },
      { B: '2' },
      { C: '3' },
    ]);
    expect(taskKeyword(t, 'when', play({}))).toEqual(['a', ['b', 'c']]);
  });

  it('answers again for another play (the answer is kept per task and play)', () => {
    const t = task({}, block({}));
    expect(taskKeyword(t, 'any_errors_fatal', play({ any_errors_fatal: true }))).toBe(true);
    expect(taskKeyword(t, 'any_errors_fatal', play({ any_errors_fatal: false }))).toBe(false);
    expect(taskKeyword(t, 'module_defaults', play({ module_defaults: [{ a: 1 }] }))).toEqual([[{ a: 1 }]]);
    expect(taskKeyword(t, 'module_defaults', play({}))).toEqual([]);
  });
});

describe('keywords tsible does not implement', () => {
  const warn = (ds: Record<string, unknown>) => {
    const warnings: string[] = [];
    warnIgnoredKeywords(ds, 'task', { file: 'x.yml', line: 3, column: 7 }, warnings);
    return warnings;
  };
  it('are these, each with the values for which ignoring it is what Ansible does', () => {
    expect(sorted(UNIMPLEMENTED)).toEqual(
      sorted([
        'async_val',
        'become',
        'become_exe',
        'become_flags',
        'become_method',
        'become_user',
        'collections',
        'connection',
        'diff',
        'gather_timeout',
        'poll',
        'port',
        'remote_user',
        'strategy',
      ]),
    );
    for (const k of KEYWORDS) expect(k.implemented || k.harmless !== undefined, k.name).toBe(true);
  });

  it('draw a warning when their value would matter', () => {
    expect(warn({ diff: true })).toEqual([
      "Ignoring the 'diff' keyword of the task at x.yml, line 3, column 7: tsible does not implement it.",
    ]);
    expect(warn({ async: 10, poll: 0 })).toEqual([
      "Ignoring the 'async' keyword of the task at x.yml, line 3, column 7: tsible does not implement it.",
    ]);
    expect(warn({ become: 'yes', become_user: 'root' })).toHaveLength(1);
    expect(warn({ async: '{{ t }}' })).toHaveLength(1); // a template may be anything
    expect(warn({ strategy: 'free', connection: 'ssh', serial: 2 })).toHaveLength(2); // serial is implemented
  });

  it('draw none at their default, unset, or where no value can matter', () => {
    expect(warn({ timeout: 0, throttle: 5, async: '0', become: 'no', diff: false, delegate_facts: null })).toEqual([]);
    expect(warn({ port: 2222, remote_user: 'bob', collections: ['amazon.aws'], connection: 'local' })).toEqual([]);
    expect(warn({ strategy: 'debug', gather_subset: 'all', serial: [], timeout: undefined })).toEqual([]);
    expect(warn({ when: 'x', no_log: true, register: 'r' })).toEqual([]);
  });

  it('are warned about by the loader, for plays, blocks, tasks and role entries', () => {
    const dir = playbookDir({
      'p.yml': [
        '- hosts: localhost',
        '  become: true',
        '  roles:',
        '    - role: r',
        '      diff: true',
        '  tasks:',
        '    - block:',
        '        - debug: msg=hi',
        '          async: 5',
        '      diff: true',
        '    - debug: msg=hi',
        '      timeout: 0',
        '',
      ].join('\n'),
      'roles/r/tasks/main.yml': '- debug: msg=r\n',
    });
    const file = path.join(dir, 'p.yml');
    expect(loadPlaybook(file).warnings).toEqual([
      `Ignoring the 'become' keyword of the play at ${file}, line 1, column 3: tsible does not implement it.`,
      `Ignoring the 'diff' keyword of the role 'r' at ${file}, line 4, column 7: tsible does not implement it.`,
      `Ignoring the 'diff' keyword of the block at ${file}, line 7, column 7: tsible does not implement it.`,
      `Ignoring the 'async' keyword of the task at ${file}, line 8, column 11: tsible does not implement it.`,
    ]);
  });
});

describe('the loader refuses what Ansible 2.14 refuses', () => {
  const load = (text: string) => () => loadPlaybook(path.join(playbookDir({ 'p.yml': text }), 'p.yml'));

  it('keywords a play does not have', () => {
    expect(load('- hosts: localhost\n  when: true\n  tasks: []\n')).toThrow(
      "'when' is not a valid attribute for a Play",
    );
    expect(load('- hosts: localhost\n  delegate_to: x\n')).toThrow("'delegate_to' is not a valid attribute for a Play");
  });

  it('listen on a task that is not a handler', () => {
    expect(load('- hosts: localhost\n  tasks:\n    - debug: msg=hi\n      listen: x\n')).toThrow(
      "'listen' is not a valid attribute for a Task",
    );
    expect(load('- hosts: localhost\n  handlers:\n    - debug: msg=hi\n      listen: x\n')).not.toThrow();
  });

  it('a string field given a list or a dict, for every string field', () => {
    for (const name of KEYWORDS.filter((k) => k.type === 'string').map((k) => k.name))
      expect(keywordTypeError(name, ['a'], 'Task'), name).toBe(
        `The field '${name}' is supposed to be a string type, however the incoming data structure is a <class 'ansible.parsing.yaml.objects.AnsibleSequence'>`,
      );
    expect(keywordTypeError('action', { module: 'debug' }, 'Task')).toBeUndefined();
    expect(keywordTypeError('vars', 'x', 'Handler')).toBe(
      'Vars in a Handler must be specified as a dictionary, or a list of dictionaries',
    );
    expect(keywordTypeError('vars', [{ a: 1 }], 'Play')).toBeUndefined();
  });
});
