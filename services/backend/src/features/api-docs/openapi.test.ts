import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import client from 'prom-client';
import { stackEnv, testStack } from '@codex-gateway/stack/testing';
import { createApp } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import { registeredRoutes } from '../../infra/routes.js';
import { openApiPath } from './openapi.js';

const stack = testStack();

/** Routes outside the three APIs: probes, the payment providers' callbacks, the description itself. */
const NOT_AN_API = /^\/(healthz|readyz|openapi\.json)$|^\/api\/payments\//;

async function description() {
  const res = await fetch(`${stack.gatewayUrl}/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  return (await res.json()) as { openapi: string; paths: Record<string, Record<string, any>> };
}

describe('the OpenAPI description', () => {
  test('is served at /openapi.json through nginx, and is a valid OpenAPI 3.1 document', async () => {
    const doc = await description();
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc as never);
    assert.equal(result.valid, true, String(JSON.stringify(result.errors)).slice(0, 2000));
  });

  test('describes every route the app registers for the customer, console and admin APIs, and nothing else', async () => {
    const doc = await description();
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const app = createApp(loadConfig({ ...stackEnv(), NODE_ENV: 'test' }), {
      logger: createLogger({ logLevel: 'silent', instanceId: 'openapi-test' }),
      registry: new client.Registry(),
    });
    try {
      const registered = new Set(
        registeredRoutes(app.app.router)
          .filter((r) => !NOT_AN_API.test(r.path))
          // /api/v1 is the customer API again, under the original product's prefix.
          .map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path.replace(/^\/api\/v1\//, '/v1/'))}`),
      );
      assert.ok(registered.size > 70, `only ${registered.size} routes`);
      assert.deepEqual(
        [...registered].filter((r) => !documented.has(r)),
        [],
        'registered, not described',
      );
      assert.deepEqual(
        [...documented].filter((r) => !registered.has(r)),
        [],
        'described, not registered',
      );
    } finally {
      await app.close();
    }
  });

  test('every operation says who may call it, and the bodies and parameters the routes validate', async () => {
    const doc = await description();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.equal(typeof op['x-permission'], 'string', `${method} ${path}`);
        assert.ok(Array.isArray(op.security), `${method} ${path}`);
      }
    }
    const patchStaff = doc.paths['/api/admin/staff/{id}']!.patch;
    assert.equal(patchStaff['x-permission'], 'staff.manage');
    assert.deepEqual(
      patchStaff.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
      ['path:id'],
    );
    assert.deepEqual(
      patchStaff.requestBody.content['application/json'].schema.properties.role.anyOf.map((s: { enum?: string[] }) => s.enum ?? null),
      [['owner', 'admin', 'support'], null],
    );
    const ledger = doc.paths['/api/console/ledger']!.get;
    assert.equal(ledger['x-permission'], 'signed_in');
    assert.ok(ledger.parameters.some((p: { name: string; in: string }) => p.in === 'query' && p.name === 'cursor'));
    const chat = doc.paths['/v1/chat/completions']!.post;
    assert.equal(chat['x-permission'], 'api_key');
    assert.deepEqual(chat.requestBody.content['application/json'].schema.required, ['model', 'messages']);
  });
});
