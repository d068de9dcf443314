// Where vault secrets come from, as ansible's CLI.setup_vault_secrets reads them: --vault-id label@source (a file,
// an executable, a `-client` script asked with --vault-id LABEL, or `prompt`), --vault-password-file (the label
// `default`), --ask-vault-pass, and the settings DEFAULT_VAULT_IDENTITY_LIST and DEFAULT_VAULT_PASSWORD_FILE.
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TsibleError } from '../errors.js';
import { VaultError } from './errors.js';
import { DEFAULT_VAULT_ID, decrypt, isEncrypted, type VaultSecret } from './vault-lib.js';

/** The vault options of a command line. */
export interface VaultOptions {
  readonly vaultIds: readonly string[];
  readonly vaultPasswordFiles: readonly string[];
  readonly askVaultPass: boolean;
}

export interface SecretSourcesIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a password (without echo on a terminal); undefined at the end of input, as getpass gets EOF. */
  readonly promptSecret?: (text: string) => Promise<string | undefined>;
  /** Ansible's warnings ("Error getting vault password file (...)"). */
  readonly warn: (text: string) => void;
}

interface SetupSettings {
  /** ansible-vault asks for a new password twice (create, encrypt, rekey). */
  readonly createNewPassword?: boolean;
  /** ansible-vault prompts when nothing else was given; ansible-playbook does not. */
  readonly autoPrompt?: boolean;
}

/** Ansible's CLI.split_vault_id: `label@source`, or a bare source. */
function splitVaultId(slug: string): [string | undefined, string] {
  const at = slug.indexOf('@');
  return at < 0 ? [undefined, slug] : [slug.slice(0, at), slug.slice(at + 1)];
}

/** The secrets of a command line, in Ansible's order: the identity list setting, --vault-id, the password files,
 * then the --ask-vault-pass prompt. A source that fails is a warning unless no source gave a secret. */
export async function setupVaultSecrets(
  opts: VaultOptions,
  io: SecretSourcesIo,
  settings: SetupSettings = {},
): Promise<VaultSecret[]> {
  const identityList = (io.env.ANSIBLE_VAULT_IDENTITY_LIST ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const files = [...opts.vaultPasswordFiles];
  if (io.env.ANSIBLE_VAULT_PASSWORD_FILE) files.push(io.env.ANSIBLE_VAULT_PASSWORD_FILE);
  const slugs = [...identityList, ...opts.vaultIds, ...files.map((f) => `${DEFAULT_VAULT_ID}@${f}`)];
  if (opts.askVaultPass || (!slugs.length && settings.autoPrompt))
    slugs.push(`${DEFAULT_VAULT_ID}@prompt_ask_vault_pass`);
  const secrets: VaultSecret[] = [];
  let lastError: unknown;
  for (const slug of slugs) {
    const [label, source] = splitVaultId(slug);
    const vaultId = label || DEFAULT_VAULT_ID;
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      try {
        secrets.push({ vaultId, password: await promptPassword(source, vaultId, io, settings) });
      } catch (e) {
        io.warn(`Error in vault password prompt (${label ?? 'None'}): ${(e as Error).message}`);
        throw e;
      }
      continue;
    }
    // finding the source and loading from it fail with different warnings, as in Ansible
    let file: string;
    try {
      file = locateSecretFile(source, io.env);
    } catch (e) {
      io.warn(`Error getting vault password file (${label ?? 'None'}): ${(e as Error).message}`);
      lastError = e;
      continue;
    }
    try {
      secrets.push({ vaultId, password: isExecutable(file) ? runSecretScript(file, label) : readSecretFile(file) });
    } catch (e) {
      io.warn(`Error in vault password file loading (${label ?? 'None'}): ${(e as Error).message}`);
      lastError = e;
    }
  }
  if (lastError !== undefined && !secrets.length) throw lastError;
  return secrets;
}

async function promptPassword(
  source: string,
  vaultId: string,
  io: SecretSourcesIo,
  settings: SetupSettings,
): Promise<Buffer> {
  const legacy = source === 'prompt_ask_vault_pass';
  const prompts = settings.createNewPassword
    ? legacy
      ? ['New Vault password: ', 'Confirm New Vault password: ']
      : [`New vault password (${vaultId}): `, `Confirm new vault password (${vaultId}): `]
    : [legacy ? 'Vault password: ' : `Vault password (${vaultId}): `];
  const answers: string[] = [];
  for (const text of prompts) {
    const answer = io.promptSecret ? await io.promptSecret(text) : undefined;
    if (answer === undefined) throw new VaultError(`EOFError (ctrl-d) on prompt for (${vaultId})`);
    if (!answer) throw new VaultError('Invalid vault password was provided');
    answers.push(answer.trim());
  }
  if (answers.some((a) => a !== answers[0])) throw new TsibleError('Passwords do not match');
  return Buffer.from(answers[0]!, 'utf8');
}

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Ansible's unfrackpath without following links: ~ and $VARS expanded, made absolute; it must exist. */
function locateSecretFile(source: string, env: SecretSourcesIo['env']): string {
  const expanded = source
    .replace(/^~(?=$|\/)/, env.HOME ?? '~')
    .replace(/\$(\w+)|\$\{(\w+)\}/g, (m, a, b) => env[a ?? b] ?? m);
  const file = path.resolve(expanded);
  if (!existsSync(file)) throw new TsibleError(`The vault password file ${file} was not found`);
  return file;
}

/** Ansible's FileVaultSecret: the file read whole and stripped (an executable one is run instead, by
 * runSecretScript: a `-client` script with --vault-id LABEL). Vault data there is decrypted with no secret. */
function readSecretFile(file: string): Buffer {
  let content: Buffer;
  try {
    content = Buffer.from(readFileSync(file).toString('latin1').trim(), 'latin1');
  } catch (e) {
    throw new TsibleError(`Could not read vault password file ${file}: ${(e as Error).message}`);
  }
  if (isEncrypted(content)) content = decrypt(content.toString('latin1'), [], file);
  const password = Buffer.from(content.toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1');
  if (!password.length) throw new VaultError(`Invalid vault password was provided from file (${file})`);
  return password;
}

function runSecretScript(file: string, label: string | undefined): Buffer {
  const client = path.parse(file).name.endsWith('-client');
  const args = client && label ? ['--vault-id', label] : [];
  const run = spawnSync(file, args, { stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'] });
  const kind = client ? 'client script' : 'script';
  if (run.error)
    throw new TsibleError(
      `Problem running vault password ${kind} ${file} (${run.error.message}). If this is not a script, remove the executable bit from the file.`,
    );
  const stderr = run.stderr ? pyBytesRepr(run.stderr) : 'None';
  if (client && run.status === 2)
    throw new TsibleError(
      `Vault password client script ${file} did not find a secret for vault-id=${label}: ${stderr}`,
    );
  if (run.status !== 0)
    throw new TsibleError(
      client
        ? `Vault password client script ${file} returned non-zero (${run.status}) when getting secret for vault-id=${label}: ${stderr}`
        : `Vault password script ${file} returned non-zero (${run.status}): ${stderr}`,
    );
  const password = Buffer.from(run.stdout.toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1');
  if (!password.length) throw new VaultError(`Invalid vault password was provided from script (${file})`);
  return password;
}

/** Python's repr of bytes, as Ansible puts a script's stderr in its message. */
const ESCAPES: Record<number, string> = { 0x5c: '\\\\', 0x27: "\\'", 10: '\\n', 13: '\\r', 9: '\\t' };
const pyBytesRepr = (b: Buffer): string =>
  `b'${[...b]
    .map((c) => ESCAPES[c] ?? (c < 32 || c > 126 ? `\\x${c.toString(16).padStart(2, '0')}` : String.fromCharCode(c)))
    .join('')}'`;
