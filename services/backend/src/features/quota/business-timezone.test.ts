import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { adminApi, getWithKey, postJson, startExtraBackend, testStack, waitForRows } from '@codex-gateway/stack/testing';
import { periodDates } from '../packages/period-dates.js';
import { addDays, businessDay, isoInZone, nextMidnight, periodEndsAt } from '../../domain/business-day.js';

const stack = testStack();
const chat = () => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What day is it?' }] });

/**
 * A zone whose date is not UTC's now, well inside its day: Kiritimati (UTC+14) is a day
 * ahead from 10:00 UTC, Pago Pago (UTC-11) a day behind until 11:00 UTC.
 */
function zoneOnAnotherDay(now = new Date()): string {
  return now.getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
}

describe('BUSINESS_TIMEZONE', () => {
  const zone = zoneOnAnotherDay();
  let backend: Awaited<ReturnType<typeof startExtraBackend>>;
  before(async () => {
    // A backend of its own in that zone: the shared test stack stays in UTC.
    backend = await startExtraBackend('business-timezone', { BUSINESS_TIMEZONE: zone, ADMIN_TOKEN: stack.adminToken, PUBLIC_BASE_URL: stack.gatewayUrl });
  });
  after(() => backend?.service.stop());

  test("the period, the day's counts in Postgres, /v1/usage and the refusal all follow the business zone, and the refusal says when it resets and what to do", async () => {
    const admin = adminApi({ ...stack, gatewayUrl: backend.url });
    const today = businessDay(zone);
    assert.notEqual(today, businessDay('UTC'), `${zone} is on another day than UTC now`);

    const user = await admin.createUser();
    const pkg = await admin.createPackage({ daily_request_limit: 1, duration_days: 30 });
    const period = await admin.grant(user.id, pkg.id);
    const { key } = await admin.issueKey(user.id);
    // Granted partway through the zone's day: 30 full days from now, so it ends 30 days after today.
    assert.deepEqual({ start_date: period.start_date, end_date: period.end_date }, { start_date: today, end_date: addDays(today, 30) });
    assert.deepEqual(periodDates(today, null, 30), { start_date: period.start_date, end_date: period.end_date });

    assert.equal((await postJson(`${backend.url}/v1/chat/completions`, key, chat())).status, 200);
    const [row] = await waitForRows<{ usage_date: string }>(
      'SELECT usage_date::text FROM daily_usage WHERE user_id = $1',
      [user.id],
      (rows) => rows.length === 1,
    );
    assert.equal(row!.usage_date, today, 'daily_usage is dated in the business zone');

    const resetsAt = isoInZone(zone, nextMidnight(zone));
    assert.match(resetsAt, zone === 'Pacific/Kiritimati' ? /T00:00:00\+14:00$/ : /T00:00:00-11:00$/);
    const refused = await postJson(`${backend.url}/v1/chat/completions`, key, chat());
    assert.equal(refused.status, 429);
    assert.equal(refused.body.error.code, 'daily_request_limit_exceeded');
    const message: string = refused.body.error.message;
    assert.ok(message.startsWith('Daily request limit of 1 reached (1 used)'), message);
    assert.ok(message.includes(`it resets at ${resetsAt} (${zone})`), message);
    assert.ok(message.includes('Wait until then, or buy a package with higher limits'), message);
    assert.ok(message.includes(`${stack.gatewayUrl}/buy`), message);
    assert.equal(refused.body.error.resets_at, nextMidnight(zone).getTime() / 1000);

    const usage = JSON.parse((await getWithKey(`${backend.url}/v1/usage`, key)).body);
    assert.equal(usage.date, today);
    assert.equal(usage.time_zone, zone);
    assert.equal(usage.resets_at, resetsAt);
    assert.equal(usage.windows[0].resets_at, resetsAt);
    assert.equal(usage.package.end_date, addDays(today, 30));
    assert.equal(usage.package.ends_at, isoInZone(zone, periodEndsAt(zone, period.end_date)));
    assert.equal(usage.package.days_left, 30);
  });

  test("a limit reached on a package's last day says it ends before the reset, and to buy", async () => {
    const admin = adminApi({ ...stack, gatewayUrl: backend.url });
    const today = businessDay(zone);
    const user = await admin.createUser();
    const pkg = await admin.createPackage({ daily_request_limit: 1, duration_days: 30 });
    await admin.grant(user.id, pkg.id);
    // Thirty days later: today is the period's last day.
    const db = new pg.Client({ connectionString: stack.postgres.primaryUrl });
    await db.connect();
    try {
      await db.query('UPDATE user_packages SET end_date = $2 WHERE user_id = $1', [user.id, today]);
    } finally {
      await db.end();
    }
    const { key } = await admin.issueKey(user.id);
    assert.equal((await postJson(`${backend.url}/v1/chat/completions`, key, chat())).status, 200);
    const refused = await postJson(`${backend.url}/v1/chat/completions`, key, chat());
    assert.equal(refused.status, 429);
    const endsAt = isoInZone(zone, periodEndsAt(zone, today));
    assert.ok(
      refused.body.error.message.includes(`your package ends before it resets, at ${endsAt} (${zone}). Buy a package to go on: ${stack.gatewayUrl}/buy`),
      refused.body.error.message,
    );
  });
});
