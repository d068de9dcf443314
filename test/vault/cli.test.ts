// `tsible vault` as a command: its help, its option errors, and `tsible --help` naming the vault options.
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers.js';

describe('tsible vault', () => {
  it('--help lists the verbs and the options', async () => {
    const run = await runCli(['vault', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: tsible vault \[-h\] \{create,decrypt,edit,view,encrypt,encrypt_string,rekey\}/);
    for (const option of ['--vault-id', '--vault-password-file', '--new-vault-id', '--output', '--stdin-name'])
      expect(run.stdout).toContain(option);
  });
  it('a verb with --help', async () => expect((await runCli(['vault', 'view', '--help'])).code).toBe(0));
  it.each([
    [[], 'the following arguments are required: action'],
    [['bogus'], "argument action: invalid choice: 'bogus'"],
    [['view', '--bogus'], 'unrecognized arguments: --bogus'],
    [['view', '--vault-id'], 'argument --vault-id: expected one argument'],
    [
      ['create', '--vault-password-file', 'test/golden/vault/fixtures/pw-default.txt', 'a', 'b'],
      'ansible-vault create can take only one filename argument',
    ],
  ])('%j is an options error (exit 5)', async (args, message) => {
    const run = await runCli(['vault', ...args]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(message);
  });
  it('tsible --help names the vault options and the vault command', async () => {
    const run = await runCli(['--help']);
    for (const option of ['--vault-id', '--vault-password-file', '--ask-vault-pass', 'tsible vault'])
      expect(run.stdout).toContain(option);
  });
});
