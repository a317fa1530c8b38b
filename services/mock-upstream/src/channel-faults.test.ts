import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createMockUpstream } from './index.js';
import { errorOf, mockForThisFile, postJson, withMock } from './test-support.js';

const upstream = mockForThisFile({ name: 'channel-a' });

const messages = [{ role: 'user', content: 'ping' }];

function chat(base: string, model = 'gpt-4o', headers: Record<string, string> = {}): Promise<Response> {
  return postJson(`${base}/v1/chat/completions`, { model, messages }, headers);
}

function responses(base: string, headers: Record<string, string> = {}): Promise<Response> {
  return postJson(`${base}/v1/responses`, { model: 'gpt-5-codex', input: 'ping' }, headers);
}

function config(base: string, patch: unknown): Promise<Response> {
  return fetch(`${base}/__mock/config`, { method: 'POST', body: JSON.stringify(patch) });
}

describe('failStatus: a channel that keeps failing', () => {
  test('every generation request answers that status in OpenAI words; models and health stay up', async () => {
    await withMock({}, async (mock, base) => {
      assert.equal((await config(base, { failStatus: 503 })).status, 200);
      for (const res of [await chat(base), await responses(base), await chat(base, 'mock-tools')]) {
        assert.equal(res.status, 503);
        assert.deepEqual(await errorOf(res), {
          message: 'The engine is currently overloaded, please try again later.',
          type: 'server_error',
          param: null,
          code: null,
        });
      }
      const models = await fetch(`${base}/v1/models`);
      assert.equal(models.status, 200);
      await models.text();
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      mock.setConfig({ failStatus: 0 });
      const ok = await chat(base);
      assert.equal(ok.status, 200, 'failStatus 0 turns it off');
      await ok.text();
    });
  });

  test("each status has OpenAI's shape: 429 rate limit, 401 the masked key, 403, other 5xx", async () => {
    await withMock({}, async (mock, base) => {
      mock.setConfig({ failStatus: 429 });
      const limited = await chat(base, 'gpt-4o-mini');
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '1', 'the default of mock-error-429');
      const rate = await errorOf(limited);
      assert.equal(rate.code, 'rate_limit_exceeded');
      assert.match(rate.message as string, /^Rate limit reached for gpt-4o-mini in organization /);

      mock.setConfig({ failStatus: 401 });
      const key = 'sk-proj-channelkey0000000000000000abcd';
      const denied = await errorOf(await chat(base, 'gpt-4o', { authorization: `Bearer ${key}` }));
      assert.equal(denied.code, 'invalid_api_key');
      assert.equal(denied.type, 'invalid_request_error');
      assert.match(denied.message as string, /^Incorrect API key provided: sk-proj\*\*\*abcd\. /);

      mock.setConfig({ failStatus: 403 });
      const forbidden = await responses(base);
      assert.equal(forbidden.status, 403);
      assert.equal((await errorOf(forbidden)).type, 'invalid_request_error');

      for (const status of [500, 502, 504]) {
        mock.setConfig({ failStatus: status });
        const res = await chat(base);
        assert.equal(res.status, status);
        assert.equal((await errorOf(res)).type, 'server_error');
      }
      mock.setConfig({ failStatus: 418 });
      const teapot = await chat(base);
      assert.equal(teapot.status, 418);
      assert.equal((await errorOf(teapot)).type, 'invalid_request_error');
    });
  });

  test('retryAfterSeconds puts Retry-After (whole seconds) and retry-after-ms on failStatus and failNext answers', async () => {
    await withMock({ failStatus: 429, retryAfterSeconds: 7 }, async (mock, base) => {
      const limited = await chat(base);
      assert.equal(limited.headers.get('retry-after'), '7');
      assert.equal(limited.headers.get('retry-after-ms'), '7000');
      await limited.text();

      mock.setConfig({ failStatus: 500, retryAfterSeconds: 2.5 });
      const failed = await responses(base);
      assert.equal(failed.status, 500);
      assert.equal(failed.headers.get('retry-after'), '3');
      assert.equal(failed.headers.get('retry-after-ms'), '2500');
      await failed.text();

      mock.setConfig({ failStatus: 0, failNext: 1, retryAfterSeconds: 4 });
      const next = await chat(base);
      assert.equal(next.status, 500);
      assert.equal(next.headers.get('retry-after'), '4');
      await next.text();

      mock.setConfig({ failStatus: 500, retryAfterSeconds: 0 });
      const plain = await chat(base);
      assert.equal(plain.headers.get('retry-after'), null, '0 is off');
      await plain.text();
      const ok = await fetch(`${base}/v1/models`);
      assert.equal(ok.headers.get('retry-after'), null, 'only injected failures carry it');
      await ok.text();
    });
  });

  test('failNext is used up before failStatus answers', async () => {
    await withMock({ failNext: 1, failStatus: 429 }, async (_mock, base) => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await chat(base);
        statuses.push(res.status);
        await res.text();
      }
      assert.deepEqual(statuses, [500, 429, 429]);
    });
  });
});

describe('apiKey at run time', () => {
  test('once set, API requests need it as a bearer token or an api-key header; null opens the mock again', async () => {
    await withMock({}, async (_mock, base) => {
      const set = await config(base, { apiKey: 'sk-channel-a-secret-1234' });
      assert.equal(((await set.json()) as { apiKey: string }).apiKey, 'sk-channel-a-secret-1234');

      const none = await errorOf(await chat(base));
      assert.match(none.message as string, /^You didn't provide an API key\./);
      const wrongBearer = await chat(base, 'gpt-4o', { authorization: 'Bearer sk-someone-elses-key-9876' });
      assert.equal(wrongBearer.status, 401);
      const wrong = await errorOf(wrongBearer);
      assert.equal(wrong.code, 'invalid_api_key');
      assert.equal(wrong.message, 'Incorrect API key provided: sk-som***9876. You can find your API key at https://platform.openai.com/account/api-keys.');
      const wrongAzure = await errorOf(await chat(base, 'gpt-4o', { 'api-key': 'azure-wrong-key-000000005555' }));
      assert.match(wrongAzure.message as string, /^Incorrect API key provided: azure-w\*\*\*5555\. /);
      const models = await fetch(`${base}/v1/models`, { headers: { authorization: 'Bearer sk-someone-elses-key-9876' } });
      assert.equal(models.status, 401, 'every API route, not only generation');
      assert.equal((await errorOf(models)).code, 'invalid_api_key', 'a probe of the models meets the same refusal');

      const good: Record<string, string>[] = [{ authorization: 'Bearer sk-channel-a-secret-1234' }, { 'api-key': 'sk-channel-a-secret-1234' }];
      for (const headers of good) {
        const ok = await chat(base, 'gpt-4o', headers);
        assert.equal(ok.status, 200, JSON.stringify(headers));
        await ok.text();
      }
      assert.equal((await fetch(`${base}/healthz`)).status, 200, 'health checks stay open');
      assert.equal((await fetch(`${base}/__mock/stats`)).status, 200, 'control routes stay open');

      await (await config(base, { apiKey: null })).text();
      const open = await chat(base);
      assert.equal(open.status, 200);
      await open.text();
    });
  });
});

describe('a 403 for one request, the key being fine', () => {
  test("no-model-access and region-blocked answer OpenAI's 403 bodies on both APIs, while the same key lists the models and serves other requests", async () => {
    await withMock({ apiKey: 'sk-channel-a-secret-1234' }, async (_mock, base) => {
      const auth = { authorization: 'Bearer sk-channel-a-secret-1234' };
      const cases = [
        [
          'mock-no-model-access',
          { type: 'invalid_request_error', code: 'model_not_found' },
          /^Project `proj_\w+` does not have access to model `mock-no-model-access`$/,
        ],
        ['mock-region-blocked', { type: 'request_forbidden', code: 'unsupported_country_region_territory' }, /^Country, region, or territory not supported$/],
      ] as const;
      for (const [model, fields, message] of cases) {
        for (const res of [await chat(base, model, auth), await postJson(`${base}/v1/responses`, { model, input: 'ping', stream: true }, auth)]) {
          assert.equal(res.status, 403, model);
          const error = await errorOf(res);
          assert.deepEqual({ type: error.type, code: error.code, param: error.param }, { ...fields, param: null });
          assert.match(error.message as string, message);
        }
      }
      const models = await fetch(`${base}/v1/models`, { headers: auth });
      assert.equal(models.status, 200, 'the key itself is accepted');
      await models.text();
      const other = await chat(base, 'gpt-4o', auth);
      assert.equal(other.status, 200);
      await other.text();
    });
  });

  test('a wrong key is refused before the request is looked at: 401, not the 403', async () => {
    await withMock({ apiKey: 'sk-channel-a-secret-1234' }, async (_mock, base) => {
      const res = await chat(base, 'mock-no-model-access', { authorization: 'Bearer sk-someone-elses-key-9876' });
      assert.equal(res.status, 401);
      assert.equal((await errorOf(res)).code, 'invalid_api_key');
    });
  });
});

describe('refuseConnections: a dead channel in a live process', () => {
  test('API requests lose their connection without an answer while /__mock/* keeps working', async () => {
    await withMock({ name: 'dead' }, async (mock, base) => {
      mock.setConfig({ refuseConnections: true });
      await assert.rejects(chat(base), TypeError);
      await assert.rejects(fetch(`${base}/v1/models`), TypeError);
      await assert.rejects(fetch(`${base}/healthz`), TypeError);
      const stats = (await (await fetch(`${base}/__mock/stats`)).json()) as { name: string; total: number };
      assert.deepEqual([stats.name, stats.total], ['dead', 3], 'the attempts are counted');
      assert.equal(mock.requests().length, 3, 'and logged');

      const revived = await config(base, { refuseConnections: false });
      assert.equal(((await revived.json()) as { refuseConnections: boolean }).refuseConnections, false);
      const ok = await chat(base);
      assert.equal(ok.status, 200);
      await ok.text();
    });
  });
});

describe('the instance name', () => {
  test('every answer carries x-mock-instance, and stats name it', async () => {
    const answers = [
      await chat(upstream.base),
      await chat(upstream.base, 'mock-error-503'),
      await postJson(`${upstream.base}/v1/responses`, { model: 'gpt-5-codex', input: 'hi', stream: true }),
      await fetch(`${upstream.base}/v1/models`),
      await fetch(`${upstream.base}/v1/nowhere`),
      await fetch(`${upstream.base}/__mock/stats`),
    ];
    for (const res of answers) {
      assert.equal(res.headers.get('x-mock-instance'), 'channel-a', res.url);
      await res.text();
    }
    assert.equal(upstream.mock.name, 'channel-a');
    assert.equal(upstream.mock.stats().name, 'channel-a');
    const remote = (await (await fetch(`${upstream.base}/__mock/stats`)).json()) as { name: string };
    assert.equal(remote.name, 'channel-a');
  });

  test('the default name is mock-upstream; a name that cannot be a header value is a TypeError', async () => {
    assert.equal(createMockUpstream().name, 'mock-upstream');
    for (const name of ['', ' padded', 'line\nbreak', 'é', 'x'.repeat(101)]) {
      assert.throws(() => createMockUpstream({ name }), TypeError, JSON.stringify(name));
    }
  });
});

describe('validation of the new config keys', () => {
  test('bad values are a 400 naming the key over HTTP and a TypeError in process', async () => {
    const bad: Record<string, unknown>[] = [
      { failStatus: 399 },
      { failStatus: 600 },
      { failStatus: 200 },
      { failStatus: 500.5 },
      { failStatus: '500' },
      { retryAfterSeconds: -1 },
      { retryAfterSeconds: '2' },
      { apiKey: '' },
      { apiKey: 42 },
      { refuseConnections: 'yes' },
      { refuseConnections: 1 },
      { refuseConnection: true },
    ];
    for (const patch of bad) {
      const res = await config(upstream.base, patch);
      assert.equal(res.status, 400, JSON.stringify(patch));
      const error = await errorOf(res);
      assert.equal(error.param, Object.keys(patch)[0]);
      assert.throws(() => upstream.mock.setConfig(patch as never), TypeError);
    }
    const current = (await (await fetch(`${upstream.base}/__mock/config`)).json()) as Record<string, unknown>;
    assert.deepEqual(
      { failStatus: current.failStatus, apiKey: current.apiKey, refuseConnections: current.refuseConnections },
      { failStatus: 0, apiKey: null, refuseConnections: false },
      'a rejected patch changes nothing',
    );
    assert.throws(() => createMockUpstream({ failStatus: 200 }), TypeError);
    assert.equal(createMockUpstream({ apiKey: '' }).setConfig({}).apiKey, null, 'an empty key at construction means none');
  });
});
