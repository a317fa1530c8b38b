/** POST /v1/chat/completions, plain and streamed, in the wire format of the real API. */

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
import { chatStreamError } from "./openai-errors.js";
import { SseStream } from "./sse-stream.js";

export interface ChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  promptTokens: number;
  completion: Completion;
}

function parse(body: Record<string, unknown>): ChatRequest {
  const model = requireModel(body);
  const messages = body.messages;
  if (messages === undefined || messages === null) throw missingParam("messages");
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new HttpError(400, "Invalid 'messages': expected a non-empty array.", "invalid_request_error", "messages", "invalid_value");
  }
  const texts: string[] = [];
  let lastUserText = "";
  for (const [i, message] of messages.entries()) {
    if (!isRecord(message)) {
      throw new HttpError(400, `Invalid 'messages[${i}]': expected an object.`, "invalid_request_error", `messages[${i}]`, "invalid_type");
    }
    const text = textOfContent(message.content);
    texts.push(text);
    if (message.role === "user") lastUserText = text;
  }
  // Both spellings exist in the wild (max_tokens is the legacy one); honour the stricter.
  const limits = [readLimit(body, "max_tokens"), readLimit(body, "max_completion_tokens")].filter(
    (n): n is number => n !== undefined,
  );
  const limit = limits.length > 0 ? Math.min(...limits) : undefined;
  const streamOptions = body.stream_options;
  return {
    model,
    stream: body.stream === true,
    includeUsage: isRecord(streamOptions) && streamOptions.include_usage === true,
    promptTokens: countPromptTokens(texts),
    completion: planCompletion(lastUserText, limit),
  };
}

function usageOf(req: ChatRequest, completionTokens: number): Record<string, number> {
  return {
    prompt_tokens: req.promptTokens,
    completion_tokens: completionTokens,
    total_tokens: req.promptTokens + completionTokens,
  };
}

function finishReason(req: ChatRequest): "stop" | "length" {
  return req.completion.truncated ? "length" : "stop";
}

async function respond(res: ServerResponse, req: ChatRequest, options: RespondOptions): Promise<void> {
  if (req.stream) return stream(res, req, options);
  const { completion } = req;
  sendJson(res, 200, {
    id: newId("chatcmpl-"),
    object: "chat.completion",
    created: unixSeconds(),
    model: req.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content: completion.text, refusal: null },
        logprobs: null,
        finish_reason: finishReason(req),
      },
    ],
    usage: usageOf(req, completion.tokens.length),
    system_fingerprint: "fp_mock",
  });
}

async function stream(res: ServerResponse, req: ChatRequest, options: RespondOptions): Promise<void> {
  const sse = new SseStream(res, options.chunkDelayMs, options.framing);
  const base = { id: newId("chatcmpl-"), object: "chat.completion.chunk", created: unixSeconds(), model: req.model };
  // The real API adds "usage": null to every chunk once usage reporting is requested.
  const usageField = req.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null): string =>
    JSON.stringify({
      ...base,
      system_fingerprint: "fp_mock",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...usageField,
    });
  const interrupt = async (sent: number): Promise<boolean> => {
    const what = interruptionAt(options, sent);
    if (what === "drop") sse.drop();
    // The API reports a failure after the stream began as an error event, then ends the stream.
    if (what === "fail" && (await sse.send(JSON.stringify({ error: chatStreamError(requestIdOf(res)) })))) sse.end();
    return what !== undefined;
  };

  sse.open();
  if (!(await sse.send(chunk({ role: "assistant", content: "", refusal: null }, null)))) return;
  const tokens = req.completion.tokens;
  for (const [i, token] of tokens.entries()) {
    if (await interrupt(i)) return;
    if (!(await sse.send(chunk({ content: token }, null)))) return;
  }
  if (await interrupt(Number.POSITIVE_INFINITY)) return;
  if (!(await sse.send(chunk({}, finishReason(req))))) return;
  if (req.includeUsage) {
    const usage = JSON.stringify({ ...base, system_fingerprint: "fp_mock", choices: [], usage: usageOf(req, tokens.length) });
    if (!(await sse.send(usage))) return;
  }
  if (!(await sse.send("[DONE]"))) return;
  sse.end();
}

export const chatCompletions: GenerationEndpoint<ChatRequest> = { parse, respond };
