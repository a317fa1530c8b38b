import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mockForThisFile, parseSse, postJson, readUntilEnd, type WireEvent } from './test-support.js';

const upstream = mockForThisFile();

const tools = [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'] } }];

async function wire(path: '/v1/chat/completions' | '/v1/responses', model: string): Promise<string> {
  const body =
    path === '/v1/responses'
      ? { model, input: 'Hello there', tools, stream: true }
      : {
          model,
          messages: [{ role: 'user', content: 'Hello there' }],
          tools: [{ type: 'function', function: tools[0] }],
          stream: true,
          stream_options: { include_usage: true },
        };
  const res = await postJson(upstream.base + path, body);
  assert.equal(res.status, 200);
  const { text, cut } = await readUntilEnd(res);
  assert.ok(!cut);
  return text;
}

/** Ids, timestamps and the model name differ between two requests; everything else must not. */
function comparable(events: readonly WireEvent[]): WireEvent[] {
  return events.map(({ event, data }) => ({
    event,
    data: data
      .replace(/(chatcmpl-|resp_|msg_|fc_|call_)[0-9a-f]{32}/g, '$1<id>')
      .replace(/"(created|created_at)":\d+/g, '"$1":0')
      .replace(/"model":"[^"]*"/g, '"model":"<model>"'),
  }));
}

describe('SSE framing', () => {
  test('mock-crlf ends every line with CRLF and mock-nospace drops the space after the colon', async () => {
    const crlf = await wire('/v1/responses', 'mock-crlf');
    assert.ok(crlf.startsWith('event: response.created\r\ndata: {'));
    assert.ok(crlf.endsWith('}\r\n\r\n'));
    assert.ok(!/[^\r]\n/.test(crlf), 'no bare LF');

    const nospace = await wire('/v1/responses', 'mock-nospace');
    assert.ok(nospace.startsWith('event:response.created\ndata:{"type":"response.created"'));
    assert.ok(!nospace.includes('data: ') && !nospace.includes('event: '));

    const chat = await wire('/v1/chat/completions', 'mock-crlf+nospace');
    assert.ok(chat.startsWith('data:{"id":"chatcmpl-'));
    assert.ok(chat.endsWith('data:[DONE]\r\n\r\n'));
  });

  test('a standard SSE parser reads the same events from crlf, nospace and the default framing', async () => {
    for (const path of ['/v1/chat/completions', '/v1/responses'] as const) {
      for (const reply of ['', 'tools+']) {
        const expected = comparable(parseSse(await wire(path, `mock-${reply}chunk-delay-0`)));
        assert.ok(expected.length > 5, 'the default stream has events');
        for (const framing of ['crlf', 'nospace', 'crlf+nospace']) {
          const actual = comparable(parseSse(await wire(path, `mock-${reply}${framing}`)));
          assert.deepEqual(actual, expected, `${path} mock-${reply}${framing}`);
        }
      }
    }
  });
});
