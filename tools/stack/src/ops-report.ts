import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from './paths.js';

/** The monitoring queries of the operations guide (docs/operations.md), by title. */
export const REPORT_QUERIES: Array<{ title: string; sql: string; needs?: 'pg_stat_statements' }> = [
  {
    title: 'Slowest queries by mean time (pg_stat_statements)',
    needs: 'pg_stat_statements',
    sql: `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 80) AS query, calls,
                 round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 2) AS mean_ms,
                 round(max_exec_time::numeric, 1) AS max_ms
            FROM pg_stat_statements ORDER BY mean_exec_time DESC LIMIT 10`,
  },
  {
    title: 'Index usage',
    sql: `SELECT schemaname, relname AS tablename, indexrelname AS indexname, idx_scan, idx_tup_read, idx_tup_fetch
            FROM pg_stat_user_indexes ORDER BY idx_scan DESC, indexrelname LIMIT 40`,
  },
  {
    title: 'The five indexes of the original guide',
    sql: `SELECT name AS indexname, (SELECT tablename FROM pg_indexes WHERE indexname = name) AS tablename,
                 CASE WHEN EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = name) THEN 'present' ELSE 'MISSING' END AS status
            FROM unnest(ARRAY['idx_api_keys_key_hash_status', 'idx_user_packages_user_status_dates', 'idx_daily_usage_user_date',
                              'idx_payment_orders_order_no', 'idx_usage_logs_user_created']) AS name`,
  },
  {
    title: 'Table sizes',
    sql: `SELECT tablename, pg_size_pretty(pg_total_relation_size(format('%I.%I', schemaname, tablename))) AS size
            FROM pg_tables WHERE schemaname = 'public'
           ORDER BY pg_total_relation_size(format('%I.%I', schemaname, tablename)) DESC LIMIT 20`,
  },
  {
    title: 'Connections by state',
    sql: `SELECT count(*) AS connections, coalesce(state, '(background)') AS state, coalesce(application_name, '') AS application
            FROM pg_stat_activity GROUP BY state, application_name ORDER BY connections DESC`,
  },
  {
    title: 'Replication (seen from the primary)',
    sql: `SELECT client_addr, application_name, state, sync_state, coalesce(replay_lag::text, '0') AS replay_lag
            FROM pg_stat_replication`,
  },
];

export function formatTable(rows: Array<Record<string, unknown>>): string {
  if (rows.length === 0) return '  (no rows)';
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => `  ${values.map((v, i) => v.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function databaseUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const stackFile = path.join(process.env.STACK_DIR ?? path.join(REPO_ROOT, '.stack'), 'stack.json');
  // The owner: pg_stat_statements shows other roles' statements only to privileged ones.
  if (existsSync(stackFile)) return (JSON.parse(readFileSync(stackFile, 'utf8')) as { postgres: { ownerUrl: string } }).postgres.ownerUrl;
  throw new Error('set DATABASE_URL (the primary), or start the local stack (npm start) first');
}

/** `npm run ops -- report`: the guide's monitoring queries against the primary, as tables. */
export async function runOps(args: string[], out: (text: string) => void = console.log): Promise<number> {
  if (args[0] !== 'report') {
    out('usage: npm run ops -- report   (DATABASE_URL, or the running local stack)');
    return 2;
  }
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    // Loaded by shared_preload_libraries (deploy/postgres-replica/postgresql.conf); the
    // view needs the extension in this database, which needs a superuser the first time.
    const statements = await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(
      () => true,
      (err: Error) => {
        out(`note: pg_stat_statements unavailable (${err.message})`);
        return false;
      },
    );
    for (const q of REPORT_QUERIES) {
      out(`\n== ${q.title}`);
      if (q.needs === 'pg_stat_statements' && !statements) {
        out('  (skipped: pg_stat_statements is not available)');
        continue;
      }
      try {
        out(formatTable((await client.query(q.sql)).rows));
      } catch (err) {
        out(`  (failed: ${(err as Error).message})`);
      }
    }
  } finally {
    await client.end();
  }
  return 0;
}
