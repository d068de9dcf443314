// `tsible vault`: ansible-vault's verbs (create, decrypt, edit, view, encrypt, encrypt_string, rekey) with its
// options, messages and exit codes (ansible/cli/vault.py and VaultEditor in ansible/parsing/vault).
import { configValue, withFileSettings } from '../config.js';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { OptionsError, TsibleError } from '../errors.js';
import {
  decrypt,
  decryptAndGetVaultId,
  encrypt,
  encryptSecret,
  setupVaultSecrets,
  vaultIdOf,
  type VaultOptions,
  type VaultSecret,
} from '../vault/index.js';
import { wrap } from '../output/textwrap.js';

interface Io {
  out(s: string): void;
  err(s: string): void;
}

export const ACTIONS = ['create', 'decrypt', 'edit', 'view', 'encrypt', 'encrypt_string', 'rekey'] as const;
type Action = (typeof ACTIONS)[number];

interface VaultArgs {
  action: Action;
  args: string[];
  vault: { vaultIds: string[]; vaultPasswordFiles: string[]; askVaultPass: boolean };
  encryptVaultId?: string;
  newVaultId?: string;
  newVaultPasswordFile?: string;
  output?: string;
  names: string[];
  stdinName?: string;
}

const VAULT_HELP = `usage: tsible vault [-h] {create,decrypt,edit,view,encrypt,encrypt_string,rekey} ...

encryption/decryption utility for Ansible data files, as ansible-vault

positional arguments:
  {create,decrypt,edit,view,encrypt,encrypt_string,rekey}
    create              Create new vault encrypted file
    decrypt             Decrypt vault encrypted file
    edit                Edit vault encrypted file
    view                View vault encrypted file
    encrypt             Encrypt YAML file
    encrypt_string      Encrypt a string
    rekey               Re-key a vault encrypted file

options:
  --vault-id VAULT_IDS  the vault identity to use (label@file, label@prompt); repeatable
  --vault-password-file, --vault-pass-file VAULT_PASSWORD_FILES
                        vault password file
  -J, --ask-vault-password, --ask-vault-pass
                        ask for vault password
  --encrypt-vault-id ENCRYPT_VAULT_ID
                        the vault id used to encrypt (required if more than one vault-id is provided)
  --new-vault-id NEW_VAULT_ID, --new-vault-password-file NEW_VAULT_PASSWORD_FILE
                        the new vault identity or password file (rekey)
  --output OUTPUT_FILE  output file name for encrypt or decrypt; use - for stdout
  -n, --name NAME       variable name for encrypt_string (repeatable)
  --stdin-name NAME     variable name for the string read from stdin (encrypt_string)
  -h, --help            show this help message and exit
`;

const FLAGS: Record<string, (o: VaultArgs, v: string) => void> = {
  '--vault-id': (o, v) => o.vault.vaultIds.push(v),
  '--vault-password-file': (o, v) => o.vault.vaultPasswordFiles.push(v),
  '--vault-pass-file': (o, v) => o.vault.vaultPasswordFiles.push(v),
  '--encrypt-vault-id': (o, v) => (o.encryptVaultId = v),
  '--new-vault-id': (o, v) => (o.newVaultId = v),
  '--new-vault-password-file': (o, v) => (o.newVaultPasswordFile = v),
  '--output': (o, v) => (o.output = v),
  '-n': (o, v) => o.names.push(v),
  '--name': (o, v) => o.names.push(v),
  '--stdin-name': (o, v) => (o.stdinName = v),
};

function parseVaultArgs(argv: string[]): VaultArgs | 'help' {
  const action = argv[0];
  if (action === '-h' || action === '--help') return 'help';
  if (action === undefined) throw new OptionsError('the following arguments are required: action');
  if (!(ACTIONS as readonly string[]).includes(action))
    throw new OptionsError(
      `argument action: invalid choice: '${action}' (choose from ${ACTIONS.map((a) => `'${a}'`).join(', ')})`,
    );
  const o: VaultArgs = {
    action: action as Action,
    args: [],
    vault: { vaultIds: [], vaultPasswordFiles: [], askVaultPass: false },
    names: [],
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (flag === '-h' || flag === '--help') return 'help';
    if (flag === '-J' || flag === '--ask-vault-pass' || flag === '--ask-vault-password') o.vault.askVaultPass = true;
    else if (FLAGS[flag]) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new OptionsError(`argument ${flag}: expected one argument`);
      FLAGS[flag](o, v);
    } else if (a.startsWith('-') && a !== '-') throw new OptionsError(`unrecognized arguments: ${a}`);
    else o.args.push(a);
  }
  return o;
}

/** Reads a line from the terminal without echoing it, or from stdin when it is no terminal (getpass falls back
 * so); undefined at end of input. */
function promptHidden(text: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(text);
    if (stdin.isTTY) stdin.setRawMode(true);
    let answer = '';
    const done = (value: string | undefined) => {
      stdin.off('data', onData);
      if (stdin.isTTY) stdin.setRawMode(false);
      stdin.pause();
      if (stdin.isTTY) process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(answer);
        if (ch === '\u0004') return done(answer.length ? answer : undefined);
        if (ch === '\u0003') return done(undefined);
        answer = ch === '\u007f' ? answer.slice(0, -1) : answer + ch;
      }
    };
    stdin.on('data', onData);
    stdin.once('end', () => done(undefined));
    stdin.resume();
  });
}

/** How the commands read vault secrets: the environment, getpass's prompt, Ansible's wrapped warnings. */
export const vaultSecretIo = (io: Pick<Io, 'err'>) => ({
  env: withFileSettings(process.env, ['DEFAULT_VAULT_IDENTITY_LIST', 'DEFAULT_VAULT_PASSWORD_FILE']),
  promptSecret: promptHidden,
  warn: (text: string) => io.err(wrap(`[WARNING]: ${text}`, 79).join('\n') + '\n'),
});

/** All of stdin (a pipe may be non-blocking, so it is read as a stream). */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return file === '-' ? await readStdin() : readFileSync(file);
  } catch (e) {
    throw new TsibleError(`Unable to read source file (${file}): ${(e as Error).message}`);
  }
}

function writeOutput(data: string | Buffer, file: string, io: Io): void {
  if (file === '-') io.out(typeof data === 'string' ? data : data.toString('utf8'));
  else writeFileSync(file, data, { mode: 0o600 });
}

const realPath = (file: string): string =>
  file === '-' ? file : existsSync(file) ? realpathSync(file) : path.resolve(file);

/** VaultEditor's wording: an error about a file ends with "for FILE". */
function forFile<T>(file: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof TsibleError) throw new TsibleError(`${e.message} for ${file}`);
    throw e;
  }
}

interface Session {
  readonly o: VaultArgs;
  readonly io: Io;
  readonly secrets: VaultSecret[];
  /** The secret new vault data is encrypted with (create, encrypt, encrypt_string; rekey's new one). */
  readonly encryptWith?: VaultSecret;
}

/** The secrets an action needs, as VaultCLI.run sets them up. */
async function openSession(o: VaultArgs, io: Io): Promise<Session> {
  const sio = vaultSecretIo(io);
  const creating = o.action === 'encrypt' || o.action === 'encrypt_string' || o.action === 'create';
  const secrets = await setupVaultSecrets(o.vault, sio, { createNewPassword: creating, autoPrompt: true });
  if (!secrets.length) throw new OptionsError("A vault password is required to use Ansible's Vault");
  const encryptVaultId =
    o.encryptVaultId ?? (configValue('DEFAULT_VAULT_ENCRYPT_IDENTITY') as string | null) ?? undefined;
  if (creating) {
    if (secrets.length > 1 && !encryptVaultId)
      throw new OptionsError(
        `The vault-ids ${secrets.map((s) => s.vaultId).join(',')} are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id`,
      );
    return { o, io, secrets, encryptWith: encryptSecret(secrets, encryptVaultId) };
  }
  if (o.action !== 'rekey') return { o, io, secrets };
  const newOpts: VaultOptions = {
    vaultIds: o.newVaultId ? [o.newVaultId] : [],
    vaultPasswordFiles: o.newVaultPasswordFile ? [o.newVaultPasswordFile] : [],
    askVaultPass: o.vault.askVaultPass,
  };
  const env = { ...sio.env, ANSIBLE_VAULT_IDENTITY_LIST: undefined };
  const fresh = await setupVaultSecrets(newOpts, { ...sio, env }, { createNewPassword: true, autoPrompt: true });
  if (!fresh.length) throw new OptionsError("A new vault password is required to use Ansible's Vault rekey");
  return { o, io, secrets, encryptWith: encryptSecret(fresh, encryptVaultId) };
}

const successful = (io: Io, what: string) => {
  if (process.stdout.isTTY) io.err(`${what} successful\n`);
};

async function runEncrypt(s: Session): Promise<void> {
  for (const file of s.o.args.length ? s.o.args : ['-']) {
    const plaintext = await readInput(realPath(file));
    writeOutput(encrypt(plaintext, s.encryptWith!), s.o.output ?? realPath(file), s.io);
  }
  successful(s.io, 'Encryption');
}

async function runDecrypt(s: Session): Promise<void> {
  for (const file of s.o.args.length ? s.o.args : ['-']) {
    const real = realPath(file);
    const text = (await readInput(real)).toString('latin1');
    const plaintext = forFile(real, () => decrypt(text, s.secrets, real));
    writeOutput(plaintext, s.o.output ?? real, s.io);
  }
  successful(s.io, 'Decryption');
}

async function runView(s: Session): Promise<void> {
  for (const file of s.o.args) {
    const text = (await readInput(file)).toString('latin1');
    const plaintext = forFile(file, () => decrypt(text, s.secrets, file)).toString('utf8');
    if (process.stdout.isTTY)
      spawnSync(process.env.PAGER || 'less', { input: plaintext, stdio: ['pipe', 'inherit', 'inherit'], shell: true });
    else s.io.out(plaintext.endsWith('\n') ? plaintext : plaintext + '\n');
  }
}

async function runRekey(s: Session): Promise<void> {
  for (const file of s.o.args) {
    const real = realPath(file);
    const text = (await readInput(real)).toString('latin1');
    const { plaintext } = forFile(real, () => decryptAndGetVaultId(text, s.secrets));
    writeFileSync(real, encrypt(plaintext, s.encryptWith!));
  }
  s.io.err('Rekey successful\n');
}

/** The file in $EDITOR (default vi), then encrypted back when its text changed (VaultEditor._edit_file_helper). */
function editInEditor(file: string, secret: VaultSecret, existing?: Buffer): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsible-vault-'));
  const tmp = path.join(dir, `edit${path.extname(file)}`);
  try {
    writeFileSync(tmp, existing ?? '', { mode: 0o600 });
    const editor = process.env.EDITOR || 'vi';
    const run = spawnSync(`${editor} ${JSON.stringify(tmp)}`, { stdio: 'inherit', shell: true });
    if (run.error) throw new TsibleError(`Unable to execute the command "${editor} ${tmp}": ${run.error.message}`);
    const edited = readFileSync(tmp);
    // a new file is written even when left empty, as ansible-vault create does
    if (existing === undefined || !edited.equals(existing))
      writeFileSync(file, encrypt(edited, secret), { mode: 0o600 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runCreate(s: Session): Promise<void> {
  if (s.o.args.length !== 1) throw new OptionsError('ansible-vault create can take only one filename argument');
  const file = s.o.args[0]!;
  const dir = path.dirname(file);
  if (dir && !existsSync(dir)) {
    s.io.err(`[WARNING]: ${dir} does not exist, creating...\n`);
    mkdirSync(dir, { recursive: true });
  }
  if (existsSync(file)) throw new TsibleError(`${file} exists, please use 'edit' instead`);
  editInEditor(file, s.encryptWith!);
}

async function runEdit(s: Session): Promise<void> {
  for (const file of s.o.args) {
    const real = realPath(file);
    const text = (await readInput(real)).toString('latin1');
    const { plaintext, secret } = forFile(real, () => decryptAndGetVaultId(text, s.secrets));
    // the file keeps the vault id of its envelope, re-encrypted with the secret that opened it
    editInEditor(real, { vaultId: vaultIdOf(text), password: secret.password }, plaintext);
  }
}

/** ansible-vault's format_ciphertext_yaml: `name: !vault |` and the envelope indented by 10. */
const vaultYaml = (ciphertext: string, name?: string): string =>
  [
    `${name ? `${name}: ` : ''}!vault |`,
    ...ciphertext
      .split('\n')
      .filter(Boolean)
      .map((l) => ' '.repeat(10) + l),
  ].join('\n');

async function runEncryptString(s: Session): Promise<void> {
  const items: { text: string; from: string; name?: string }[] = [];
  const args = s.o.args.filter((a) => a !== '-');
  if (s.o.stdinName !== undefined || s.o.args.includes('-') || !s.o.args.length) {
    if (process.stdout.isTTY)
      s.io.err(
        'Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n',
      );
    const text = (await readStdin()).toString('utf8');
    if (text === '') throw new OptionsError('stdin was empty, not encrypting');
    items.push({ text, from: 'stdin', name: s.o.stdinName });
  }
  if (s.o.names.length && args.length > s.o.names.length)
    s.io.err(
      `The number of --name options do not match the number of args.\nThe last named variable will be "${s.o.names.at(-1)}". The rest will not have names.\n`,
    );
  for (const [i, text] of args.entries()) {
    if (text === '')
      throw new OptionsError('The plaintext provided from the command line args was empty, not encrypting');
    items.push({ text, from: 'the command line args', name: s.o.names[i] });
  }
  const outs = items.map((item, i) => {
    if (items.length > 1)
      s.io.err(
        item.name
          ? `# The encrypted version of variable ("${item.name}", the string #${i + 1} from ${item.from}).\n`
          : `# The encrypted version of the string #${i + 1} from ${item.from}.)\n`,
      );
    return vaultYaml(encrypt(item.text, s.encryptWith!), item.name);
  });
  writeOutput(outs.join('\n'), s.o.output ?? '-', s.io);
  successful(s.io, 'Encryption');
}

const RUNNERS: Record<Action, (s: Session) => Promise<void>> = {
  create: runCreate,
  decrypt: runDecrypt,
  edit: runEdit,
  view: runView,
  encrypt: runEncrypt,
  encrypt_string: runEncryptString,
  rekey: runRekey,
};

/** `tsible vault ACTION ...`; errors are printed by main, as ansible-vault's: ERROR! (1) or options (5). */
export async function vault(argv: string[], io: Io): Promise<number> {
  const o = parseVaultArgs(argv);
  if (o === 'help') {
    io.out(VAULT_HELP);
    return 0;
  }
  const session = await openSession(o, io);
  await RUNNERS[o.action](session);
  return 0;
}
