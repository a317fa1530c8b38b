/**
 * POST /v1/responses — the Responses API the Codex CLI speaks.
 *
 * Streams follow the real event order, and every event carries `type` and a
 * monotonically increasing `sequence_number`, because clients (Codex among
 * them) dispatch on `type` and some verify ordering.
 */

import type { ServerResponse } from "node:http";
import { HttpError, isRecord, newId, requestIdOf, sendJson, unixSeconds } from "./http-util.js";
import {
  type Completion,
  type GenerationEndpoint,
  type RespondOptions,
  countPromptTokens,
  interruptionAt,
  missingParam,
  planCompletion,
  readLimit,
  requireModel,
  textOfContent,
} from "./generation.js";
import { responseStreamError } from "./openai-errors.js";
import { SseStream } from "./sse-stream.js";

export interface ResponsesRequest {
  model: string;
  stream: boolean;
  instructions: string | null;
  maxOutputTokens: number | null;
  previousResponseId: string | null;
  inputTokens: number;
  completion: Completion;
}

/**
 * Input tokens count the instructions plus every input item's text: message
 * content (string or parts) and tool output (`output` of function_call_output).
 */
function parse(body: Record<string, unknown>): ResponsesRequest {
  const model = requireModel(body);
  const input = body.input;
  if (input === undefined || input === null) throw missingParam("input");
  const instructions = typeof body.instructions === "string" ? body.instructions : null;
  const texts: string[] = instructions === null ? [] : [instructions];
  let lastUserText = "";
  if (typeof input === "string") {
    texts.push(input);
    lastUserText = input;
  } else if (Array.isArray(input)) {
    for (const item of input) {
      if (!isRecord(item)) continue;
      const content = textOfContent(item.content);
      texts.push(content);
      if (typeof item.output === "string") texts.push(item.output);
      if (item.role === "user") lastUserText = content;
    }
  } else {
    throw new HttpError(400, "Invalid 'input': expected a string or an array of input items.", "invalid_request_error", "input", "invalid_type");
  }
  const maxOutputTokens = readLimit(body, "max_output_tokens") ?? null;
  return {
    model,
    stream: body.stream === true,
    instructions,
    maxOutputTokens,
    previousResponseId: typeof body.previous_response_id === "string" ? body.previous_response_id : null,
    inputTokens: countPromptTokens(texts),
    completion: planCompletion(lastUserText, maxOutputTokens ?? undefined),
  };
}

type Status = "in_progress" | "completed" | "incomplete" | "failed";

function outputText(text: string): Record<string, unknown> {
  return { type: "output_text", text, annotations: [] };
}

function messageItem(id: string, status: Status, content: unknown[]): Record<string, unknown> {
  return { type: "message", id, status, role: "assistant", content };
}

function usageOf(req: ResponsesRequest): Record<string, unknown> {
  const output = req.completion.tokens.length;
  return {
    input_tokens: req.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: req.inputTokens + output,
  };
}

// Truncation by max_output_tokens is reported the way the real API does:
// status "incomplete" with a reason, not "completed".
function finalStatus(req: ResponsesRequest): Status {
  return req.completion.truncated ? "incomplete" : "completed";
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
    object: "response",
    created_at: createdAt,
    status,
    error,
    incomplete_details: status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: req.instructions,
    max_output_tokens: req.maxOutputTokens,
    model: req.model,
    output,
    previous_response_id: req.previousResponseId,
    text: { format: { type: "text" } },
    usage,
    metadata: {},
  };
}

async function respond(res: ServerResponse, req: ResponsesRequest, options: RespondOptions): Promise<void> {
  if (req.stream) return stream(res, req, options);
  const status = finalStatus(req);
  const item = messageItem(newId("msg_"), status, [outputText(req.completion.text)]);
  sendJson(res, 200, responseObject(req, newId("resp_"), unixSeconds(), status, [item], usageOf(req)));
}

async function stream(res: ServerResponse, req: ResponsesRequest, options: RespondOptions): Promise<void> {
  const sse = new SseStream(res, options.chunkDelayMs, options.framing);
  const responseId = newId("resp_");
  const itemId = newId("msg_");
  const createdAt = unixSeconds();
  let sequence = 0;
  const emit = (type: string, payload: Record<string, unknown>): Promise<boolean> =>
    sse.send(JSON.stringify({ type, sequence_number: sequence++, ...payload }), type);
  const where = { item_id: itemId, output_index: 0, content_index: 0 };
  const { tokens, text } = req.completion;
  const status = finalStatus(req);
  const interrupt = async (sent: number): Promise<boolean> => {
    const what = interruptionAt(options, sent);
    if (what === "drop") sse.drop();
    if (what === "fail") {
      // As the API documents it: no output and no usage, the error in the response.
      const error = responseStreamError(requestIdOf(res));
      const failed = responseObject(req, responseId, createdAt, "failed", [], null, error);
      if (await emit("response.failed", { response: failed })) sse.end();
    }
    return what !== undefined;
  };

  sse.open();
  const pending = responseObject(req, responseId, createdAt, "in_progress", [], null);
  if (!(await emit("response.created", { response: pending }))) return;
  if (!(await emit("response.in_progress", { response: pending }))) return;
  const addedItem = messageItem(itemId, "in_progress", []);
  if (!(await emit("response.output_item.added", { output_index: 0, item: addedItem }))) return;
  if (!(await emit("response.content_part.added", { ...where, part: outputText("") }))) return;
  for (const [i, token] of tokens.entries()) {
    if (await interrupt(i)) return;
    if (!(await emit("response.output_text.delta", { ...where, delta: token, logprobs: [] }))) return;
  }
  if (await interrupt(Number.POSITIVE_INFINITY)) return;
  if (!(await emit("response.output_text.done", { ...where, text, logprobs: [] }))) return;
  if (!(await emit("response.content_part.done", { ...where, part: outputText(text) }))) return;
  const doneItem = messageItem(itemId, status, [outputText(text)]);
  if (!(await emit("response.output_item.done", { output_index: 0, item: doneItem }))) return;
  const final = responseObject(req, responseId, createdAt, status, [doneItem], usageOf(req));
  // The Responses API has no [DONE] sentinel: the terminal event ends the stream.
  if (!(await emit(status === "completed" ? "response.completed" : "response.incomplete", { response: final }))) return;
  sse.end();
}

export const responses: GenerationEndpoint<ResponsesRequest> = { parse, respond };
