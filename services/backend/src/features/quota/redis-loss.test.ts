import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import request from 'supertest';
import { adminApi, freePort, startRedis, testDir, testStack } from '@codex-gateway/stack/testing';
import type { App } from '../../app.js';
import { inProcessApp, okCompletion } from '../../test-support.js';

const stack = testStack();
const admin = adminApi(stack);

/** An upstream that answers at once, except a request saying "hold", which waits for `release`. */
function holdingUpstream() {
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const part of req) body += part;
    if (body.includes('"hold"')) await held;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(okCompletion('chatcmpl-loss')));
  });
  return { server, release };
}

describe('losing Redis', () => {
  // This test stops Redis, so it gets a Redis of its own, and no flusher reads it: what the
  // gateway put in the usage stream stays there, as it does for the moment Redis is lost.
  const upstream = holdingUpstream();
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let app: App;
  const db = new pg.Pool({ connectionString: stack.postgres.primaryUrl, max: 2 });

  before(async () => {
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    redis = await startRedis({ dir: path.join(testDir(), 'redis-loss'), port: await freePort(), logDir: testDir(), name: 'redis-loss' });
    app = inProcessApp('redis-loss', {
      REDIS_URL: redis.url,
      REDIS_COMMAND_TIMEOUT_MS: '300',
      UPSTREAM_BASE_URL: `http://127.0.0.1:${(upstream.server.address() as AddressInfo).port}/v1`,
      DB_POOL_MAX: '3',
    });
  });
  after(async () => {
    upstream.release();
    await app.close();
    await redis.service.stop();
    upstream.server.close();
    await db.end();
  });

  test('leaves no way past the daily limit: what the stream held and what was in flight count in Postgres', async () => {
    const { key, userId } = await admin.customer({ daily_request_limit: 25 });
    const chat = (content: string) =>
      request(app.app)
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${key}`)
        .send({ model: 'gpt-4o-mini', messages: [{ role: 'user', content }] });
    const count = async (sql: string) => (await db.query<{ n: number }>(sql, [userId])).rows[0]?.n ?? 0;
    const booked = () => count('SELECT request_count::int AS n FROM daily_usage WHERE user_id = $1');
    // The three refusals are in usage_logs too, as refusals.
    const logged = () => count('SELECT count(*)::int AS n FROM usage_logs WHERE user_id = $1 AND refusal IS NULL');

    // Two served by Redis, their records in the stream; a third in flight.
    assert.equal((await chat('one')).status, 200);
    assert.equal((await chat('two')).status, 200);
    assert.equal(await booked(), 0, 'nothing has reached Postgres yet');
    const inFlight = chat('hold').then((res) => res.status);
    await new Promise((resolve) => setTimeout(resolve, 300));

    await redis.service.stop();
    const afterLoss: number[] = [];
    for (let i = 0; i < 25; i += 1) afterLoss.push((await chat(`after ${i}`)).status);
    upstream.release();
    assert.equal(await inFlight, 200);

    const served = afterLoss.filter((s) => s === 200).length;
    assert.deepEqual(afterLoss.slice(served), [429, 429, 429], afterLoss.join(' '));
    assert.equal(served, 22, '25 a day: two before, one in flight, 22 after');
    assert.equal(await booked(), 25);
    assert.equal(await logged(), 25, 'the records the stream held are in usage_logs too');
  });
});
