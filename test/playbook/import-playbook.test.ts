// import_playbook recursion: a playbook that imports itself, directly or through another, stops at a depth limit
// with an error naming the file and the import (exit code 250, as Ansible's RecursionError gives).
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
    expect(e.message).toMatch(
      /^import_playbook nests deeper than 50 levels at '.*\/(site|other)\.yml': a playbook imports itself/,
    );
    expect(e.pos?.line).toBe(1);
  });
  it('loads a playbook imported many times without a loop', () => {
    const dir = playbookDir({
      'site.yml': '- import_playbook: p.yml\n- import_playbook: p.yml\n',
      'p.yml': '- hosts: localhost\n  tasks: []\n',
    });
    expect(loadPlaybook(path.join(dir, 'site.yml')).plays).toHaveLength(2);
  });
});
