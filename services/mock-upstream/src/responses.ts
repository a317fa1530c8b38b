/**
 * POST /v1/responses — the Responses API the Codex CLI speaks.
 *
 * Streams follow the real event order, and every event carries `type` and a
 * monotonically increasing `sequence_number`, because clients (Codex among
 * them) dispatch on `type` and some verify ordering.
 */

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
  readLimit,
  planReply,
  requireModel,
  textOfContent,
  tokenCounts,
} from './generation.js';
import { previousResponseNotFound, responseStreamError } from './openai-errors.js';
import type { ResponseIds } from './response-ids.js';
import { SseStream } from './sse-stream.js';
import { pickTool, readFunctionTools } from './tool-calls.js';

export interface ResponsesRequest {
  model: string;
  stream: boolean;
  instructions: string | null;
  maxOutputTokens: number | null;
  previousResponseId: string | null;
  inputTokens: number;
  prompt: ReplyPrompt;
}

/**
 * Input tokens count the instructions plus every input item's text: message
 * content (string or parts) and tool output (`output` of function_call_output).
 */
function parse(body: Record<string, unknown>, responseIds: ResponseIds): ResponsesRequest {
  const model = requireModel(body);
  const input = body.input;
  if (input === undefined || input === null) throw missingParam('input');
  const instructions = typeof body.instructions === 'string' ? body.instructions : null;
  const texts: string[] = instructions === null ? [] : [instructions];
  let lastUserText = '';
  let toolOutput: string | undefined;
  if (typeof input === 'string') {
    texts.push(input);
    lastUserText = input;
  } else if (Array.isArray(input)) {
    for (const item of input) {
      if (!isRecord(item)) continue;
      const content = textOfContent(item.content);
      texts.push(content);
      if (typeof item.output === 'string') texts.push(item.output);
      if (item.role === 'user') lastUserText = content;
    }
    toolOutput = toolOutputOf(input.at(-1));
  } else {
    throw new HttpError(400, "Invalid 'input': expected a string or an array of input items.", 'invalid_request_error', 'input', 'invalid_type');
  }
  const maxOutputTokens = readLimit(body, 'max_output_tokens') ?? null;
  const previousResponseId = typeof body.previous_response_id === 'string' ? body.previous_response_id : null;
  if (previousResponseId !== null && !responseIds.has(previousResponseId)) throw previousResponseNotFound(previousResponseId);
  return {
    model,
    stream: body.stream === true,
    instructions,
    maxOutputTokens,
    previousResponseId,
    // The conversation it continues is read again, and billed, as input.
    inputTokens: countPromptTokens(texts) + (previousResponseId === null ? 0 : responseIds.contextOf(previousResponseId)),
    prompt: {
      lastUserText,
      limit: maxOutputTokens ?? undefined,
      tool: pickTool(readFunctionTools(body.tools), body.tool_choice),
      toolOutput,
    },
  };
}

/** function_call_output, custom_tool_call_output and the other *_call_output items carry a tool's result. */
function toolOutputOf(item: unknown): string | undefined {
  if (!isRecord(item) || typeof item.type !== 'string' || !item.type.endsWith('_call_output')) return undefined;
  return textOfContent(item.output);
}

type Status = 'in_progress' | 'completed' | 'incomplete' | 'failed';

function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [] };
}

/** The reply as an output item; `text` is what has been generated of it so far. */
function outputItem(reply: Reply, id: string, status: Status, text: string | undefined): Record<string, unknown> {
  if (reply.kind === 'tool_call') {
    return { id, type: 'function_call', status, arguments: text ?? '', call_id: reply.callId, name: reply.name };
  }
  return { type: 'message', id, status, role: 'assistant', content: text === undefined ? [] : [outputText(text)] };
}

/** The answer's usage; the conversation, now this much longer, is remembered for a follow-up. */
function usageOf(req: ResponsesRequest, responseId: string, reply: Reply, options: RespondOptions): Record<string, unknown> {
  const n = tokenCounts(req.inputTokens, reply.completion.tokens.length, options);
  options.responseIds.remember(responseId, n.total);
  return {
    input_tokens: n.prompt,
    input_tokens_details: { cached_tokens: n.cached },
    output_tokens: n.completion,
    output_tokens_details: { reasoning_tokens: n.reasoning },
    total_tokens: n.total,
  };
}

// Truncation by max_output_tokens is reported the way the real API does:
// status "incomplete" with a reason, not "completed".
function finalStatus(reply: Reply): Status {
  return reply.completion.truncated ? 'incomplete' : 'completed';
}

function responseObject(
  req: ResponsesRequest,
  id: string,
  createdAt: number,
  status: Status,
  output: unknown[],
  usage: unknown,
  error: unknown = null,
): Record<string, unknown> {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    error,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: req.instructions,
    max_output_tokens: req.maxOutputTokens,
    model: req.model,
    output,
    previous_response_id: req.previousResponseId,
    text: { format: { type: 'text' } },
    usage,
    metadata: {},
  };
}

/** Random, so ids never collide across instances; remembered as soon as one goes out. */
function newResponseId(options: RespondOptions): string {
  const id = newId('resp_');
  options.responseIds.remember(id);
  return id;
}

function itemIdPrefix(reply: Reply): string {
  return reply.kind === 'tool_call' ? 'fc_' : 'msg_';
}

async function respond(res: ServerResponse, req: ResponsesRequest, options: RespondOptions): Promise<void> {
  const reply = planReply(req.prompt, options.tools);
  if (req.stream) return stream(res, req, reply, options);
  const status = finalStatus(reply);
  const item = outputItem(reply, newId(itemIdPrefix(reply)), status, reply.completion.text);
  const responseId = newResponseId(options);
  sendJson(res, 200, responseObject(req, responseId, unixSeconds(), status, [item], usageOf(req, responseId, reply, options)));
}

async function stream(res: ServerResponse, req: ResponsesRequest, reply: Reply, options: RespondOptions): Promise<void> {
  const sse = new SseStream(res, options.chunkDelayMs, options.framing);
  const responseId = newResponseId(options);
  const itemId = newId(itemIdPrefix(reply));
  const createdAt = unixSeconds();
  let sequence = 0;
  const emit = (type: string, payload: Record<string, unknown>): Promise<boolean> =>
    sse.send(JSON.stringify({ type, sequence_number: sequence++, ...payload }), type);
  const isText = reply.kind === 'text';
  const where = isText ? { item_id: itemId, output_index: 0, content_index: 0 } : { item_id: itemId, output_index: 0 };
  const { tokens, text } = reply.completion;
  const status = finalStatus(reply);
  const interrupt = async (sent: number): Promise<boolean> => {
    const what = interruptionAt(options, sent);
    if (what === 'drop') sse.drop();
    if (what === 'fail') {
      // As the API documents it: no output and no usage, the error in the response.
      const error = responseStreamError(requestIdOf(res));
      const failed = responseObject(req, responseId, createdAt, 'failed', [], null, error);
      if (await emit('response.failed', { response: failed })) sse.end();
    }
    return what !== undefined;
  };

  sse.open();
  const pending = responseObject(req, responseId, createdAt, 'in_progress', [], null);
  if (!(await emit('response.created', { response: pending }))) return;
  if (!(await emit('response.in_progress', { response: pending }))) return;
  const addedItem = outputItem(reply, itemId, 'in_progress', undefined);
  if (!(await emit('response.output_item.added', { output_index: 0, item: addedItem }))) return;
  if (isText && !(await emit('response.content_part.added', { ...where, part: outputText('') }))) return;
  for (const [i, token] of tokens.entries()) {
    if (await interrupt(i)) return;
    const delta = isText
      ? emit('response.output_text.delta', { ...where, delta: token, logprobs: [] })
      : emit('response.function_call_arguments.delta', { ...where, delta: token });
    if (!(await delta)) return;
  }
  if (await interrupt(Number.POSITIVE_INFINITY)) return;
  if (isText) {
    if (!(await emit('response.output_text.done', { ...where, text, logprobs: [] }))) return;
    if (!(await emit('response.content_part.done', { ...where, part: outputText(text) }))) return;
  } else if (!(await emit('response.function_call_arguments.done', { ...where, arguments: text }))) {
    return;
  }
  const doneItem = outputItem(reply, itemId, status, text);
  if (!(await emit('response.output_item.done', { output_index: 0, item: doneItem }))) return;
  const final = responseObject(req, responseId, createdAt, status, [doneItem], usageOf(req, responseId, reply, options));
  // The Responses API has no [DONE] sentinel: the terminal event ends the stream.
  if (!(await emit(status === 'completed' ? 'response.completed' : 'response.incomplete', { response: final }))) return;
  sse.end();
}

export const responses: GenerationEndpoint<ResponsesRequest> = { parse, respond };
