import type { IncomingMessage } from 'node:http';
import express, { type Request, type Response } from 'express';
import { BadRequestError, PayloadTooLargeError } from '../../infra/errors.js';

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)/i;
const UTF8 = /^utf-?8$/i;

/**
 * A body this reader takes as it comes: no content encoding, UTF-8 (or no charset named).
 * Anything else (gzip, another charset) goes through body-parser, which decodes it.
 */
export function isPlainUtf8(req: IncomingMessage): boolean {
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  const charset = CHARSET.exec(req.headers['content-type'] ?? '')?.[1];
  return charset === undefined || UTF8.test(charset);
}

/**
 * Reads a plain UTF-8 JSON body (isPlainUtf8) as body-parser's `json()` would, with the
 * same answers to bad input: larger than `limitBytes` → 413, not a JSON object or array →
 * 400 invalid_json, cut off → 400; an empty body is `{}`, no body at all is undefined.
 * Returns the bytes too: unchanged, they are what the upstream is sent.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<DecodedBody | undefined> {
  const declared = req.headers['content-length'];
  if (declared === undefined && req.headers['transfer-encoding'] === undefined) return Promise.resolve(undefined);
  if (declared !== undefined && Number(declared) > limitBytes) {
    req.pause();
    return Promise.reject(new PayloadTooLargeError(limitBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: Error) => {
      req.off('data', onData).off('end', onEnd).off('aborted', onAborted).off('error', onAborted);
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) stop(new PayloadTooLargeError(limitBytes));
      else chunks.push(chunk);
    };
    const onAborted = () => stop(new BadRequestError('Request was aborted by the client.', 'request_aborted'));
    const onEnd = () => {
      req.off('aborted', onAborted).off('error', onAborted);
      const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      try {
        resolve({ json: parseStrict(bytes.toString('utf8')), bytes });
      } catch {
        reject(new BadRequestError('Request body is not valid JSON.', 'invalid_json'));
      }
    };
    req.on('data', onData).on('end', onEnd).on('aborted', onAborted).on('error', onAborted);
  });
}

/** JSON whose top level is an object or an array, a leading byte order mark ignored. */
function parseStrict(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  const first = /^[ \t\n\r]*(.)/s.exec(body)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError('not a JSON object or array');
  return JSON.parse(body);
}

/** A JSON body as decoded, and its bytes when they are UTF-8 (the upstream's charset): unchanged, they are what the upstream is sent. */
export interface DecodedBody {
  json: unknown;
  bytes: Buffer | undefined;
}

const BODY_BYTES = Symbol('body bytes');
type WithBodyBytes = { [BODY_BYTES]?: Buffer };

/** body-parser's verify hook: the body as decoded from its content encoding, when it is UTF-8. */
function keepBodyBytes(req: object, _res: unknown, bytes: Buffer, charset: string): void {
  if (charset === 'utf-8' || charset === 'utf8') (req as WithBodyBytes)[BODY_BYTES] = bytes;
}

/**
 * The body of a metered request, whatever its content type and in every encoding express
 * decodes (gzip, deflate, br): the prompt estimate is taken from the decoded body, never
 * from its size on the wire. A plain UTF-8 body (nearly all of them) is read by
 * readJsonBody; any other goes through body-parser, which decodes it. Undefined when the
 * request has no body.
 */
export function createBodyReader(limitBytes: number) {
  const decoding = express.json({ limit: limitBytes, type: () => true, verify: keepBodyBytes });
  return (req: Request, res: Response): Promise<DecodedBody | undefined> => {
    if (isPlainUtf8(req)) return readJsonBody(req, limitBytes);
    return new Promise((resolve, reject) => {
      decoding(req, res, (err?: unknown) => {
        if (err) reject(err);
        else resolve(req.body === undefined ? undefined : { json: req.body, bytes: (req as WithBodyBytes)[BODY_BYTES] });
      });
    });
  };
}
