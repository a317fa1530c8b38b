import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { APPLICATION_ROLE, provisionRoles, REPLICATION_ROLE } from '@codex-gateway/backend';
import { deployFile } from '../paths.js';
import { run, startService, waitFor, type RunAs, type Service } from '../process.js';

/** The owner: initdb's superuser, who runs the migrations. */
export const DB_USER = 'gateway';
export const DB_NAME = 'codex_gateway';
const REPLICATION_SLOT = 'gateway_replica';

export interface PostgresPair {
  primary: Service;
  replica: Service;
  /** The application role's (what the backends use). */
  primaryUrl: string;
  replicaUrl: string;
  /** The owner's (migrations and tools). */
  ownerUrl: string;
  /** Start a server again on its existing data (the failure drills stop and start them). */
  relaunch: { primary(): Service; replica(): Service };
}

/** Debian keeps the server binaries outside PATH, one directory per major version. */
export function findPgBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin/postgres'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)');
  return path.join(root, versions[0], 'bin');
}

/** Postgres refuses to run as root: as root, its processes run as the postgres user. */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number((await run('id', ['-u', 'postgres'])).trim());
  const gid = Number((await run('id', ['-g', 'postgres'])).trim());
  return { uid, gid };
}

function own(target: string, runAs: RunAs | undefined) {
  if (runAs) chownSync(target, runAs.uid, runAs.gid);
}

/** The shared config files of deploy/postgres-replica/ go into each data directory. */
function installConfig(dataDir: string, runAs: RunAs | undefined) {
  for (const [source, file] of [
    [deployFile('postgresConf'), 'postgresql.conf'],
    [deployFile('pgHba'), 'pg_hba.conf'],
    [deployFile('pgIdent'), 'pg_ident.conf'],
  ] as const) {
    const target = path.join(dataDir, file);
    copyFileSync(source, target);
    own(target, runAs);
  }
}

function url(port: number, password: string, user = DB_USER) {
  return `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DB_NAME}`;
}

interface Passwords {
  /** The owner's. */
  password: string;
  appPassword: string;
  replicationPassword: string;
}

/**
 * The replication role's password, in a file only its reader may read (libpq refuses any
 * other): pg_basebackup and the replica's walreceiver find it there, never on a command line.
 */
function writePassfile(root: string, password: string, runAs: RunAs | undefined): string {
  const file = path.join(root, 'replication.pgpass');
  const escaped = password.replace(/[\\:]/g, '\\$&');
  rmSync(file, { force: true });
  writeFileSync(file, `*:*:*:${REPLICATION_ROLE}:${escaped}\n`, { mode: 0o600 });
  own(file, runAs);
  return file;
}

/** conninfo quoting: values in single quotes, with ' and \ escaped. */
const conninfoValue = (value: string) => `'${value.replace(/['\\]/g, '\\$&')}'`;

/**
 * The replica streams as the replication role with the passfile (a replica cloned before
 * there was one streamed as the owner, with the password in postgresql.auto.conf).
 */
function setPrimaryConninfo(replicaDir: string, primaryPort: number, passfile: string): void {
  const file = path.join(replicaDir, 'postgresql.auto.conf');
  const conninfo = `host=127.0.0.1 port=${primaryPort} user=${REPLICATION_ROLE} passfile=${conninfoValue(passfile)}`;
  const line = `primary_conninfo = '${conninfo.replaceAll("'", "''")}'`;
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !/^\s*primary_conninfo\s*=/.test(l));
  writeFileSync(file, `${[...kept, line].join('\n')}\n`);
}

async function query<T extends pg.QueryResultRow>(connectionString: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function startServer(name: string, bin: string, dataDir: string, port: number, logDir: string, runAs: RunAs | undefined): Service {
  // TCP on loopback only, no Unix socket: nothing to collide with a system cluster.
  return startService(name, path.join(bin, 'postgres'), ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', ''], {
    logFile: path.join(logDir, `${name}.log`),
    runAs,
  });
}

/**
 * A primary and a streaming replica made from it by pg_basebackup -R. Data directories
 * persist under `root`; an existing cluster is started as it is.
 */
export async function startPostgres(opts: { root: string; primaryPort: number; replicaPort: number; logDir: string } & Passwords): Promise<PostgresPair> {
  const bin = findPgBin();
  const runAs = await postgresRunAs();
  const primaryDir = path.join(opts.root, 'primary');
  const replicaDir = path.join(opts.root, 'replica');
  mkdirSync(opts.root, { recursive: true });
  own(opts.root, runAs);
  if (runAs) {
    await run('test', ['-w', opts.root], { runAs }).catch(() => {
      throw new Error(`the postgres user cannot reach ${opts.root}: make its parent directories searchable (chmod o+x) or set STACK_DIR elsewhere`);
    });
  }

  const fresh = !existsSync(path.join(primaryDir, 'PG_VERSION'));
  if (fresh) {
    rmSync(primaryDir, { recursive: true, force: true });
    rmSync(replicaDir, { recursive: true, force: true });
    const pwfile = path.join(opts.root, '.pwfile');
    writeFileSync(pwfile, `${opts.password}\n`, { mode: 0o600 });
    own(pwfile, runAs);
    try {
      await run(
        path.join(bin, 'initdb'),
        ['-D', primaryDir, '-U', DB_USER, `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=trust', '-E', 'UTF8', '--no-locale'],
        { runAs },
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  installConfig(primaryDir, runAs);
  const primary = startServer('postgres-primary', bin, primaryDir, opts.primaryPort, opts.logDir, runAs);
  const relaunch = {
    primary: () => startServer('postgres-primary', bin, primaryDir, opts.primaryPort, opts.logDir, runAs),
    replica: () => startServer('postgres-replica', bin, replicaDir, opts.replicaPort, opts.logDir, runAs),
  };
  try {
    return { primary, relaunch, ...(await prepareReplica(bin, runAs, replicaDir, opts)) };
  } catch (err) {
    await primary.stop('SIGINT');
    throw err;
  }
}

async function prepareReplica(
  bin: string,
  runAs: RunAs | undefined,
  replicaDir: string,
  opts: { root: string; primaryPort: number; replicaPort: number; logDir: string } & Passwords,
): Promise<Omit<PostgresPair, 'primary' | 'relaunch'>> {
  const adminUrl = `postgres://${DB_USER}:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.primaryPort}/postgres`;
  await waitFor('the Postgres primary', () => query(adminUrl, 'SELECT 1'), 30_000);
  const exists = await query(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${DB_NAME}'`);
  if (exists.length === 0) await query(adminUrl, `CREATE DATABASE ${DB_NAME}`);
  const ownerUrl = url(opts.primaryPort, opts.password);
  // The backends' role (its grants come with the migrations) and the replica's, before the replica is cloned.
  const primaryUrl = url(opts.primaryPort, opts.appPassword, APPLICATION_ROLE);
  await provisionRoles(ownerUrl, { appUrl: primaryUrl, replicationPassword: opts.replicationPassword });
  const passfile = writePassfile(opts.root, opts.replicationPassword, runAs);

  if (!existsSync(path.join(replicaDir, 'PG_VERSION'))) {
    rmSync(replicaDir, { recursive: true, force: true });
    mkdirSync(replicaDir, { mode: 0o700 });
    own(replicaDir, runAs);
    await query(adminUrl, `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${REPLICATION_SLOT}'`);
    // -R writes standby.signal and primary_conninfo; the slot keeps WAL while the replica is away.
    const conninfo = `host=127.0.0.1 port=${opts.primaryPort} user=${REPLICATION_ROLE}`;
    await run(path.join(bin, 'pg_basebackup'), ['-d', conninfo, '-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast', '-C', '-S', REPLICATION_SLOT], {
      runAs,
      env: { ...process.env, PGPASSFILE: passfile },
    });
    chmodSync(replicaDir, 0o700);
  }
  setPrimaryConninfo(replicaDir, opts.primaryPort, passfile);
  installConfig(replicaDir, runAs);
  const replica = startServer('postgres-replica', bin, replicaDir, opts.replicaPort, opts.logDir, runAs);
  try {
    await waitFor(
      'the Postgres replica to stream from the primary',
      async () => {
        // As the owner: only privileged roles see pg_stat_wal_receiver's state.
        const rows = await query<{ recovering: boolean; status: string | null }>(
          url(opts.replicaPort, opts.password),
          'SELECT pg_is_in_recovery() AS recovering, (SELECT status FROM pg_stat_wal_receiver) AS status',
        );
        return rows[0]?.recovering === true && rows[0]?.status === 'streaming';
      },
      60_000,
    );
  } catch (err) {
    await replica.stop('SIGINT');
    throw err;
  }
  return { replica, primaryUrl, replicaUrl: url(opts.replicaPort, opts.appPassword, APPLICATION_ROLE), ownerUrl };
}
