/** POST /v1/chat/completions, plain and streamed, in the wire format of the real API. */

import type { ServerResponse } from 'node:http';
import { HttpError, isRecord, newId, requestIdOf, sendJson, unixSeconds } from './http-util.js';
import {
  type GenerationEndpoint,
  type Reply,
  type ReplyPrompt,
  type RespondOptions,
  countPromptTokens,
  interruptionAt,
  missingParam,
  planReply,
  readLimit,
  requireModel,
  textOfContent,
  tokenCounts,
} from './generation.js';
import { chatStreamError } from './openai-errors.js';
import { SseStream } from './sse-stream.js';
import { pickTool, readFunctionTools } from './tool-calls.js';

export interface ChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  promptTokens: number;
  prompt: ReplyPrompt;
}

function parse(body: Record<string, unknown>): ChatRequest {
  const model = requireModel(body);
  const messages = body.messages;
  if (messages === undefined || messages === null) throw missingParam('messages');
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new HttpError(400, "Invalid 'messages': expected a non-empty array.", 'invalid_request_error', 'messages', 'invalid_value');
  }
  const texts: string[] = [];
  let lastUserText = '';
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message)) {
      throw new HttpError(400, `Invalid 'messages[${i}]': expected an object.`, 'invalid_request_error', `messages[${i}]`, 'invalid_type');
    }
    const text = textOfContent(message.content);
    texts.push(text);
    if (message.role === 'user') lastUserText = text;
  }
  // Both spellings exist in the wild (max_tokens is the legacy one); honour the stricter.
  const limits = [readLimit(body, 'max_tokens'), readLimit(body, 'max_completion_tokens')].filter((n): n is number => n !== undefined);
  const streamOptions = body.stream_options;
  const last = messages.at(-1) as Record<string, unknown>;
  return {
    model,
    stream: body.stream === true,
    includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
    promptTokens: countPromptTokens(texts),
    prompt: {
      lastUserText,
      limit: limits.length > 0 ? Math.min(...limits) : undefined,
      tool: pickTool(readFunctionTools(body.tools), body.tool_choice),
      toolOutput: last.role === 'tool' ? textOfContent(last.content) : undefined,
    },
  };
}

function usageOf(req: ChatRequest, completionTokens: number, options: RespondOptions): Record<string, unknown> {
  const n = tokenCounts(req.promptTokens, completionTokens, options);
  return {
    prompt_tokens: n.prompt,
    completion_tokens: n.completion,
    total_tokens: n.total,
    prompt_tokens_details: { cached_tokens: n.cached },
    completion_tokens_details: { reasoning_tokens: n.reasoning },
  };
}

function finishReason(reply: Reply): 'stop' | 'length' | 'tool_calls' {
  if (reply.completion.truncated) return 'length';
  return reply.kind === 'tool_call' ? 'tool_calls' : 'stop';
}

function message(reply: Reply): Record<string, unknown> {
  if (reply.kind === 'text') return { role: 'assistant', content: reply.completion.text, refusal: null };
  const call = { id: reply.callId, type: 'function', function: { name: reply.name, arguments: reply.completion.text } };
  return { role: 'assistant', content: null, tool_calls: [call], refusal: null };
}

async function respond(res: ServerResponse, req: ChatRequest, options: RespondOptions): Promise<void> {
  const reply = planReply(req.prompt, options.tools);
  if (req.stream) return stream(res, req, reply, options);
  sendJson(res, 200, {
    id: newId('chatcmpl-'),
    object: 'chat.completion',
    created: unixSeconds(),
    model: req.model,
    choices: [{ index: 0, message: message(reply), logprobs: null, finish_reason: finishReason(reply) }],
    usage: usageOf(req, reply.completion.tokens.length, options),
    system_fingerprint: 'fp_mock',
  });
}

/** The first delta opens the message; a tool call's id and name come in it, its arguments after. */
function openingDelta(reply: Reply): Record<string, unknown> {
  if (reply.kind === 'text') return { role: 'assistant', content: '', refusal: null };
  const call = { index: 0, id: reply.callId, type: 'function', function: { name: reply.name, arguments: '' } };
  return { role: 'assistant', content: null, tool_calls: [call], refusal: null };
}

function pieceDelta(reply: Reply, piece: string): Record<string, unknown> {
  if (reply.kind === 'text') return { content: piece };
  return { tool_calls: [{ index: 0, function: { arguments: piece } }] };
}

async function stream(res: ServerResponse, req: ChatRequest, reply: Reply, options: RespondOptions): Promise<void> {
  const sse = new SseStream(res, options.chunkDelayMs, options.framing);
  const base = { id: newId('chatcmpl-'), object: 'chat.completion.chunk', created: unixSeconds(), model: req.model };
  // The real API adds "usage": null to every chunk once usage reporting is requested.
  const usageField = req.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
    JSON.stringify({
      ...base,
      system_fingerprint: 'fp_mock',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...usageField,
    });
  const interrupt = async (sent: number): Promise<boolean> => {
    const what = interruptionAt(options, sent);
    if (what === 'drop') sse.drop();
    // The API reports a failure after the stream began as an error event, then ends the stream.
    if (what === 'fail' && (await sse.send(JSON.stringify({ error: chatStreamError(requestIdOf(res)) })))) sse.end();
    return what !== undefined;
  };

  sse.open();
  if (!(await sse.send(chunk(openingDelta(reply), null)))) return;
  const pieces = reply.completion.tokens;
  for (const [i, piece] of pieces.entries()) {
    if (await interrupt(i)) return;
    if (!(await sse.send(chunk(pieceDelta(reply, piece), null)))) return;
  }
  if (await interrupt(Number.POSITIVE_INFINITY)) return;
  if (!(await sse.send(chunk({}, finishReason(reply))))) return;
  if (req.includeUsage) {
    const usage = JSON.stringify({ ...base, system_fingerprint: 'fp_mock', choices: [], usage: usageOf(req, pieces.length, options) });
    if (!(await sse.send(usage))) return;
  }
  if (!(await sse.send('[DONE]'))) return;
  sse.end();
}

export const chatCompletions: GenerationEndpoint<ChatRequest> = { parse, respond };
