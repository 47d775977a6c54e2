import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets the server must read back (webhook signing secrets) are stored sealed: AES-256-GCM
 * with a random 96-bit nonce, as `enc:v1:<base64 nonce | tag | ciphertext>`. The key lives
 * outside the database (TRIBUTARY_ENCRYPTION_KEY or a key file), so a copy of the database alone
 * does not reveal them.
 */

const PREFIX = 'enc:v1:';
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBox {
  private readonly key: Buffer;

  /**
   * @param source where the key came from, as an error message names it ("the key file
   * /etc/tributary.key", "TRIBUTARY_ENCRYPTION_KEY")
   */
  constructor(
    key: Buffer,
    readonly source = 'the encryption key',
  ) {
    if (key.length !== KEY_BYTES)
      throw new Error(`an encryption key is ${KEY_BYTES} bytes, not ${key.length}`);
    this.key = Buffer.from(key);
  }

  static random(): SecretBox {
    return new SecretBox(randomBytes(KEY_BYTES), 'a random key');
  }

  /** A key as written in TRIBUTARY_ENCRYPTION_KEY or a key file: base64 of 32 bytes. */
  static parseKey(text: string, source: string): Buffer {
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== KEY_BYTES || key.toString('base64') !== text.trim())
      throw new Error(`${source} must be the base64 of ${KEY_BYTES} random bytes (openssl rand -base64 32)`);
    return key;
  }

  static newKeyText(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  seal(plaintext: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64');
  }

  /** Whether this key opens `sealed` (sealed with this key, and unaltered). */
  opens(sealed: string): boolean {
    try {
      this.open(sealed);
      return true;
    } catch {
      return false;
    }
  }

  open(sealed: string): string {
    if (!SecretBox.isSealed(sealed)) throw new Error('not a sealed secret');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, NONCE_BYTES));
    decipher.setAuthTag(raw.subarray(NONCE_BYTES, NONCE_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(NONCE_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error(`a stored secret could not be decrypted with ${this.source}`);
    }
  }
}
