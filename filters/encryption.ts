// Ansible's filter/encryption.py: vault (encrypt a string with a password given in the template) and unvault.
import { TemplateError } from '../src/errors.js';
import { PyUndefined } from '../src/python/undefined.js';
import { truthy, typeName } from '../src/python/python.js';
import { VaultText, addSecrets, decrypt, encrypt, isEncrypted } from '../src/vault/index.js';
import { filter, type FilterTable } from './helpers.js';

const isText = (v: unknown): v is string => typeof v === 'string' || v instanceof PyUndefined;

/** `vault(..., wrap_object=True)`: an AnsibleVaultEncryptedUnicode with no vault set, whose data is its ciphertext
 * (Ansible's object cannot decrypt itself until unvault gives it a secret). */
class UnopenedVaultText extends VaultText {
  override get data(): string {
    return this.ciphertext;
  }
}

/** The salt as Ansible takes it: the string's own bytes (not hex), so a fixed salt gives a fixed output. */
const saltOf = (salt: unknown): Buffer | undefined =>
  salt === null || salt === undefined ? undefined : Buffer.from(String(salt), 'utf8');

/** AnsibleFilterError with orig_exc: its message, then the original one after a full stop. */
const filterError = (what: string, e: unknown): TemplateError =>
  new TemplateError(`${what}: ${(e as Error).message}. ${(e as Error).message}`);

export const ENCRYPTION_FILTERS: FilterTable = {
  vault: filter(
    ['secret', 'salt', 'vault_id', 'wrap_object'],
    (data, { secret, salt, vault_id = 'filter_default', wrap_object = false }) => {
      if (!isText(secret))
        throw new TemplateError(
          `Secret passed is required to be a string, instead we got: <class '${typeName(secret)}'>`,
        );
      if (!isText(data)) throw new TemplateError(`Can only vault strings, instead we got: <class '${typeName(data)}'>`);
      let vaulted: string;
      try {
        vaulted = encrypt(
          String(data),
          { vaultId: String(vault_id), password: Buffer.from(String(secret)) },
          saltOf(salt),
        );
      } catch (e) {
        throw filterError('Unable to encrypt', e);
      }
      return truthy(wrap_object) ? new UnopenedVaultText(vaulted) : vaulted;
    },
  ),
  unvault: filter(['secret', 'vault_id'], (vault, { secret, vault_id = 'filter_default' }) => {
    if (!isText(secret))
      throw new TemplateError(
        `Secret passed is required to be as string, instead we got: <class '${typeName(secret)}'>`,
      );
    const text = vault instanceof VaultText ? vault.ciphertext : vault;
    if (!isText(text))
      throw new TemplateError(`Vault should be in the form of a string, instead we got: <class '${typeName(vault)}'>`);
    if (!isEncrypted(String(text))) return String(text);
    try {
      const plain = decrypt(String(text), [{ vaultId: String(vault_id), password: Buffer.from(String(secret)) }]);
      addSecrets(plain.toString('utf8'));
      return plain.toString('utf8');
    } catch (e) {
      throw filterError('Unable to decrypt', e);
    }
  }),
};
