import type { RuntimeChannel } from './channel-types.js';

/** The metered API paths (OpenAI's and Anthropic's), under a channel's base URL. */
export type ApiPath =
  | '/chat/completions'
  | '/responses'
  | '/embeddings'
  | '/images/generations'
  | '/images/edits'
  | '/audio/transcriptions'
  | '/audio/translations'
  | '/audio/speech'
  | '/messages'
  | '/messages/count_tokens';

/** The API paths the gateway calls; `{model}` is the model's name on the channel. */
export type UpstreamPath = ApiPath | '/models' | '/models/{model}';

/** The APIs each kind of channel speaks: an Anthropic channel serves the Messages API only; the others, OpenAI's. */
const SPOKEN: Record<RuntimeChannel['kind'], ReadonlySet<ApiPath>> = {
  openai: new Set([
    '/chat/completions',
    '/responses',
    '/embeddings',
    '/images/generations',
    '/images/edits',
    '/audio/transcriptions',
    '/audio/translations',
    '/audio/speech',
  ]),
  azure: new Set(['/chat/completions', '/responses']),
  anthropic: new Set(['/messages', '/messages/count_tokens']),
};

/** Whether this channel speaks the API of `path`. */
export const speaks = (channel: RuntimeChannel, path: ApiPath): boolean => SPOKEN[channel.kind].has(path);

/** The Messages API version sent when the client named none. */
export const ANTHROPIC_VERSION = '2023-06-01';

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
  // Anthropic's SDKs and Claude Code.
  'anthropic-version',
  'anthropic-beta',
  'x-claude-code-session-id',
  'x-app',
];

/** A short string the gateway routes by (a conversation, a response id), or undefined; anything else is the upstream's to judge. */
export const routingText = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : undefined);

/** The conversation a request belongs to, as Codex, Claude Code and the SDKs name it (headers first, then its key in the body). */
export function conversationOf(headers: Record<string, string | string[] | undefined>, promptCacheKey: string | undefined): string | undefined {
  return routingText(headers.session_id) ?? routingText(headers['session-id']) ?? routingText(headers['x-claude-code-session-id']) ?? promptCacheKey;
}

/** The model's name on this channel: its model map, own keys only ("constructor" must not find Object's). */
export function channelModel(channel: RuntimeChannel, model: string | undefined): string | undefined {
  return model !== undefined && Object.hasOwn(channel.modelMap, model) ? channel.modelMap[model] : model;
}

/**
 * Where a call goes on this channel, and how it authenticates. OpenAI-compatible channels
 * take `<base>/<path>` and a bearer key; Azure OpenAI takes deployments in the path, an
 * api-version query parameter and an `api-key` header; Anthropic takes `<base>/v1/<path>`
 * (its base URL is the host, as ANTHROPIC_BASE_URL names it; a trailing /v1 is allowed),
 * an `x-api-key` header and an `anthropic-version`.
 */
export function channelTarget(
  channel: RuntimeChannel,
  path: UpstreamPath,
  model: string | undefined,
): { url: string; auth: Record<string, string>; defaults?: Record<string, string> } {
  if (channel.kind === 'anthropic') {
    const url = `${channel.baseUrl.replace(/\/v1$/, '')}/v1${path.replace('{model}', encodeURIComponent(model ?? ''))}`;
    return { url, auth: channel.apiKey ? { 'x-api-key': channel.apiKey } : {}, defaults: { 'anthropic-version': ANTHROPIC_VERSION } };
  }
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
