// The run's vault secrets, and values encrypted inline (`!vault |`). Ansible's DataLoader holds the secrets that
// every file read and every AnsibleVaultEncryptedUnicode use; tsible's loaders are plain functions, so the secrets
// are the process's, set once a run (or `tsible vault`) has read them from the command line.
import type { Pos } from '../errors.js';
import { decrypt, isEncrypted, vaultIdOf, type VaultSecret } from './vault-lib.js';
import { addSecrets, SECRET_VALUE } from './secret-text.js';
import { VaultFormatError } from './errors.js';

let secrets: readonly VaultSecret[] = [];
/** Where VaultLib's format-error warnings go (Display.warning); the value's position for an inline one. */
type FormatWarning = (message: string, pos?: Pos) => void;
let formatWarning: FormatWarning = () => {};

/** Where the warnings about malformed vault data go from now on (Ansible prints them besides the error). */
export function onVaultFormatWarning(sink: FormatWarning): void {
  formatWarning = sink;
}

/** `decrypt`, with VaultLib's warning given out when it fails for malformed vaulttext. */
function decryptWarning(data: string, file?: string, pos?: Pos): Buffer {
  try {
    return decrypt(data, secrets, file);
  } catch (e) {
    if (e instanceof VaultFormatError && e.warning) formatWarning(e.warning, pos);
    throw e;
  }
}

/** The secrets loaders and inline values decrypt with from now on. */
export function setVaultSecrets(list: readonly VaultSecret[]): void {
  secrets = list;
}
export const vaultSecrets = (): readonly VaultSecret[] => secrets;

/** Plaintext a file's read decrypted, or the text itself when it is not vault data. */
export function decryptIfVaulted(text: string, file: string): string {
  if (!isEncrypted(text)) return text;
  // DataLoader reads the envelope before it decrypts: an envelope error names no file
  vaultIdOf(text);
  return decryptWarning(text, file).toString('utf8');
}

/** A value YAML gave as `!vault |` (AnsibleVaultEncryptedUnicode): kept encrypted until it is used, so that a
 * play that never reads it runs without its secret, and decrypted with the secrets of that moment. */
export class VaultText {
  #plaintext: string | undefined;
  readonly [SECRET_VALUE] = true;
  constructor(
    readonly ciphertext: string,
    readonly pos?: Pos,
  ) {}
  /** The plaintext; fails with the vault's error when no secret can decrypt it. */
  get data(): string {
    if (this.#plaintext === undefined) {
      this.#plaintext = this.#decrypt();
      addSecrets(this.#plaintext);
    }
    return this.#plaintext;
  }
  #decrypt(): string {
    try {
      return decryptWarning(this.ciphertext, undefined, this.pos).toString('utf8');
    } catch (e) {
      // Ansible's vault gives a format error of the vaulttext (not one of the envelope) the encrypted value as its
      // object, so the error points at the !vault
      if (e instanceof VaultFormatError && e.warning && !e.pos && this.pos)
        throw new VaultFormatError(e.message, { pos: this.pos });
      throw e;
    }
  }
  toString(): string {
    return this.data;
  }
  /** Python's str() of it, as templates print it: its plaintext. */
  __str__(): string {
    return this.data;
  }
  toJSON(): string {
    return this.data;
  }
}
