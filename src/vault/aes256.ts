// VaultAES256 (ansible/parsing/vault/__init__.py) on Node's own crypto: PBKDF2-SHA256 over the password and a
// 32-byte salt gives an AES-256 key, an HMAC-SHA256 key and a CTR counter block; the plaintext is PKCS#7 padded
// (Ansible pads even in CTR mode, so we must too), and the vaulttext is the hexlified salt, HMAC and ciphertext
// joined by newlines, hexlified once more.
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { VaultError, VaultFormatError } from './errors.js';

const KEY_LENGTH = 32;
const IV_LENGTH = 16;
const ITERATIONS = 10000;

function deriveKeys(password: Buffer, salt: Buffer): { cipherKey: Buffer; hmacKey: Buffer; iv: Buffer } {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, 'sha256');
  return {
    cipherKey: derived.subarray(0, KEY_LENGTH),
    hmacKey: derived.subarray(KEY_LENGTH, 2 * KEY_LENGTH),
    iv: derived.subarray(2 * KEY_LENGTH),
  };
}

const pad = (data: Buffer): Buffer => {
  const n = 16 - (data.length % 16);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
};

function unpad(data: Buffer): Buffer {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > 16 || n > data.length || !data.subarray(data.length - n).every((b) => b === n))
    throw new VaultError('Invalid padding bytes.');
  return data.subarray(0, data.length - n);
}

/** Python's binascii.unhexlify, with the vault's wording of its errors. */
function unhexlify(text: Buffer | string): Buffer {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  if (s.length % 2) throw new VaultFormatError('Vault format unhexlify error: Odd-length string');
  if (!/^[0-9a-fA-F]*$/.test(s))
    throw new VaultFormatError('Vault format unhexlify error: Non-hexadecimal digit found');
  return Buffer.from(s, 'hex');
}

/** The hexlified vaulttext of `plaintext` (what the envelope wraps into lines). `salt` only for reproducible tests. */
export function encryptAes256(plaintext: Buffer, password: Buffer, salt?: Buffer): string {
  if (salt !== undefined && !salt.length) throw new VaultError('Empty or invalid salt passed to encrypt()');
  const theSalt = salt ?? randomBytes(32);
  const { cipherKey, hmacKey, iv } = deriveKeys(password, theSalt);
  const cipher = createCipheriv('aes-256-ctr', cipherKey, iv);
  const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest('hex');
  return Buffer.from([theSalt.toString('hex'), hmac, ciphertext.toString('hex')].join('\n')).toString('hex');
}

function parseVaulttext(vaulttext: string): { salt: Buffer; hmac: string; ciphertext: Buffer } {
  const inner = unhexlify(vaulttext).toString('latin1');
  const parts = inner.split('\n');
  if (parts.length < 3)
    throw new VaultFormatError(
      `Vault vaulttext format error: not enough values to unpack (expected 3, got ${parts.length})`,
    );
  const [salt, hmac] = parts;
  return { salt: unhexlify(salt!), hmac: hmac!, ciphertext: unhexlify(parts.slice(2).join('\n')) };
}

/** The plaintext, or VaultError when the password is not the one it was encrypted with (the HMAC differs). */
export function decryptAes256(vaulttext: string, password: Buffer): Buffer {
  const { salt, hmac, ciphertext } = parseVaulttext(vaulttext);
  const { cipherKey, hmacKey, iv } = deriveKeys(password, salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  const given = unhexlify(hmac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new VaultError('HMAC verification failed: Signature did not match digest.');
  const decipher = createDecipheriv('aes-256-ctr', cipherKey, iv);
  return unpad(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}
