// Every tsible command, and every verb of `tsible vault`, answers --help with its usage and exit code 0; the list
// comes from the command table, so a new command cannot forget it.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { ACTIONS } from '../../src/cli/vault.js';
import { runCli } from '../helpers.js';

const invocations = [[], ...Object.keys(COMMANDS).map((c) => [c]), ...ACTIONS.map((a) => ['vault', a])];

describe('--help', () => {
  it.each(invocations.map((argv) => [argv.join(' ') || '(playbooks)', argv]))('tsible %s --help', async (_, argv) => {
    for (const flag of ['--help', '-h']) {
      const run = await runCli([...(argv as string[]), flag]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^usage: tsible/);
      expect(run.code).toBe(0);
    }
  });

  it('covers the commands the top-level usage lists', () => {
    expect(Object.keys(COMMANDS).sort()).toEqual(['ansible', 'explore', 'local-aws', 'race', 'run', 'test', 'vault']);
  });
});
