import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import zlib from 'node:zlib';
import { Redis } from 'ioredis';
import { adminApi, getWithKey, postJson, testStack } from '@codex-gateway/stack/testing';
import { RESERVE, SETTLE } from '../quota/quota-scripts.js';

const stack = testStack();
const admin = adminApi(stack);
const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], ...extra });

async function usage(key: string) {
  return JSON.parse((await getWithKey(`${stack.gatewayUrl}/v1/usage`, key)).body) as { request_count: number; total_tokens: number; reserved_tokens: number };
}

/** Every encoding express decodes; zstd where this Node has it. */
const encodings: Array<[string, (b: Buffer) => Buffer]> = [
  ['gzip', (b) => zlib.gzipSync(b)],
  ['deflate', (b) => zlib.deflateSync(b)],
  ['br', (b) => zlib.brotliCompressSync(b)],
  ...('zstdCompressSync' in zlib
    ? [['zstd', (b: Buffer) => (zlib as unknown as { zstdCompressSync(b: Buffer): Buffer }).zstdCompressSync(b)] as [string, (b: Buffer) => Buffer]]
    : []),
];

describe('what a request may reserve', () => {
  test('a compressed body is estimated from its decoded text: 270k tokens of gzip, deflate or br do not pass a 3,000-token limit', async () => {
    const { key } = await admin.customer({ daily_token_limit: 3000 });
    // About 270k tokens of text that compresses to a few kilobytes.
    const body = Buffer.from(JSON.stringify(chat({ messages: [{ role: 'user', content: 'token '.repeat(180_000) }], max_tokens: 16 })));
    for (const [encoding, compress] of encodings) {
      const packed = compress(body);
      assert.ok(packed.length < 20_000, `${encoding} body is small on the wire (${packed.length} bytes)`);
      const res = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-encoding': encoding },
        body: packed,
      });
      const answer = (await res.json()) as { error?: { code: string } };
      assert.equal(res.status, 429, `${encoding}: ${JSON.stringify(answer)}`);
      assert.equal(answer.error?.code, 'daily_token_limit_exceeded');
    }
    // A small compressed request is decoded and served.
    const small = zlib.gzipSync(Buffer.from(JSON.stringify(chat({ max_tokens: 16 }))));
    const ok = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: small,
    });
    assert.equal(ok.status, 200);
    assert.equal((await usage(key)).request_count, 1);
  });

  test('an image counts a fixed cost, not its base64 characters: a 400 kB image passes a 3,000-token limit', async () => {
    const { key } = await admin.customer({ daily_token_limit: 3000 });
    const image = `data:image/png;base64,${Buffer.alloc(300_000, 7).toString('base64')}`;
    const withImage = (part: Record<string, unknown>) =>
      chat({ max_tokens: 16, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, part] }] });
    const chatImage = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, withImage({ type: 'image_url', image_url: { url: image } }));
    assert.equal(chatImage.status, 200, JSON.stringify(chatImage.body));
    const responsesImage = await postJson(`${stack.gatewayUrl}/v1/responses`, key, {
      model: 'gpt-5-codex',
      max_output_tokens: 16,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Describe it' },
            { type: 'input_image', image_url: image },
          ],
        },
      ],
    });
    assert.equal(responsesImage.status, 200, JSON.stringify(responsesImage.body));
  });

  test('an absurd max_tokens or n is a 400 that counts nothing, and the key keeps working', async () => {
    const { key } = await admin.customer({ daily_request_limit: 10 });
    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['/v1/chat/completions', chat({ max_tokens: 1e20 }), 'invalid_max_tokens'],
      ['/v1/chat/completions', chat({ max_tokens: 9000000000000000000 }), 'invalid_max_tokens'],
      ['/v1/chat/completions', chat({ max_completion_tokens: 2_000_000 }), 'invalid_max_tokens'],
      ['/v1/chat/completions', chat({ max_tokens: 1.5 }), 'invalid_max_tokens'],
      ['/v1/chat/completions', chat({ max_tokens: '100' }), 'invalid_max_tokens'],
      ['/v1/chat/completions', chat({ n: 1000 }), 'invalid_n'],
      ['/v1/chat/completions', chat({ n: 0 }), 'invalid_n'],
      ['/v1/responses', { model: 'gpt-5-codex', input: 'x', max_output_tokens: 1e300 }, 'invalid_max_tokens'],
    ];
    for (const [path, body, code] of bad) {
      const res = await postJson(`${stack.gatewayUrl}${path}`, key, body);
      assert.equal(res.status, 400, `${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, code);
      assert.equal(res.body.error.type, 'invalid_request_error');
    }
    const after = await usage(key);
    assert.equal(after.request_count, 0);
    assert.equal(after.reserved_tokens, 0);
    assert.equal((await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ max_tokens: 1_000_000 }))).status, 200);
  });

  test('the reservation scales with the number of choices n', async () => {
    const { key } = await admin.customer({ daily_token_limit: 3000 });
    const four = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ n: 4, max_tokens: 1000 }));
    assert.equal(four.status, 429);
    assert.equal(four.body.error.code, 'daily_token_limit_exceeded');
    const two = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ n: 2, max_tokens: 1000 }));
    assert.equal(two.status, 200);
  });

  test('a quota script given a bad argument writes nothing at all', async () => {
    const redis = new Redis(stack.redisUrl);
    try {
      const quota = `cg:q:test-args-${process.pid}:2026-01-01`;
      const rate = `cg:rl:test-args-${process.pid}:1`;
      const recovering = `cg:test-args-${process.pid}:not-recovering`;
      const fiveHour = `cg:test-args-${process.pid}:w5`;
      const week = `cg:test-args-${process.pid}:w7`;
      const streams = `cg:test-args-${process.pid}:streams`;
      await redis.del(quota, rate, fiveHour, week, streams);
      // See quota-scripts.ts for the order of the keys and arguments.
      const keys = [7, quota, rate, recovering, fiveHour, week, streams, `${quota}:leases`] as const;
      const reserveArgs = (estimate: string | number) => [
        10,
        1000,
        -1,
        estimate,
        0,
        5,
        0,
        0,
        0,
        0,
        60,
        61000,
        Date.now(),
        3,
        -1,
        -1,
        18_000_000,
        -1,
        -1,
        -1,
        604_800_000,
        2,
        3_600_000,
        1,
        0,
        'req-1',
      ];
      for (const estimate of ['1e20', '9000000000000000000', '1.5', '-5', 'x']) {
        await assert.rejects(redis.eval(RESERVE, ...keys, ...reserveArgs(estimate)), /not an integer in range/);
        assert.equal(await redis.exists(quota, rate, fiveHour, streams), 0, `no counter was created for estimate ${estimate}`);
      }
      const admitted = (await redis.eval(RESERVE, ...keys, ...reserveArgs(100))) as number[];
      assert.deepEqual(admitted.slice(0, 3), [1, 1, 100]);
      const before = [await redis.hgetall(quota), await redis.hgetall(fiveHour), await redis.zrange(streams, 0, -1)];
      for (const bad of [
        ['1e20', 0, 5, 5, 0, 0, admitted[3], 0, 'req-1', ''],
        [100, 0, '5.5', 5, 0, 0, admitted[3], 0, 'req-1', ''],
        [100, 0, 5, -3, 0, 0, admitted[3], 0, 'req-1', ''],
      ]) {
        await assert.rejects(
          redis.eval(SETTLE, 5, quota, fiveHour, week, streams, `${quota}:leases`, ...(bad as Array<string | number>)),
          /not an integer in range/,
        );
        assert.deepEqual(
          [await redis.hgetall(quota), await redis.hgetall(fiveHour), await redis.zrange(streams, 0, -1)],
          before,
          `settle ${bad.join(',')} changed nothing`,
        );
      }
      await redis.del(quota, rate, fiveHour, week, streams);
    } finally {
      redis.disconnect();
    }
  });

  test('model names that are names of Object.prototype are looked up as names: sold, they reach the upstream as they are; unsold, a 404', async () => {
    const { key } = await admin.customer();
    const sold = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];
    for (const model of sold) assert.equal((await admin.call('POST', '/models', { name: model, input_price: 0, output_price: 0 })).status, 201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      for (const model of sold) {
        const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ model }));
        assert.equal(res.status, 200, `${model}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.model, model);
      }
      for (const model of ['__proto__', 'prototype', '__defineGetter__']) {
        const res = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ model }));
        assert.equal(res.status, 404, `${model}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.error.code, 'model_not_found');
      }
    } finally {
      for (const model of sold) await admin.call('DELETE', `/models/${model}`);
    }
  });
});
