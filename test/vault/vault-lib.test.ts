// src/vault against what the real ansible-vault 2.14 made (test/golden/vault/made, recorded by regenerate.sh):
// tsible reads all of it, writes the same envelope, and fails with Ansible's words.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.js';
import {
  VaultError,
  VaultText,
  decrypt,
  encrypt,
  encryptSecret,
  isEncrypted,
  setVaultSecrets,
  vaultIdOf,
  type VaultSecret,
} from '../../src/vault/index.js';
import { loadYaml } from '../../src/yaml/loader.js';

const dir = path.join(ROOT, 'test/golden/vault');
const fixture = (f: string) => readFileSync(path.join(dir, 'fixtures', f), 'utf8');
const made = (f: string) => readFileSync(path.join(dir, 'made', f), 'utf8');
/** The test-only passwords, read as Ansible reads a password file (whole, stripped). */
const secret = (vaultId: string, file: string): VaultSecret => ({
  vaultId,
  password: Buffer.from(fixture(file).trim()),
});
const DEFAULT = secret('default', 'pw-default.txt');
const DEV = secret('dev', 'pw-dev.txt');
const PROD = secret('prod', 'pw-prod.txt');
const WRONG = secret('default', 'pw-wrong.txt');

afterEach(() => setVaultSecrets([]));

describe('what ansible-vault encrypted, tsible decrypts', () => {
  it.each([
    ['plain-1.1.yml', 'plain.yml', [DEFAULT], 'default'],
    ['plain-dev.yml', 'plain.yml', [DEV], 'dev'],
    ['plain-prod.yml', 'plain.yml', [PROD], 'prod'],
    ['text-1.1.txt', 'text.txt', [DEFAULT], 'default'],
    ['plain-prod.yml', 'plain.yml', [WRONG, DEV, PROD], 'prod'],
  ] as const)('%s', (file, plain, secrets, label) => {
    expect(isEncrypted(made(file))).toBe(true);
    expect(vaultIdOf(made(file))).toBe(label);
    expect(decrypt(made(file), secrets).toString('utf8')).toBe(fixture(plain));
  });
  it('an encrypted empty file', () => expect(decrypt(made('empty.yml'), [DEFAULT]).length).toBe(0));
  it('encrypt_string output, two labels', () => {
    const blobs = made('strings.txt')
      .split(/^!vault \|\n/m)
      .filter(Boolean)
      .map((b) => b.replace(/^ +/gm, ''));
    expect(blobs.map((b) => decrypt(b, [DEV, DEFAULT]).toString())).toEqual(['one', 'two']);
  });
  it('a whole encrypted YAML file through the loader', () => {
    setVaultSecrets([DEFAULT]);
    expect(loadYaml(made('plain-1.1.yml'), 'plain-1.1.yml').documents[0]).toMatchObject({ ports: [80, 443] });
  });
  it('inline !vault values stay encrypted until read, then use the secrets of that moment', () => {
    const doc = loadYaml(made('inline-vars.yml'), 'inline-vars.yml').documents[0] as Record<string, unknown>;
    expect(doc.plain_value).toBe('visible');
    expect(doc.inline_secret).toBeInstanceOf(VaultText);
    const inline = doc.inline_secret as VaultText;
    expect(() => inline.data).toThrow(new VaultError('Attempting to decrypt but no vault secrets found'));
    setVaultSecrets([DEV, DEFAULT]);
    expect(inline.data).toBe('inline-s3cret');
    expect((doc.dev_secret as VaultText).data).toBe('dev {{ plain_value }}');
    expect(() => (doc.unused_secret as VaultText).data).toThrow(
      new VaultError('Decryption failed (no vault secrets were found that could decrypt)'),
    );
  });
});

describe("the vault's errors, in Ansible's words", () => {
  it('no secrets', () =>
    expect(() => decrypt(made('plain-1.1.yml'), [])).toThrow('Attempting to decrypt but no vault secrets found'));
  it('no secret that decrypts, naming the file', () =>
    expect(() => decrypt(made('plain-1.1.yml'), [WRONG, DEV], 'f.yml')).toThrow(
      'Decryption failed (no vault secrets were found that could decrypt) on f.yml',
    ));
  it('not vault data', () =>
    expect(() => decrypt('a: 1', [DEFAULT], 'f.yml')).toThrow(
      'input is not vault encrypted data. f.yml is not a vault encrypted file',
    ));
  it('bad hex in the envelope', () =>
    expect(() => decrypt('$ANSIBLE_VAULT;1.1;AES256\nzz\n', [DEFAULT])).toThrow(
      'Vault format unhexlify error: Non-hexadecimal digit found',
    ));
  it('an unknown cipher', () =>
    expect(() => decrypt('$ANSIBLE_VAULT;1.1;AES\n00\n', [DEFAULT])).toThrow('AES cipher could not be found'));
  it('a changed ciphertext fails its HMAC, so no secret decrypts it', () => {
    const [header, ...hex] = made('plain-1.1.yml').trim().split('\n');
    const [salt, hmac, ciphertext] = Buffer.from(hex.join(''), 'hex').toString().split('\n');
    const changed = ciphertext!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const tampered = `${header}\n${Buffer.from([salt, hmac, changed].join('\n')).toString('hex')}\n`;
    expect(() => decrypt(tampered, [DEFAULT])).toThrow(/^Decryption failed/);
  });
  it('encrypting vault data again', () =>
    expect(() => encrypt(made('plain-1.1.yml'), DEFAULT)).toThrow('input is already encrypted'));
  it('--encrypt-vault-id that no secret has (as recorded from ansible-vault)', () => {
    const recorded = readFileSync(path.join(dir, 'expected/encrypt-unknown-encrypt-id.err'), 'utf8');
    expect(() => encryptSecret([DEV], 'prod')).toThrow(recorded.replace(/^ERROR! |\n$/g, ''));
  });
  it('no secret to encrypt with', () =>
    expect(() => encryptSecret([])).toThrow('A vault password must be specified to encrypt data'));
});

describe('what tsible encrypts has the envelope ansible-vault writes', () => {
  it('1.1 without a label, 1.2 with one, 80 columns, a final newline', () => {
    const v11 = encrypt('x'.repeat(200), DEFAULT);
    const v12 = encrypt('x', DEV);
    expect(v11.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256');
    expect(v12.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;dev');
    for (const v of [v11, v12]) {
      expect(v.endsWith('\n')).toBe(true);
      expect(
        Math.max(
          ...v
            .split('\n')
            .slice(1)
            .map((l) => l.length),
        ),
      ).toBe(80);
    }
    expect(decrypt(v11, [DEFAULT]).toString()).toBe('x'.repeat(200));
  });
  it('with a fixed salt, byte for byte what the vault filter gave in ansible-playbook 2.14', () => {
    const recorded = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/core/vault.json.out'), 'utf8'));
    const task = recorded.plays[0].tasks.find((t: any) => 'salted' in t.hosts.localhost);
    const ours = encrypt(
      'plain text',
      { vaultId: 'filter_default', password: Buffer.from('filter-pass') },
      Buffer.from('fixed-salt-0123'),
    );
    expect(ours).toBe(task.hosts.localhost.salted);
  });
});
