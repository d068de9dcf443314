// A search runs every schedule on the same files: an included file is read once per loaded playbook, so editing
// it while a search runs changes nothing, and a playbook loaded afresh sees the edit.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSeed } from '../../src/explorer/runs.js';
import type { ExploreOptions } from '../../src/explorer/explore-options.js';
import { loadPlaybook } from '../../src/playbook/loader.js';
import { playbookDir } from '../helpers.js';

const inner = (group: string) => `
- name: Make the group
  cloudwatchlogs_log_group:
    log_group_name: "${group}/{{ resource_prefix }}"
    state: present
`;

describe('included files in a search', () => {
  it('are read once per loaded playbook', async () => {
    const dir = playbookDir({
      'site.yml': `
- hosts: localhost
  gather_facts: false
  tasks:
    - include_tasks: inner.yml
      loop: [1, 2]
`,
      'inner.yml': inner('first'),
    });
    const file = path.join(dir, 'site.yml');
    const o: ExploreOptions = { playbook: loadPlaybook(file), processes: 2, schedules: 1, seed: 1 };
    const calls = async (opts: ExploreOptions) =>
      (await runSeed(opts, 7)).trace.filter((s) => s.label.startsWith('CreateLogGroup')).map((s) => s.label);
    const before = await calls(o);
    // each process creates its group once (the loop's second pass finds it there), in the schedule's order
    const groups = (labels: string[]) => labels.map((l) => /"logGroupName":"([^"]*)"/.exec(l)?.[1]);
    expect(groups(before)).toEqual(['first/p2', 'first/p1']);
    writeFileSync(path.join(dir, 'inner.yml'), inner('second'));
    // the same search (the same loaded playbook): the same file as before, the same trace
    expect(await calls(o)).toEqual(before);
    // a new search loads the playbook again and reads the edited file
    const after = await calls({ ...o, playbook: loadPlaybook(file) });
    expect(groups(after)).toEqual(['second/p2', 'second/p1']);
  });
});
