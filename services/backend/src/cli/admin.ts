// `node dist/cli/admin.js COMMAND EMAIL` (natively: `npm run admin -- COMMAND EMAIL`), for an
// operator with server access:
//   create-owner EMAIL  makes EMAIL an owner (creating the user if needed) and prints a one-time
//                       link, valid for an hour, where they set their password; they then sign in
//                       and turn on two-factor sign-in (the command says so). Needs DATABASE_URL, KEY_PEPPER, PUBLIC_BASE_URL.
//   reset-2fa EMAIL     turns off EMAIL's second factor (secret and recovery codes) and ends their
//                       sessions, for someone whose phone and recovery codes are lost. Needs
//                       DATABASE_URL and REDIS_URL.
// Both are audited, with the actor `cli@HOSTNAME`, and read the backends' own settings (X_FILE secrets too).
import os from 'node:os';
import pg from 'pg';
import { createAccountStore } from '../features/accounts/account-store.js';
import { createAccountTokenStore } from '../features/accounts/account-token-store.js';
import { createSessionService } from '../features/accounts/session-service.js';
import type { Actor } from '../domain/staff-roles.js';
import { createAuditStore } from '../features/audit/audit-store.js';
import { createAuditedChanges } from '../features/audit/audited-changes.js';
import { createSecondFactorReset } from '../features/accounts/second-factor-reset.js';
import { createSecondFactorStore } from '../features/accounts/second-factor-store.js';
import { createStaffStore } from '../features/staff/staff-store.js';
import { type Config, ConfigError, loadConfig } from '../infra/config.js';
import type { Pools } from '../infra/db.js';
import { createLogger } from '../infra/logger.js';
import { createRedis } from '../infra/redis.js';

const LINK_MINUTES = 60;
const [command, email] = process.argv.slice(2);
const actor: Actor = { name: `cli@${os.hostname()}`, userId: null, role: 'owner', address: '' };

function usage(problem?: string): never {
  if (problem) console.error(problem);
  console.error('usage: admin create-owner EMAIL | admin reset-2fa EMAIL');
  process.exit(2);
}

if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) usage();
if (command !== 'create-owner' && command !== 'reset-2fa') usage();
// The backends' own settings, read as they read them (X_FILE secrets included).
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  usage(err instanceof ConfigError ? err.message : String(err));
}
const [url, pepper, base] = [config.db.primaryUrl, config.auth.keyPepper, config.accounts.publicBaseUrl];
// Without REDIS_URL (or the sentinels) the sessions would outlive the reset: refuse before changing anything.
if (command === 'reset-2fa' && !process.env.REDIS_URL && !process.env.REDIS_URL_FILE && !config.redis.sentinel) {
  usage('REDIS_URL is required (the backends’ own value, or their REDIS_SENTINELS): the account’s sessions must end');
}

const pool = new pg.Pool({ connectionString: url, max: 1 });
const pools = { primary: pool, replica: pool, reader: pool, close: () => pool.end() } as unknown as Pools;
try {
  if (command === 'create-owner') await createOwner(email.trim().toLowerCase());
  else await resetSecondFactor(email.trim().toLowerCase());
} catch (err) {
  // A reset whose sessions could not all be ended is safe to run again.
  console.error(`${command} failed: ${(err as Error).message}${command === 'reset-2fa' ? ' (running it again is safe)' : ''}`);
  process.exitCode = 1;
} finally {
  await pool.end();
}

async function createOwner(address: string): Promise<void> {
  const staff = createStaffStore({ pools });
  const tokens = createAccountTokenStore({ pepper });
  const audit = createAuditStore({ pools });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const user = await staff.lockOrCreateByEmail(client, address);
    await staff.setRole(client, user.id, 'owner');
    await client.query('UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1', [user.id]);
    const token = await tokens.issue(client, user.id, 'reset_password', LINK_MINUTES);
    await audit.record(client, actor, {
      action: 'staff.create_owner',
      targetType: 'user',
      targetId: user.id,
      before: { role: user.role },
      after: { role: 'owner' },
    });
    await client.query('COMMIT');
    // A first password is set, not reset: the page words it so (first=1).
    const first = !user.has_password;
    console.log(`${user.email} is an owner. Within ${LINK_MINUTES} minutes, open this link once to ${first ? 'set your password' : 'choose a new password'}:`);
    console.log(`  ${base.replace(/\/+$/, '')}/reset-password?token=${token}${first ? '&first=1' : ''}`);
    console.log('Then sign in: next comes the second factor. The console asks for an authenticator app (scan its QR code under');
    console.log('Account → Two-factor sign-in) before the Operations pages open; keep the ten recovery codes it shows.');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

async function resetSecondFactor(address: string): Promise<void> {
  // No retries and no queue: an unreachable Redis fails here, before the database is touched.
  const redis = createRedis(config.redis, createLogger({ logLevel: 'silent', instanceId: 'admin' }), 'admin', { once: true });
  try {
    await redis.connect().catch(() => {
      throw new Error('Redis (REDIS_URL or REDIS_SENTINELS) does not answer, so the sessions could not be ended; nothing was changed');
    });
    const reset = createSecondFactorReset({
      accounts: createAccountStore({ pools }),
      store: createSecondFactorStore({ pools }),
      change: createAuditedChanges({ pools, audit: createAuditStore({ pools }) }),
      // Only ends sessions: the lifetime is never used.
      sessions: createSessionService({ redis, ttlSeconds: 0 }),
    });
    const done = await reset.reset(address, actor);
    if (!done) throw new Error(`no account has the address ${address}`);
    console.log(
      `${done.email}: two-factor sign-in ${done.wasOn ? 'is off' : 'was not on; it stays off'}, its recovery codes are void, and every session has ended. ` +
        'They sign in with their password and turn two-factor sign-in on again under Account.',
    );
  } finally {
    redis.disconnect();
  }
}
