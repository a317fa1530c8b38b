import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ANTHROPIC_HEADERS, mockForThisFile, parseSse, payloads, postJson, readUntilEnd } from './test-support.js';

const upstream = mockForThisFile();

// "You are terse." (14) + "Hello there, how are you today?" (31) = 45 characters: ceil(45 / 4) = 12 tokens.
const system = 'You are terse.';
const hello = [{ role: 'user', content: 'Hello there, how are you today?' }];
const PROMPT_TOKENS = 12;
const REPLY = 'This is a mock reply to: Hello there, how are you today? This is a mock';

function messages(body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return postJson(
    `${upstream.base}/v1/messages`,
    { model: 'claude-sonnet-4-5', max_tokens: 1024, system, messages: hello, ...body },
    { ...ANTHROPIC_HEADERS, ...headers },
  );
}

async function streamed(res: Response): Promise<{ event: string | undefined; data: Record<string, any> }[]> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  const { text, cut } = await readUntilEnd(res);
  assert.ok(!cut, 'the stream ends cleanly');
  const events = parseSse(text);
  return payloads(events).map((data, i) => ({ event: events[i]?.event, data }));
}

// As Claude Code declares two of its tools: the first one offered is the one the mock calls.
const claudeCodeTools = [
  {
    name: 'Bash',
    description: 'Executes a given bash command',
    input_schema: {
      type: 'object',
      properties: { command: { type: 'string' }, timeout: { type: 'number' }, description: { type: 'string' } },
      required: ['command'],
      additionalProperties: false,
      $schema: 'http://json-schema.org/draft-07/schema#',
    },
  },
  {
    name: 'Read',
    description: 'Reads a file',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
  },
];

describe('POST /v1/messages', () => {
  test("a plain answer is a message in Anthropic's shape, with its usage and Anthropic's headers", async () => {
    const res = await messages({ temperature: 0.2, metadata: { user_id: 'user_abc' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.equal(res.headers.get('request-id'), res.headers.get('x-request-id'));
    assert.ok(res.headers.get('anthropic-organization-id'));
    assert.equal(res.headers.get('openai-organization'), null, "OpenAI's headers are not sent on Anthropic's routes");
    const body = (await res.json()) as Record<string, any>;
    assert.deepEqual(Object.keys(body), ['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);
    assert.match(body.id, /^msg_[0-9a-f]{32}$/);
    assert.equal(body.type, 'message');
    assert.equal(body.role, 'assistant');
    assert.equal(body.model, 'claude-sonnet-4-5');
    assert.deepEqual(body.content, [{ type: 'text', text: REPLY }]);
    assert.equal(body.stop_reason, 'end_turn');
    assert.equal(body.stop_sequence, null);
    assert.deepEqual(body.usage, { input_tokens: PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 16 });
  });

  test("Claude Code's URL with ?beta=true, a system prompt in text blocks and content blocks are read like the plain form", async () => {
    const res = await postJson(
      `${upstream.base}/v1/messages?beta=true`,
      {
        model: 'claude-opus-4-5',
        max_tokens: 32000,
        system: [
          { type: 'text', text: 'You are ' },
          { type: 'text', text: 'terse.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello there, how are you today?' }] }],
      },
      { ...ANTHROPIC_HEADERS, 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14' },
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, any>;
    assert.equal(body.content[0].text, REPLY);
    assert.equal(body.usage.input_tokens, PROMPT_TOKENS);
  });

  test('max_tokens below the reply cuts it: stop_reason max_tokens, output_tokens = max_tokens', async () => {
    const body = (await (await messages({ max_tokens: 3 })).json()) as Record<string, any>;
    assert.deepEqual(body.content, [{ type: 'text', text: 'This is a' }]);
    assert.equal(body.stop_reason, 'max_tokens');
    assert.equal(body.usage.output_tokens, 3);
  });

  test('a stream sends message_start, content_block_start, ping, one text_delta per token, content_block_stop, message_delta, message_stop', async () => {
    const events = await streamed(await messages({ stream: true }));
    for (const { event, data } of events) assert.equal(event, data.type, 'every event is named by its type');
    assert.deepEqual(
      events.map((e) => e.data.type),
      ['message_start', 'content_block_start', 'ping', ...Array(16).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop'],
    );
    const [start, blockStart, ping] = events.map((e) => e.data);
    assert.match(start?.message.id, /^msg_/);
    assert.deepEqual(start, {
      type: 'message_start',
      message: {
        id: start?.message.id,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    });
    assert.deepEqual(blockStart, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    assert.deepEqual(ping, { type: 'ping' });
    const deltas = events.filter((e) => e.data.type === 'content_block_delta').map((e) => e.data);
    assert.ok(deltas.every((d) => d.index === 0 && d.delta.type === 'text_delta'));
    assert.equal(deltas.map((d) => d.delta.text).join(''), REPLY);
    assert.deepEqual(events.at(-3)?.data, { type: 'content_block_stop', index: 0 });
    assert.deepEqual(events.at(-2)?.data, {
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: 16, input_tokens: PROMPT_TOKENS, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
    assert.deepEqual(events.at(-1)?.data, { type: 'message_stop' });
  });

  test('a stream honours crlf framing and chunk-delay like the other APIs', async () => {
    const started = performance.now();
    const res = await messages({ model: 'mock-crlf+chunk-delay-20', stream: true, max_tokens: 2 });
    const { text } = await readUntilEnd(res);
    assert.ok(text.startsWith('event: message_start\r\ndata: {'), text.slice(0, 40));
    assert.ok(!/[^\r]\n/.test(text), 'every line ends in CRLF');
    // message_start, block start, ping, 2 deltas, block stop, message_delta, message_stop: 7 gaps
    assert.ok(performance.now() - started >= 130, 'the events were spaced out');
    assert.equal(parseSse(text).at(-1)?.event, 'message_stop');
  });
});

describe('tool use on /v1/messages (model option tools)', () => {
  const weather = {
    name: 'get_weather',
    description: 'Current weather',
    input_schema: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location', 'unit'],
    },
  };
  const ask = [{ role: 'user', content: 'What is the weather in Paris?' }];

  test('the answer is a tool_use block with stop_reason tool_use; the tool result then gets a text answer that ends the turn', async () => {
    const res = await messages({ model: 'mock-tools', messages: ask, tools: [weather] });
    const first = (await res.json()) as Record<string, any>;
    assert.equal(first.stop_reason, 'tool_use');
    assert.equal(first.content.length, 1);
    const call = first.content[0];
    assert.deepEqual(Object.keys(call), ['type', 'id', 'name', 'input']);
    assert.equal(call.type, 'tool_use');
    assert.match(call.id, /^toolu_[0-9a-f]{32}$/);
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.input, { location: 'mock', unit: 'celsius' });
    assert.ok(first.usage.output_tokens > 0);

    const followUp = [
      ...ask,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: [{ type: 'text', text: 'Sunny and 21 degrees in Paris today' }] }] },
    ];
    const second = (await (await messages({ model: 'mock-tools', messages: followUp, tools: [weather] })).json()) as Record<string, any>;
    assert.equal(second.stop_reason, 'end_turn');
    assert.deepEqual(second.content, [{ type: 'text', text: 'Tool output received: Sunny and 21 degrees in Paris today' }]);
    // The tool result is part of the prompt: 14 + 29 + 35 characters.
    assert.equal(second.usage.input_tokens, Math.ceil((14 + 29 + 35) / 4));
  });

  test('a streamed tool call opens a tool_use block with empty input, then streams input_json_delta pieces', async () => {
    const events = await streamed(await messages({ model: 'mock-tools', messages: ask, tools: [weather], stream: true }));
    const block = events[1]?.data.content_block;
    assert.equal(block.type, 'tool_use');
    assert.match(block.id, /^toolu_/);
    assert.equal(block.name, 'get_weather');
    assert.deepEqual(block.input, {});
    const pieces = events.filter((e) => e.data.type === 'content_block_delta').map((e) => e.data.delta);
    assert.ok(pieces.length > 1);
    assert.ok(pieces.every((d) => d.type === 'input_json_delta' && typeof d.partial_json === 'string'));
    assert.deepEqual(JSON.parse(pieces.map((d) => d.partial_json).join('')), { location: 'mock', unit: 'celsius' });
    assert.equal(events.at(-2)?.data.delta.stop_reason, 'tool_use');
    assert.equal(events.at(-2)?.data.usage.output_tokens, pieces.length);
  });

  test('a request as Claude Code sends it gets a call of its first tool with the tools option, and text without', async () => {
    const body = {
      max_tokens: 32000,
      stream: true,
      system: [{ type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude.", cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: '<system-reminder>context</system-reminder>' },
            { type: 'text', text: 'say hi' },
          ],
        },
      ],
      tools: claudeCodeTools,
      metadata: { user_id: 'user_0123_account__session_4567' },
      thinking: { type: 'enabled', budget_tokens: 1024 },
    };
    const headers = { 'anthropic-beta': 'claude-code-20250219,fine-grained-tool-streaming-2025-05-14', 'x-claude-code-session-id': 'sess-1', 'x-app': 'cli' };
    const call = await streamed(await messages({ ...body, model: 'mock-tools' }, headers));
    assert.deepEqual({ type: call[1]?.data.content_block.type, name: call[1]?.data.content_block.name }, { type: 'tool_use', name: 'Bash' });
    const input = JSON.parse(
      call
        .filter((e) => e.data.type === 'content_block_delta')
        .map((e) => e.data.delta.partial_json)
        .join(''),
    );
    assert.equal(input.command, 'echo mock-tool-ok', "Claude Code's Bash gets the harmless command");

    const text = await streamed(await messages({ ...body, model: 'claude-opus-4-8' }, headers));
    assert.equal(text[1]?.data.content_block.type, 'text');
    assert.equal(text.at(-2)?.data.delta.stop_reason, 'end_turn');
  });

  test('tool_choice none, no tools, or only Anthropic server tools: text; tool_choice {type:"tool"} picks that tool', async () => {
    for (const extra of [{ tools: [weather], tool_choice: { type: 'none' } }, {}, { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }]) {
      const body = (await (await messages({ model: 'mock-tools', messages: ask, ...extra })).json()) as Record<string, any>;
      assert.equal(body.content[0].type, 'text', JSON.stringify(extra));
    }
    const forced = (await (
      await messages({ model: 'mock-tools', messages: ask, tools: claudeCodeTools, tool_choice: { type: 'tool', name: 'Read' } })
    ).json()) as Record<string, any>;
    assert.deepEqual(forced.content[0].input, { file_path: 'mock' });
  });
});

describe('cache tokens', () => {
  test('input_tokens excludes the cache: cached-<n> is read, cachewrite-<n> written, each capped by the prompt', async () => {
    const cases: [string, Record<string, number>][] = [
      ['mock-cached-5', { input_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 5 }],
      ['mock-cachewrite-4', { input_tokens: 8, cache_creation_input_tokens: 4, cache_read_input_tokens: 0 }],
      ['mock-cached-5+cachewrite-4', { input_tokens: 3, cache_creation_input_tokens: 4, cache_read_input_tokens: 5 }],
      ['mock-cached-10+cachewrite-100', { input_tokens: 0, cache_creation_input_tokens: 2, cache_read_input_tokens: 10 }],
      ['mock-cached-100+cachewrite-100', { input_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: PROMPT_TOKENS }],
    ];
    for (const [model, expected] of cases) {
      const plain = (await (await messages({ model })).json()) as Record<string, any>;
      assert.deepEqual(plain.usage, { ...expected, output_tokens: 16 }, model);
      const events = await streamed(await messages({ model, stream: true }));
      assert.deepEqual(events[0]?.data.message.usage, { ...expected, output_tokens: 1 }, model);
      assert.deepEqual(events.at(-2)?.data.usage, { output_tokens: 16, ...expected }, model);
    }
  });

  test('reasoning-<n> is billed as output tokens and never emitted', async () => {
    const body = (await (await messages({ model: 'mock-reasoning-7' })).json()) as Record<string, any>;
    assert.equal(body.usage.output_tokens, 23);
    assert.equal(body.content[0].text, REPLY);
  });

  test('cachewrite-<n> changes nothing on the OpenAI APIs', async () => {
    const res = await postJson(`${upstream.base}/v1/chat/completions`, { model: 'mock-cachewrite-4', messages: hello });
    const usage = ((await res.json()) as Record<string, any>).usage;
    assert.equal(usage.prompt_tokens, 8);
    assert.equal(usage.prompt_tokens_details.cached_tokens, 0);
  });
});

describe('POST /v1/messages/count_tokens', () => {
  test('answers the input tokens a Messages request with the same body is billed, without max_tokens', async () => {
    const res = await postJson(
      `${upstream.base}/v1/messages/count_tokens?beta=true`,
      { model: 'claude-sonnet-4-5', system, messages: hello, tools: claudeCodeTools },
      ANTHROPIC_HEADERS,
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('request-id'), res.headers.get('x-request-id'));
    assert.deepEqual(await res.json(), { input_tokens: PROMPT_TOKENS });
  });

  test('generates nothing, so model options and injected failures do not apply; a bad body is a 400', async () => {
    upstream.mock.setConfig({ failStatus: 529 });
    try {
      const res = await postJson(`${upstream.base}/v1/messages/count_tokens`, { model: 'mock-error-500+slow-60000', messages: hello }, ANTHROPIC_HEADERS);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { input_tokens: 8 });
    } finally {
      upstream.mock.setConfig({ failStatus: 0 });
    }
    const bad = await postJson(`${upstream.base}/v1/messages/count_tokens`, { model: 'claude-sonnet-4-5', messages: [] }, ANTHROPIC_HEADERS);
    assert.equal(bad.status, 400);
    const body = (await bad.json()) as Record<string, any>;
    assert.deepEqual(body.error, { type: 'invalid_request_error', message: 'messages: at least one message is required' });
  });
});

describe('request log and stats', () => {
  test('each request is logged with its model and every header (the Anthropic ones included) and counted by endpoint', async () => {
    upstream.mock.clearRequests();
    const before = upstream.mock.stats().byEndpoint;
    const headers = { 'anthropic-beta': 'claude-code-20250219', 'x-claude-code-session-id': 'sess-9' };
    await (await messages({ model: 'claude-haiku-4-5' }, headers)).text();
    await (await postJson(`${upstream.base}/v1/messages/count_tokens`, { model: 'claude-opus-4-1', messages: hello }, ANTHROPIC_HEADERS)).text();
    const [sent, counted] = upstream.mock.requests();
    assert.deepEqual(
      [sent?.path, sent?.model, counted?.path, counted?.model],
      ['/v1/messages', 'claude-haiku-4-5', '/v1/messages/count_tokens', 'claude-opus-4-1'],
    );
    assert.equal(sent?.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent?.headers['anthropic-beta'], 'claude-code-20250219');
    assert.equal(sent?.headers['x-api-key'], 'sk-ant-mock');
    assert.equal(sent?.headers['x-claude-code-session-id'], 'sess-9');
    const after = upstream.mock.stats().byEndpoint;
    assert.equal((after['/v1/messages'] ?? 0) - (before['/v1/messages'] ?? 0), 1);
    assert.equal((after['/v1/messages/count_tokens'] ?? 0) - (before['/v1/messages/count_tokens'] ?? 0), 1);
  });
});
