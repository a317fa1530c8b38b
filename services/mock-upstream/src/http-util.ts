import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { stampProcessingTime } from './openai-headers.js';

// Codex CLI sends whole conversations with tool output on every turn, so the
// limit is generous; it only exists so a runaway client cannot exhaust memory.
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

// setTimeout silently fires after 1 ms for anything above 2^31-1.
const MAX_TIMER_MS = 2_147_483_647;

/** An answer in OpenAI's error shape; thrown anywhere, rendered once at the top. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** An error answered with a body of its own instead of OpenAI's shape (Azure's routing errors). */
export class RawBodyError extends HttpError {
  constructor(
    status: number,
    readonly body: unknown,
  ) {
    super(status, JSON.stringify(body));
  }
}

export function newId(prefix: string): string {
  // randomUUID draws from a pre-filled entropy cache, which keeps it cheap at high request rates.
  return prefix + randomUUID().replaceAll('-', '');
}

/** The x-request-id this answer carries (set for every request as it arrives). */
export function requestIdOf(res: ServerResponse): string {
  return String(res.getHeader('x-request-id') ?? '');
}

export function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendRawJson(res, status, JSON.stringify(body), headers);
}

export function sendRawJson(res: ServerResponse, status: number, payload: string, headers: Record<string, string> = {}): void {
  sendBody(res, status, payload, 'application/json', headers);
}

/** A whole answer at once, with its length. */
export function sendBody(res: ServerResponse, status: number, payload: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
  // The client may have gone away while we were sleeping; writing then would throw.
  if (res.headersSent || res.destroyed) return;
  stampProcessingTime(res);
  res.writeHead(status, {
    ...headers,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(payload)),
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  const body = err instanceof RawBodyError ? err.body : { error: { message: err.message, type: err.type, param: err.param, code: err.code } };
  sendJson(res, err.status, body, err.headers);
}

/** The request's body, refused with a 413 past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        // Keep draining so the 413 can actually be delivered, then close the socket.
        req.resume();
        reject(
          new HttpError(413, `Request body exceeds ${maxBytes} bytes.`, 'invalid_request_error', null, null, {
            connection: 'close',
          }),
        );
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a request body that must be a JSON object, as every OpenAI POST endpoint requires. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, 'The request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Waits `ms`, but wakes early when the response closes, so a client that hung up
 * does not pin a timer (and the event loop) for the rest of a long injected delay.
 */
export function sleep(ms: number, res: ServerResponse): Promise<void> {
  if (!(ms > 0) || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, MAX_TIMER_MS));
    res.once('close', done);
  });
}

export function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.writableEnded;
}
