import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import express, { Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { errorHandler } from './errors.js';
import { createLogger } from './logger.js';
import { type Access, createRouter, declaredRoutes, route } from './routes.js';
import { ForbiddenError } from './errors.js';

const NOBODY: Access = {
  name: 'nobody',
  description: 'No one.',
  security: [],
  check: () => {
    throw new ForbiddenError('Refused.', 'insufficient_role');
  },
};
const ANYONE: Access = { name: 'anyone', description: 'Anyone.', security: [], check: () => undefined };

function appOf(router: Router) {
  const app = express();
  app.use(express.json());
  app.use(router);
  app.use(errorHandler(createLogger({ logLevel: 'silent', instanceId: 'routes-test' })));
  return app;
}

describe('declared routes', () => {
  test('a router with a route registered without a declaration, or not strict and case-sensitive, is refused at start', () => {
    const loose = createRouter();
    route(loose, 'get', '/fine', { access: ANYONE, summary: 'fine' }, (_in, res) => void res.json({}));
    loose.get('/forgotten', (_req, res) => void res.json({}));
    assert.throws(() => declaredRoutes(loose, '/api/admin'), /GET \/api\/admin\/forgotten declares no access/);

    const plain = Router();
    route(plain, 'get', '/fine', { access: ANYONE, summary: 'fine' }, (_in, res) => void res.json({}));
    assert.throws(() => declaredRoutes(plain), /not case-sensitive and strict/);

    const mounted = createRouter();
    mounted.use(plain);
    assert.throws(() => declaredRoutes(mounted), /not case-sensitive and strict/, 'a loose router mounted inside is found too');
  });

  test('the access check runs before anything the route validates or does', async () => {
    const router = createRouter();
    let ran = false;
    route(
      router,
      'post',
      '/staff/:id',
      { access: NOBODY, summary: 'x', params: z.object({ id: z.string().regex(/^\d+$/) }), body: z.object({ role: z.string() }) },
      () => {
        ran = true;
      },
    );
    const app = appOf(router);
    for (const path of ['/staff/1', '/staff/not-a-number']) {
      const res = await request(app).post(path).send({ wrong: true });
      assert.equal(res.status, 403, path);
      assert.equal(res.body.error.code, 'insufficient_role');
    }
    assert.equal(ran, false);
    // The second wall: other spellings are not the route.
    for (const path of ['/STAFF/1', '/Staff/1', '/staff/1/']) assert.equal((await request(app).post(path).send({})).status, 404, path);
  });

  test('NUL and lone surrogates anywhere in the input are a 400 naming where, before the handler', async () => {
    const router = createRouter();
    route(
      router,
      'post',
      '/things/:name',
      { access: ANYONE, summary: 'x', body: z.record(z.string(), z.unknown()) },
      (_in, res) => void res.json({ ok: true }),
    );
    const app = appOf(router);
    const cases: Array<[string, unknown, RegExp]> = [
      ['/things/a%00b', {}, /path\.name/],
      ['/things/a?filter=a%00b', {}, /query\.filter/],
      ['/things/a', { deep: { list: ['ok', 'bad\u0000'] } }, /body\.deep\.list\.1/],
      ['/things/a', { ['key\u0000']: 1 }, /body/],
      ['/things/a', { note: '\ud800' }, /body\.note must be well-formed/],
    ];
    for (const [path, body, where] of cases) {
      const res = await request(app)
        .post(path)
        .send(body as object);
      assert.equal(res.status, 400, path);
      assert.match(res.body.error.message, where);
    }
    assert.equal((await request(app).post('/things/a').send({ note: 'fine 😀' })).status, 200, 'a surrogate pair is fine');
  });
});
