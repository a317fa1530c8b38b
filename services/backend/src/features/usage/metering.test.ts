import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { adminApi, postJson, testStack, waitForRows, waitForUsageFlushed } from '@codex-gateway/stack/testing';

const stack = testStack();
const admin = adminApi(stack);
const chat = (extra: Record<string, unknown> = {}) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count me' }], ...extra });

type LogRow = { request_id: string; status_code: number; prompt_tokens: number; completion_tokens: number; stream: boolean };
const LOGS = 'SELECT request_id, status_code, prompt_tokens, completion_tokens, stream FROM usage_logs WHERE user_id = $1 ORDER BY created_at';
const DAILY = 'SELECT request_count::int, prompt_tokens::int, completion_tokens::int FROM daily_usage WHERE user_id = $1';

async function mockConfig(patch: Record<string, number>) {
  const res = await fetch(`${stack.upstreamUrl}/__mock/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(patch),
  });
  assert.equal(res.status, 200);
}

describe('metering', () => {
  test('every relayed request produces exactly one usage_logs row, and the served ones count in daily_usage', async () => {
    const { key, userId } = await admin.customer();
    const served: Array<{ id: string; prompt: number; completion: number }> = [];
    for (let i = 0; i < 6; i += 1) {
      const r = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ max_tokens: 5 + i }));
      assert.equal(r.status, 200);
      served.push({ id: r.headers.get('x-request-id')!, prompt: r.body.usage.prompt_tokens, completion: r.body.usage.completion_tokens });
    }
    for (let i = 0; i < 3; i += 1) {
      const r = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ stream: true, stream_options: { include_usage: true } }));
      assert.equal(r.status, 200);
      const events = String(r.body)
        .split('\n\n')
        .filter((e) => e.startsWith('data: {'));
      const usage = JSON.parse(events.at(-1)!.slice(6)).usage;
      served.push({ id: r.headers.get('x-request-id')!, prompt: usage.prompt_tokens, completion: usage.completion_tokens });
    }
    const responses = await postJson(`${stack.gatewayUrl}/v1/responses`, key, { model: 'gpt-5-codex', input: 'hello there' });
    served.push({ id: responses.headers.get('x-request-id')!, prompt: responses.body.usage.input_tokens, completion: responses.body.usage.output_tokens });
    const failed = await postJson(`${stack.gatewayUrl}/v1/chat/completions`, key, chat({ model: 'mock-error-503' }));
    assert.equal(failed.status, 503);

    // Every answer above was recorded before its last byte; once the stream is empty, all are written.
    await waitForUsageFlushed();
    const rows = await waitForRows<LogRow>(LOGS, [userId], () => true);
    assert.equal(rows.length, 11, 'one row per request, no more');
    assert.equal(new Set(rows.map((r) => r.request_id)).size, 11);
    for (const s of served) {
      const row = rows.find((r) => r.request_id === s.id);
      assert.ok(row, `a row for ${s.id}`);
      assert.equal(row.status_code, 200);
      assert.equal(row.prompt_tokens, s.prompt);
      assert.equal(row.completion_tokens, s.completion);
    }
    const failedRow = rows.find((r) => r.request_id === failed.headers.get('x-request-id'));
    assert.equal(failedRow?.status_code, 503);
    assert.equal(failedRow?.completion_tokens, 0);

    const [day] = await waitForRows<{ request_count: number; prompt_tokens: number; completion_tokens: number }>(DAILY, [userId], (r) => r.length === 1);
    assert.deepEqual(day, {
      request_count: 10,
      prompt_tokens: served.reduce((sum, s) => sum + s.prompt, 0),
      completion_tokens: served.reduce((sum, s) => sum + s.completion, 0),
    });
  });

  test('a client that disconnects mid-stream is billed for the tokens delivered, not for zero', async () => {
    const { key, userId } = await admin.customer();
    await mockConfig({ chunkDelayMs: 60 });
    let requestId = '';
    let contentChunks = 0;
    try {
      const abort = new AbortController();
      const res = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(chat({ stream: true, max_tokens: 40 })),
        signal: abort.signal,
      });
      requestId = res.headers.get('x-request-id')!;
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (contentChunks < 5) {
        const { value } = await reader.read();
        text += decoder.decode(value, { stream: true });
        contentChunks = (text.match(/"delta":\{"content":"[^"]/g) ?? []).length;
      }
      abort.abort();
    } finally {
      await mockConfig({ chunkDelayMs: 0 });
    }
    const [row] = await waitForRows<LogRow>(LOGS, [userId], (r) => r.length === 1);
    assert.equal(row!.request_id, requestId);
    assert.equal(row!.status_code, 499);
    assert.equal(row!.stream, true);
    // What reached the client, give or take the chunks in flight when it left; never the full 40.
    assert.ok(row!.completion_tokens >= contentChunks && row!.completion_tokens < 40, `billed ${row!.completion_tokens} for ${contentChunks} seen`);
    const [day] = await waitForRows<{ request_count: number; completion_tokens: number }>(DAILY, [userId], (r) => r.length === 1);
    assert.equal(day!.request_count, 1);
    assert.equal(day!.completion_tokens, row!.completion_tokens);
  });
});
