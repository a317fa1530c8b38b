import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The group role the migrations grant to (DML only; the audit log INSERT and SELECT). The
 * backends' login role is this role or a member of it; the schema belongs to the owner.
 */
export const APPLICATION_ROLE = 'gateway_app';
/** The one role deploy/postgres-replica/pg_hba.conf lets stream from the primary. */
export const REPLICATION_ROLE = 'replicator';

/**
 * A password as Postgres stores it (SCRAM-SHA-256). ALTER ROLE is sent this instead of the
 * password, which therefore never reaches the server's log or pg_stat_statements (both keep
 * the text of utility statements).
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const hmac = (text: string) => createHmac('sha256', salted).update(text).digest();
  const storedKey = createHash('sha256').update(hmac('Client Key')).digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${hmac('Server Key').toString('base64')}`;
}

type Client = Pick<pg.Client, 'query' | 'escapeIdentifier' | 'escapeLiteral'>;

async function roleExists(client: Client, name: string): Promise<{ super: boolean } | undefined> {
  const { rows } = await client.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = $1', [name]);
  return rows[0] && { super: rows[0].rolsuper };
}

/** Makes the role if it is missing, then gives it these attributes and this password. */
async function ensureLogin(client: Client, name: string, password: string, attributes = ''): Promise<void> {
  const role = client.escapeIdentifier(name);
  if (!(await roleExists(client, name))) await client.query(`CREATE ROLE ${role}`);
  await client.query(`ALTER ROLE ${role} WITH LOGIN ${attributes} PASSWORD ${client.escapeLiteral(scramVerifier(password))}`);
}

/**
 * Run as the owner (the migrate step, a backend with DATABASE_OWNER_URL, the native stack):
 * the application's login role (user and password from its URL, a member of
 * APPLICATION_ROLE) and, when a password is given, the replication role. Idempotent, and
 * setting the passwords each time is how a changed secret takes effect.
 */
export async function provisionRoles(ownerUrl: string, wanted: { appUrl?: string; replicationPassword?: string }): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    // Backends starting together take turns (CREATE ROLE has no IF NOT EXISTS).
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('codex-gateway roles'))`);
    if (wanted.appUrl) await provisionApplication(client, wanted.appUrl);
    if (wanted.replicationPassword) await ensureLogin(client, REPLICATION_ROLE, wanted.replicationPassword, 'REPLICATION');
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

async function provisionApplication(client: Client, appUrl: string): Promise<void> {
  const url = new URL(appUrl);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  if (!user || !password) throw new Error('DATABASE_URL must name the application role and its password (or DATABASE_PASSWORD)');
  const { rows } = await client.query<{ me: string }>('SELECT current_user AS me');
  if (user === rows[0]!.me) throw new Error('DATABASE_URL names the owner role: the backends need a role of their own');
  if ((await roleExists(client, user))?.super) throw new Error(`DATABASE_URL's role ${user} is a superuser: the backends need a role without it`);
  if (!(await roleExists(client, APPLICATION_ROLE))) await client.query(`CREATE ROLE ${APPLICATION_ROLE}`);
  await ensureLogin(client, user, password);
  if (user !== APPLICATION_ROLE) await client.query(`GRANT ${APPLICATION_ROLE} TO ${client.escapeIdentifier(user)}`);
}
