// `node dist/cli/admin.js create-owner EMAIL` (natively: `npm run admin -- create-owner EMAIL`):
// makes EMAIL an owner (creating the user if needed) and prints a one-time link, valid for an
// hour, where they choose a password; they then sign in and turn on two-factor sign-in.
// Needs the backends' settings (DATABASE_URL, KEY_PEPPER, PUBLIC_BASE_URL…), as they have them.
import os from 'node:os';
import pg from 'pg';
import { createAccountTokenStore } from '../features/accounts/account-token-store.js';
import { createAuditStore } from '../features/audit/audit-store.js';
import { createStaffStore } from '../features/staff/staff-store.js';
import { type Config, ConfigError, loadConfig } from '../infra/config.js';
import type { Pools } from '../infra/db.js';

const LINK_MINUTES = 60;
const [command, email] = process.argv.slice(2);

if (command !== 'create-owner' || !email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
  console.error('usage: admin create-owner EMAIL');
  process.exit(2);
}
// The backends' own settings, read as they read them (X_FILE secrets included).
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(2);
}
const [url, pepper, base] = [config.db.primaryUrl, config.auth.keyPepper, config.accounts.publicBaseUrl];

const pool = new pg.Pool({ connectionString: url, max: 1 });
const pools = { primary: pool, replica: pool, reader: pool, close: () => pool.end() } as unknown as Pools;
const staff = createStaffStore({ pools });
const tokens = createAccountTokenStore({ pepper });
const audit = createAuditStore({ pools });
const client = await pool.connect();
try {
  await client.query('BEGIN');
  const user = await staff.findOrCreate(client, email.trim().toLowerCase());
  await staff.setRole(client, user.id, 'owner');
  await client.query('UPDATE users SET email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1', [user.id]);
  const token = await tokens.issue(client, user.id, 'reset_password', LINK_MINUTES);
  await audit.record(
    client,
    { name: `cli@${os.hostname()}`, userId: null, role: 'owner', address: '' },
    { action: 'staff.create_owner', targetType: 'user', targetId: user.id, before: { role: user.role }, after: { role: 'owner' } },
  );
  await client.query('COMMIT');
  console.log(`${user.email} is an owner. Within ${LINK_MINUTES} minutes, open this link once to choose a password, then sign in:`);
  console.log(`  ${base}/reset-password?token=${token}`);
} catch (err) {
  await client.query('ROLLBACK').catch(() => undefined);
  console.error(`create-owner failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  client.release();
  await pool.end();
}
