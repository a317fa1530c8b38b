import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import client from 'prom-client';
import { createConsoleClient, signedUpPerson, staffWithTotp } from '@codex-gateway/stack/console-client';
import { stackEnv, testStack } from '@codex-gateway/stack/testing';
import { createApp } from '../../app.js';
import { loadConfig } from '../../infra/config.js';
import { createLogger } from '../../infra/logger.js';
import type { DeclaredRoute } from '../../infra/routes.js';

const stack = testStack();

type Caller = 'owner' | 'admin' | 'support' | 'customer' | 'none' | 'token';
const CALLERS: readonly Caller[] = ['owner', 'admin', 'support', 'customer', 'none', 'token'];

const EVERYONE = CALLERS;
const SIGNED_IN: readonly Caller[] = ['owner', 'admin', 'support', 'customer'];
const STAFF: readonly Caller[] = ['owner', 'admin', 'support', 'token'];
const ADMINS: readonly Caller[] = ['owner', 'admin', 'token'];
const OWNERS: readonly Caller[] = ['owner', 'token'];

/**
 * Who may call what: one row per route the admin and console routers register, written
 * here by hand (not read from the code under test). A route added without a row fails.
 */
const WHO_MAY: Readonly<Record<string, readonly Caller[]>> = {
  'GET /api/console/session': EVERYONE,
  'POST /api/console/auth/sign-up': EVERYONE,
  'POST /api/console/auth/verify-email': EVERYONE,
  'POST /api/console/auth/resend-verification': EVERYONE,
  'POST /api/console/auth/sign-in': EVERYONE,
  'POST /api/console/auth/sign-out': EVERYONE,
  'POST /api/console/auth/forgot-password': EVERYONE,
  'POST /api/console/auth/reset-password': EVERYONE,
  'GET /api/console/order-status/:orderNo': EVERYONE,
  'POST /api/console/order-status/:orderNo/cancel': EVERYONE,
  'GET /api/console/me': SIGNED_IN,
  'POST /api/console/me/password': SIGNED_IN,
  'GET /api/console/me/totp': SIGNED_IN,
  'POST /api/console/me/totp/setup': SIGNED_IN,
  'POST /api/console/me/totp/enable': SIGNED_IN,
  'POST /api/console/me/totp/recovery-codes': SIGNED_IN,
  'GET /api/console/me/notifications': SIGNED_IN,
  'PATCH /api/console/me/notifications': SIGNED_IN,
  'GET /api/console/keys': SIGNED_IN,
  'POST /api/console/keys': SIGNED_IN,
  'PATCH /api/console/keys/:id': SIGNED_IN,
  'DELETE /api/console/keys/:id': SIGNED_IN,
  'GET /api/console/packages': SIGNED_IN,
  'GET /api/console/catalog': SIGNED_IN,
  'GET /api/console/usage/today': SIGNED_IN,
  'GET /api/console/usage/daily': SIGNED_IN,
  'GET /api/console/usage/models': SIGNED_IN,
  'GET /api/console/ledger': SIGNED_IN,
  'GET /api/console/ledger.csv': SIGNED_IN,
  'GET /api/console/orders': SIGNED_IN,
  'POST /api/console/orders': SIGNED_IN,
  'GET /api/console/orders/:orderNo': SIGNED_IN,
  'POST /api/console/redeem': SIGNED_IN,
  'GET /api/console/models': SIGNED_IN,

  'GET /api/admin/users': STAFF,
  'GET /api/admin/users/:id': STAFF,
  'GET /api/admin/users/:id/api-keys': STAFF,
  'GET /api/admin/users/:id/packages': STAFF,
  'GET /api/admin/users/:id/usage': STAFF,
  'GET /api/admin/packages': STAFF,
  'GET /api/admin/orders': STAFF,
  'GET /api/admin/orders/:orderNo': STAFF,
  'GET /api/admin/payment-events': STAFF,
  'GET /api/admin/redemption-codes': STAFF,
  'GET /api/admin/redemption-codes.csv': STAFF,
  'GET /api/admin/audit-log': STAFF,
  'GET /api/admin/usage/summary': STAFF,
  'GET /api/admin/usage/requests': STAFF,
  'GET /api/admin/overview': STAFF,
  'GET /api/admin/setup-checklist': STAFF,
  'GET /api/admin/channels': STAFF,
  'GET /api/admin/channels/:ref': STAFF,
  'GET /api/admin/models': STAFF,
  'POST /api/admin/users/:id/suspend': STAFF,
  'POST /api/admin/users/:id/resume': STAFF,
  'POST /api/admin/users/:id/password-reset': STAFF,
  'DELETE /api/admin/api-keys/:id': STAFF,
  'POST /api/admin/users': ADMINS,
  'POST /api/admin/users/:id/api-keys': ADMINS,
  'POST /api/admin/packages': ADMINS,
  'PATCH /api/admin/packages/:id': ADMINS,
  'POST /api/admin/packages/:id/retire': ADMINS,
  'POST /api/admin/users/:id/packages': ADMINS,
  'POST /api/admin/orders/:orderNo/refund': ADMINS,
  'POST /api/admin/redemption-codes': ADMINS,
  'POST /api/admin/redemption-codes/void': ADMINS,
  'POST /api/admin/signup-invites': ADMINS,
  'POST /api/admin/channels': ADMINS,
  'PATCH /api/admin/channels/:ref': ADMINS,
  'DELETE /api/admin/channels/:ref': ADMINS,
  'POST /api/admin/channels/:ref/probe': ADMINS,
  'POST /api/admin/models': ADMINS,
  'PATCH /api/admin/models/*name': ADMINS,
  'DELETE /api/admin/models/*name': ADMINS,
  'GET /api/admin/staff': OWNERS,
  'POST /api/admin/staff': OWNERS,
  'PATCH /api/admin/staff/:id': OWNERS,
};

/** Answers that refuse the caller for who they are (as opposed to what they sent). */
const REFUSALS = new Set(['not_signed_in', 'not_staff', 'insufficient_role', 'mfa_required', 'invalid_admin_token']);

/** Values for path parameters that name nothing: an allowed call is then a 4xx of the handler, never a change. */
const PLACEHOLDERS: Record<string, string> = { id: '987654321', ref: '987654321', orderNo: 'CG00000000000000000AAAAAAAA', name: 'no-such-model' };

const fill = (path: string) => path.replace(/[:*]([A-Za-z]+)/g, (_m, name: string) => PLACEHOLDERS[name] ?? 'x');

/**
 * Other spellings of the same path: Express routes must not take any of them for the route.
 * (A trailing slash after a `*name` wildcard is part of the name, not another spelling.)
 */
function spellings(path: string, wildcard: boolean): string[] {
  const [, prefix, rest] = /^(\/api\/(?:admin|console))(\/.*)$/.exec(path)!;
  const first = rest!.slice(1);
  return [
    `${prefix}${rest!.toUpperCase()}`,
    `${prefix}/${first.charAt(0).toUpperCase()}${first.slice(1)}`,
    ...(wildcard ? [] : [`${prefix}${rest}/`]),
    `${prefix}/${rest}`,
    `${prefix}/%${first.charCodeAt(0).toString(16)}${first.slice(1)}`,
    `${prefix!.toUpperCase()}${rest}`,
  ];
}

type Verdict = 'refused' | 'missing' | 'served';

/** What the caller saw: refused for who they are, a route that does not exist (API 404, or not the API at all), or the route's own answer. */
function verdict(status: number, body: any, contentType: string): Verdict {
  // nginx's console page (HTML): not the API.
  if (contentType.startsWith('text/html')) return 'missing';
  if (typeof body !== 'object' || body === null) return 'served';
  const code = body.error?.code;
  if (code && REFUSALS.has(code)) return 'refused';
  if (status === 404 && code === 'unknown_route') return 'missing';
  // nginx: a path outside /api and /v1 is the console's, which takes only GET and HEAD.
  if (status === 405 && code === 'method_not_allowed') return 'missing';
  return 'served';
}

describe('who may call what: every route of the admin and console routers, as every kind of caller', () => {
  let routes: DeclaredRoute[] = [];
  const send: Record<Caller, (method: string, path: string) => Promise<{ status: number; body: unknown; contentType: string }>> = {} as never;

  before(async () => {
    const app = createApp(loadConfig({ ...stackEnv(), ADMIN_TOKEN: 'not-the-stack-token-0000', NODE_ENV: 'test' }), {
      logger: createLogger({ logLevel: 'silent', instanceId: 'role-matrix' }),
      registry: new client.Registry(),
    });
    routes = [...app.routes.console, ...app.routes.admin];
    await app.close();

    const clients = {
      owner: (await staffWithTotp(stack, 'owner')).client,
      admin: (await staffWithTotp(stack, 'admin')).client,
      support: (await staffWithTotp(stack, 'support')).client,
      customer: (await signedUpPerson(stack)).client,
      none: createConsoleClient(stack),
      token: createConsoleClient(stack),
    };
    await clients.none.session();
    await clients.token.session();
    for (const caller of CALLERS) {
      const headers = caller === 'token' ? { authorization: `Bearer ${stack.adminToken}` } : undefined;
      send[caller] = async (method, path) => {
        const [, api, rest] = /^\/api\/([^/]+)(.*)$/i.exec(path) ?? [];
        const body = method === 'GET' || method === 'DELETE' ? undefined : {};
        if (api === 'admin' || api === 'console') {
          const res = await clients[caller].call(method, rest!, body, { api, headers });
          return { ...res, contentType: res.headers.get('content-type') ?? '' };
        }
        // A spelling of the API's own prefix: sent as it is.
        const res = await fetch(`${stack.gatewayUrl}${path}`, { method, headers: { ...headers, 'content-type': 'application/json' }, body: body && '{}' });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {}
        return { status: res.status, body: parsed, contentType: res.headers.get('content-type') ?? '' };
      };
    }
  });

  test('every registered route has a row in the table, and every row is a registered route', () => {
    const registered = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    assert.ok(registered.length > 60, `only ${registered.length} routes found`);
    assert.deepEqual(
      registered.filter((r) => !(r in WHO_MAY)),
      [],
      'routes without a row: add them to WHO_MAY',
    );
    assert.deepEqual(
      Object.keys(WHO_MAY).filter((r) => !registered.includes(r)),
      [],
      'rows for routes that do not exist',
    );
  });

  test('each caller is served exactly by the routes the table gives them, and refused for who they are by the rest', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const caller of CALLERS) {
      for (const r of routes.filter((x) => !x.path.endsWith('/sign-out'))) {
        const key = `${r.method.toUpperCase()} ${r.path}`;
        const res = await send[caller](r.method.toUpperCase(), fill(r.path));
        calls += 1;
        const expected: Verdict = WHO_MAY[key]?.includes(caller) ? 'served' : 'refused';
        const got = verdict(res.status, res.body, res.contentType);
        if (got !== expected) wrong.push(`${caller}: ${key} → ${res.status} ${JSON.stringify(res.body).slice(0, 160)} (expected ${expected})`);
      }
    }
    console.log(`role matrix: ${calls / CALLERS.length} routes × ${CALLERS.length} callers = ${calls} calls (and sign-out, last, as each)`);
    assert.deepEqual(wrong, []);
  });

  test('no other spelling of a path reaches its route, whoever calls', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const caller of CALLERS) {
      for (const r of routes) {
        if (r.path.endsWith('/sign-out')) continue;
        for (const path of spellings(fill(r.path), r.path.includes('*'))) {
          const res = await send[caller](r.method.toUpperCase(), path);
          calls += 1;
          const got = verdict(res.status, res.body, res.contentType);
          // Refused before routing (the admin API authenticates first) or not found: never the route's own answer.
          if (got === 'served') wrong.push(`${caller}: ${r.method.toUpperCase()} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
      }
    }
    console.log(`role matrix: ${calls} calls with other spellings of the paths`);
    assert.deepEqual(wrong, []);
  });

  // Last: it ends the callers' sessions. (Its row says everyone.)
  test('anyone may sign out', async () => {
    for (const caller of CALLERS) {
      const res = await send[caller]('POST', '/api/console/auth/sign-out');
      assert.equal(res.status, 204, caller);
    }
  });
});
