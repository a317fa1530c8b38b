import express, { Router, type Request, type Response } from 'express';
import { BadRequestError, UpstreamError } from '../../infra/errors.js';
import type { Logger } from '../../infra/logger.js';
import { isTimeout, type UpstreamClient } from './upstream-client.js';

// Hop-by-hop and length headers are Node's to set; everything else the upstream says passes on.
const SKIPPED_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'date', 'server']);

interface RelayDeps {
  upstream: UpstreamClient;
  logger: Logger;
  bodyLimitBytes: number;
}

/** The OpenAI-compatible routes, relayed to the upstream with the body passed through. */
export function createRelayRoutes({ upstream, logger, bodyLimitBytes }: RelayDeps): Router {
  const router = Router();
  const json = express.json({ limit: bodyLimitBytes, type: () => true });

  router.get('/models', (req, res) => relay(req, res, 'GET', '/models', undefined));
  router.post('/chat/completions', json, (req, res) => relay(req, res, 'POST', '/chat/completions', chatBody(req.body)));
  router.post('/responses', json, (req, res) => relay(req, res, 'POST', '/responses', requireModel(req.body)));

  async function relay(req: Request, res: Response, method: 'GET' | 'POST', path: string, body: unknown) {
    const abort = new AbortController();
    // A client that goes away stops the upstream request too.
    res.once('close', () => abort.abort());
    let answer;
    try {
      answer = await upstream.send(method, path, body, abort.signal, res.locals.requestId as string);
    } catch (err) {
      if (abort.signal.aborted) return;
      logger.warn({ err: (err as Error).message, path }, 'upstream request failed');
      throw isTimeout(err)
        ? new UpstreamError(504, 'The upstream provider did not answer in time.')
        : new UpstreamError(502, 'The upstream provider could not be reached.');
    }
    res.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !SKIPPED_HEADERS.has(name)) res.setHeader(name, value);
    }
    res.setHeader('x-request-id', res.locals.requestId as string);
    // nginx must not buffer streams.
    res.setHeader('x-accel-buffering', 'no');
    res.flushHeaders();
    try {
      for await (const chunk of answer.body) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    } catch (err) {
      if (!abort.signal.aborted) logger.warn({ err: (err as Error).message, path }, 'upstream stream broke off');
      res.destroy();
    }
  }

  return router;
}

function requireModel(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError('Request body must be a JSON object.', 'invalid_body');
  }
  const record = body as Record<string, unknown>;
  if (typeof record.model !== 'string' || record.model.length === 0) {
    throw new BadRequestError('"model" is required and must be a string.', 'missing_model');
  }
  if (record.stream !== undefined && typeof record.stream !== 'boolean') {
    throw new BadRequestError('"stream" must be a boolean.', 'invalid_stream');
  }
  return record;
}

/** Streams ask the upstream for a closing usage chunk, so every stream can be metered. */
function chatBody(body: unknown): Record<string, unknown> {
  const record = requireModel(body);
  if (!Array.isArray(record.messages)) {
    throw new BadRequestError('"messages" is required and must be an array.', 'missing_messages');
  }
  if (record.stream === true) {
    const options = typeof record.stream_options === 'object' && record.stream_options ? record.stream_options : {};
    return { ...record, stream_options: { ...options, include_usage: true } };
  }
  return record;
}
