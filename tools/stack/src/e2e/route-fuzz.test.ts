import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ConsoleClient, signedUpPerson, staffWithTotp } from '../console-client.js';
import { adminApi, testStack } from '../testing.js';

/**
 * Every route of the console and admin APIs (and the customer API's unmetered ones), as
 * the OpenAPI description lists them, called with hostile values in each path parameter,
 * query parameter and body field in turn: NUL, huge, negative, fractional, wrong types,
 * unicode, prototype names. The rest of each call is as valid as the description allows,
 * so that a hostile value reaches as deep as it can. No answer may be a 5xx, and every
 * error is in the API's shape.
 */

const stack = testStack();
type Json = any;
type Schema = Record<string, any>;

const HUGE = 'x'.repeat(200_000);
/** Hostile values for a path segment or a query parameter (strings on the wire). */
const TEXTS = [
  '\u0000',
  'a\u0000b',
  '%00',
  '-1',
  '0',
  '1.5',
  '1e309',
  '99999999999999999999999',
  '__proto__',
  'constructor',
  'prototype',
  'x'.repeat(5000),
  '😀\u202e\uffff',
  '\ud800',
  "' OR 1=1 --",
  '../../etc/passwd',
  'NaN',
  '',
  // A keyset cursor (base64url of "created_at|request_id") with a UTC offset Postgres refuses.
  Buffer.from('2026-11-26 00:00:00+99|x').toString('base64url'),
];
/** Hostile JSON values for a body field. */
const VALUES: unknown[] = [
  null,
  -1,
  0,
  1.5,
  -1e308,
  1e308,
  2 ** 63,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  '\u0000',
  'a\u0000b',
  HUGE,
  '😀'.repeat(3000),
  '\ud800',
  '__proto__',
  'constructor',
  '2026-02-30',
  '10000-01-01T00:00:00Z',
  [],
  ['\u0000'],
  Array.from({ length: 2000 }, (_, i) => i),
  {},
  JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  'true',
  1,
];
/** Whole bodies that are not what any route takes. */
const BODIES: string[] = ['[]', '"text"', 'null', '1', '{"__proto__":{"role":"owner"}}', `${'['.repeat(5000)}${']'.repeat(5000)}`, '{"a":'];

let seq = 0;
/** Percent-encoding; a lone surrogate (which encodeURIComponent refuses) as the bytes of its UTF-8 look-alike. */
const encode = (value: string) => {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
};
const unique = () => `${process.pid}-${Date.now()}-${seq++}`;

/** A value the schema accepts, as far as a sample can tell (booleans false: nothing created is switched on). */
function sample(schema: Schema | undefined, name = ''): unknown {
  if (!schema) return 'fuzz';
  if (schema.type === 'boolean') return false;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.const !== undefined) return schema.const;
  for (const key of ['anyOf', 'oneOf'])
    if (Array.isArray(schema[key])) return sample(schema[key].find((s: Schema) => s.type !== 'null') ?? schema[key][0], name);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties?.[key], key);
      return out;
    }
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, Math.min(schema.maximum ?? 1, 1));
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'email' || /email/.test(name)) return `fuzz-${unique()}@example.test`;
      if (schema.format === 'date') return '2026-01-01';
      if (schema.format === 'date-time') return new Date().toISOString();
      if (/password/.test(name)) return 'fuzz-password-123';
      return `fuzz${unique().replace(/-/g, '')}`.slice(0, schema.maxLength ?? 64);
    default:
      return 'fuzz';
  }
}

/** Path parameters that name nothing: a hostile value in one place, and no real object changed by the rest. */
const PATH_SAMPLES: Record<string, string> = {
  id: '987654321',
  ref: '987654321',
  orderNo: 'CG00000000000000000AAAAAAAA',
  name: 'no-such-model',
  model: 'no-such-model',
};

interface Operation {
  method: string;
  path: string;
  params: Array<{ name: string; in: 'path' | 'query'; schema: Schema }>;
  body: Schema | undefined;
}

function operations(doc: Json, prefix: RegExp): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    if (!prefix.test(path)) continue;
    for (const [method, op] of Object.entries<Json>(item)) {
      ops.push({ method: method.toUpperCase(), path, params: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema });
    }
  }
  return ops;
}

interface Sent {
  status: number;
  text: string;
  contentType: string;
}

/** What the walk created with valid fields around a hostile one (models, packages named fuzz…): removed, so later tests see the catalogue they expect. */
async function cleanUp(): Promise<void> {
  const admin = adminApi(stack);
  for (const m of (await admin.call('GET', '/models')).body as Array<{ name: string }>) {
    if (m.name.startsWith('fuzz')) await admin.call('DELETE', `/models/${encodeURIComponent(m.name)}`);
  }
  for (const p of (await admin.call('GET', '/packages')).body as Array<{ id: number; name: string; status: string }>) {
    if (p.name.startsWith('fuzz') && p.status === 'active') await admin.call('POST', `/packages/${p.id}/retire`);
  }
  for (const c of (await admin.call('GET', '/channels')).body as Array<{ id: number | null; name: string }>) {
    if (c.name.startsWith('fuzz') && c.id !== null) await admin.call('DELETE', `/channels/${c.id}`);
  }
}

describe('hostile values in every route of the API descriptions', () => {
  let doc: Json;
  let owner: ConsoleClient;
  let customer: ConsoleClient;
  let customerKey: string;
  const fivexx: string[] = [];
  const badShape: string[] = [];
  let requests = 0;

  before(async () => {
    doc = await (await fetch(`${stack.gatewayUrl}/openapi.json`)).json();
    owner = (await staffWithTotp(stack, 'owner')).client;
    customer = (await signedUpPerson(stack)).client;
    customerKey = (await adminApi(stack).customer()).key;
  });
  after(cleanUp);

  /** One call: as the owner (admin API), the customer (console) or with the customer's key (customer API). */
  async function send(op: Operation, path: string, query: string, body: string | undefined): Promise<void> {
    const who = op.path.startsWith('/api/admin') ? owner : customer;
    const headers: Record<string, string> = {
      // Each call from an address of its own: the sign-in and mail limits of one address are not this test's to spend.
      'x-forwarded-for': `203.0.113.${seq++ % 250}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    };
    if (op.path.startsWith('/v1/')) headers.authorization = `Bearer ${customerKey}`;
    else {
      headers.cookie = [...who.jar].map(([k, v]) => `${k}=${v}`).join('; ');
      headers['x-csrf-token'] = who.csrf;
    }
    const res = await fetch(`${stack.gatewayUrl}${path}${query}`, { method: op.method, headers, body });
    const sent: Sent = { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
    requests += 1;
    const what = `${op.method} ${path.slice(0, 120)}${query.slice(0, 80)} ${body?.slice(0, 80) ?? ''}`;
    if (sent.status >= 500) fivexx.push(`${sent.status} ${what}: ${sent.text.slice(0, 200)}`);
    else if (sent.status >= 400 && sent.status !== 414) {
      let error: Json;
      try {
        error = JSON.parse(sent.text).error;
      } catch {}
      if (typeof error?.message !== 'string' || typeof error?.type !== 'string') badShape.push(`${sent.status} ${what}: ${sent.text.slice(0, 200)}`);
    }
  }

  function pathWith(op: Operation, hostile?: { name: string; value: string }): string {
    return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encode(hostile?.name === name ? hostile.value : (PATH_SAMPLES[name] ?? 'x')));
  }

  async function fuzz(op: Operation): Promise<void> {
    const base = op.body ? sample(op.body) : undefined;
    const baseBody = base === undefined ? undefined : JSON.stringify(base);
    const pathParams = op.params.filter((p) => p.in === 'path');
    const queryParams = op.params.filter((p) => p.in === 'query');
    for (const p of pathParams) for (const value of TEXTS) await send(op, pathWith(op, { name: p.name, value }), '', baseBody);
    for (const p of queryParams) {
      for (const value of TEXTS) await send(op, pathWith(op), `?${encode(p.name)}=${encode(value)}`, baseBody);
      await send(op, pathWith(op), `?${p.name}=1&${p.name}=2`, baseBody);
      await send(op, pathWith(op), `?${p.name}[__proto__][x]=1`, baseBody);
    }
    if (op.method === 'GET' || op.method === 'DELETE') return;
    for (const raw of BODIES) await send(op, pathWith(op), '', raw);
    const fields = Object.keys(op.body?.properties ?? {});
    for (const field of fields) {
      for (const value of VALUES) await send(op, pathWith(op), '', JSON.stringify({ ...(base as object), [field]: value }));
    }
    // Written as text: in an object literal, __proto__ would set the prototype and vanish from the JSON.
    const rest = JSON.stringify(base ?? {}).slice(1);
    await send(op, pathWith(op), '', `{"__proto__":{"polluted":true},"\\u0000":1${rest === '}' ? '' : ','}${rest}`);
  }

  for (const [api, prefix] of [
    ['admin', /^\/api\/admin\//],
    ['console', /^\/api\/console\//],
    ['customer (unmetered)', /^\/v1\/(?!chat\/|responses)/],
  ] as const) {
    test(`the ${api} API answers every hostile call with a 4xx in its error shape, never a 5xx`, async () => {
      fivexx.length = 0;
      badShape.length = 0;
      // Signing out would end the session the rest of the walk uses.
      for (const op of operations(doc, prefix).filter((o) => !o.path.endsWith('/sign-out'))) await fuzz(op);
      console.log(`route fuzz (${api}): ${requests} requests so far, ${fivexx.length} answers of 5xx`);
      assert.deepEqual(fivexx, []);
      assert.deepEqual(badShape, []);
    });
  }

  test('the walk left the stack healthy, and no prototype was polluted', async () => {
    for (const b of stack.backends) assert.equal((await fetch(`${b.url}/readyz`)).status, 200);
    assert.equal((Object.prototype as Json).polluted, undefined);
    const me = await owner.admin('GET', '/users?limit=1');
    assert.equal(me.status, 200, 'the owner session still works');
  });
});
