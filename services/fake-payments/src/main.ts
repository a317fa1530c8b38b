/**
 * CLI entry: runs both payment fakes on one port for the local stack.
 *
 * Environment:
 *   FAKE_PAYMENTS_PORT        port to listen on (default 12398; 0 picks a free port)
 *   FAKE_PAYMENTS_HOST        interface to bind (default 127.0.0.1)
 *   FAKE_PAYMENTS_PUBLIC_URL  base URL browsers use to reach the fake (default: the request's Host)
 *   STRIPE_WEBHOOK_SECRET     signing secret for webhooks (required)
 *   STRIPE_WEBHOOK_URL        where the checkout.session.* events are POSTed (optional)
 *   STRIPE_SECRET_KEY         when set, /v1 requests must use exactly this key (optional)
 *   EPAY_PID, EPAY_KEY        the merchant id and key EPay requests are checked against (required)
 */

import { createFakePayments } from './index.js';

function fail(message: string): never {
  process.stderr.write(`fake-payments: ${message}\n`);
  process.exit(1);
}

/** Empty counts as unset so `FOO= cmd` in a shell or compose file falls back to the default. */
function readEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Secrets are only ever named, never printed, even when missing or malformed. */
function requireEnv(name: string): string {
  return readEnv(name) ?? fail(`${name} is required`);
}

function readPort(name: string, fallback: number): number {
  const raw = readEnv(name);
  if (raw === undefined) return fallback;
  const value = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 65535)) fail(`invalid ${name}=${JSON.stringify(raw)}: expected a port number 0-65535`);
  return value;
}

const port = readPort('FAKE_PAYMENTS_PORT', 12398);
const host = readEnv('FAKE_PAYMENTS_HOST') ?? '127.0.0.1';
const publicUrl = readEnv('FAKE_PAYMENTS_PUBLIC_URL');

const fake = createFakePayments({
  stripe: {
    webhookSecret: requireEnv('STRIPE_WEBHOOK_SECRET'),
    webhookUrl: readEnv('STRIPE_WEBHOOK_URL'),
    apiKey: readEnv('STRIPE_SECRET_KEY'),
    publicUrl,
  },
  epay: { pid: requireEnv('EPAY_PID'), key: requireEnv('EPAY_KEY') },
});
// Longer than typical client pool idle timeouts, so the client, never the fake, closes
// an idle keep-alive connection (avoids ECONNRESET on a request sent during the hang-up).
fake.server.keepAliveTimeout = 65_000;
fake.server.headersTimeout = 66_000;

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await fake.close();
  } catch (err) {
    process.stderr.write(`fake-payments: error while closing on ${signal}: ${String(err)}\n`);
  }
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

try {
  const { url } = await fake.listen(port, host);
  process.stdout.write(`fake payments listening on ${url}\n`);
} catch (err) {
  fail(`cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`);
}
