import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, mockForThisFile, postJson } from './test-support.js';

const upstream = mockForThisFile();

interface EmbeddingList {
  object: string;
  data: { object: string; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

async function embed(body: Record<string, unknown>): Promise<EmbeddingList> {
  const res = await postJson(`${upstream.base}/v1/embeddings`, { model: 'text-embedding-3-small', ...body });
  assert.equal(res.status, 200);
  return (await res.json()) as EmbeddingList;
}

function vectorOf(list: EmbeddingList, i = 0): number[] {
  const embedding = list.data[i]?.embedding;
  assert.ok(Array.isArray(embedding));
  return embedding;
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, v) => sum + v * v, 0));
}

describe('POST /v1/embeddings', () => {
  test("a string gets one unit-length float vector of the model's size in OpenAI's list shape, with usage", async () => {
    const body = await embed({ input: 'The food was delicious', user: 'user-1' });
    assert.deepEqual(Object.keys(body), ['object', 'data', 'model', 'usage']);
    assert.equal(body.object, 'list');
    assert.equal(body.model, 'text-embedding-3-small');
    assert.equal(body.data.length, 1);
    assert.deepEqual(Object.keys(body.data[0] ?? {}), ['object', 'index', 'embedding']);
    assert.equal(body.data[0]?.object, 'embedding');
    assert.equal(body.data[0]?.index, 0);
    const vector = vectorOf(body);
    assert.equal(vector.length, 1536);
    assert.ok(Math.abs(norm(vector) - 1) < 1e-5);
    assert.ok(
      vector.every((v) => v === Math.fround(v)),
      'float32 values',
    );
    // "The food was delicious" is 22 characters: ceil(22 / 4) = 6 tokens.
    assert.deepEqual(body.usage, { prompt_tokens: 6, total_tokens: 6 });
  });

  test('vectors are deterministic: the same text the same vector on every request, another text another one', async () => {
    const [a, b, c] = await Promise.all([embed({ input: 'hello' }), embed({ input: 'hello' }), embed({ input: 'hello!' })]);
    assert.deepEqual(vectorOf(a), vectorOf(b));
    assert.notDeepEqual(vectorOf(a), vectorOf(c));
  });

  test('an array of strings gets one vector per string, in order, and the tokens summed', async () => {
    const body = await embed({ input: ['a', 'hello there', 'a'] });
    assert.deepEqual(
      body.data.map((d) => d.index),
      [0, 1, 2],
    );
    assert.deepEqual(vectorOf(body, 0), vectorOf(body, 2));
    assert.deepEqual(vectorOf(body, 1), vectorOf(await embed({ input: 'hello there' })));
    assert.deepEqual(body.usage, { prompt_tokens: 1 + 3 + 1, total_tokens: 5 });
  });

  test('token arrays count their length: one array is one input, an array of arrays one input each', async () => {
    const one = await embed({ input: [1, 2, 3, 4, 5] });
    assert.equal(one.data.length, 1);
    assert.equal(one.usage.prompt_tokens, 5);
    const many = await embed({ input: [[1, 2], [3]] });
    assert.equal(many.data.length, 2);
    assert.equal(many.usage.prompt_tokens, 3);
  });

  test('text-embedding-3-large has 3072 dimensions; dimensions shortens a vector to its prefix, normalised again', async () => {
    assert.equal(vectorOf(await embed({ model: 'text-embedding-3-large', input: 'x' })).length, 3072);
    assert.equal(vectorOf(await embed({ model: 'mock-slow-1', input: 'x' })).length, 1536, 'other models get 1536');
    const full = vectorOf(await embed({ input: 'shorten me' }));
    const short = vectorOf(await embed({ input: 'shorten me', dimensions: 256 }));
    assert.equal(short.length, 256);
    assert.ok(Math.abs(norm(short) - 1) < 1e-5);
    const prefixNorm = norm(full.slice(0, 256));
    assert.ok(short.every((v, i) => Math.abs(v - (full[i] ?? 0) / prefixNorm) < 1e-6));
  });

  test('base64 is the same float32 values as little-endian bytes', async () => {
    const floats = vectorOf(await embed({ input: 'encode me', dimensions: 64 }));
    const encoded = (await embed({ input: 'encode me', dimensions: 64, encoding_format: 'base64' })).data[0]?.embedding;
    assert.equal(typeof encoded, 'string');
    const bytes = Buffer.from(encoded as string, 'base64');
    assert.equal(bytes.length, 64 * 4);
    assert.deepEqual(
      floats.map((_, i) => bytes.readFloatLE(i * 4)),
      floats,
    );
  });

  test("bad input is OpenAI's 400: empty input, a missing field, a bad encoding, dimensions for ada-002 or beyond the model's", async () => {
    const invalidInput = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";
    for (const input of ['', [], [''], [[]], [1, 'a'], [{}], 42, [-1]]) {
      const res = await postJson(`${upstream.base}/v1/embeddings`, { model: 'text-embedding-3-small', input });
      assert.equal(res.status, 400, JSON.stringify(input));
      assert.deepEqual(await errorOf(res), { message: invalidInput, type: 'invalid_request_error', param: null, code: null });
    }
    const cases: [Record<string, unknown>, string | null][] = [
      [{ model: 'text-embedding-3-small' }, 'input'],
      [{ input: 'x' }, 'model'],
      [{ model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
      [{ model: 'text-embedding-ada-002', input: 'x', dimensions: 256 }, 'dimensions'],
      [{ model: 'text-embedding-3-small', input: 'x', dimensions: 1537 }, 'dimensions'],
      [{ model: 'text-embedding-3-small', input: 'x', dimensions: 0 }, 'dimensions'],
    ];
    for (const [body, param] of cases) {
      const res = await postJson(`${upstream.base}/v1/embeddings`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal((await errorOf(res)).param, param, JSON.stringify(body));
    }
  });

  test('behaviours by model name and injected failures apply; requests are counted and logged', async () => {
    const failed = await postJson(`${upstream.base}/v1/embeddings`, { model: 'mock-error-500', input: 'x' });
    assert.equal(failed.status, 500);
    assert.equal((await errorOf(failed)).type, 'server_error');
    upstream.mock.setConfig({ failNext: 1 });
    const injected = await postJson(`${upstream.base}/v1/embeddings`, { model: 'text-embedding-3-small', input: 'x' });
    assert.equal(injected.status, 500);
    await injected.text();
    await assert.rejects(postJson(`${upstream.base}/v1/embeddings`, { model: 'mock-drop-after-0', input: 'x' }));
    const started = performance.now();
    await embed({ model: 'mock-slow-100', input: 'x' });
    assert.ok(performance.now() - started >= 90);
    assert.ok((upstream.mock.stats().byEndpoint['/v1/embeddings'] ?? 0) >= 4);
    assert.equal(upstream.mock.requests().at(-1)?.model, 'mock-slow-100');
    const get = await fetch(`${upstream.base}/v1/embeddings`);
    assert.equal(get.status, 405);
    await get.text();
  });
});
