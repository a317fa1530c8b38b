import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

const ISSUER = 'Codex Gateway';

/**
 * TOTP second factor (RFC 6238: SHA-1, 6 digits, 30 s — what every authenticator app reads).
 * Secrets are stored encrypted with AES-256-GCM under a key derived from the server's
 * pepper, so a copy of the database alone cannot mint codes.
 */
export function createTotp({ pepper }: { pepper: string }) {
  const key = createHmac('sha256', pepper).update('totp-secret-encryption').digest();

  const totpOf = (secretBase32: string, label: string) => new TOTP({ issuer: ISSUER, label, secret: Secret.fromBase32(secretBase32) });

  return {
    /** A new secret (base32), its otpauth:// URL for a QR code, and the stored (encrypted) form. */
    newSecret(label: string): { secret: string; url: string; sealed: string } {
      const secret = new Secret({ size: 20 }).base32;
      return { secret, url: totpOf(secret, label).toString(), sealed: this.seal(secret) };
    },

    seal(secretBase32: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(secretBase32, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
    },

    open(sealed: string): string {
      const [iv, tag, body] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', key, iv!);
      decipher.setAuthTag(tag!);
      return Buffer.concat([decipher.update(body!), decipher.final()]).toString('utf8');
    },

    /** Whether the code is right now (one 30 s step of clock drift either way). */
    check(sealed: string, code: string): boolean {
      if (!/^[0-9]{6}$/.test(code)) return false;
      return totpOf(this.open(sealed), 'check').validate({ token: code, window: 1 }) !== null;
    },
  };
}

export type Totp = ReturnType<typeof createTotp>;
