import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import zlib from 'node:zlib';
import { testStack } from '../testing.js';

const stack = testStack();
const gateway = new URL(stack.gatewayUrl);

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Well-formed, only hostile in content (SQL-looking strings): it may succeed. */
  mayPass?: boolean;
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

const SQLISH = [
  "' OR 1=1 --",
  "'; DROP TABLE users; --",
  '" UNION SELECT key_hash FROM api_keys --',
  '\\x00',
  '%00',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
];
// 20 MB of zeros in 20 kB of gzip: decoded, it is past every body limit.
const GZIP_BOMB = zlib.gzipSync(Buffer.alloc(20 * 1024 * 1024));

const PATHS = [
  '/api/v1/chat/completions',
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/models',
  '/v1/usage',
  '/v1/orders',
  '/v1/redeem',
  '/api/admin/users',
  '/api/admin/packages',
  '/api/payments/webhook/stripe',
  '/api/payments/notify/epay',
];

function probes(count: number): Probe[] {
  const r = random(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const key = `Bearer ${stack.demoApiKey}`;
  const out: Probe[] = [];
  for (let i = 0; i < count; i += 1) {
    const path = pick(PATHS);
    const sql = pick(SQLISH);
    const variants: Probe[] = [
      {
        method: 'POST',
        path,
        headers: { authorization: key, 'content-type': 'application/json' },
        body: Buffer.from('{"model": "gpt-4o-mini", "messages": ['),
      },
      {
        method: 'POST',
        path,
        headers: { authorization: key, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model: 42, messages: 'no', stream: 'yes', max_tokens: -5 })),
      },
      {
        method: 'POST',
        path,
        headers: { authorization: key, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model: sql, messages: [{ role: sql, content: sql }], package_id: sql, code: sql, email: sql })),
        mayPass: true,
      },
      {
        method: 'POST',
        path,
        headers: { authorization: key, 'content-type': 'application/json' },
        body: Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('","messages":[]}')]),
      },
      {
        method: 'POST',
        path,
        headers: { authorization: key, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: Buffer.from('not gzip at all'),
      },
      { method: 'POST', path, headers: { authorization: key, 'content-type': 'text/plain; charset=klingon' }, body: Buffer.from('hello') },
      { method: 'POST', path, headers: { authorization: `Bearer ${sql}`, 'content-type': 'application/json' }, body: Buffer.from('{}') },
      { method: 'POST', path, headers: { authorization: 'Basic', 'content-type': 'application/json' }, body: Buffer.from('[]') },
      { method: 'GET', path: `${path}/${encodeURIComponent(sql)}?q=${encodeURIComponent(sql)}`, headers: { authorization: key } },
      {
        method: 'GET',
        path: `/api/admin/users/${encodeURIComponent(sql)}/usage?from=${encodeURIComponent(sql)}`,
        headers: { authorization: `Bearer ${stack.adminToken}` },
      },
      { method: 'PATCH', path: `/nope/${i}`, headers: {} },
      {
        method: 'POST',
        path: '/api/admin/packages',
        headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
        body: Buffer.from(
          JSON.stringify({ name: sql, daily_request_limit: 'x', duration_days: 0, price_cents: -1, currency: sql }).replace(
            '"duration_days":0',
            '"duration_days":1e309',
          ),
        ),
      },
      { method: 'GET', path: `/v1/orders/${encodeURIComponent(sql)}`, headers: { authorization: key } },
      { method: 'DELETE', path: `/api/admin/api-keys/${encodeURIComponent(sql)}`, headers: { authorization: `Bearer ${stack.adminToken}` } },
      {
        method: 'POST',
        path,
        headers: { authorization: key, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model: `gpt\u0000${sql}`, messages: [], input: 'x' })),
      },
      {
        method: 'POST',
        path,
        headers: { authorization: key, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ model: 'gpt-4o-mini', messages: [], input: 'x', max_tokens: 1e20, max_output_tokens: 9000000000000000000, n: 1e9 })),
      },
      { method: 'POST', path, headers: { authorization: key, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: GZIP_BOMB },
      { method: 'GET', path: `/v1/models/${encodeURIComponent(sql)}`, headers: { authorization: key } },
    ];
    // Each probe comes from one of many client addresses, as on the internet: the
    // failed-authentication limit is per address, and no one address reaches it here.
    const probe = pick(variants);
    out.push({ ...probe, headers: { ...probe.headers, 'x-forwarded-for': `198.51.100.${i % 200}` } });
  }
  return out;
}

function send(p: Probe): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: gateway.hostname,
        port: gateway.port,
        method: p.method,
        path: p.path,
        headers: { ...p.headers, ...(p.body ? { 'content-length': String(p.body.length) } : {}) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    req.end(p.body);
  });
}

test('thousands of malformed requests through nginx get 4xx answers in the API error shape, and the service stays healthy', async () => {
  const all = probes(2000);
  // Oversized bodies, a few: they are expensive to send.
  const huge = Buffer.alloc(11 * 1024 * 1024, 'a');
  for (let i = 0; i < 3; i += 1)
    all.push({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${stack.demoApiKey}`, 'content-type': 'application/json' },
      body: huge,
    });
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < all.length) {
      const p = all[next++]!;
      const res = await send(p).catch((err: Error) => ({ status: -1, body: err.message }));
      let shaped = false;
      try {
        const parsed = JSON.parse(res.body) as { error?: { message?: unknown; type?: unknown } };
        shaped = typeof parsed.error?.message === 'string' && typeof parsed.error?.type === 'string';
      } catch {
        shaped = false;
      }
      // EPay's protocol answers a notify it refuses with a plain "fail".
      const epayRefusal = p.path.startsWith('/api/payments/notify/epay') && res.body === 'fail';
      const acceptable = res.status >= 400 && res.status < 500 ? shaped : res.status < 300 && (p.mayPass || epayRefusal);
      if (!acceptable) failures.push(`${p.method} ${p.path.slice(0, 60)} → ${res.status} ${res.body.slice(0, 120)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${all.length} answers were not 4xx in the error shape`);

  for (const backend of stack.backends) assert.equal((await fetch(`${backend.url}/readyz`)).status, 200);
  // The SQL-looking strings were data, never SQL: the tables are all still there.
  assert.equal((await fetch(`${stack.gatewayUrl}/api/admin/packages`, { headers: { authorization: `Bearer ${stack.adminToken}` } })).status, 200);
  const ok = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.demoApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still fine?' }] }),
  });
  assert.equal(ok.status, 200);
});
