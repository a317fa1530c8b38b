/**
 * CLI entry: the mail catcher for the local stack and the development compose stack.
 *
 * Environment:
 *   MAIL_CATCHER_HOST       interface to bind (default 127.0.0.1)
 *   MAIL_CATCHER_SMTP_PORT  SMTP port (default 12325; 0 picks a free port)
 *   MAIL_CATCHER_HTTP_PORT  HTTP API port (default 12326; 0 picks a free port)
 */

import { startMailCatcher } from './index.js';

function fail(message: string): never {
  process.stderr.write(`mail-catcher: ${message}\n`);
  process.exit(1);
}

/** Empty counts as unset so `FOO= cmd` in a shell or compose file falls back to the default. */
function readEnv(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function readPort(name: string, fallback: number): number {
  const raw = readEnv(name);
  if (raw === undefined) return fallback;
  const value = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= 0 && value <= 65535)) fail(`invalid ${name}=${JSON.stringify(raw)}: expected a port number 0-65535`);
  return value;
}

const host = readEnv('MAIL_CATCHER_HOST') ?? '127.0.0.1';
const smtpPort = readPort('MAIL_CATCHER_SMTP_PORT', 12325);
const httpPort = readPort('MAIL_CATCHER_HTTP_PORT', 12326);

const catcher = await startMailCatcher({ host, smtpPort, httpPort }).catch((err: unknown) =>
  fail(`cannot listen on ${host} (SMTP ${smtpPort}, HTTP ${httpPort}): ${err instanceof Error ? err.message : String(err)}`),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  try {
    await catcher.close();
  } catch (err) {
    process.stderr.write(`mail-catcher: error while closing on ${signal}: ${String(err)}\n`);
  }
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

process.stdout.write(`mail catcher: SMTP on ${catcher.smtpUrl}, messages at ${catcher.apiUrl}/messages\n`);
