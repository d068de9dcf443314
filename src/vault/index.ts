// Ansible Vault: the format, the cipher, the secrets and inline encrypted values.
export { VaultError, VaultFormatError } from './errors.js';
export {
  DEFAULT_VAULT_ID,
  decrypt,
  decryptAndGetVaultId,
  encrypt,
  encryptSecret,
  isEncrypted,
  vaultIdOf,
  type VaultSecret,
} from './vault-lib.js';
export { VaultText, decryptIfVaulted, onVaultFormatWarning, setVaultSecrets, vaultSecrets } from './vaulted.js';
export {
  MASK,
  MIN_SCRUBBED,
  addSecrets,
  forgetSecrets,
  maskSecrets,
  scrub,
  secretsShown,
  showSecrets,
} from './secret-text.js';
export { setupVaultSecrets, type SecretSourcesIo, type VaultOptions } from './secret-sources.js';
