import { createHmac, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'sk-cg-';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Keys are stored only as HMAC-SHA256(pepper, key): a stolen table reveals no key. */
export function hashApiKey(pepper: string, key: string): string {
  return createHmac('sha256', pepper).update(key).digest('hex');
}

/** A new key (about 238 bits of randomness) and the prefix kept for display. */
export function generateApiKey(): { key: string; prefix: string } {
  const bytes = randomBytes(40);
  let body = '';
  for (const byte of bytes) body += ALPHABET[byte % ALPHABET.length];
  const key = `${KEY_PREFIX}${body}`;
  return { key, prefix: keyPrefix(key) };
}

const KEY_FORMAT = /^sk-cg-[A-Za-z0-9]{40}$/;

/** Whether a string could be a key of this gateway at all (checked before any look-up). */
export function isWellFormedKey(key: string): boolean {
  return KEY_FORMAT.test(key);
}

/** The part of a key kept in clear for display: "sk-cg-" and six characters. */
export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 6);
}
