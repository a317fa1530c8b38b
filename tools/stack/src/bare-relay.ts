/**
 * The reference `npm run bench` measures the gateway against: the least a relay of
 * the same shape can do. One Express process, the body parsed as JSON and sent on, one
 * Redis round trip (a key look-up), undici to the same mock upstream, the answer piped back
 * (streams chunk by chunk). No auth cache, quota, metering, usage stream or metrics.
 */
import express from 'express';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';

const port = Number(process.env.PORT);
const upstream = process.env.UPSTREAM_URL!;
const redis = new Redis(process.env.REDIS_URL!);
const agent = new Agent({ keepAliveTimeout: 30_000, connections: 2048 });

const app = express();
app.get('/healthz', (_req, res) => res.json({ status: 'ok' }));
const JSON_APIS = ['/v1/chat/completions', '/v1/responses', '/v1/messages', '/v1/embeddings', '/v1/images/generations', '/v1/audio/speech'];
// Uploads pass as their bytes.
const UPLOADS = ['/v1/audio/transcriptions'];
const parse = [express.json({ limit: '10mb' }), express.raw({ type: 'multipart/form-data', limit: '25mb' })];
app.post([...JSON_APIS, ...UPLOADS], ...parse, async (req, res) => {
  await redis.get(`cg:bare:${req.headers.authorization ?? ''}`);
  const upload = UPLOADS.includes(req.path);
  const version = req.headers['anthropic-version'];
  const answer = await request(`${upstream}${req.path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: {
      'content-type': upload ? String(req.headers['content-type']) : 'application/json',
      ...(typeof version === 'string' ? { 'anthropic-version': version } : {}),
    },
    body: upload ? (req.body as Buffer) : JSON.stringify(req.body),
  });
  res.status(answer.statusCode).set('content-type', String(answer.headers['content-type'] ?? 'application/json'));
  for await (const chunk of answer.body) res.write(chunk);
  res.end();
});
const server = app.listen(port, '127.0.0.1');
server.keepAliveTimeout = 65_000;
