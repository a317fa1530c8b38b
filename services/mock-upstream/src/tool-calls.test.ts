import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HARMLESS_COMMAND } from './index.js';
import { mockForThisFile, parseSse, payloads, postJson, readUntilEnd } from './test-support.js';

const upstream = mockForThisFile();

const weather = {
  name: 'get_weather',
  description: 'Current weather',
  parameters: {
    type: 'object',
    properties: {
      location: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer' },
    },
    required: ['location', 'unit'],
  },
};
const weatherArguments = { location: 'mock', unit: 'celsius' };

// As the Codex CLI (0.169) declares its shell tool.
const execCommand = {
  type: 'function',
  name: 'exec_command',
  strict: false,
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
};

const ask = [{ role: 'user', content: 'What is the weather in Paris?' }];
const askInput = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'List the files' }] }];

function chat(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/chat/completions`, { model: 'mock-tools', messages: ask, tools: [{ type: 'function', function: weather }], ...body });
}

function responses(body: Record<string, unknown>): Promise<Response> {
  return postJson(`${upstream.base}/v1/responses`, { model: 'mock-tools', input: askInput, tools: [execCommand], ...body });
}

async function streamed(res: Response): Promise<Record<string, any>[]> {
  assert.equal(res.status, 200);
  const { text, cut } = await readUntilEnd(res);
  assert.ok(!cut);
  return payloads(parseSse(text));
}

describe('tool calls on Chat Completions', () => {
  test('a non-streamed answer is an assistant message with tool_calls and finish_reason tool_calls', async () => {
    const res = await chat({});
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, any>;
    const choice = body.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.role, 'assistant');
    assert.equal(choice.message.content, null);
    assert.equal(choice.message.tool_calls.length, 1);
    const call = choice.message.tool_calls[0];
    assert.deepEqual(Object.keys(call).sort(), ['function', 'id', 'type']);
    assert.match(call.id, /^call_[0-9a-f]{32}$/);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), weatherArguments);
    assert.ok(body.usage.completion_tokens > 0);
  });

  test('a stream opens the call with id, type and name, then streams the arguments in pieces', async () => {
    const chunks = await streamed(await chat({ stream: true, stream_options: { include_usage: true } }));
    const first = chunks[0]?.choices[0];
    assert.deepEqual(first.delta.role, 'assistant');
    assert.equal(first.delta.content, null);
    const opened = first.delta.tool_calls;
    assert.equal(opened.length, 1);
    assert.equal(opened[0].index, 0);
    assert.match(opened[0].id, /^call_/);
    assert.equal(opened[0].type, 'function');
    assert.deepEqual(opened[0].function, { name: 'get_weather', arguments: '' });

    const pieces = chunks.slice(1, -2).map((c) => c.choices[0].delta.tool_calls);
    assert.ok(pieces.length > 3, 'the arguments come in several pieces');
    for (const piece of pieces) {
      assert.equal(piece.length, 1);
      assert.deepEqual(Object.keys(piece[0]).sort(), ['function', 'index']);
      assert.deepEqual(Object.keys(piece[0].function), ['arguments']);
    }
    assert.deepEqual(JSON.parse(pieces.map((p) => p[0].function.arguments as string).join('')), weatherArguments);

    const finish = chunks.at(-2)?.choices[0];
    assert.deepEqual(finish.delta, {});
    assert.equal(finish.finish_reason, 'tool_calls');
    assert.equal(chunks.at(-1)?.usage.completion_tokens, pieces.length, 'one piece is one completion token');
  });

  test("after a role:tool message the answer is text that quotes the tool's output, so the loop ends", async () => {
    const history = [
      ...ask,
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Sunny and 21 degrees' },
    ];
    const body = (await (await chat({ messages: history })).json()) as Record<string, any>;
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.equal(body.choices[0].message.content, 'Tool output received: Sunny and 21 degrees');
    assert.equal(body.usage.completion_tokens, 7);
    const chunks = await streamed(await chat({ messages: history, stream: true }));
    assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), 'Tool output received: Sunny and 21 degrees');
    assert.ok(chunks.every((c) => c.choices[0].delta.tool_calls === undefined));
  });

  test('max_tokens cuts the arguments short and finish_reason is length', async () => {
    const body = (await (await chat({ max_tokens: 2 })).json()) as Record<string, any>;
    assert.equal(body.choices[0].finish_reason, 'length');
    assert.equal(body.choices[0].message.tool_calls[0].function.arguments, '{"location');
    assert.equal(body.usage.completion_tokens, 2);
  });
});

describe('tool calls on the Responses API', () => {
  test("a non-streamed answer is a function_call output item with Codex's shell arguments", async () => {
    const res = await responses({});
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, any>;
    assert.equal(body.status, 'completed');
    assert.equal(body.output.length, 1);
    const item = body.output[0];
    assert.deepEqual(Object.keys(item).sort(), ['arguments', 'call_id', 'id', 'name', 'status', 'type']);
    assert.equal(item.type, 'function_call');
    assert.match(item.id, /^fc_[0-9a-f]{32}$/);
    assert.match(item.call_id, /^call_[0-9a-f]{32}$/);
    assert.equal(item.name, 'exec_command');
    assert.equal(item.status, 'completed');
    assert.deepEqual(JSON.parse(item.arguments), { cmd: HARMLESS_COMMAND });
    assert.ok(body.usage.output_tokens > 0);
    assert.equal(body.usage.total_tokens, body.usage.input_tokens + body.usage.output_tokens);
  });

  test("a stream sends the function_call events in the API's order, with usage at the end", async () => {
    const events = await streamed(await responses({ stream: true }));
    const types = events.map((e) => e.type as string);
    const deltas = types.filter((t) => t === 'response.function_call_arguments.delta').length;
    assert.ok(deltas > 3);
    assert.deepEqual(types, [
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      ...Array<string>(deltas).fill('response.function_call_arguments.delta'),
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    assert.deepEqual(
      events.map((e) => e.sequence_number),
      events.map((_, i) => i),
    );

    const added = events[2]!;
    assert.equal(added.output_index, 0);
    assert.equal(added.item.type, 'function_call');
    assert.equal(added.item.status, 'in_progress');
    assert.equal(added.item.arguments, '');
    assert.equal(added.item.name, 'exec_command');
    const itemId = added.item.id as string;
    const argumentEvents = events.slice(3, -2);
    assert.ok(argumentEvents.every((e) => e.item_id === itemId && e.output_index === 0));
    const streamedArguments = argumentEvents
      .slice(0, -1)
      .map((e) => e.delta as string)
      .join('');
    assert.equal(argumentEvents.at(-1)?.arguments, streamedArguments);
    assert.deepEqual(JSON.parse(streamedArguments), { cmd: HARMLESS_COMMAND });

    const done = events.at(-2)!.item;
    assert.deepEqual(done, { ...added.item, status: 'completed', arguments: streamedArguments });
    const completed = events.at(-1)!.response;
    assert.equal(completed.status, 'completed');
    assert.deepEqual(completed.output, [done]);
    assert.equal(completed.usage.output_tokens, deltas);
  });

  test('after a function_call_output or custom_tool_call_output the answer is text', async () => {
    const call = { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"echo mock-tool-ok"}' };
    const codexOutput = 'Chunk ID: a0ef65\nWall time: 0.1776 seconds\nProcess exited with code 0\nOriginal token count: 4\nOutput:\nmock-tool-ok\n';
    const outputs = [
      { type: 'function_call_output', call_id: 'call_1', output: codexOutput },
      { type: 'custom_tool_call_output', call_id: 'call_1', output: codexOutput },
      { type: 'function_call_output', call_id: 'call_1', output: [{ type: 'input_text', text: codexOutput }] },
    ];
    for (const output of outputs) {
      const body = (await (await responses({ input: [...askInput, call, output] })).json()) as Record<string, any>;
      assert.equal(body.output[0].type, 'message');
      assert.equal(body.output[0].content[0].text, 'Tool output received: code 0 Original token count: 4 Output: mock-tool-ok');
    }
    const events = await streamed(await responses({ input: [...askInput, call, outputs[0]], stream: true }));
    assert.equal(events.at(-1)?.type, 'response.completed');
    assert.ok(events.some((e) => e.type === 'response.output_text.delta'));
    assert.ok(!events.some((e) => e.type === 'response.function_call_arguments.delta'));
  });
});

describe('which tool is called, and with what', () => {
  async function calledTool(body: Record<string, unknown>): Promise<{ name: string; arguments: unknown } | undefined> {
    const res = (await (await responses(body)).json()) as Record<string, any>;
    const item = res.output[0];
    return item.type === 'function_call' ? { name: item.name, arguments: JSON.parse(item.arguments) } : undefined;
  }

  test('the first function tool is called, skipping other tool types; other tools get arguments from their schema', async () => {
    const webSearch = { type: 'web_search', external_web_access: true };
    const shell = { type: 'function', name: 'shell', parameters: { type: 'object', properties: { command: { type: 'array' } } } };
    assert.deepEqual(await calledTool({ tools: [webSearch, shell, execCommand] }), {
      name: 'shell',
      arguments: { command: ['bash', '-lc', HARMLESS_COMMAND] },
    });
    assert.deepEqual(await calledTool({ tools: [{ type: 'function', ...weather }] }), { name: 'get_weather', arguments: weatherArguments });
    assert.deepEqual(await calledTool({ tools: [{ type: 'function', name: 'get_goal', parameters: { type: 'object', properties: {}, required: [] } }] }), {
      name: 'get_goal',
      arguments: {},
    });
    assert.deepEqual(await calledTool({ tools: [{ type: 'function', name: 'bare' }] }), { name: 'bare', arguments: {} });
  });

  test('tool_choice none answers text and a forced function calls that one', async () => {
    const tools = [execCommand, { type: 'function', ...weather }];
    assert.equal(await calledTool({ tools, tool_choice: 'none' }), undefined);
    assert.equal((await calledTool({ tools, tool_choice: { type: 'function', name: 'get_weather' } }))?.name, 'get_weather');
    const forcedChat = (await (
      await chat({
        tools: [
          { type: 'function', function: { name: 'other' } },
          { type: 'function', function: weather },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      })
    ).json()) as Record<string, any>;
    assert.equal(forcedChat.choices[0].message.tool_calls[0].function.name, 'get_weather');
  });

  test('without function tools mock-tools answers text, as a model would', async () => {
    assert.equal(await calledTool({ tools: [] }), undefined);
    const body = (await (await chat({ tools: undefined })).json()) as Record<string, any>;
    assert.match(body.choices[0].message.content, /^This is a mock reply to: What is the weather/);
  });

  test('tool-call is the other spelling of tools, and combines with stream options', async () => {
    assert.equal((await calledTool({ model: 'mock-tool-call' }))?.name, 'exec_command');
    const started = performance.now();
    const events = await streamed(await responses({ model: 'mock-tools+chunk-delay-20', stream: true }));
    assert.equal(events.at(-1)?.type, 'response.completed');
    assert.ok(performance.now() - started >= (events.length - 1) * 20 - 10, 'events were spaced out');

    const cut = await readUntilEnd(await chat({ model: 'mock-tools+drop-after-2', stream: true }));
    assert.ok(cut.cut);
    const chunks = payloads(parseSse(cut.text));
    assert.equal(chunks.length, 3, 'the opening chunk and two argument pieces');
    assert.ok(!cut.text.includes('finish_reason":"tool_calls'));
  });
});
