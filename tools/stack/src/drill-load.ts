import { createAdminClient } from './admin-client.js';
import { silentWav } from './audio-fixture.js';
import type { StackInfo } from './stack.js';

/**
 * The customers and requests of the failure drills and the soak: what one request sent
 * through the gateway came to, as the client saw it.
 */
export type LoadKind =
  | 'chat'
  | 'chat-stream'
  | 'responses'
  | 'responses-stream'
  | 'messages'
  | 'messages-stream'
  | 'embeddings'
  | 'images'
  | 'speech'
  | 'transcription'
  | 'usage';

export interface Customer {
  userId: number;
  key: string;
  /** Requests a day, or null for none. */
  limit: number | null;
}

export interface Outcome {
  kind: LoadKind;
  /** The HTTP status; 0 when no whole answer came: the connection failed, it timed out, or a stream broke off before its end. */
  status: number;
  requestId: string | null;
  userId: number;
  /** When it was sent, ms since the load began. */
  at: number;
  /** How long until its answer ended (or failed). */
  ms: number;
  /** An error answer's body (its start), or why no answer came. */
  detail?: string;
}

/** A plain answer still missing after this long is a network error. */
const ANSWER_TIMEOUT_MS = 30_000;
const MODEL = 'gpt-4o-mini';

/** One second of silence as a WAV upload. */
function transcriptionForm(): FormData {
  const form = new FormData();
  form.set('model', 'whisper-1');
  form.set('file', new Blob([silentWav(1)], { type: 'audio/wav' }), 'drill.wav');
  return form;
}

const ANTHROPIC = { 'anthropic-version': '2023-06-01' };
const CLAUDE = 'claude-haiku-4-5';

const REQUESTS: Record<LoadKind, { path: string; body?: object; form?: () => FormData; headers?: Record<string, string>; end?: string }> = {
  chat: { path: '/v1/chat/completions', body: { model: MODEL, messages: [{ role: 'user', content: 'drill' }], max_tokens: 8 } },
  'chat-stream': {
    path: '/v1/chat/completions',
    body: { model: MODEL, stream: true, messages: [{ role: 'user', content: 'drill' }], max_tokens: 16 },
    end: '[DONE]',
  },
  responses: { path: '/v1/responses', body: { model: MODEL, input: 'drill', max_output_tokens: 16 } },
  // The Responses API has no [DONE]: its terminal event ends the stream.
  'responses-stream': { path: '/v1/responses', body: { model: MODEL, stream: true, input: 'drill', max_output_tokens: 16 }, end: 'response.completed' },
  messages: { path: '/v1/messages', headers: ANTHROPIC, body: { model: CLAUDE, max_tokens: 16, messages: [{ role: 'user', content: 'drill' }] } },
  'messages-stream': {
    path: '/v1/messages',
    headers: ANTHROPIC,
    body: { model: CLAUDE, max_tokens: 16, stream: true, messages: [{ role: 'user', content: 'drill' }] },
    end: 'message_stop',
  },
  embeddings: { path: '/v1/embeddings', body: { model: 'text-embedding-3-small', input: ['drill', 'the books'], dimensions: 64 } },
  images: { path: '/v1/images/generations', body: { model: 'dall-e-2', prompt: 'drill', size: '256x256', response_format: 'b64_json' } },
  speech: { path: '/v1/audio/speech', body: { model: 'tts-1', voice: 'alloy', input: 'Drill.', response_format: 'mp3' } },
  transcription: { path: '/v1/audio/transcriptions', form: transcriptionForm },
  usage: { path: '/v1/usage' },
};

/** Whether the kind is metered (billed, with a usage row) rather than a look-up. */
export const isGeneration = (kind: LoadKind) => kind !== 'usage';

/** A customer for each entry, with a key and a package of that daily request limit (null: none). */
export async function seed(info: Pick<StackInfo, 'gatewayUrl' | 'adminToken'>, limits: Array<number | null>): Promise<Customer[]> {
  const admin = createAdminClient(info);
  const packages = new Map<number | null, Promise<{ id: number }>>();
  const customers: Customer[] = [];
  for (const limit of limits) {
    if (!packages.has(limit)) packages.set(limit, admin.createPackage({ daily_request_limit: limit, duration_days: 1 }));
    const user = await admin.createUser();
    await admin.grant(user.id, (await packages.get(limit)!).id);
    customers.push({ userId: user.id, key: (await admin.issueKey(user.id)).key, limit });
  }
  return customers;
}

/**
 * Reads a stream to its end; true when its closing marker came. Markers are looked for
 * across chunk boundaries.
 */
async function readsTo(body: ReadableStream<Uint8Array> | null, marker: string): Promise<boolean> {
  if (!body) return false;
  const decoder = new TextDecoder();
  let tail = '';
  let seen = false;
  for await (const chunk of body) {
    tail += decoder.decode(chunk, { stream: true });
    seen ||= tail.includes(marker);
    tail = tail.slice(-marker.length);
  }
  return seen;
}

/**
 * One request of a customer through the gateway, read to its end. A plain answer gives up
 * after ANSWER_TIMEOUT_MS; a stream runs until it ends or `signal` aborts it.
 */
export async function send(gatewayUrl: string, customer: Customer, kind: LoadKind, started: number, signal?: AbortSignal): Promise<Outcome> {
  const { path, body, form, headers, end } = REQUESTS[kind];
  const t0 = Date.now();
  let status = 0;
  let requestId: string | null = null;
  let detail: string | undefined;
  try {
    const res = await fetch(`${gatewayUrl}${path}`, {
      method: body || form ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${customer.key}`, ...headers, ...(form ? {} : { 'content-type': 'application/json' }) },
      body: form ? form() : body && JSON.stringify(body),
      signal: end ? signal : AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    requestId = res.headers.get('x-request-id');
    if (end && res.status === 200) {
      status = (await readsTo(res.body, end)) ? 200 : 0;
      if (!status) detail = 'the stream ended before its closing event';
    } else {
      const text = await res.text();
      status = res.status;
      if (status >= 400) detail = text.slice(0, 200);
    }
  } catch (err) {
    status = 0;
    detail = String((err as Error).cause ?? (err as Error).message).slice(0, 200);
  }
  return { kind, status, requestId, userId: customer.userId, at: t0 - started, ms: Date.now() - t0, detail };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}
