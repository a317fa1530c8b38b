import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { CONSOLE_DIST } from './paths.js';
import { httpOk, type Service } from './process.js';
import { startNginx } from './services/nginx.js';
import { freePort, testDir, testStack, waitFor } from './testing.js';

const stack = testStack();
const INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body>console fixture</body></html>\n';
const SCRIPT = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i}`))};\n`;

/** An nginx of the test's own, rendered from the same template, serving `consoleRoot` in front of the stack's backends. */
async function gatewayServing(name: string, consoleRoot: string): Promise<{ url: string; service: Service }> {
  const port = await freePort();
  const service = await startNginx({
    name,
    prefix: path.join(testDir(), name),
    port,
    backends: stack.backends.map((b) => new URL(b.url).host),
    logDir: path.join(testDir(), 'logs'),
    consoleRoot,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(name, () => httpOk(`${url}/healthz`), 10_000);
  return { url, service };
}

/** A GET that leaves the body as nginx sent it (compressed or not). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; raw: Buffer; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, raw, body: raw.toString('utf8') });
        });
      })
      .on('error', reject);
  });
}

async function send(method: string, url: string): Promise<{ status: number; contentType: string; body: any }> {
  const res = await fetch(url, { method, ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }) });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? '';
  return { status: res.status, contentType, body: contentType.includes('json') ? JSON.parse(text) : text };
}

describe('nginx in front of the console (deploy/nginx/templates/gateway.conf.template)', () => {
  let built: { url: string; service: Service };
  let unbuilt: { url: string; service: Service };

  before(async () => {
    const root = path.join(testDir(), 'console-fixture');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), INDEX);
    writeFileSync(path.join(root, 'assets/app-1a2b3c.js'), SCRIPT);
    built = await gatewayServing('nginx-console-built', root);
    unbuilt = await gatewayServing('nginx-console-unbuilt', path.join(testDir(), 'no-console-here'));
  });
  after(async () => {
    await built?.service.stop();
    await unbuilt?.service.stop();
  });

  test('/ and every page of the app answer index.html, revalidated on each visit', async () => {
    for (const page of ['/', '/keys', '/orders/CG123?x=1', '/zh/settings/']) {
      const res = await get(`${built.url}${page}`);
      assert.equal(res.status, 200, page);
      assert.equal(res.body, INDEX, page);
      assert.match(String(res.headers['content-type']), /^text\/html/, page);
      assert.equal(res.headers['cache-control'], 'no-cache', page);
    }
  });

  test('hashed assets are cached for good and compressed; a missing one is a 404, not the page', async () => {
    const res = await get(`${built.url}/assets/app-1a2b3c.js`, { 'accept-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/javascript/);
    assert.match(String(res.headers['cache-control']), /max-age=31536000.*immutable/);
    assert.equal(res.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(res.raw).toString(), SCRIPT);

    const missing = await get(`${built.url}/assets/app-000000.js`);
    assert.equal(missing.status, 404);
    assert.ok(!missing.body.includes('console fixture'));
  });

  test('the API stays with the backends: unknown /v1/ and /api/ paths are their JSON 404, uncompressed', async () => {
    for (const p of ['/v1/nope', '/api/nope', '/api/v1/nothing/here', '/v1']) {
      const res = await get(`${built.url}${p}`, { 'accept-encoding': 'gzip', authorization: `Bearer ${stack.demoApiKey}` });
      assert.equal(res.status, 404, p);
      assert.equal(res.headers['content-encoding'], undefined, p);
      assert.equal(JSON.parse(res.body).error.code, 'unknown_route', p);
    }
    assert.equal(JSON.parse((await get(`${built.url}/healthz`)).body).status, 'ok');
    // Readiness stays on each backend's own port (deploy-nginx-edge.test.ts).
    assert.equal(JSON.parse((await get(`${built.url}/readyz`)).body).error.code, 'not_found');
    const models = await get(`${built.url}/v1/models`, { authorization: `Bearer ${stack.demoApiKey}` });
    assert.equal(models.status, 200);
    assert.ok(Array.isArray(JSON.parse(models.body).data));
  });

  test("writing to the console's paths is a 405 in the API's error shape", async () => {
    for (const [method, p] of [
      ['POST', '/'],
      ['PATCH', '/nope/1'],
      ['DELETE', '/keys'],
      ['POST', '/assets/app-1a2b3c.js'],
    ] as const) {
      const res = await send(method, `${built.url}${p}`);
      assert.equal(res.status, 405, `${method} ${p}`);
      assert.equal(res.body.error.code, 'method_not_allowed', `${method} ${p}`);
      assert.equal(typeof res.body.error.message, 'string');
    }
  });

  test('without a console build the pages say how to build it, and the API works as ever', async () => {
    const res = await send('GET', `${unbuilt.url}/keys`);
    assert.equal(res.status, 503);
    assert.match(res.body, /npm run build -w services\/console/);
    assert.equal((await send('GET', `${unbuilt.url}/api/nope`)).body.error.code, 'unknown_route');
  });

  test("the stack's own gateway serves the console build of the repository at consoleUrl", async () => {
    assert.equal(stack.consoleUrl, `${stack.gatewayUrl}/`);
    const res = await get(stack.consoleUrl);
    const index = path.join(CONSOLE_DIST, 'index.html');
    if (existsSync(index)) {
      assert.equal(res.status, 200);
      assert.equal(res.body, readFileSync(index, 'utf8'));
    } else {
      assert.equal(res.status, 503, 'no build yet: the page says how to make one');
    }
  });
});
