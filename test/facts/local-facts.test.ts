// Local facts from fact_path as Ansible's setup module reads them: the expected values are what
// `ansible localhost -m setup -a 'fact_path=DIR filter=ansible_local'` gave for the same files (ansible-core 2.14).
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gatherFacts } from '../../src/facts.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tsible-facts-d-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const f404 = path.join(tmpdir(), 'tsible-no-such-facts.d');
const file = (name: string, text: string, mode = 0o644) => {
  writeFileSync(path.join(dir, name), text);
  chmodSync(path.join(dir, name), mode);
};
file('prefs.fact', '[general]\nbar=loaded\nBaz = two words\n[other]\nx: 1\n');
file('data.fact', '{"a": [1, 2], "b": null}\n');
file('good.fact', '#!/bin/sh\necho \'{"script_ran": true}\'\n', 0o755);
file('bad.fact', '#!/bin/sh\necho oops >&2\nexit 3\n', 0o755);
file('broken.fact', 'wontbeseen=ever\n');
file('ignored.txt', 'not a fact');
symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dead.fact'));

describe('local facts (fact_path)', () => {
  it('reads JSON and INI files, runs executables, and puts a message where one fails', async () => {
    const { facts, warnings } = await gatherFacts({
      gatherSubset: ['!all', '!min', 'local'],
      filter: ['ansible_local'],
      factPath: dir,
      env: process.env,
    });
    const f = (name: string) => path.join(dir, name);
    expect(facts).toEqual({
      ansible_local: {
        bad: `Failure executing fact script (${f('bad.fact')}), rc: 3, err: oops\n`,
        broken: `error loading facts as JSON or ini - please check content: ${f('broken.fact')}`,
        data: { a: [1, 2], b: null },
        dead: `Could not stat fact (${f('dead.fact')}): [Errno 2] No such file or directory: '${f('dead.fact')}'`,
        good: { script_ran: true },
        prefs: { general: { bar: 'loaded', baz: 'two words' }, other: { x: '1' } },
      },
    });
    expect(warnings).toHaveLength(3);
  });

  it('a fact_path that does not exist gives no local facts', async () => {
    const { facts } = await gatherFacts({ gatherSubset: ['!all'], filter: ['*local*'], factPath: f404, env: {} });
    expect(facts).toEqual({ ansible_local: {} });
  });
});
