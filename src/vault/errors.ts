// The vault's errors, as ansible/parsing/vault names them: both are plain errors to ansible-playbook (exit 1).
import { TsibleError } from '../errors.js';

/** AnsibleVaultError: no secret, no secret that decrypts, a bad HMAC. */
export class VaultError extends TsibleError {}
/** AnsibleVaultFormatError: an envelope or vaulttext that is not what the vault writes. */
export class VaultFormatError extends TsibleError {
  /** VaultLib's warning, shown besides the error, when the vaulttext (not the envelope) is malformed. */
  warning?: string;
}
