import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, getWithKey, postJson, stackEnv, testStack, waitForRows } from '@codex-gateway/stack/testing';
import { addDays, businessDay, isoInZone, periodEndsAt } from '../../domain/business-day.js';
import { loadConfig } from '../../infra/config.js';

const stack = testStack();
const admin = adminApi(stack);
/** The business day's zone, as the stack's backends read it from the same environment. */
const timeZone = loadConfig({ ...process.env, ...stackEnv() }).quota.timeZone;
const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], ...extra });

describe('daily quotas and rate limits', () => {
  test('exactly N of M concurrent requests pass when N remain, across replicas', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 20 });
    // Through nginx and straight at each replica at once.
    const targets = [stack.gatewayUrl, ...stack.backends.map((b) => b.url)];
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => postJson(`${targets[i % targets.length]}/v1/chat/completions`, key, chat())));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    assert.equal(ok.length, 20);
    assert.equal(refused.length, 80);
    for (const r of refused) {
      assert.equal(r.body.error.code, 'daily_request_limit_exceeded');
      assert.match(r.body.error.message, /Daily request limit of 20 reached .* resets at \d{4}-\d{2}-\d{2}T/);
    }
    const usage = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
    assert.equal(usage.request_count, 20);
    const tokens = ok.reduce((sum, a) => sum + a.body.usage.total_tokens, 0);
    assert.equal(usage.total_tokens, tokens);
    // The books in Postgres agree once the usage stream is flushed.
    const [day] = await waitForRows<{ request_count: number; prompt_tokens: number; completion_tokens: number }>(
      'SELECT request_count::int, prompt_tokens::int, completion_tokens::int FROM daily_usage WHERE user_id = $1',
      [userId],
      (rows) => rows[0]?.request_count === 20,
    );
    assert.equal(day!.prompt_tokens + day!.completion_tokens, tokens);
  });

  test('the daily token limit refuses a request whose reservation does not fit, and says so', async () => {
    const { key } = await admin.customer({ daily_token_limit: 200 });
    const first = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ max_tokens: 16 }));
    assert.equal(first.status, 200);
    const big = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ max_tokens: 500 }));
    assert.equal(big.status, 429);
    assert.equal(big.body.error.code, 'daily_token_limit_exceeded');
    assert.match(big.body.error.message, /Daily token limit of 200/);
    // A smaller request still fits what is left.
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ max_tokens: 16 }))).status, 200);
  });

  test('the per-key rate limit is shared by every replica and answers with Retry-After', async () => {
    const { key } = await admin.customer({ rpm_limit: 3 });
    const statuses = [];
    for (const url of [stack.backends[0]!.url, stack.backends[1]!.url, stack.gatewayUrl]) {
      statuses.push((await postJson(`${url}/v1/chat/completions`, key, chat())).status);
    }
    assert.deepEqual(statuses, [200, 200, 200]);
    const limited = await postJson(`${stack.backends[0]!.url}/v1/chat/completions`, key, chat());
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate_limit_exceeded');
    assert.equal(limited.body.error.type, 'rate_limit_error');
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 61, `Retry-After ${retry}`);
    // Refused requests do not use up the daily quota.
    const usage = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
    assert.equal(usage.request_count, 3);
  });

  test('a key without an active package gets 429 insufficient_quota (as OpenAI answers a customer without credit) but can still read its usage', async () => {
    const user = await admin.createUser();
    const { key } = await admin.issueKey(user.id);
    const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat());
    assert.equal(res.status, 429);
    assert.equal(res.body.error.type, 'insufficient_quota');
    assert.equal(res.body.error.code, 'insufficient_quota');
    assert.match(res.body.error.message, /no active package/);
    assert.equal(res.headers.get('x-should-retry'), 'false');
    assert.equal(res.headers.get('retry-after'), null);
    const usage = await getWithKey(`${stack.gatewayUrl}/api/v1/usage`, key);
    assert.equal(usage.status, 200);
    assert.equal(JSON.parse(usage.body).package, null);
  });

  test('a package granted a moment ago counts on the very next request, on every replica', async () => {
    const user = await admin.createUser();
    const { key } = await admin.issueKey(user.id);
    // Every replica has seen (and cached) "no package".
    for (const b of stack.backends) assert.equal((await postJson(`${b.url}/v1/chat/completions`, key, chat())).status, 429);
    const pkg = await admin.createPackage({ daily_request_limit: 5 });
    await admin.grant(user.id, pkg.id);
    for (const b of stack.backends) assert.equal((await postJson(`${b.url}/v1/chat/completions`, key, chat())).status, 200);
  });

  test("GET /usage shows today's counts, the limits and the package's end date", async () => {
    // Today's business day, read before the grant and after the answer: a midnight may fall between.
    const days = [businessDay(timeZone)];
    const { key, packageId } = await admin.customer({ daily_request_limit: 50, daily_token_limit: 100_000, rpm_limit: 100, duration_days: 10 });
    const answer = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat());
    const usage = JSON.parse((await getWithKey(`${stack.gatewayUrl}/api/v1/usage`, key)).body);
    days.push(businessDay(timeZone));
    assert.equal(usage.request_count, 1);
    assert.equal(usage.prompt_tokens, answer.body.usage.prompt_tokens);
    assert.equal(usage.completion_tokens, answer.body.usage.completion_tokens);
    assert.equal(usage.reserved_tokens, 0);
    assert.deepEqual(usage.limits, {
      daily_request_limit: 50,
      daily_token_limit: 100_000,
      daily_credit_limit: null,
      rpm_limit: 100,
      max_concurrent_streams: null,
    });
    assert.deepEqual(
      usage.windows.map((w: { window: string; request_limit: number | null }) => [w.window, w.request_limit]),
      [['day', 50]],
      'only the day: this plan limits no other window',
    );
    assert.equal(usage.package.id, packageId);
    assert.ok(days.includes(usage.date), `today is ${days.join(' or ')} in ${timeZone}, not ${usage.date}`);
    const endDate = usage.package.end_date as string;
    assert.ok(
      days.some((d) => addDays(d, 10) === endDate),
      `granted today, it ends 10 days after (${endDate})`,
    );
    assert.equal(usage.package.ends_at, isoInZone(timeZone, periodEndsAt(timeZone, endDate)));
    assert.equal(usage.package.days_left, 10, 'ten full days of use from now');
    assert.ok(Date.parse(usage.resets_at) > Date.now());
  });
});
