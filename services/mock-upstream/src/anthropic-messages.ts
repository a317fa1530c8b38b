/**
 * POST /v1/messages — Anthropic's Messages API, which its SDKs and Claude Code
 * speak — and POST /v1/messages/count_tokens.
 *
 * The reply is planned by generation.ts like the OpenAI APIs' (the same text,
 * tool call and token counts); only the wire shapes are Anthropic's. Streams
 * send the events in the API's order: message_start, content_block_start,
 * ping, content_block_delta…, content_block_stop, message_delta, message_stop.
 *
 * Anthropic's input_tokens excludes the cached part of the prompt: with P prompt
 * tokens, R read from the cache (cached-<n>) and W written to it (cachewrite-<n>),
 * input_tokens = P − R − W. Reasoning tokens (reasoning-<n>) are billed as output
 * tokens, as extended thinking is, and never emitted.
 */

import type { ServerResponse } from 'node:http';
import { ANTHROPIC_STREAM_ERROR, anthropicError } from './anthropic-errors.js';
import { fieldRequired, readMessagesInput } from './anthropic-request.js';
import { type GenerationEndpoint, type Reply, type ReplyPrompt, type RespondOptions, interruptionAt, planReply, tokenCounts } from './generation.js';
import { newId, sendJson } from './http-util.js';
import { SseStream } from './sse-stream.js';

export interface MessagesRequest {
  model: string;
  stream: boolean;
  inputTokens: number;
  prompt: ReplyPrompt;
}

function parse(body: Record<string, unknown>): MessagesRequest {
  const input = readMessagesInput(body);
  const maxTokens = body.max_tokens;
  if (maxTokens === undefined || maxTokens === null) throw fieldRequired('max_tokens');
  if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) throw anthropicError(400, 'max_tokens: Input should be a valid integer');
  if (maxTokens < 1) throw anthropicError(400, 'max_tokens: Input should be greater than or equal to 1');
  return { model: input.model, stream: body.stream === true, inputTokens: input.inputTokens, prompt: { ...input.prompt, limit: maxTokens } };
}

/** count_tokens: the input tokens a Messages request with this body would be billed, nothing generated. */
export function countTokens(body: Record<string, unknown>): { input_tokens: number } {
  return { input_tokens: readMessagesInput(body).inputTokens };
}

interface Usage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

function usageOf(req: MessagesRequest, replyTokens: number, options: RespondOptions): Usage {
  const n = tokenCounts(req.inputTokens, replyTokens, options);
  return {
    input_tokens: n.prompt - n.cached - n.cacheWrite,
    cache_creation_input_tokens: n.cacheWrite,
    cache_read_input_tokens: n.cached,
    output_tokens: n.completion,
  };
}

function stopReason(reply: Reply): 'end_turn' | 'max_tokens' | 'tool_use' {
  if (reply.completion.truncated) return 'max_tokens';
  return reply.kind === 'tool_call' ? 'tool_use' : 'end_turn';
}

/** A tool call cut short by max_tokens has no complete input; the mock then reports it empty. */
function toolInput(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return {};
  }
}

/** The reply's one content block; `input` is the tool call's as far as it has been generated. */
function contentBlock(reply: Reply, input: unknown): Record<string, unknown> {
  if (reply.kind === 'text') return { type: 'text', text: '' };
  return { type: 'tool_use', id: reply.callId, name: reply.name, input };
}

function message(req: MessagesRequest, id: string, content: unknown[], stop: string | null, usage: Usage): Record<string, unknown> {
  return { id, type: 'message', role: 'assistant', model: req.model, content, stop_reason: stop, stop_sequence: null, usage };
}

async function respond(res: ServerResponse, req: MessagesRequest, options: RespondOptions): Promise<void> {
  const reply = planReply(req.prompt, options.tools, 'toolu_');
  if (req.stream) return stream(res, req, reply, options);
  const { text, tokens } = reply.completion;
  const block = reply.kind === 'text' ? { type: 'text', text } : contentBlock(reply, toolInput(text));
  sendJson(res, 200, message(req, newId('msg_'), [block], stopReason(reply), usageOf(req, tokens.length, options)));
}

async function stream(res: ServerResponse, req: MessagesRequest, reply: Reply, options: RespondOptions): Promise<void> {
  const sse = new SseStream(res, options.chunkDelayMs, options.framing);
  const emit = (type: string, payload: Record<string, unknown> = {}): Promise<boolean> => sse.send(JSON.stringify({ type, ...payload }), type);
  const interrupt = async (sent: number): Promise<boolean> => {
    const what = interruptionAt(options, sent);
    if (what === 'drop') sse.drop();
    // After a 200 the API reports a failure as an error event, then ends the stream.
    if (what === 'fail' && (await sse.send(JSON.stringify(ANTHROPIC_STREAM_ERROR), 'error'))) sse.end();
    return what !== undefined;
  };
  const { tokens } = reply.completion;
  const final = usageOf(req, tokens.length, options);

  sse.open();
  // As the API does, message_start already carries the input side of the usage and one output token.
  const started = message(req, newId('msg_'), [], null, { ...final, output_tokens: 1 });
  if (!(await emit('message_start', { message: started }))) return;
  if (!(await emit('content_block_start', { index: 0, content_block: contentBlock(reply, {}) }))) return;
  if (!(await emit('ping'))) return;
  for (const [i, token] of tokens.entries()) {
    if (await interrupt(i)) return;
    const delta = reply.kind === 'text' ? { type: 'text_delta', text: token } : { type: 'input_json_delta', partial_json: token };
    if (!(await emit('content_block_delta', { index: 0, delta }))) return;
  }
  if (await interrupt(Number.POSITIVE_INFINITY)) return;
  if (!(await emit('content_block_stop', { index: 0 }))) return;
  // The current API repeats the whole usage here, cumulative, not just output_tokens.
  const { output_tokens, input_tokens, cache_creation_input_tokens, cache_read_input_tokens } = final;
  const usage = { output_tokens, input_tokens, cache_creation_input_tokens, cache_read_input_tokens };
  if (!(await emit('message_delta', { delta: { stop_reason: stopReason(reply), stop_sequence: null }, usage }))) return;
  if (!(await emit('message_stop'))) return;
  sse.end();
}

export const anthropicMessages: GenerationEndpoint<MessagesRequest> = { parse, respond };
