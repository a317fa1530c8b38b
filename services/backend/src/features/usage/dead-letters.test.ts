import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { Redis } from 'ioredis';
import pg from 'pg';
import { adminApi, getWithKey, metricSum, postJson, testStack, waitFor, waitForRows } from '@codex-gateway/stack/testing';
import { createDeadLetters } from './usage-dead-letters.js';
import { toStreamFields, USAGE_STREAM, type UsageRecord } from './usage-record.js';

const stack = testStack();
const admin = adminApi(stack);

function record(userId: number, apiKeyId: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    requestId: randomUUID(),
    userId,
    apiKeyId,
    model: 'gpt-4o-mini',
    promptTokens: 3,
    completionTokens: 7,
    cachedTokens: 0,
    cacheWriteTokens: 0,
    unit: '',
    units: 0,
    reasoningTokens: 0,
    costMicros: 0,
    channel: 'default',
    statusCode: 200,
    latencyMs: 12,
    stream: false,
    createdAt: Date.now(),
    usageDate: new Date().toISOString().slice(0, 10),
    billed: true,
    requestCounted: false,
    refusal: '',
    ...extra,
  };
}

/** The dead letters that carry one of these request ids. */
async function lettersFor(requestIds: string[]) {
  const redis = new Redis(stack.redisUrl);
  try {
    const all = await createDeadLetters(redis).list(10_000);
    return all.filter((l) => requestIds.some((id) => l.fields.includes(id)));
  } finally {
    redis.disconnect();
  }
}

describe('usage records that Postgres refuses', () => {
  test('a model name with a NUL, control characters or a megabyte of text is refused at the edge with a 400, and counts nothing', async () => {
    const { key } = await admin.customer();
    for (const model of ['gpt\u0000mini', 'gpt\u0007', 'two\nlines', 'del\u007f', 'x'.repeat(257), 'm'.repeat(1_000_000)]) {
      for (const [path, body] of [
        ['/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }],
        ['/v1/responses', { model, input: 'hi' }],
      ] as const) {
        const res = await postJson(`${stack.gatewayUrl}${path}`, key, body);
        assert.equal(res.status, 400, `${JSON.stringify(model.slice(0, 20))} on ${path}`);
        assert.equal(res.body.error.code, 'invalid_model');
        assert.equal(res.body.error.param, 'model');
      }
    }
    const usage = JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body);
    assert.equal(usage.request_count, 0);
    // Printable names, however unusual, pass the edge: the catalogue decides (this one it does not sell).
    const unusual = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, {
      model: 'gpt-4o-mini ✓ 模型',
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(unusual.status, 404);
    assert.equal(unusual.body.error.code, 'model_not_found');
  });

  test('a record Postgres refuses becomes a dead letter, with a metric, and every other record is written', async () => {
    const { userId, keyId } = await admin.customer();
    const deadBefore = await metricSum('usage_dead_letters_total');
    const good = Array.from({ length: 10 }, () => record(userId, keyId));
    // A NUL is refused by Postgres ("invalid byte sequence"); the edge refuses it now, but
    // a record written before, or by a bug, must not stall a flusher.
    const bad = record(userId, keyId, { model: 'bad\u0000model' });
    const redis = new Redis(stack.redisUrl);
    try {
      const batch = redis.multi();
      for (const r of [...good.slice(0, 5), bad, ...good.slice(5)]) batch.xadd(USAGE_STREAM, '*', ...toStreamFields(r));
      await batch.exec();
    } finally {
      redis.disconnect();
    }

    const rows = await waitForRows<{ request_id: string }>('SELECT request_id FROM usage_logs WHERE user_id = $1', [userId], (r) => r.length >= 10);
    assert.deepEqual(rows.map((r) => r.request_id).sort(), good.map((r) => r.requestId).sort());
    const [day] = await waitForRows<{ request_count: number; prompt_tokens: number }>(
      'SELECT request_count::int, prompt_tokens::int FROM daily_usage WHERE user_id = $1',
      [userId],
      (r) => r[0]?.request_count === 10,
    );
    assert.equal(day!.prompt_tokens, 30);

    await waitFor('the dead letter', async () => (await lettersFor([bad.requestId])).length === 1, 10_000, 100);
    const [letter] = await lettersFor([bad.requestId]);
    assert.match(letter!.reason, /postgres refused it: invalid byte sequence/);
    assert.ok(letter!.fields.includes('bad\u0000model'), 'the record is kept as it was');
    assert.ok((await metricSum('usage_dead_letters_total')) >= deadBefore + 1);
    assert.ok((await metricSum('usage_dead_letters')) >= 1, 'the backlog of dead letters is visible');

    const cleanup = new Redis(stack.redisUrl);
    await createDeadLetters(cleanup).drop([letter!.id]);
    cleanup.disconnect();
  });

  test('a dead letter replays once its cause is fixed', async () => {
    // A record for a user the database does not know (yet): daily_usage's foreign key refuses it.
    const missingUser = 9_000_000_000 + Math.floor(Math.random() * 1_000_000);
    const orphan = record(missingUser, 0);
    const redis = new Redis(stack.redisUrl);
    const letters = createDeadLetters(redis);
    const db = new pg.Client({ connectionString: stack.postgres.primaryUrl });
    await db.connect();
    try {
      await redis.xadd(USAGE_STREAM, '*', ...toStreamFields(orphan));
      await waitFor('the dead letter', async () => (await lettersFor([orphan.requestId])).length === 1, 10_000, 100);
      const [letter] = await lettersFor([orphan.requestId]);
      assert.match(letter!.reason, /foreign key/);

      await db.query(`INSERT INTO users (id, email) VALUES ($1, $2)`, [missingUser, `restored-${missingUser}@example.test`]);
      assert.equal(await letters.replay([letter!.id]), 1);
      const rows = await waitForRows<{ request_id: string }>(
        'SELECT request_id FROM usage_logs WHERE request_id = $1',
        [orphan.requestId],
        (r) => r.length === 1,
      );
      assert.equal(rows.length, 1);
      assert.deepEqual(await lettersFor([orphan.requestId]), [], 'replayed, not copied');
    } finally {
      redis.disconnect();
      await db.end();
    }
  });
});
