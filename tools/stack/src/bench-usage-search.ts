import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
// The store itself, so that the plans printed are of the exact SQL the API runs.
import { createAdminUsageStore, type RequestFilter } from '../../../services/backend/src/features/usage/admin-usage-store.js';
import { createDailyUsageStore } from '../../../services/backend/src/features/usage/daily-usage-store.js';
import { randomPorts } from './config.js';
import { startStack } from './stack.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const DAYS = 90;
const USERS = 5_000;
const KEYS = 20_000;
const MODELS = [
  'gpt-4o-mini',
  'gpt-4o',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-4.1-nano',
  'gpt-5',
  'gpt-5-mini',
  'gpt-5-codex',
  'o3',
  'o4-mini',
  'o3-mini',
  'codex-mini',
];

// One day of rows per statement, in time order (the flusher writes in time order too, so
// the heap is laid out by created_at as in production). Keys, and so users, are skewed
// (a few heavy ones, a long tail); models too; 3 % of the requests fail.
const SEED_DAY = `
INSERT INTO usage_logs (request_id, user_id, api_key_id, model, prompt_tokens, completion_tokens, total_tokens,
                        status_code, latency_ms, stream, created_at)
SELECT gen_random_uuid()::text, $3::bigint + k % $5, $4::bigint + k, ($6::text[])[1 + floor(array_length($6, 1) * power(m, 1.6))::int],
       p, c, p + c, s, 80 + floor(random() * 6000)::int, random() < 0.4,
       $1::timestamptz + (g - 1 + random()) * ($2::float8 * interval '1 millisecond')
  FROM (SELECT g, floor($7::int * power(random(), 2))::bigint AS k, random() AS m, s,
               CASE WHEN s < 400 THEN 20 + floor(random() * 2000)::int ELSE floor(random() * 50)::int END AS p,
               CASE WHEN s < 400 THEN 5 + floor(random() * 800)::int ELSE 0 END AS c
          FROM (SELECT g, CASE WHEN r < 0.97 THEN 200 WHEN r < 0.98 THEN 429 WHEN r < 0.985 THEN 400
                               WHEN r < 0.993 THEN 500 WHEN r < 0.997 THEN 502 ELSE 503 END AS s
                  FROM (SELECT g, random() AS r FROM generate_series(1, $8::int) g OFFSET 0) a OFFSET 0) b OFFSET 0) t`;

interface Figures {
  shape: string;
  n: number;
  p50: number;
  p95: number;
  max: number;
  rows: number;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `npm run bench -- usage-search [--rows 5000000] [--iterations 50]`: a private stack whose
 * usage_logs holds ROWS requests over 90 days (5,000 users, 20,000 keys, 12 models, 3 %
 * errors), then each shape of the admin usage search, and the summary, ITERATIONS times
 * through the HTTP API (nginx → backend → replica); prints p50/p95/max per shape and the
 * plans (EXPLAIN ANALYZE on the replica) of the two searches that matter most and of the
 * summary's statements. Exit code 1 when a search shape's p95 reaches 100 ms.
 */
export async function benchUsageSearch(args: string[]): Promise<number> {
  const rowsWanted = Number(argValue(args, '--rows') ?? 5_000_000);
  const iterations = Number(argValue(args, '--iterations') ?? 50);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'codex-gateway-bench-usage-'));
  chmodSync(dir, 0o755);
  const stack = await startStack({
    dir,
    ports: await randomPorts(1),
    backends: 1,
    workers: 1,
    fresh: true,
    logLevel: 'warn',
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', BUSINESS_TIMEZONE: 'UTC' },
  });
  // The owner: the seed makes partitions and vacuums.
  const primary = new pg.Client({ connectionString: stack.info.postgres.ownerUrl });
  // A pool: the summary sends its statements at once.
  const replica = new pg.Pool({ connectionString: stack.info.postgres.replicaUrl, max: 4 });
  try {
    await primary.connect();
    const end = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const start = end - DAYS * DAY_MS;
    const seeded = await seed(primary, start, end, rowsWanted);

    process.stdout.write('waiting for the replica to replay the seed… ');
    const waited = Date.now();
    const { lsn } = (await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!;
    for (;;) {
      const { caught } = (await replica.query<{ caught: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS caught', [lsn])).rows[0]!;
      if (caught) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    console.log(`${((Date.now() - waited) / 1000).toFixed(1)} s`);

    const api = async (query: Record<string, string | number>, kind = 'requests') => {
      const url = `${stack.info.gatewayUrl}/api/admin/usage/${kind}?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
      const started = performance.now();
      const res = await fetch(url, { headers: { authorization: `Bearer ${stack.info.adminToken}` } });
      const body = (await res.json()) as { data?: unknown[]; next_cursor?: string | null };
      const ms = performance.now() - started;
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(body)}`);
      return { ms, body };
    };
    const { u0, k0 } = seeded;
    const randomDay = () => start + Math.floor(Math.random() * (DAYS - 1)) * DAY_MS;
    const randomHour = () => start + Math.floor(Math.random() * (DAYS * 24 - 1)) * HOUR_MS;
    const today = iso(end).slice(0, 10);
    const monthAgo = iso(end - 29 * DAY_MS).slice(0, 10);
    const shapes: Array<{ shape: string; query: () => Promise<Record<string, string | number>>; kind?: string }> = [
      { shape: 'by user, 90 days', query: async () => ({ user_id: u0 + Math.floor(Math.random() * USERS), from: iso(start), to: iso(end + HOUR_MS) }) },
      { shape: 'by key, 90 days', query: async () => ({ key_id: k0 + Math.floor(Math.random() * KEYS), from: iso(start), to: iso(end + HOUR_MS) }) },
      {
        shape: 'by model, 1 day',
        query: async () => {
          const day = randomDay();
          return { model: pick(MODELS), from: iso(day), to: iso(day + DAY_MS) };
        },
      },
      {
        shape: 'errors (4xx or 5xx), 1 day',
        query: async () => {
          const day = randomDay();
          return { status_class: pick(['4xx', '5xx']), from: iso(day), to: iso(day + DAY_MS) };
        },
      },
      {
        shape: 'model + 5xx, 31 days',
        query: async () => ({ model: pick(MODELS), status_class: '5xx', from: iso(end - 31 * DAY_MS), to: iso(end) }),
      },
      {
        shape: 'bare time range, 1 h',
        query: async () => {
          const hour = randomHour();
          return { from: iso(hour), to: iso(hour + HOUR_MS) };
        },
      },
      {
        shape: 'page 2 via cursor, 1 h',
        query: async () => {
          const hour = randomHour();
          const range = { from: iso(hour), to: iso(hour + HOUR_MS) };
          const first = await api(range);
          return { ...range, cursor: String(first.body.next_cursor) };
        },
      },
      { shape: 'summary, 30 days (top 10)', kind: 'summary', query: async () => ({ from: monthAgo, to: today, top: 10 }) },
    ];

    // A few untimed rounds first: connections, JIT and the replica's cache in steady state.
    for (const s of shapes) for (let i = 0; i < 3; i += 1) await api(await s.query(), s.kind);
    const figures: Figures[] = [];
    for (const s of shapes) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < iterations; i += 1) {
        const { ms, body } = await api(await s.query(), s.kind);
        times.push(ms);
        rows += body.data?.length ?? 0;
      }
      figures.push({ shape: s.shape, n: iterations, p50: pct(times, 50), p95: pct(times, 95), max: Math.max(...times), rows: Math.round(rows / iterations) });
    }

    console.log(
      `\nadmin usage search: ${seeded.rows.toLocaleString('en')} usage_logs rows over ${DAYS} days (${seeded.sizes}), seeded in ${seeded.seconds.toFixed(0)} s; ` +
        `${os.availableParallelism()} CPUs; through nginx → 1 backend × 1 worker → the replica; ${iterations} runs per shape, milliseconds\n`,
    );
    console.log('| shape | runs | p50 | p95 | max | rows per answer |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const f of figures) console.log(`| ${f.shape} | ${f.n} | ${f.p50.toFixed(1)} | ${f.p95.toFixed(1)} | ${f.max.toFixed(1)} | ${f.rows} |`);

    // The plans, on the replica, of the exact statements the store sends.
    const plans: string[] = [];
    const reader = {
      query: (async (sql: string, params: unknown[]) => {
        const { rows } = await replica.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
        return { rows: [] };
      }) as unknown as pg.Pool['query'],
    };
    const explaining = createAdminUsageStore({
      pools: { reader },
      dailyUsage: createDailyUsageStore({ pools: { primary: replica, replica, reader } }),
    });
    const explain = async (title: string, run: () => Promise<unknown>) => {
      plans.length = 0;
      await run();
      console.log(`\n${title}\n\n${plans.join('\n\n')}`);
    };
    const hour = randomHour();
    const firstPage = await api({ from: iso(hour), to: iso(hour + HOUR_MS) });
    const [createdAt = '', requestId = ''] = Buffer.from(String(firstPage.body.next_cursor), 'base64url').toString('utf8').split('|');
    const search = (f: Omit<RequestFilter, 'limit'>) => explaining.searchRequests({ ...f, limit: 50 });
    await explain(`EXPLAIN (ANALYZE, BUFFERS): page 2 of a bare hour (cluster-wide, keyset cursor) ${iso(hour)}`, () =>
      search({ from: iso(hour), to: iso(hour + HOUR_MS), after: { createdAt, requestId } }),
    );
    await explain('EXPLAIN (ANALYZE, BUFFERS): one key over 90 days (every monthly partition)', () =>
      search({ keyId: k0 + 7, from: iso(start), to: iso(end + HOUR_MS) }),
    );
    await explain('EXPLAIN (ANALYZE, BUFFERS): the summary over 30 days (its four statements)', () => explaining.summary(monthAgo, today, 'UTC', 10));
    return figures.some((f) => !f.shape.startsWith('summary') && f.p95 >= 100) ? 1 : 0;
  } finally {
    await primary.end().catch(() => undefined);
    await replica.end().catch(() => undefined);
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Users, keys, usage_logs (one statement per day) and the daily_usage they add up to. */
async function seed(db: pg.Client, start: number, end: number, rowsWanted: number) {
  const started = Date.now();
  // A deployment that has run for 90 days has the monthly partitions of those months.
  const partitions = `SELECT count(*)::int AS n FROM pg_partition_tree('usage_logs') WHERE isleaf`;
  const before = (await db.query<{ n: number }>(partitions)).rows[0]!.n;
  await db.query(`DO $$
    DECLARE m timestamp;
    BEGIN
      FOR m IN SELECT generate_series(date_trunc('month', '${iso(start)}'::timestamptz AT TIME ZONE 'UTC'), date_trunc('month', '${iso(end)}'::timestamptz AT TIME ZONE 'UTC'), interval '1 month') LOOP
        IF to_regclass(format('usage_logs_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'))) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF usage_logs FOR VALUES FROM (%L) TO (%L)',
            format('usage_logs_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM')), m AT TIME ZONE 'UTC', (m + interval '1 month') AT TIME ZONE 'UTC');
        END IF;
      END LOOP;
    END $$`);
  const created = (await db.query<{ n: number }>(partitions)).rows[0]!.n - before;
  const { u0 } = (
    await db.query<{ u0: number }>(
      `WITH ins AS (INSERT INTO users (email) SELECT 'bench-' || g || '@example.test' FROM generate_series(1, $1::int) g RETURNING id) SELECT min(id)::int AS u0 FROM ins`,
      [USERS],
    )
  ).rows[0]!;
  const { k0 } = (
    await db.query<{ k0: number }>(
      `WITH ins AS (INSERT INTO api_keys (user_id, name, key_hash, key_prefix)
                    SELECT $1::bigint + (g - 1) % $2, 'bench', md5('bench-key-' || g || random()), 'sk-bench' FROM generate_series(1, $3::int) g
                    RETURNING id)
       SELECT min(id)::int AS k0 FROM ins`,
      [u0, USERS, KEYS],
    )
  ).rows[0]!;
  const perDay = Math.ceil(rowsWanted / DAYS);
  for (let d = 0; d < DAYS; d += 1) {
    await db.query(SEED_DAY, [iso(start + d * DAY_MS), DAY_MS / perDay, u0, k0, USERS, MODELS, KEYS, perDay]);
    if ((d + 1) % 10 === 0) process.stdout.write(`seeded ${d + 1}/${DAYS} days (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  await db.query(
    `INSERT INTO daily_usage (user_id, usage_date, request_count, prompt_tokens, completion_tokens)
     SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, count(*) FILTER (WHERE status_code < 400), sum(prompt_tokens), sum(completion_tokens)
       FROM usage_logs WHERE user_id >= $1 GROUP BY 1, 2`,
    [u0],
  );
  // What autovacuum does to insert-only tables: statistics, and the visibility map that
  // index-only scans rely on.
  await db.query('VACUUM (ANALYZE) usage_logs, daily_usage, users, api_keys');
  const seconds = (Date.now() - started) / 1000;
  const { rows, heap, indexes } = (
    await db.query<{ rows: number; heap: string; indexes: string }>(
      `SELECT (SELECT count(*) FROM usage_logs)::int AS rows,
              pg_size_pretty(sum(pg_table_size(relid))) AS heap, pg_size_pretty(sum(pg_indexes_size(relid))) AS indexes
         FROM pg_partition_tree('usage_logs')`,
    )
  ).rows[0]!;
  console.log(`seeded in ${seconds.toFixed(0)} s (${created} monthly partitions created for the past)`);
  return { u0, k0, rows, seconds, sizes: `heap ${heap}, indexes ${indexes}` };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
