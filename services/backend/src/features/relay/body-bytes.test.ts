import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import request from 'supertest';
import { adminApi, testStack } from '@codex-gateway/stack/testing';
import type { App } from '../../app.js';
import { inProcessApp, okCompletion } from '../../test-support.js';

const stack = testStack();
const admin = adminApi(stack);

const completion = JSON.stringify(okCompletion('chatcmpl-bytes'));
const chunk = (delta: object, usage: object | null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-bytes', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: delta ? [{ index: 0, delta, finish_reason: null }] : [], usage })}\n\n`;

/** An upstream that keeps every request body exactly as it arrived. */
function captureUpstream() {
  const bodies: Buffer[] = [];
  const server = http.createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const body = Buffer.concat(parts);
    bodies.push(body);
    if (JSON.parse(body.toString('utf8')).stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`${chunk({ content: 'ok' }, null)}${chunk(null as never, { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 })}data: [DONE]\n\n`);
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end(completion);
    }
  });
  return { server, bodies };
}

describe('the body the upstream receives', () => {
  const upstream = captureUpstream();
  let app: App;
  let key: string;

  before(async () => {
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.server.address() as AddressInfo;
    app = inProcessApp('body-bytes', { ADMIN_TOKEN: stack.adminToken, UPSTREAM_BASE_URL: `http://127.0.0.1:${port}/v1`, DB_POOL_MAX: '3' });
    ({ key } = await admin.customer());
  });
  after(async () => {
    await app.close();
    upstream.server.close();
  });

  const send = (body: string) =>
    request(app.app).post('/v1/chat/completions').set('authorization', `Bearer ${key}`).set('content-type', 'application/json').send(body);

  test("is the client's own bytes (member order, spacing, unknown fields, escapes) when the gateway changes nothing", async () => {
    const body = '{ "messages":[{"role":"user","content":"caf\\u00e9 \u{1F600}"}],\n  "x_vendor_field": {"keep": [1, 2.50, null]}, "model":"gpt-4o-mini" }';
    const res = await send(body);
    assert.equal(res.status, 200);
    assert.equal(upstream.bodies.at(-1)!.toString('utf8'), body);
  });

  test('of a chat stream asks for the usage chunk in front of the rest, and the client still sees no usage', async () => {
    const body = '{"model":"gpt-4o-mini", "stream":true, "messages":[{"role":"user","content":"hi"}]}';
    const res = await send(body);
    assert.equal(res.status, 200);
    assert.equal(
      upstream.bodies.at(-1)!.toString('utf8'),
      `{"stream_options":{"include_usage":true},"model":"gpt-4o-mini", "stream":true, "messages":[{"role":"user","content":"hi"}]}`,
    );
    assert.ok(!res.text.includes('"usage":{'), res.text);
  });

  test('with stream_options of its own is re-serialised with include_usage added to them', async () => {
    const res = await send('{"model":"gpt-4o-mini","stream":true,"stream_options":{"x":1},"messages":[]}');
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(upstream.bodies.at(-1)!.toString('utf8')).stream_options, { x: 1, include_usage: true });
  });
});
