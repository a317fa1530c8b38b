import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { adminApi, testStack } from '@codex-gateway/stack/testing';
import type { Entitlement } from '../../domain/entitlement.js';
import { createDailyUsageStore } from '../usage/daily-usage-store.js';
import { type Amounts, decide, type Estimate, refusalCode, type WindowState } from './limit-decision.js';
import { type LimitWindow, ROLLING_WINDOWS, type WindowLimits, windowLimits } from './limit-windows.js';
import { createPostgresQuota } from './postgres-quota.js';
import type { ReserveRequest } from './quota-types.js';
import { createRedisQuota, windowKey } from './redis-quota.js';

// One table of cases, run against the decision itself and against both engines that must
// apply it: the Redis script and the Postgres fallback. A case added here tests all three.

interface Case {
  name: string;
  limits: Partial<Record<LimitWindow, Partial<WindowLimits>>>;
  /** What each window holds already; a 5-hour or weekly window not given has not begun. The week holds at least the 5 hours. */
  used?: Partial<Record<LimitWindow, Partial<Amounts>>>;
  estimate: Estimate;
  /** Undefined: admitted. Else the refusal's code and the count it reports. */
  refused?: { code: string; used: number };
}

const CASES: Case[] = [
  { name: 'no limits at all', limits: {}, estimate: { tokens: 1_000_000, credits: 1_000_000 } },
  {
    name: 'under every daily limit',
    limits: { day: { requests: 10, tokens: 1000, credits: 5000 } },
    used: { day: { requests: 3, tokens: 100, credits: 200 } },
    estimate: { tokens: 50, credits: 50 },
  },
  { name: 'the last request of the day', limits: { day: { requests: 10 } }, used: { day: { requests: 9 } }, estimate: { tokens: 1, credits: 0 } },
  {
    name: 'at the request limit',
    limits: { day: { requests: 10 } },
    used: { day: { requests: 10 } },
    estimate: { tokens: 1, credits: 0 },
    refused: { code: 'daily_request_limit_exceeded', used: 10 },
  },
  {
    name: 'past the request limit',
    limits: { day: { requests: 10 } },
    used: { day: { requests: 11 } },
    estimate: { tokens: 1, credits: 0 },
    refused: { code: 'daily_request_limit_exceeded', used: 11 },
  },
  {
    name: 'a request limit of zero',
    limits: { day: { requests: 0 } },
    estimate: { tokens: 0, credits: 0 },
    refused: { code: 'daily_request_limit_exceeded', used: 0 },
  },
  { name: 'tokens exactly to the limit', limits: { day: { tokens: 1000 } }, used: { day: { tokens: 900 } }, estimate: { tokens: 100, credits: 0 } },
  {
    name: 'tokens one over the limit',
    limits: { day: { tokens: 1000 } },
    used: { day: { tokens: 900 } },
    estimate: { tokens: 101, credits: 0 },
    refused: { code: 'daily_token_limit_exceeded', used: 900 },
  },
  {
    name: 'a reservation larger than the whole day',
    limits: { day: { tokens: 1000 } },
    estimate: { tokens: 5000, credits: 0 },
    refused: { code: 'daily_token_limit_exceeded', used: 0 },
  },
  { name: 'a token limit of zero and nothing asked', limits: { day: { tokens: 0 } }, estimate: { tokens: 0, credits: 0 } },
  { name: 'credits exactly to the limit', limits: { day: { credits: 10_000 } }, used: { day: { credits: 9_000 } }, estimate: { tokens: 10, credits: 1_000 } },
  {
    name: 'credits one micro-dollar over',
    limits: { day: { credits: 10_000 } },
    used: { day: { credits: 9_000 } },
    estimate: { tokens: 10, credits: 1_001 },
    refused: { code: 'daily_credit_limit_exceeded', used: 9_000 },
  },
  {
    name: 'requests are checked before tokens and credits',
    limits: { day: { requests: 5, tokens: 100, credits: 100 } },
    used: { day: { requests: 5, tokens: 100, credits: 100 } },
    estimate: { tokens: 10, credits: 10 },
    refused: { code: 'daily_request_limit_exceeded', used: 5 },
  },
  {
    name: 'tokens are checked before credits',
    limits: { day: { tokens: 100, credits: 100 } },
    used: { day: { tokens: 95, credits: 95 } },
    estimate: { tokens: 10, credits: 10 },
    refused: { code: 'daily_token_limit_exceeded', used: 95 },
  },
  {
    name: 'the day trips first when every window is full',
    limits: { day: { requests: 3 }, five_hour: { requests: 3 }, week: { requests: 3 } },
    used: { day: { requests: 3 }, five_hour: { requests: 3 }, week: { requests: 3 } },
    estimate: { tokens: 1, credits: 0 },
    refused: { code: 'daily_request_limit_exceeded', used: 3 },
  },
  {
    name: 'the 5-hour window trips when the day has room',
    limits: { day: { tokens: 10_000 }, five_hour: { tokens: 500 }, week: { tokens: 500 } },
    used: { day: { tokens: 450 }, five_hour: { tokens: 450 }, week: { tokens: 450 } },
    estimate: { tokens: 100, credits: 0 },
    refused: { code: 'five_hour_token_limit_exceeded', used: 450 },
  },
  {
    name: 'the week trips when the day and the 5 hours have room',
    limits: { day: { credits: 1_000_000 }, five_hour: { credits: 100_000 }, week: { credits: 300_000 } },
    used: { day: { credits: 1_000 }, five_hour: { credits: 1_000 }, week: { credits: 299_500 } },
    estimate: { tokens: 10, credits: 1_000 },
    refused: { code: 'weekly_credit_limit_exceeded', used: 299_500 },
  },
  {
    name: 'weekly requests at the limit',
    limits: { week: { requests: 20 } },
    used: { day: { requests: 2 }, week: { requests: 20 } },
    estimate: { tokens: 1, credits: 0 },
    refused: { code: 'weekly_request_limit_exceeded', used: 20 },
  },
  {
    name: 'every window with room',
    limits: { day: { requests: 10, tokens: 1000 }, five_hour: { requests: 10, credits: 1000 }, week: { tokens: 5000 } },
    used: { day: { requests: 9, tokens: 900 }, five_hour: { requests: 9, credits: 900 }, week: { requests: 9, tokens: 4900, credits: 900 } },
    estimate: { tokens: 100, credits: 100 },
  },
  {
    name: 'a window that has not begun admits the request that begins it, whatever it reserves',
    limits: { five_hour: { tokens: 1000 } },
    estimate: { tokens: 1001, credits: 0 },
  },
  { name: 'a window that has not begun, with a request limit of zero', limits: { week: { requests: 0 } }, estimate: { tokens: 1, credits: 0 } },
  {
    name: 'a window that has begun and holds nothing yet checks the reservation',
    limits: { five_hour: { tokens: 1000 } },
    used: { five_hour: {}, week: {} },
    estimate: { tokens: 1001, credits: 0 },
    refused: { code: 'five_hour_token_limit_exceeded', used: 0 },
  },
  {
    name: 'a window that has begun refuses at a request limit of zero',
    limits: { week: { requests: 0 } },
    used: { week: {} },
    estimate: { tokens: 1, credits: 0 },
    refused: { code: 'weekly_request_limit_exceeded', used: 0 },
  },
];

const ZERO: Amounts = { requests: 0, tokens: 0, credits: 0 };
const usedIn = (c: Case, w: LimitWindow): Amounts => ({ ...ZERO, ...c.used?.[w] });
/** A 5-hour or weekly window the case does not give has not begun. */
const begunIn = (c: Case, w: LimitWindow): Amounts | undefined => (w === 'day' || c.used?.[w] ? usedIn(c, w) : undefined);

function entitlementOf(c: Case): Entitlement {
  const l = (w: LimitWindow, u: keyof WindowLimits) => c.limits[w]?.[u] ?? null;
  return {
    userPackageId: 1,
    packageId: 1,
    packageName: 'table',
    startDate: '2000-01-01',
    endDate: '2999-12-31',
    dailyRequestLimit: l('day', 'requests'),
    dailyTokenLimit: l('day', 'tokens'),
    dailyCreditLimit: l('day', 'credits'),
    rpmLimit: null,
    fiveHourRequestLimit: l('five_hour', 'requests'),
    fiveHourTokenLimit: l('five_hour', 'tokens'),
    fiveHourCreditLimit: l('five_hour', 'credits'),
    weeklyRequestLimit: l('week', 'requests'),
    weeklyTokenLimit: l('week', 'tokens'),
    weeklyCreditLimit: l('week', 'credits'),
    maxConcurrentStreams: null,
    models: [],
  };
}

type Outcome = { code: string; used: number } | undefined;

describe('the quota decision, by itself', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const limits = windowLimits(entitlementOf(c));
      const windows: WindowState[] = (['day', 'five_hour', 'week'] as const).map((window) => ({
        window,
        limits: limits[window],
        used: begunIn(c, window),
        resetMs: 0,
      }));
      const refused = decide(windows, c.estimate);
      assert.deepEqual<Outcome>(refused && { code: refused.code, used: refused.used }, c.refused);
    });
  }
});

const stack = testStack();
const admin = adminApi(stack);
const day = new Date().toISOString().slice(0, 10);
const request = (c: Case, userId: number): ReserveRequest => ({
  userId,
  keyId: userId,
  day,
  entitlement: entitlementOf(c),
  estimate: c.estimate.tokens,
  estimateCredits: c.estimate.credits,
  stream: false,
  requestId: `table-${userId}`,
});

describe('the quota decision, in both engines', () => {
  const redis = new Redis(stack.redisUrl);
  const db = new pg.Pool({ connectionString: stack.postgres.primaryUrl, max: 2 });
  const dailyUsage = createDailyUsageStore({ pools: { primary: db, replica: db, reader: db } });
  const redisQuota = createRedisQuota({ redis, dailyUsage });
  const postgresQuota = createPostgresQuota({ pools: { primary: db }, dailyUsage });
  after(async () => {
    redis.disconnect();
    await db.end();
  });

  /** Redis's counters as the case gives them: the day's hash, and each window that has begun (well inside its length). */
  async function seedRedis(c: Case, userId: number) {
    const d = usedIn(c, 'day');
    await redis.hset(`cg:q:${userId}:${day}`, { req: d.requests, tok: d.tokens, pt: d.tokens, ct: 0, cr: d.credits });
    for (const { window, lengthMs } of ROLLING_WINDOWS) {
      const w = c.used?.[window];
      if (w) await redis.hset(windowKey[window](userId), { s: Date.now() - lengthMs / 3, req: w.requests ?? 0, tok: w.tokens ?? 0, cr: w.credits ?? 0 });
    }
  }

  /** Postgres's record as the case gives it: the day's row, and usage_logs rows that the 5-hour and weekly bounds find. */
  async function seedPostgres(c: Case, userId: number) {
    const d = usedIn(c, 'day');
    await db.query('INSERT INTO daily_usage (user_id, usage_date, request_count, prompt_tokens, cost_micros) VALUES ($1, $2, $3, $4, $5)', [
      userId,
      day,
      d.requests,
      d.tokens,
      d.credits,
    ]);
    const [five, week] = [begunIn(c, 'five_hour'), begunIn(c, 'week')];
    if (five) await logRows(userId, five, 3600_000);
    if (week) {
      const older = {
        requests: week.requests - (five?.requests ?? 0),
        tokens: week.tokens - (five?.tokens ?? 0),
        credits: week.credits - (five?.credits ?? 0),
      };
      assert.ok(
        Object.values(older).every((n) => n >= 0),
        `${c.name}: the week holds the 5 hours`,
      );
      await logRows(userId, older, 2 * 24 * 3600_000);
    } else assert.ok(!five || !c.limits.week, `${c.name}: a week that is limited and began with the 5 hours is given`);
  }

  /** `a.requests` served requests and one failed one carrying the tokens and credits (so the window has begun), `agoMs` ago. */
  async function logRows(userId: number, a: Amounts, agoMs: number) {
    const rows = [...Array.from({ length: a.requests }, () => [200, 0, 0]), [502, a.tokens, a.credits]];
    for (const [i, [status, tokens, credits]] of rows.entries()) {
      await db.query(
        `INSERT INTO usage_logs (request_id, user_id, model, prompt_tokens, total_tokens, cost_micros, status_code, latency_ms, created_at)
         VALUES ($1, $2, 'table', $3, $3, $4, $5, 1, now() - make_interval(secs => $6))`,
        [`table-${userId}-${agoMs}-${i}`, userId, tokens, credits, status, agoMs / 1000],
      );
    }
  }

  for (const c of CASES) {
    test(`${c.name}: the Redis script`, async () => {
      const { id } = await admin.createUser();
      await seedRedis(c, id);
      const verdict = await redisQuota.reserve(request(c, id));
      assert.ok(!('recovering' in verdict), 'no recovery window open');
      const outcome: Outcome =
        'refused' in verdict
          ? { code: refusalCode(verdict.refused[2] as LimitWindow, verdict.refused[1] as keyof Amounts), used: verdict.refused[3] }
          : undefined;
      assert.deepEqual(outcome, c.refused);
      if (!c.refused) assert.equal(Number(await redis.hget(`cg:q:${id}:${day}`, 'req')), usedIn(c, 'day').requests + 1, 'the request is counted');
    });

    test(`${c.name}: the Postgres fallback`, async () => {
      const { id } = await admin.createUser();
      await seedPostgres(c, id);
      const refused = await postgresQuota.reserve(request(c, id));
      assert.deepEqual<Outcome>(refused && { code: refused.code, used: refused.used }, c.refused);
      const { rows } = await db.query<{ n: number }>('SELECT request_count::int AS n FROM daily_usage WHERE user_id = $1', [id]);
      assert.equal(rows[0]!.n, usedIn(c, 'day').requests + (c.refused ? 0 : 1), c.refused ? 'a refusal counts nothing' : 'the request is counted');
    });
  }
});
