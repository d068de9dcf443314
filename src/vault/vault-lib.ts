// VaultLib: the envelope ($ANSIBLE_VAULT;1.1;AES256 or 1.2 with a vault id, 80-column lines) around AES256, and
// the choice of secret, as ansible/parsing/vault/__init__.py makes them.
import { decryptAes256, encryptAes256 } from './aes256.js';
import { VaultError, VaultFormatError } from './errors.js';
import { TsibleError } from '../errors.js';

const HEADER = '$ANSIBLE_VAULT';
/** C.DEFAULT_VAULT_IDENTITY: the label of a secret given without one. */
export const DEFAULT_VAULT_ID = 'default';

/** One vault secret: the label (vault id) it was given under, and the password. */
export interface VaultSecret {
  readonly vaultId: string;
  readonly password: Buffer;
}

/** Whether a text is vault data (it starts with the header; vault data is ASCII). */
export function isEncrypted(data: string | Buffer): boolean {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  return text.startsWith(HEADER) && /^[\x00-\x7f]*$/.test(text);
}

interface Envelope {
  readonly vaulttext: string;
  readonly version: string;
  readonly cipher: string;
  readonly vaultId: string;
}

function parseEnvelope(data: string, file?: string): Envelope {
  const lines = data.split(/\r\n|\r|\n/);
  const header = lines[0]!.trim().split(';');
  if (header.length < 3) {
    const at = file ? ` in ${file}` : '';
    throw new VaultFormatError(`Vault envelope format error${at}: list index out of range`);
  }
  return {
    vaulttext: lines.slice(1).join(''),
    version: header[1]!.trim(),
    cipher: header[2]!.trim(),
    vaultId: header.length >= 4 ? header[3]!.trim() : DEFAULT_VAULT_ID,
  };
}

/** The envelope: header, then the vaulttext in lines of 80, ending in a newline. 1.2 only with a vault id. */
function formatEnvelope(vaulttext: string, vaultId?: string): string {
  const labelled = vaultId !== undefined && vaultId !== '' && vaultId !== DEFAULT_VAULT_ID;
  const header = labelled ? `${HEADER};1.2;AES256;${vaultId}` : `${HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < vaulttext.length; i += 80) lines.push(vaulttext.slice(i, i + 80));
  return lines.join('\n') + '\n';
}

/** The vault id an encrypted text was labelled with ('default' for 1.1). */
export const vaultIdOf = (data: string): string => parseEnvelope(data).vaultId;

/** Encrypts with the secret given, labelling the envelope with its vault id. */
export function encrypt(plaintext: string | Buffer, secret: VaultSecret, salt?: Buffer): string {
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  if (isEncrypted(bytes)) throw new TsibleError('input is already encrypted');
  return formatEnvelope(encryptAes256(bytes, secret.password, salt), secret.vaultId);
}

/** Decrypts with the first of the secrets that can (Ansible tries them in the order given: match_secrets keeps
 * that order whether or not a secret's label matches the envelope's), with Ansible's errors when none can. */
export function decrypt(data: string, secrets: readonly VaultSecret[], file?: string): Buffer {
  return decryptAndGetVaultId(data, secrets, file).plaintext;
}

/** What `decrypt` gives, and the secret that could (ansible-vault edit encrypts back with it). */
export function decryptAndGetVaultId(
  data: string,
  secrets: readonly VaultSecret[],
  file?: string,
): { plaintext: Buffer; secret: VaultSecret } {
  if (!isEncrypted(data)) {
    throw new TsibleError(`input is not vault encrypted data. ${file ? `${file} is not a vault encrypted file` : ''}`);
  }
  const envelope = parseEnvelope(data, file);
  if (envelope.cipher !== 'AES256') throw new TsibleError(`${envelope.cipher} cipher could not be found`);
  if (!secrets.length) throw new VaultError('Attempting to decrypt but no vault secrets found');
  for (const secret of secrets) {
    try {
      return { plaintext: decryptAes256(envelope.vaulttext, secret.password), secret };
    } catch (e) {
      if (e instanceof VaultFormatError) {
        e.warning = `There was a vault format error${file ? ` in ${file}` : ''}: ${e.message}`;
        throw e;
      }
    }
  }
  throw new VaultError(
    `Decryption failed (no vault secrets were found that could decrypt)${file ? ` on ${file}` : ''}`,
  );
}

/** The secret `encrypt` uses: the one labelled --encrypt-vault-id, else the first (match_encrypt_secret). */
export function encryptSecret(secrets: readonly VaultSecret[], encryptVaultId?: string): VaultSecret {
  if (encryptVaultId) {
    const found = secrets.find((s) => s.vaultId === encryptVaultId);
    if (found) return found;
    const known = `[${secrets.map((s) => `'${s.vaultId}'`).join(', ')}]`;
    throw new VaultError(
      `Did not find a match for --encrypt-vault-id=${encryptVaultId} in the known vault-ids ${known}`,
    );
  }
  const first = secrets[0];
  if (!first) throw new VaultError('A vault password must be specified to encrypt data');
  return first;
}
