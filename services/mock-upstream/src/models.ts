/**
 * The model catalogue, and the behaviours selected by model name.
 *
 * Failure injection is keyed on the model name because that is the one field a
 * gateway forwards untouched: a test can provoke an upstream 503 end-to-end
 * without any side channel to the mock.
 */

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
  | { kind: "error"; status: number }
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
    if (status >= 400 && status <= 599) return { kind: "error", status };
  }
  m = /^mock-slow-(\d{1,10})$/.exec(model);
  if (m) return { kind: "slow", ms: Math.min(Number(m[1]), MAX_SLOW_MS) };
  return NORMAL;
}
