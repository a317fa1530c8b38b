import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Thrown when a sealed value cannot be opened: the message never holds the value or the key. */
export class SealedValueError extends Error {
  constructor(reason: string) {
    super(`cannot open a sealed channel key: ${reason}`);
    this.name = 'SealedValueError';
  }
}

/**
 * Upstream keys at rest: AES-256-GCM with a random 96-bit IV per value, the tag checked on
 * opening, stored as `v1:<iv>:<tag>:<ciphertext>` (base64), so that the format can change
 * one day without guessing what an old row holds.
 */
export function createChannelSealer(key: Buffer) {
  if (key.length !== KEY_BYTES) throw new Error(`the channel encryption key must be ${KEY_BYTES} bytes`);
  const secret = Buffer.from(key);

  return {
    seal(plain: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64'))).join(':');
    },

    open(sealed: string): string {
      const parts = sealed.split(':');
      if (parts.length !== 4 || parts[0] !== VERSION) throw new SealedValueError('unknown format');
      const [iv, tag, body] = parts.slice(1).map((p) => Buffer.from(p, 'base64'));
      if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) throw new SealedValueError('malformed');
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, iv!);
        decipher.setAuthTag(tag!);
        return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
      } catch {
        throw new SealedValueError('wrong key, or the value was altered');
      }
    },
  };
}

export type ChannelSealer = ReturnType<typeof createChannelSealer>;
