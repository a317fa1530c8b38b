/**
 * The model catalogue, and the behaviours selected by model name.
 *
 * Failure injection is keyed on the model name because that is the one field a
 * gateway forwards untouched: a test can provoke an upstream 503 end-to-end
 * without any side channel to the mock.
 */

import { HttpError } from "./http-util.js";

// Fixed so /v1/models is byte-for-byte stable across runs.
const CREATED = 1_715_367_049;

export const MODEL_IDS: readonly string[] = [
  "gpt-4o-mini",
  "gpt-4o",
  "gpt-4.1-mini",
  "gpt-5",
  "gpt-5-codex",
  "o4-mini",
  "mock-error-500",
  "mock-error-503",
  "mock-slow-2000",
  "mock-drop-mid-stream",
];

// mock-slow-<ms> is client-controlled; cap it so a typo cannot park a request for days.
export const MAX_SLOW_MS = 10 * 60 * 1000;

export type ModelBehaviour =
  | { kind: "normal" }
  | { kind: "error"; error: HttpError }
  | { kind: "slow"; ms: number }
  | { kind: "drop" };

const NORMAL: ModelBehaviour = { kind: "normal" };

export function modelObject(id: string): Record<string, unknown> {
  return { id, object: "model", created: CREATED, owned_by: "mock" };
}

// Serialised once: the list never changes and /v1/models is polled by health checks.
export const MODELS_LIST_JSON = JSON.stringify({ object: "list", data: MODEL_IDS.map(modelObject) });

/**
 * mock-error-<status> works for any status 400–599, not only the listed 500 and
 * 503, so retry policies can be exercised against 429, 502, etc.
 */
export function behaviourFor(model: string): ModelBehaviour {
  if (model === "mock-drop-mid-stream") return { kind: "drop" };
  let m = /^mock-error-(\d{3})$/.exec(model);
  if (m) {
    const status = Number(m[1]);
    if (status >= 400 && status <= 599) return { kind: "error", error: injectedError(status) };
  }
  m = /^mock-slow-(\d{1,10})$/.exec(model);
  if (m) return { kind: "slow", ms: Math.min(Number(m[1]), MAX_SLOW_MS) };
  return NORMAL;
}

/** Errors worded and typed the way the real API words them, so gateway error mapping is exercised realistically. */
export function injectedError(status: number): HttpError {
  switch (status) {
    case 401:
      return new HttpError(401, "Incorrect API key provided.", "invalid_request_error", null, "invalid_api_key");
    case 429:
      return new HttpError(429, "Rate limit reached (mock).", "requests", null, "rate_limit_exceeded", {
        "retry-after": "1",
      });
    case 500:
      return serverError();
    case 503:
      return new HttpError(503, "The engine is currently overloaded, please try again later.", "server_error", null, null, {
        "retry-after": "1",
      });
    default:
      return status >= 500
        ? new HttpError(status, `Upstream failure ${status} (mock).`, "server_error")
        : new HttpError(status, `Request rejected with ${status} (mock).`, "invalid_request_error");
  }
}

export function serverError(): HttpError {
  return new HttpError(
    500,
    "The server had an error while processing your request. Sorry about that!",
    "server_error",
  );
}
