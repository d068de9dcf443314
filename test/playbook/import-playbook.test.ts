// import_playbook recursion: a playbook that imports itself, directly or through another, stops at a depth limit
// with Ansible's unexpected exception (exit code 250, Python's RecursionError) and a line naming the file and the
// import.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/playbook/loader.js';
import { TsibleError } from '../../src/errors.js';
import { playbookDir } from '../helpers.js';

function loadError(file: string): TsibleError {
  try {
    loadPlaybook(file);
  } catch (e) {
    if (e instanceof TsibleError) return e;
    throw e;
  }
  throw new Error('loaded');
}

describe('import_playbook', () => {
  it('stops a playbook importing itself through another, naming the file', () => {
    const dir = playbookDir({
      'site.yml': '- import_playbook: other.yml\n',
      'other.yml': '- import_playbook: site.yml\n',
    });
    const e = loadError(path.join(dir, 'site.yml'));
    expect(e.exitCode).toBe(250);
    const [first, second] = e.message.split('\n');
    expect(first).toBe(
      'Unexpected Exception, this is probably a bug: maximum recursion depth exceeded while calling a Python object',
    );
    expect(second).toMatch(
      /^import_playbook of '.*\/(site|other)\.yml' in '.*\/(site|other)\.yml', line 1, column 3, nests deeper than 50 levels: a playbook imports itself/,
    );
  });
  it('loads a playbook imported many times without a loop', () => {
    const dir = playbookDir({
      'site.yml': '- import_playbook: p.yml\n- import_playbook: p.yml\n',
      'p.yml': '- hosts: localhost\n  tasks: []\n',
    });
    expect(loadPlaybook(path.join(dir, 'site.yml')).plays).toHaveLength(2);
  });
});
