import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, deriveChannelKey, loadConfig, parseChannelKey } from '../infra/config.js';
import { createChannelSealer, SealedValueError } from '../features/channels/channel-crypto.js';
import { modelAllowed } from '../features/models/model-catalogue.js';
import { costMicros, dollarAmount, dollarsToMicros, isWholeMicros, microsToDollars } from './money.js';

const price = (input: number, cachedInput: number, output: number, cacheWrite = input) => ({
  inputPriceMicros: input,
  cachedInputPriceMicros: cachedInput,
  cacheWritePriceMicros: cacheWrite,
  outputPriceMicros: output,
});

describe('what a request costs', () => {
  test('uncached prompt, cached prompt and completion tokens each at their price per million', () => {
    // $2.50 / $1.25 / $10 per million: 600 + 400 cached + 500 completion tokens = $0.0015 + $0.0005 + $0.005.
    assert.equal(costMicros(price(2_500_000, 1_250_000, 10_000_000), { promptTokens: 1000, cachedTokens: 400, completionTokens: 500 }), 7000);
    assert.equal(costMicros(price(2_500_000, 1_250_000, 10_000_000), { promptTokens: 0, cachedTokens: 0, completionTokens: 0 }), 0);
  });

  test('cache writes at their own price, within the prompt (Anthropic: input, cache read, cache write, output)', () => {
    // Claude Sonnet 4.5: $3 input, $0.30 cache read, $3.75 cache write, $15 output per million.
    // 1,000 prompt = 100 uncached + 300 read + 600 written; 200 output = $0.0003 + $0.00009 + $0.00225 + $0.003.
    const sonnet = price(3_000_000, 300_000, 15_000_000, 3_750_000);
    assert.equal(costMicros(sonnet, { promptTokens: 1000, cachedTokens: 300, cacheWriteTokens: 600, completionTokens: 200 }), 5640);
    // Writes never count past what the cache did not already serve.
    assert.equal(costMicros(sonnet, { promptTokens: 1000, cachedTokens: 300, cacheWriteTokens: 5000, completionTokens: 0 }), 90 + 2625);
  });

  test('rounds half a micro-dollar up and less down', () => {
    assert.equal(costMicros(price(1, 1, 1), { promptTokens: 500_000, cachedTokens: 0, completionTokens: 0 }), 1);
    assert.equal(costMicros(price(1, 1, 1), { promptTokens: 499_999, cachedTokens: 0, completionTokens: 0 }), 0);
    assert.equal(costMicros(price(3, 1, 7), { promptTokens: 100_000, cachedTokens: 50_000, completionTokens: 100_000 }), 1);
  });

  test('cached tokens never count more than the prompt, and odd counts cost nothing', () => {
    assert.equal(costMicros(price(1_000_000, 0, 0), { promptTokens: 10, cachedTokens: 50, completionTokens: 0 }), 0);
    assert.equal(costMicros(price(1_000_000, 1_000_000, 1_000_000), { promptTokens: -5, cachedTokens: Number.NaN, completionTokens: 2.9 }), 2);
  });

  test('stays exact where a double would not: products past 2^53', () => {
    const dear = 1_000_000_000_001;
    assert.equal(costMicros(price(dear, dear, dear), { promptTokens: 9_007_199, cachedTokens: 0, completionTokens: 0 }), 9_007_199_000_009);
    // 500 000 · (10^12 + 1) = 5·10^17 + 500 000: a double loses the half micro-dollar and rounds down.
    assert.equal(costMicros(price(dear, dear, dear), { promptTokens: 500_000, cachedTokens: 0, completionTokens: 0 }), 500_000_000_001);
    assert.equal(costMicros(price(1e12, 1e12, 1e12), { promptTokens: 2_000_000, cachedTokens: 1_000_000, completionTokens: 10_000_000 }), 12e12);
  });
});

describe('dollars and micro-dollars', () => {
  test('round-trip exactly', () => {
    for (const [dollars, micros] of [
      [1.25, 1_250_000],
      [1.1, 1_100_000],
      [0.000001, 1],
      [0, 0],
      [123456.789012, 123_456_789_012],
      [1_000_000_000, 1e15],
    ] as const) {
      assert.equal(dollarsToMicros(dollars), micros, `${dollars}`);
      assert.equal(microsToDollars(micros), dollars, `${micros}`);
    }
    assert.equal(dollarsToMicros(0.1 + 0.2), 300_000);
  });

  test('more than six decimals is refused, float noise is not', () => {
    assert.equal(isWholeMicros(1.0000001), false);
    assert.equal(isWholeMicros(0.1 + 0.2), true);
    assert.equal(isWholeMicros(Number.NaN), false);
    assert.equal(dollarAmount(10).safeParse(10.5).success, false);
    assert.equal(dollarAmount(10).safeParse(-0.5).success, false);
    assert.deepEqual(dollarAmount(10).safeParse(2.5), { success: true, data: 2_500_000 });
  });
});

describe('which models a plan allows', () => {
  test('an empty list allows all; otherwise the name, the catalogue entry that priced it, or a family', () => {
    assert.equal(modelAllowed([], 'anything'), true);
    assert.equal(modelAllowed(['gpt-4o'], 'gpt-4o'), true);
    assert.equal(modelAllowed(['gpt-4o'], 'gpt-4o-mini'), false);
    assert.equal(modelAllowed(['gpt-4o*'], 'gpt-4o-mini'), true);
    assert.equal(modelAllowed(['gpt-4o*'], 'gpt-4'), false);
    assert.equal(modelAllowed(['o3'], 'o3-2025-04-16', 'o3'), true, 'the entry that priced it');
    assert.equal(modelAllowed(['o3'], 'o3-2025-04-16', 'o3*'), false);
    assert.equal(modelAllowed(['*'], 'whatever/model:1'), true);
  });
});

describe('sealing channel keys', () => {
  const key = parseChannelKey('ab'.repeat(32))!;

  test('AES-256-GCM with a fresh IV each time, versioned; a wrong key or an altered value is refused without showing either', () => {
    const sealer = createChannelSealer(key);
    const one = sealer.seal('sk-upstream-0123456789');
    const two = sealer.seal('sk-upstream-0123456789');
    assert.match(one, /^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    assert.notEqual(one, two);
    assert.equal(sealer.open(one), 'sk-upstream-0123456789');
    const [v, iv, tag, body] = one.split(':');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0]! ^= 1;
    assert.throws(() => sealer.open([v, iv, tag, flipped.toString('base64')].join(':')), SealedValueError);
    assert.throws(() => sealer.open('v2:a:b:c'), SealedValueError);
    assert.throws(
      () => createChannelSealer(deriveChannelKey('another pepper of at least 32 characters')).open(one),
      (err: Error) => err instanceof SealedValueError && !err.message.includes('sk-upstream') && !err.message.includes('ab'.repeat(8)),
    );
  });

  test('CHANNEL_ENCRYPTION_KEY takes 64 hex characters or base64 of 32 bytes; unset, it is derived from KEY_PEPPER', () => {
    const env = { DATABASE_URL: 'postgres://localhost/x', KEY_PEPPER: 'p'.repeat(32) };
    assert.deepEqual(loadConfig({ ...env, CHANNEL_ENCRYPTION_KEY: 'ab'.repeat(32) }).channels.encryptionKey, key);
    assert.deepEqual(loadConfig({ ...env, CHANNEL_ENCRYPTION_KEY: key.toString('base64') }).channels.encryptionKey, key);
    assert.deepEqual(loadConfig({ ...env, CHANNEL_ENCRYPTION_KEY: key.toString('base64url') }).channels.encryptionKey, key);
    const derived = loadConfig(env).channels.encryptionKey;
    assert.equal(derived.length, 32);
    assert.deepEqual(derived, deriveChannelKey('p'.repeat(32)));
    assert.notDeepEqual(derived, deriveChannelKey('q'.repeat(32)));
    for (const bad of ['ab'.repeat(31), 'not a key', Buffer.alloc(16).toString('base64')]) {
      assert.throws(
        () => loadConfig({ ...env, CHANNEL_ENCRYPTION_KEY: bad }),
        (err: Error) => err instanceof ConfigError && /CHANNEL_ENCRYPTION_KEY/.test(err.message),
      );
    }
  });
});
