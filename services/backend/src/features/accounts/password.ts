import { Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** A PHC string ($argon2id$v=19$m=…) holding its salt and parameters. */
export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

// Compared against when the account does not exist, so that a sign-in takes as long either way.
let dummyHash: Promise<string> | undefined;

/** Whether the password matches; a missing hash (no such account, no password set) costs the same time. */
export async function verifyPassword(phc: string | null | undefined, plain: string): Promise<boolean> {
  if (!phc) {
    dummyHash ??= hashPassword('not-a-password-of-anyone');
    await verify(await dummyHash, plain).catch(() => false);
    return false;
  }
  return verify(phc, plain).catch(() => false);
}
