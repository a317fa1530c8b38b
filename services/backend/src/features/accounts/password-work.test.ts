import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { type ConsoleAnswer, createConsoleClient, newEmail, signedUpPerson } from '@codex-gateway/stack/console-client';
import { startExtraBackend, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const PASSWORD = 'correct horse battery';
const BURST = 60;

const bogusToken = () => randomBytes(32).toString('base64url');

/** The quickest of three runs of `burst` (wall time of all its requests at once). */
async function fastestOf(burst: () => Promise<ConsoleAnswer[]>, status: number): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run += 1) {
    const started = performance.now();
    const answers = await burst();
    best = Math.min(best, performance.now() - started);
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [status]);
  }
  return best;
}

describe('password hashing is bounded work', () => {
  test(`${BURST} concurrent resets with made-up links are answered as fast as made-up verification links: nothing is hashed for them`, async (t) => {
    const client = createConsoleClient(stack);
    await client.session();
    const resets = () =>
      Promise.all(
        Array.from({ length: BURST }, () => client.call('POST', '/auth/reset-password', { token: bogusToken(), password: 'a long enough passphrase' })),
      );
    const verifications = () => Promise.all(Array.from({ length: BURST }, () => client.call('POST', '/auth/verify-email', { token: bogusToken() })));
    const baseline = await fastestOf(verifications, 400);
    const bogusResets = await fastestOf(resets, 400);
    const message = `${BURST} bogus resets took ${bogusResets.toFixed(0)} ms, bogus verifications ${baseline.toFixed(0)} ms`;
    t.diagnostic(message);
    assert.ok(bogusResets < baseline * 2 + 100, message);
  });

  test('a burst of sign-ins beyond the hashing queue gets 503 with Retry-After in the error shape, never a 500; then sign-in works again', async () => {
    const { email } = await signedUpPerson(stack, PASSWORD);
    const backend = await startExtraBackend('backend-small-hash-queue', { WORKERS: '1', PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE: '1' });
    try {
      const client = createConsoleClient({ gatewayUrl: backend.url });
      await client.session();
      // Each from an address of its own: the burst is about hashing, not the sign-in limits.
      const answers = await Promise.all(
        Array.from({ length: BURST }, (_, i) => client.signIn(newEmail(), 'a guess', { 'x-forwarded-for': `192.0.2.${i + 1}` })),
      );
      const busy = answers.filter((a) => a.status === 503);
      assert.deepEqual([...new Set(answers.map((a) => a.status))].sort(), [401, 503]);
      for (const a of busy) {
        assert.ok(Number(a.headers.get('retry-after')) >= 1, 'Retry-After');
        assert.equal(typeof a.body.error.message, 'string');
        assert.equal(a.body.error.code, 'server_busy');
      }
      const signIn = await createConsoleClient({ gatewayUrl: backend.url }).signIn(email, PASSWORD);
      assert.equal(signIn.status, 200, signIn.text);
    } finally {
      await backend.service.stop('SIGTERM', 10_000);
    }
  });
});
