import { createHmac, randomBytes } from 'node:crypto';

/** How many codes a person gets when the second factor is turned on (or regenerated). */
export const RECOVERY_CODE_COUNT = 10;

// Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const LENGTH = 10;

/**
 * One-time recovery codes: 10 characters of base32 (50 bits), shown as `xxxxx-xxxxx`.
 * Stored as an HMAC under a key derived from the server's pepper and bound to the user, so
 * the table alone signs no one in and a code of one person never matches another's.
 */
export function createRecoveryCodes({ pepper }: { pepper: string }) {
  const key = createHmac('sha256', pepper).update('recovery-codes').digest();

  return {
    /** Fresh codes, as the person is shown them. */
    generate(): string[] {
      return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
        // 256 is a multiple of 32: masking each byte keeps every character equally likely.
        const chars = [...randomBytes(LENGTH)].map((b) => ALPHABET[b & 31]).join('');
        return `${chars.slice(0, 5)}-${chars.slice(5)}`;
      });
    },

    /** The stored form of a code of this user. */
    hash(userId: number, code: string): string {
      return createHmac('sha256', key).update(`${userId}:${code}`).digest('base64url');
    },

    /**
     * A typed code in its canonical form (no dashes or spaces, lower case, the letters a
     * reader confuses with digits read as those digits), or undefined when it cannot be one.
     */
    normalise(typed: string): string | undefined {
      const code = typed.toLowerCase().replace(/[\s-]/g, '').replace(/o/g, '0').replace(/[il]/g, '1');
      return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
    },
  };
}

export type RecoveryCodes = ReturnType<typeof createRecoveryCodes>;
