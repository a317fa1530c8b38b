import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorOf, mockForThisFile, parseSse, payloads, postJson, readUntilEnd, withMock } from './test-support.js';

const upstream = mockForThisFile({ name: 'azure-east' });

const API_VERSION = 'api-version=2024-10-21';
const messages = [{ role: 'user', content: 'ping' }];

function deploymentChat(base: string, deployment: string, body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<Response> {
  return postJson(`${base}/openai/deployments/${encodeURIComponent(deployment)}/chat/completions?${API_VERSION}`, { messages, ...body }, headers);
}

describe('Azure OpenAI routes', () => {
  test('chat completions on a deployment: the deployment is the model, whatever the body says', async () => {
    const res = await deploymentChat(upstream.base, 'my-gpt4o', { model: 'ignored' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-mock-instance'), 'azure-east');
    const body = (await res.json()) as Record<string, any>;
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.model, 'my-gpt4o');
    assert.match(body.choices[0].message.content, /^This is a mock reply to: ping/);
    const [entry] = upstream.mock.requests().slice(-1);
    assert.equal(entry?.model, 'my-gpt4o');
    assert.equal(entry?.path, '/openai/deployments/my-gpt4o/chat/completions');
    assert.deepEqual(entry?.query, { 'api-version': '2024-10-21' });
  });

  test('mock options work in the deployment name, streamed too', async () => {
    const failed = await deploymentChat(upstream.base, 'mock-error-429');
    assert.equal(failed.status, 429);
    assert.equal((await errorOf(failed)).code, 'rate_limit_exceeded');

    const res = await deploymentChat(upstream.base, 'mock-reasoning-5', { stream: true, stream_options: { include_usage: true } });
    const chunks = payloads(parseSse((await readUntilEnd(res)).text));
    assert.ok(chunks.every((c) => c.model === 'mock-reasoning-5'));
    assert.equal(chunks.at(-1)?.usage.completion_tokens_details.reasoning_tokens, 5);
  });

  test('responses take the model from the body; the models list answers', async () => {
    const res = await postJson(`${upstream.base}/openai/responses?${API_VERSION}`, { model: 'gpt-5-codex', input: 'hi' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, any>;
    assert.equal(body.object, 'response');
    assert.equal(body.model, 'gpt-5-codex');

    const models = await fetch(`${upstream.base}/openai/models?${API_VERSION}`);
    assert.equal(models.status, 200);
    const list = (await models.json()) as { object: string; data: { id: string }[] };
    assert.equal(list.object, 'list');
    assert.ok(list.data.some((m) => m.id === 'gpt-4o'));
  });

  test("a missing api-version is a 400 in Azure's shape", async () => {
    const answers = [
      await postJson(`${upstream.base}/openai/deployments/gpt-4o/chat/completions`, { messages }),
      await postJson(`${upstream.base}/openai/responses?api-version=`, { model: 'gpt-4o', input: 'hi' }),
      await fetch(`${upstream.base}/openai/models?other=1`),
    ];
    for (const res of answers) {
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), { error: { code: 'BadRequest', message: 'Missing api-version query parameter.' } });
    }
  });

  test('unknown Azure paths are 404s and wrong methods 405s', async () => {
    for (const path of ['/openai/deployments//chat/completions', '/openai/deployments/x/embeddings', '/openai/assistants']) {
      const res = await fetch(`${upstream.base}${path}?${API_VERSION}`, { method: 'POST' });
      assert.equal(res.status, 404, path);
      await res.text();
    }
    const wrong = await fetch(`${upstream.base}/openai/deployments/gpt-4o/chat/completions?${API_VERSION}`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    await wrong.text();
  });

  test('with an apiKey the api-key header authenticates; failStatus applies', async () => {
    await withMock({ apiKey: 'azure-key-0000000000000000' }, async (mock, base) => {
      const denied = await deploymentChat(base, 'gpt-4o', {}, { 'api-key': 'azure-key-wrong-000000001111' });
      assert.equal(denied.status, 401);
      const error = await errorOf(denied);
      assert.equal(error.code, 'invalid_api_key');
      assert.match(error.message as string, /^Incorrect API key provided: azure-k\*\*\*1111\. /);
      const ok = await deploymentChat(base, 'gpt-4o', {}, { 'api-key': 'azure-key-0000000000000000' });
      assert.equal(ok.status, 200);
      await ok.text();

      mock.setConfig({ failStatus: 500 });
      const failed = await postJson(`${base}/openai/responses?${API_VERSION}`, { model: 'gpt-4o', input: 'hi' }, { 'api-key': 'azure-key-0000000000000000' });
      assert.equal(failed.status, 500);
      assert.equal((await errorOf(failed)).type, 'server_error');
    });
  });

  test('stats count the Azure endpoints separately', async () => {
    await withMock({}, async (mock, base) => {
      await (await deploymentChat(base, 'gpt-4o')).text();
      await (await deploymentChat(base, 'gpt-4o-mini')).text();
      await (await postJson(`${base}/openai/responses?${API_VERSION}`, { model: 'gpt-4o', input: 'hi' })).text();
      await (await fetch(`${base}/openai/models?${API_VERSION}`)).text();
      const { byEndpoint } = mock.stats();
      assert.equal(byEndpoint['/openai/deployments/{deployment}/chat/completions'], 2);
      assert.equal(byEndpoint['/openai/responses'], 1);
      assert.equal(byEndpoint['/openai/models'], 1);
      assert.equal(byEndpoint['/v1/chat/completions'], 0);
    });
  });
});
