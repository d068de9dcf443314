// The other direction: what tsible encrypts, the real ansible-vault decrypts (when it is installed: CI has no
// Ansible, so these cases are skipped there with the reason printed). And encrypted files everywhere a run reads
// YAML: the playbook itself, an INI inventory, group_vars and host_vars, role vars, defaults and tasks, through the
// CLI and the library.
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, playbookDir, runCli } from '../helpers.js';
import { encrypt, type VaultSecret } from '../../src/vault/index.js';
import { runPlaybook } from '../../src/api/index.js';

const hasAnsibleVault = spawnSync('ansible-vault', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasAnsibleVault) console.log('ansible-vault is not installed: the tsible -> ansible-vault cases are skipped');

const PASSWORD = 'tsible-test-only-password'; // a test-only password
const DEV: VaultSecret = { vaultId: 'dev', password: Buffer.from('dev-test-only') };
const DEFAULT: VaultSecret = { vaultId: 'default', password: Buffer.from(PASSWORD) };

function ansibleVault(args: string[], cwd: string): { out: string; rc: number } {
  const run = spawnSync('ansible-vault', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_NOCOLOR: '1' },
  });
  return { out: run.stdout, rc: run.status ?? -1 };
}

describe.skipIf(!hasAnsibleVault)('ansible-vault decrypts what tsible encrypted', () => {
  const dir = playbookDir({ 'pw-default': `${PASSWORD}\n`, 'pw-dev': 'dev-test-only\n' });
  it.each([
    ['1.1, one line', 'a: 1\n', DEFAULT],
    ['1.2 labelled dev', 'a: 1\n', DEV],
    ['unicode and no final newline', 'héllo ✓', DEFAULT],
    ['longer than a block, several lines', 'line\n'.repeat(100), DEV],
    ['exactly one AES block', '0123456789abcdef', DEFAULT],
    ['empty', '', DEFAULT],
  ])('%s', (_name, plaintext, secret) => {
    const file = path.join(dir, 'f.yml');
    writeFileSync(file, encrypt(plaintext, secret));
    const ids = ['--vault-id', 'dev@pw-dev', '--vault-password-file', 'pw-default'];
    expect(ansibleVault(['view', ...ids, 'f.yml'], dir)).toEqual({
      out: plaintext.endsWith('\n') ? plaintext : plaintext + '\n',
      rc: 0,
    });
  });
  it('tsible vault encrypt_string, then ansible-playbook reads the value', async () => {
    const run = await runCli(['vault', 'encrypt_string', '--vault-id', 'dev@pw-dev', '--name', 'v', 'from tsible'], {
      cwd: dir,
    });
    writeFileSync(path.join(dir, 'vars.yml'), run.stdout + '\n');
    writeFileSync(
      path.join(dir, 'pb.yml'),
      '- hosts: localhost\n  gather_facts: false\n  vars_files: [vars.yml]\n  tasks:\n    - debug: {msg: "{{ v }}"}\n',
    );
    const pb = spawnSync('ansible-playbook', ['--vault-id', 'dev@pw-dev', 'pb.yml'], { cwd: dir, encoding: 'utf8' });
    expect(pb.stdout).toContain('"msg": "from tsible"');
  });
});

describe('encrypted files wherever a run reads YAML', () => {
  const files = {
    'site.yml': encrypt(
      '- hosts: web\n  gather_facts: false\n  roles: [r]\n  tasks:\n    - debug: {msg: "{{ g }} {{ h }} {{ rv }} {{ rd }}"}\n',
      DEFAULT,
    ),
    'hosts.ini': encrypt('[web]\nw1 ansible_connection=local\n', DEFAULT),
    'group_vars/web.yml': encrypt('g: from group_vars\n', DEV),
    'host_vars/w1.yml': encrypt('h: from host_vars\n', DEFAULT),
    'roles/r/vars/main.yml': encrypt('rv: from role vars\n', DEV),
    'roles/r/defaults/main.yml': encrypt('rd: from role defaults\n', DEFAULT),
    'roles/r/tasks/main.yml': encrypt('- debug: {msg: role tasks decrypted}\n', DEV),
    'pw-default': `${PASSWORD}\n`,
    'pw-dev': 'dev-test-only\n',
  };
  const expected = 'from group_vars from host_vars from role vars from role defaults';

  it('the library, given the secrets', async () => {
    const dir = playbookDir(files);
    const result = await runPlaybook(path.join(dir, 'site.yml'), {
      inventory: [path.join(dir, 'hosts.ini')],
      vaultSecrets: [
        { vaultId: 'dev', password: 'dev-test-only' },
        { vaultId: 'default', password: PASSWORD },
      ],
    });
    expect(result.rc).toBe(0);
    expect(result.output).toContain('role tasks decrypted');
    // the values of encrypted vars files are secrets: masked unless shown on request (README)
    expect(result.output).toContain('"msg": "******** ******** ******** ********"');
  });

  it('the command line, with a password script and a client script', async () => {
    const dir = playbookDir({
      ...files,
      'pw.sh': `#!/bin/sh\necho ${PASSWORD}\n`,
      'keys-client.sh': '#!/bin/sh\n[ "$2" = dev ] && echo dev-test-only && exit 0\nexit 2\n',
    });
    chmodSync(path.join(dir, 'pw.sh'), 0o755);
    chmodSync(path.join(dir, 'keys-client.sh'), 0o755);
    const run = await runCli(
      [
        '-i',
        'hosts.ini',
        '--vault-id',
        'dev@keys-client.sh',
        '--vault-password-file',
        'pw.sh',
        'site.yml',
        '--show-secrets',
      ],
      { cwd: dir },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(expected);
    expect(run.code).toBe(0);
  });

  it('ANSIBLE_VAULT_IDENTITY_LIST and ANSIBLE_VAULT_PASSWORD_FILE', async () => {
    const dir = playbookDir(files);
    const run = await runCli(['-i', 'hosts.ini', 'site.yml'], {
      cwd: dir,
      env: {
        ANSIBLE_VAULT_IDENTITY_LIST: 'dev@pw-dev',
        ANSIBLE_VAULT_PASSWORD_FILE: 'pw-default',
        TSIBLE_SHOW_SECRETS: '1',
      },
    });
    expect(run.stdout).toContain(expected);
  });

  it('a missing secret for a role file: the error names the file, exit 1, before any play', async () => {
    const dir = playbookDir(files);
    const run = await runCli(['-i', 'hosts.ini', '--vault-password-file', 'pw-default', 'site.yml'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^ERROR! Decryption failed \(no vault secrets were found that could decrypt\) on /);
  });

  it('--ask-vault-pass with no terminal reads stdin as getpass does, and fails at its end', async () => {
    const dir = playbookDir(files);
    const run = await runCli(['-i', 'hosts.ini', '--ask-vault-pass', 'site.yml'], { cwd: dir, input: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'Vault password: [WARNING]: Error in vault password prompt (default): EOFError (ctrl-d) on\nprompt for (default)\nERROR! EOFError (ctrl-d) on prompt for (default)\n',
    );
  });
});

describe('a vaulted text is never revealed by an error about it', () => {
  it('the error in an encrypted playbook points at its ciphertext', async () => {
    const core = path.join(path.dirname(BIN), '..', 'test/golden/core');
    const args = ['--vault-password-file', 'vault-files/pw-default.txt', 'vault-encrypted-error.yml'];
    const run = await runCli(args, { cwd: core });
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('ERROR! conflicting action statements: debug, bogus_keyword');
    expect(run.stderr + run.stdout).not.toContain('not-to-be-revealed');
  });
});
