import type { RuntimeChannel } from './channel-types.js';

/** The OpenAI API paths the gateway calls; `{model}` is the model's name on the channel. */
export type UpstreamPath = '/chat/completions' | '/responses' | '/models' | '/models/{model}';

/** Headers of the client's request that reach the upstream: what Codex and the SDKs rely on, never its key or cookies. */
export const FORWARDED_REQUEST_HEADERS: readonly string[] = [
  'openai-beta',
  // Codex: older releases send session_id/conversation_id, newer ones session-id/thread-id and x-codex-*.
  'session_id',
  'session-id',
  'conversation_id',
  'thread-id',
  'x-client-request-id',
  'x-codex-beta-features',
  'x-codex-window-id',
  'x-codex-turn-metadata',
  'originator',
  'version',
  'user-agent',
  'idempotency-key',
  'x-idempotency-key',
];

/** A short string the gateway routes by (a conversation, a response id), or undefined; anything else is the upstream's to judge. */
export const routingText = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined);

/** The conversation a request belongs to, as Codex and the SDKs name it (headers first, then prompt_cache_key). */
export function conversationOf(headers: Record<string, string | string[] | undefined>, promptCacheKey: string | undefined): string | undefined {
  return routingText(headers.session_id) ?? routingText(headers['session-id']) ?? promptCacheKey;
}

/** The model's name on this channel: its model map, own keys only ("constructor" must not find Object's). */
export function channelModel(channel: RuntimeChannel, model: string | undefined): string | undefined {
  return model !== undefined && Object.hasOwn(channel.modelMap, model) ? channel.modelMap[model] : model;
}

/**
 * Where a call goes on this channel, and how it authenticates. OpenAI-compatible channels
 * take `<base>/<path>` and a bearer key; Azure OpenAI takes deployments in the path, an
 * api-version query parameter and an `api-key` header.
 */
export function channelTarget(channel: RuntimeChannel, path: UpstreamPath, model: string | undefined): { url: string; auth: Record<string, string> } {
  if (channel.kind === 'azure') {
    const version = `api-version=${encodeURIComponent(channel.apiVersion ?? '')}`;
    const url =
      path === '/chat/completions'
        ? `${channel.baseUrl}/openai/deployments/${encodeURIComponent(model ?? '')}/chat/completions?${version}`
        : path === '/responses'
          ? `${channel.baseUrl}/openai/responses?${version}`
          : path === '/models'
            ? `${channel.baseUrl}/openai/models?${version}`
            : `${channel.baseUrl}/openai/models/${encodeURIComponent(model ?? '')}?${version}`;
    return { url, auth: channel.apiKey ? { 'api-key': channel.apiKey } : {} };
  }
  const url = `${channel.baseUrl}${path.replace('{model}', encodeURIComponent(model ?? ''))}`;
  return { url, auth: channel.apiKey ? { authorization: `Bearer ${channel.apiKey}` } : {} };
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds, at most `capMs`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, capMs: number, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(text) - now;
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  return Math.min(Math.ceil(ms), capMs);
}
