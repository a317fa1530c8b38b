import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseIds } from './response-ids.js';
import { mockForThisFile, parseSse, payloads, postJson, withMock } from './test-support.js';

const upstream = mockForThisFile();

function respond(base: string, body: Record<string, unknown>, path = '/v1/responses'): Promise<Response> {
  return postJson(`${base}${path}`, { model: 'gpt-5-codex', input: 'hi', ...body });
}

async function responseId(base: string, stream = false): Promise<string> {
  const res = await respond(base, { stream });
  if (!stream) return ((await res.json()) as { id: string }).id;
  const created = payloads(parseSse(await res.text())).find((e) => e.type === 'response.created');
  return created?.response.id as string;
}

describe('previous_response_id', () => {
  test('a follow-up to a response this instance generated is answered and names it', async () => {
    for (const stream of [false, true]) {
      const id = await responseId(upstream.base, stream);
      const res = await respond(upstream.base, { previous_response_id: id, input: 'and then?' });
      assert.equal(res.status, 200, `after a ${stream ? 'streamed' : 'plain'} response`);
      const body = (await res.json()) as { previous_response_id: string };
      assert.equal(body.previous_response_id, id);
    }
  });

  test("an id this instance did not generate is OpenAI's 400, on the Azure route too", async () => {
    await withMock({ name: 'channel-b' }, async (_other, otherBase) => {
      const foreign = await responseId(otherBase);
      for (const path of ['/v1/responses', '/openai/responses?api-version=2025-03-01-preview']) {
        for (const stream of [false, true]) {
          const res = await respond(upstream.base, { previous_response_id: foreign, stream }, path);
          assert.equal(res.status, 400);
          assert.equal(
            await res.text(),
            `{"error":{"message":"Previous response with id '${foreign}' not found.","type":"invalid_request_error","param":"previous_response_id","code":"previous_response_not_found"}}`,
          );
        }
      }
      const own = await respond(otherBase, { previous_response_id: foreign });
      assert.equal(own.status, 200, 'the instance that generated it knows it');
      await own.text();
    });
  });

  test("a follow-up's input tokens count the conversation it continues, as OpenAI bills it", async () => {
    for (const stream of [false, true]) {
      const first = await respond(upstream.base, { input: 'x '.repeat(200), stream });
      const usage = (text: string) => {
        if (!stream) return JSON.parse(text) as { id: string; usage: { input_tokens: number; total_tokens: number } };
        return payloads(parseSse(text)).find((e) => e.type === 'response.completed')?.response as {
          id: string;
          usage: { input_tokens: number; total_tokens: number };
        };
      };
      const opening = usage(await first.text());
      assert.equal(opening.usage.input_tokens, 100);
      const next = usage(await (await respond(upstream.base, { input: 'and then?', previous_response_id: opening.id, stream })).text());
      assert.equal(next.usage.input_tokens, opening.usage.total_tokens + 3, stream ? 'streamed' : 'plain');
    }
  });

  test('response ids are random, so they differ across instances', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 20; i++) ids.add(await responseId(upstream.base));
    assert.equal(ids.size, 20);
    for (const id of ids) assert.match(id, /^resp_[0-9a-f]{32}$/);
  });

  test('the memory is bounded: the oldest ids are forgotten first', () => {
    const memory = new ResponseIds(3);
    for (const id of ['a', 'b', 'c', 'd']) memory.remember(id);
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((id) => memory.has(id)),
      [false, true, true, true],
    );
  });
});
