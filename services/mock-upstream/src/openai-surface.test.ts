import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MOCK_ORGANIZATION, MOCK_PROJECT, createMockUpstream } from './index.js';
import { errorOf, mockForThisFile, postJson, readUntilEnd } from './test-support.js';

const upstream = mockForThisFile();

const messages = [{ role: 'user', content: 'ping' }];

function chat(model: string, authorization?: string): Promise<Response> {
  return postJson(`${upstream.base}/v1/chat/completions`, { model, messages }, authorization === undefined ? {} : { authorization });
}

function assertOpenAIHeaders(res: Response, what: string): void {
  const h = res.headers;
  assert.equal(h.get('openai-organization'), MOCK_ORGANIZATION, what);
  assert.equal(h.get('openai-project'), MOCK_PROJECT, what);
  assert.equal(h.get('openai-version'), '2020-10-01', what);
  assert.match(h.get('openai-processing-ms') ?? '', /^\d+$/, what);
  assert.match(h.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/, what);
  for (const name of ['requests', 'tokens']) {
    assert.match(h.get(`x-ratelimit-limit-${name}`) ?? '', /^\d+$/, what);
    assert.match(h.get(`x-ratelimit-remaining-${name}`) ?? '', /^\d+$/, what);
    assert.match(h.get(`x-ratelimit-reset-${name}`) ?? '', /^\d+m?s$/, what);
  }
  assert.match(h.get('cf-ray') ?? '', /^[0-9a-f]{16}-[A-Z]{3}$/, what);
  const cookies = h.getSetCookie();
  assert.ok(
    cookies.some((c) => /^__cf_bm=[^;]+; path=\/; .*HttpOnly; Secure; SameSite=None$/.test(c)),
    `${what}: ${cookies.join(' | ')}`,
  );
}

describe('headers as api.openai.com sends them', () => {
  test("every /v1 answer carries them: lists, streams, errors and unknown paths alike, but not the mock's own endpoints", async () => {
    const answers: [string, Response][] = [
      ['models', await fetch(`${upstream.base}/v1/models`)],
      ['model', await fetch(`${upstream.base}/v1/models/gpt-4o`)],
      ['model 404', await fetch(`${upstream.base}/v1/models/nope`)],
      ['chat', await chat('gpt-4o')],
      ['responses stream', await postJson(`${upstream.base}/v1/responses`, { model: 'mock-tools', input: 'hi', stream: true })],
      ['bad request', await postJson(`${upstream.base}/v1/chat/completions`, { model: 'gpt-4o' })],
      ['injected 503', await chat('mock-error-503')],
      ['empty stream', await postJson(`${upstream.base}/v1/responses`, { model: 'mock-empty-stream', input: 'hi', stream: true })],
      ['unknown path', await fetch(`${upstream.base}/v1/assistants`)],
    ];
    for (const [what, res] of answers) {
      assertOpenAIHeaders(res, what);
      await readUntilEnd(res);
    }
    for (const path of ['/healthz', '/__mock/config', '/__mock/stats']) {
      const res = await fetch(upstream.base + path);
      assert.equal(res.headers.get('openai-organization'), null, path);
      assert.deepEqual(res.headers.getSetCookie(), [], path);
      await res.text();
    }
  });

  test('openai-processing-ms counts the time until the headers went out', async () => {
    const res = await chat('mock-slow-150');
    assert.ok(Number(res.headers.get('openai-processing-ms')) >= 140);
    await res.text();
  });
});

describe("authentication and account errors in OpenAI's words", () => {
  const key = 'sk-abcdefghijklmnopqrstuvwxyz0123456789ABCDwxyz';

  test('mock-error-401 masks the bearer token it received', async () => {
    const res = await chat('mock-error-401', `Bearer ${key}`);
    assert.equal(res.status, 401);
    const text = await res.text();
    assert.ok(!text.includes(key.slice(7, -4)), "the key's middle never shows");
    assert.deepEqual(JSON.parse(text).error, {
      message: 'Incorrect API key provided: sk-abcd***wxyz. You can find your API key at https://platform.openai.com/account/api-keys.',
      type: 'invalid_request_error',
      param: null,
      code: 'invalid_api_key',
    });

    const short = await errorOf(await chat('mock-error-401', 'Bearer sk-test-wrong'));
    assert.match(short.message as string, /^Incorrect API key provided: sk-\*\*\*rong\. /);
    const tiny = await errorOf(await chat('mock-error-401', 'Bearer abcdef'));
    assert.match(tiny.message as string, /^Incorrect API key provided: abc\*\*\*\. /);
  });

  test('a 401 without a key says that none was provided', async () => {
    for (const authorization of [undefined, 'Basic Zm9vOmJhcg==', 'Bearer ']) {
      const error = await errorOf(await chat('mock-error-401', authorization));
      assert.match(error.message as string, /^You didn't provide an API key\. You need to provide your API key in an Authorization header using Bearer auth/);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.code, null);
    }
  });

  test('a MOCK_API_KEY mismatch is the same 401, with the key that was sent masked', async () => {
    const secured = createMockUpstream({ apiKey: 'sk-the-right-key-0000' });
    const { url } = await secured.listen(0, '127.0.0.1');
    try {
      const res = await postJson(`${url}/v1/responses`, { model: 'gpt-5-codex', input: 'hi' }, { authorization: `Bearer ${key}` });
      assert.equal(res.status, 401);
      assertOpenAIHeaders(res, '401');
      const error = await errorOf(res);
      assert.equal(error.code, 'invalid_api_key');
      assert.ok((error.message as string).startsWith('Incorrect API key provided: sk-abcd***wxyz.'));
    } finally {
      await secured.close();
    }
  });

  test('mock-error-403 names the organization', async () => {
    const res = await chat('mock-error-403');
    assert.equal(res.status, 403);
    const error = await errorOf(res);
    assert.equal(error.type, 'invalid_request_error');
    assert.ok((error.message as string).startsWith(`Your organization ${MOCK_ORGANIZATION} must be verified to use the model 'mock-error-403'.`));
  });

  test('mock-error-429 quotes the requests-per-minute limit the way OpenAI does', async () => {
    const res = await chat('mock-error-429');
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(res.headers.get('x-ratelimit-remaining-requests'), '0');
    assert.deepEqual(await errorOf(res), {
      message: `Rate limit reached for mock-error-429 in organization ${MOCK_ORGANIZATION} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    });
  });
});
