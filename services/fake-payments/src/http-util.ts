import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Payment requests and callbacks are a few kilobytes; the cap only stops a runaway client.
export const MAX_BODY_BYTES = 1024 * 1024;
// A merchant's answer is "success" or a short error; keep enough to debug, not a whole page.
const MAX_DELIVERY_BODY_BYTES = 64 * 1024;
const DELIVERY_TIMEOUT_MS = 10_000;

/** Thrown by body reading; each fake renders it in its own provider's error style. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What the merchant answered to a webhook or notify; status 0 means it was never reached. */
export interface Delivery {
  status: number;
  body: string;
  /** Only when the request failed at the network level (refused, timed out, …). */
  error?: string;
}

const ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Stripe-looking ids (`cs_test_a1B2…`): a prefix plus random base62. */
export function newId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = prefix;
  // The modulo is slightly biased; irrelevant for ids that only need to be unique.
  for (const byte of bytes) out += ID_ALPHABET[byte % ID_ALPHABET.length];
  return out;
}

/** Compares secrets without leaking, through timing, how much of a guess was right. */
export function safeEqual(a: string, b: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual requires.
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Splits a request target into its raw path and its decoded query parameters. */
export function splitUrl(rawUrl: string | undefined): { path: string; query: URLSearchParams } {
  const url = rawUrl ?? '/';
  const q = url.indexOf('?');
  return {
    path: q === -1 ? url : url.slice(0, q),
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
  };
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        // Drain the rest so the error answer can still be delivered.
        req.resume();
        reject(new BodyError(413, `Request body exceeds ${MAX_BODY_BYTES} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size).toString('utf8')));
    req.once('error', reject);
  });
}

/** Control endpoints take an optional JSON object; an empty body means "no overrides". */
export function parseOptionalJsonObject(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new BodyError(400, 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new BodyError(400, 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, contentType: string, payload: string, headers: Record<string, string>): void {
  // The client may already be gone (e.g. a browser tab closed while a webhook was in flight).
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body, null, 2), headers);
}

export function sendRawJson(res: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', payload, headers);
}

export function sendHtml(res: ServerResponse, status: number, html: string): void {
  send(res, status, 'text/html; charset=utf-8', html, { 'cache-control': 'no-store' });
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text, {});
}

/** 303 so the browser follows with a GET, as after any form POST. */
export function redirect(res: ServerResponse, location: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(303, { location, 'content-length': '0' });
  res.end();
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/**
 * Calls the merchant (webhook or notify) and reports what it answered. Never throws:
 * an unreachable merchant is a result tests want to see, not a fake failure.
 * Each call uses its own connection (agent: false) so no pooled socket keeps a
 * test process or a closing server alive.
 */
export function deliver(target: string, init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string }): Promise<Delivery> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve({ status: 0, body: '', error: 'invalid URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return Promise.resolve({ status: 0, body: '', error: `unsupported protocol ${url.protocol}` });
  }
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
  return new Promise((resolve) => {
    const req = send(url, { method: init.method, headers, agent: false, timeout: DELIVERY_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_DELIVERY_BODY_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      res.once('end', () => {
        const body = Buffer.concat(chunks).subarray(0, MAX_DELIVERY_BODY_BYTES).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.once('error', (err) => resolve({ status: res.statusCode ?? 0, body: '', error: err.message }));
    });
    req.once('timeout', () => req.destroy(new Error(`no answer within ${DELIVERY_TIMEOUT_MS} ms`)));
    req.once('error', (err) => resolve({ status: 0, body: '', error: err.message }));
    req.end(init.body);
  });
}
