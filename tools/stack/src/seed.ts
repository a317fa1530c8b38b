import pg from 'pg';
import { hashApiKey, hashPassword, keyPrefix } from '@codex-gateway/backend';

export const DEMO_EMAIL = 'demo@codex-gateway.local';
const DEMO_PACKAGE = 'Demo (local stack)';

/**
 * The demo user of the local stack: a package in effect today, the stack's demo key, and a
 * verified console account with the stack's demo password. Idempotent, so restarts of a
 * persisted stack find everything in place (a password changed in the console is set back,
 * so that stack.json stays true).
 */
export async function seedDemo(databaseUrl: string, secrets: { demoApiKey: string; keyPepper: string; demoPassword: string }): Promise<void> {
  // argon2id takes a moment: before the transaction, not inside it.
  const passwordHash = await hashPassword(secrets.demoPassword);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const user = await client.query<{ id: string }>(
      `INSERT INTO users (email) VALUES ($1)
       ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email
       RETURNING id`,
      [DEMO_EMAIL],
    );
    const userId = user.rows[0]!.id;
    await client.query('UPDATE users SET password_hash = $2, email_verified_at = coalesce(email_verified_at, now()) WHERE id = $1', [userId, passwordHash]);
    let pkg = await client.query<{ id: string; duration_days: number }>('SELECT id, duration_days FROM packages WHERE name = $1', [DEMO_PACKAGE]);
    if (pkg.rows.length === 0) {
      pkg = await client.query(
        `INSERT INTO packages (name, description, daily_request_limit, daily_token_limit, rpm_limit, duration_days, price_cents, currency)
         VALUES ($1, 'Granted to the demo customer by npm start. Priced 0: never on sale, only granted or redeemed.', 1000, 1000000, NULL, 30, 0, 'USD')
         RETURNING id, duration_days`,
        [DEMO_PACKAGE],
      );
    }
    const packageId = pkg.rows[0]!.id;
    await client.query(
      `INSERT INTO user_packages (user_id, package_id, status, start_date, end_date, package_name, daily_request_limit, daily_token_limit, rpm_limit)
       SELECT $1, p.id, 'active', current_date, current_date + ($3::int - 1), p.name, p.daily_request_limit, p.daily_token_limit, p.rpm_limit
         FROM packages p
        WHERE p.id = $2 AND NOT EXISTS (
          SELECT 1 FROM user_packages
           WHERE user_id = $1 AND status = 'active' AND current_date BETWEEN start_date AND end_date)`,
      [userId, packageId, pkg.rows[0]!.duration_days],
    );
    const key = secrets.demoApiKey;
    await client.query(
      `INSERT INTO api_keys (user_id, name, key_hash, key_prefix)
       VALUES ($1, 'demo', $2, $3)
       ON CONFLICT (key_hash) DO NOTHING`,
      [userId, hashApiKey(secrets.keyPepper, key), keyPrefix(key)],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
