import { Algorithm, hash, verify } from '@node-rs/argon2';
import { HttpError } from '../../infra/errors.js';

/** argon2id with OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Checked against when there is no hash to check (no such account, no password set), so
 * that the answer takes as long either way. A hash of random bytes nobody kept.
 */
const NOBODY = '$argon2id$v=19$m=19456,t=2,p=1$ZNc85MzbhhmaRMdxrR4u+w$0ssLQ3ctDfnXT8j0ITRgNh0mkqDQeQ10+juZfwS9+y4';

/** A PHC string ($argon2id$v=19$m=…) holding its salt and parameters. Unbounded: for tools (seeding, the CLI), not for requests. */
export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

export class PasswordWorkBusyError extends HttpError {
  constructor() {
    super(503, 'The server is busy checking passwords; try again in a moment.', 'server_error', 'server_busy', { 'retry-after': '1' });
  }
}

/**
 * Password hashing and checking for requests, bounded per worker: argon2 runs on the libuv
 * thread pool that DNS lookups and file reads share, so a burst of sign-ins or sign-ups
 * must not take all of it. At most `concurrency` run at once and `queue` wait their turn;
 * past that the answer is 503 with Retry-After rather than an ever longer wait.
 */
export function createPasswordHasher({ concurrency, queue }: { concurrency: number; queue: number }) {
  let running = 0;
  const waiting: Array<() => void> = [];

  async function bounded<T>(work: () => Promise<T>): Promise<T> {
    if (running < concurrency) running += 1;
    else if (waiting.length < queue) await new Promise<void>((resolve) => waiting.push(resolve));
    else throw new PasswordWorkBusyError();
    try {
      return await work();
    } finally {
      // The slot passes straight to the next in line, so `running` counts it still.
      const next = waiting.shift();
      if (next) next();
      else running -= 1;
    }
  }

  return {
    hash: (plain: string) => bounded(() => hash(plain, OPTIONS)),

    /** Whether the password matches; a missing hash costs the same time and is never a match. */
    verify: (phc: string | null | undefined, plain: string) =>
      bounded(async () => {
        const ok = await verify(phc || NOBODY, plain).catch(() => false);
        return ok && !!phc;
      }),
  };
}

export type PasswordHasher = ReturnType<typeof createPasswordHasher>;
