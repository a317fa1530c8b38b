import { randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, URL-safe: session ids, CSRF tokens. */
export const newToken = () => randomBytes(32).toString('base64url');

/** Compares two secrets in constant time; a missing one never matches. */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
