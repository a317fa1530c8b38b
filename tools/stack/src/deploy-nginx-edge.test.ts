import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createMockUpstream, type MockUpstream } from '@codex-gateway/mock-upstream';
import { httpOk, type Service } from './process.js';
import { startNginx } from './services/nginx.js';
import { adminApi, freePort, testDir, testStack, waitFor } from './testing.js';

const stack = testStack();
const admin = adminApi(stack);

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
}

/** One request on a connection of its own, from `from` (a loopback address), the path sent exactly as written. */
function send(
  base: string,
  method: string,
  rawPath: string,
  options: { from?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(base);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        agent: false,
        localAddress: options.from,
        rejectUnauthorized: false,
        headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let body: any = text;
          try {
            body = JSON.parse(text);
          } catch {
            // HTML and text stay text.
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** nginx's own 429 (the backends' limits answer with codes of their own). */
const limitedByEdge = (a: Answer) => a.status === 429 && a.body?.error?.code === 'too_many_requests';

describe('the edge (deploy/nginx/templates/gateway.conf.template)', () => {
  let edge: { url: string; service: Service };
  let tls: { url: string; httpsUrl: string; service: Service };

  before(async () => {
    const backends = stack.backends.map((b) => new URL(b.url).host);
    const logDir = path.join(testDir(), 'logs');
    const port = await freePort();
    // The production edge: the stack's own nginx runs without per-address limits (every test comes from 127.0.0.1).
    const service = await startNginx({ name: 'nginx-edge', prefix: path.join(testDir(), 'nginx-edge'), port, backends, logDir });
    edge = { url: `http://127.0.0.1:${port}`, service };

    const dir = path.join(testDir(), 'nginx-tls');
    const [cert, key] = [path.join(testDir(), 'edge-cert.pem'), path.join(testDir(), 'edge-key.pem')];
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ]);
    const [plainPort, tlsPort] = [await freePort(), await freePort()];
    const tlsService = await startNginx({
      name: 'nginx-tls',
      prefix: dir,
      port: plainPort,
      backends,
      logDir,
      tls: { listen: `127.0.0.1:${tlsPort}`, certFile: cert, keyFile: key },
    });
    tls = { url: `http://127.0.0.1:${plainPort}`, httpsUrl: `https://127.0.0.1:${tlsPort}`, service: tlsService };
    await waitFor('the edges', async () => (await httpOk(`${edge.url}/healthz`)) && (await httpOk(`${tls.url}/healthz`)), 10_000);
  });
  after(async () => {
    await edge?.service.stop();
    await tls?.service.stop();
  });

  test('sign-in, sign-up and password resets from one address are limited at the edge, with a 429 in the API shape, whatever the spelling', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 16; i += 1) answers.push(await send(edge.url, 'POST', '/api/console/auth/sign-in', { body: '{}' }));
    const passed = answers.filter((a) => !limitedByEdge(a)).length;
    // A burst of 10 beyond the first, then one every 3 s (20 a minute).
    assert.ok(passed >= 11 && passed <= 12, `${passed} of 16 reached the backends`);
    assert.ok(
      answers.slice(0, 11).every((a) => !limitedByEdge(a)),
      'the first 11 reach the backends',
    );
    const refused = answers.at(-1)!;
    assert.equal(refused.status, 429);
    assert.match(String(refused.headers['content-type']), /^application\/json/);
    assert.deepEqual(Object.keys(refused.body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(refused.body.error.type, 'rate_limit_error');

    // The same address is refused on every account route, however it spells the path.
    for (const p of [
      '/api/console/auth/sign-up',
      '/api/console/auth/forgot-password',
      '/api/console/auth/reset-password',
      '/api/console/auth/resend-verification',
      '/api/console/auth/SIGN-IN',
      '/api/CONSOLE/Auth/sign-in',
      '/api/console/auth/sign-in/',
      '/api//console/auth/sign-in',
      '/api/console/auth/sign%2Din',
      '/api/console/./auth/sign-in',
    ]) {
      assert.ok(limitedByEdge(await send(edge.url, 'POST', p, { body: '{}' })), p);
    }
    // A forwarded address from the client is not believed (nobody stands in front of this nginx).
    assert.ok(limitedByEdge(await send(edge.url, 'POST', '/api/console/auth/sign-in', { body: '{}', headers: { 'x-forwarded-for': '10.9.8.7' } })));
    // Another address is not.
    assert.ok(!limitedByEdge(await send(edge.url, 'POST', '/api/console/auth/sign-in', { from: '127.0.0.2', body: '{}' })));
  });

  test('the key check (models) is limited per address; the metered API and the rest of the console API are not', async () => {
    const { key } = await admin.customer();
    const auth = { authorization: `Bearer ${key}` };
    const models: Answer[] = [];
    const spellings = ['/v1/models', '/api/v1/models', '/api/V1/Models', '/v1/MODELS/gpt-4o-mini'];
    for (let i = 0; i < 36; i += 1) models.push(await send(edge.url, 'GET', spellings[i % spellings.length]!, { from: '127.0.0.3', headers: auth }));
    assert.equal(models[0]!.status, 200);
    const passed = models.filter((a) => !limitedByEdge(a)).length;
    assert.ok(passed >= 31 && passed <= 32, `${passed} of 36 model lists served (a burst of 30, then one a second)`);
    assert.ok(limitedByEdge(models.at(-1)!));

    const chat = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'not throttled' }] });
    for (let i = 0; i < 40; i += 1) {
      const res = await send(edge.url, 'POST', '/v1/chat/completions', { from: '127.0.0.3', headers: auth, body: chat });
      assert.equal(res.status, 200, `chat ${i}: ${JSON.stringify(res.body)}`);
    }
    for (let i = 0; i < 40; i += 1) assert.equal((await send(edge.url, 'GET', '/api/console/session', { from: '127.0.0.3' })).status, 200);
  });

  test('/readyz is not served on the public port; /healthz is, and each backend answers /readyz on its own port', async () => {
    for (const p of ['/readyz', '/READYZ', '/readyz/', '//readyz', '/api/../readyz', '/readyz?x=1']) {
      const res = await send(edge.url, 'GET', p);
      assert.notEqual(res.status, 200, p);
      assert.equal(JSON.stringify(res.body).includes('checks'), false, `${p} never reaches a backend's /readyz`);
    }
    assert.equal((await send(edge.url, 'GET', '/readyz')).body.error.code, 'not_found');
    assert.equal((await send(stack.gatewayUrl, 'GET', '/readyz')).status, 404, "the stack's own gateway too");
    assert.equal((await send(edge.url, 'GET', '/healthz')).body.status, 'ok');
    for (const backend of stack.backends) assert.equal((await send(backend.url, 'GET', '/readyz')).body.status, 'ready');
  });

  test("the console's pages carry a Content-Security-Policy that forbids framing; plain HTTP carries no HSTS", async () => {
    for (const p of ['/', '/keys', '/sign-in']) {
      const res = await send(edge.url, 'GET', p);
      const csp = String(res.headers['content-security-policy'] ?? '');
      assert.match(csp, /frame-ancestors 'none'/, p);
      assert.match(csp, /default-src 'self'/, p);
      assert.match(csp, /script-src 'self'(;|$)/, `${p}: no inline or foreign scripts`);
      assert.match(csp, /object-src 'none'/, p);
      assert.equal(res.headers['x-frame-options'], 'DENY', p);
      assert.equal(res.headers['strict-transport-security'], undefined, `${p} over plain HTTP`);
    }
  });

  test('with a certificate and key nginx terminates TLS and sends HSTS over it, on the console and the API alike', async () => {
    for (const p of ['/', '/keys', '/healthz', '/v1/nope']) {
      const res = await send(tls.httpsUrl, 'GET', p);
      assert.ok(res.status < 500, `${p}: ${res.status}`);
      assert.match(String(res.headers['strict-transport-security']), /^max-age=\d{8,}/, p);
    }
    assert.match(String((await send(tls.httpsUrl, 'GET', '/')).headers['content-security-policy']), /frame-ancestors 'none'/);
    const plain = await send(tls.url, 'GET', '/healthz');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['strict-transport-security'], undefined);
  });
});

describe("older Codex's underscore headers through nginx", () => {
  const model = `edge-affinity-${process.pid}`;
  const created: number[] = [];
  let mocks: MockUpstream[] = [];

  before(async () => {
    mocks = ['a', 'b'].map((n) => createMockUpstream({ name: `edge-${n}-${process.pid}` }));
    const bases = await Promise.all(mocks.map(async (m) => `${(await m.listen(0, '127.0.0.1')).url}/v1`));
    // Sold (the catalogue prices it) and served by two equal channels, so only the session can keep it on one.
    assert.equal((await admin.call('POST', '/models', { name: model, input_price: 1, output_price: 2 })).status, 201);
    for (const [i, base] of bases.entries()) {
      // Above every other channel (the stack's own serves every model), alike between the two.
      const res = await admin.call('POST', '/channels', { name: `edge-${i}-${process.pid}`, base_url: base, models: [model], priority: 900 });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      created.push(res.body.id);
    }
    await sleep(300); // every worker reloads channels and catalogue from the bus
  });
  after(async () => {
    for (const id of created) await admin.call('DELETE', `/channels/${id}`);
    await Promise.all(mocks.map((m) => m.close()));
  });

  test('session_id and conversation_id reach the upstream, and one session stays on one channel', async () => {
    const { key } = await admin.customer();
    const headers = { authorization: `Bearer ${key}`, session_id: `edge-session-${Date.now()}`, conversation_id: 'edge-conversation' };
    const body = JSON.stringify({ model, messages: [{ role: 'user', content: 'stick with me' }] });
    for (let i = 0; i < 12; i += 1) assert.equal((await send(stack.gatewayUrl, 'POST', '/v1/chat/completions', { headers, body })).status, 200);
    const served = mocks.map((m) => m.requests().filter((r) => r.path === '/v1/chat/completions'));
    assert.deepEqual(
      served.map((r) => r.length).sort((a, b) => a - b),
      [0, 12],
      'one channel served the whole session',
    );
    const seen = served.flat()[0]!.headers;
    assert.equal(seen.session_id, headers.session_id);
    assert.equal(seen.conversation_id, 'edge-conversation');
  });
});
