// Ansible's own debugger behaviour: each playbook of test/golden/debugger run with its input piped in, and the
// output compared with what real ansible-playbook printed (test/golden/debugger/regenerate.sh).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers.js';

const dir = path.join(ROOT, 'test/golden/debugger');
const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('the task debugger matches ansible-playbook 2.14', () => {
  for (const pb of readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .sort()) {
    const name = pb.replace(/\.yml$/, '');
    it(name, async () => {
      const env: Record<string, string> = {
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_LOCALHOST_WARNING: '0',
        ANSIBLE_INVENTORY_UNPARSED_WARNING: '0',
      };
      if (existsSync(path.join(dir, `${name}.environ`)))
        for (const kv of read(`${name}.environ`).trim().split(/\s+/)) {
          const [k, v] = kv.split('=');
          env[k!] = v!;
        }
      const run = await runCli([pb], { cwd: dir, env, input: read(`${name}.input`) });
      expect(run.stdout.replaceAll(dir, '<dir>')).toBe(read(`${name}.out`));
      expect(run.code).toBe(Number(read(`${name}.rc`)));
    });
  }
});
