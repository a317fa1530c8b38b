import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Agent, fetch } from 'undici';
import { createConsoleClient, newEmail, signedUpPerson } from '@codex-gateway/stack/console-client';
import { startExtraBackend, testStack } from '@codex-gateway/stack/testing';

const stack = testStack();
const PASSWORD = 'correct horse battery';
const PER_ADDRESS = 20;

const cookieNamed = (res: { headers: Headers }, name: string) => res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`));

/**
 * A browser on this machine that connects from `localAddress` (127.0.0.2 is a client like any
 * other; 127.0.0.1 plays the reverse proxy in front of the backend).
 */
function browserAt(base: string, localAddress: string) {
  const dispatcher = new Agent({ localAddress });
  let cookie = '';
  let csrf = '';
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}/api/console${path}`, {
      method,
      dispatcher,
      headers: { ...headers, ...(cookie ? { cookie } : {}), ...(csrf ? { 'x-csrf-token': csrf } : {}), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('cg_csrf='));
    if (set) cookie = set.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  return {
    call,
    async start() {
      csrf = (await call('GET', '/session')).body.csrf_token;
    },
    close: () => dispatcher.close(),
  };
}

describe('the session cookie follows PUBLIC_BASE_URL, not what a request claims', () => {
  let https: Awaited<ReturnType<typeof startExtraBackend>>;
  before(async () => {
    https = await startExtraBackend('backend-https-public-url', { PUBLIC_BASE_URL: 'https://gateway.example.test' });
  });
  after(() => https.service.stop('SIGTERM', 10_000));

  test('with an https PUBLIC_BASE_URL the CSRF and session cookies are Secure, even for a request that came over plain HTTP', async () => {
    const { email } = await signedUpPerson(stack, PASSWORD);
    const client = createConsoleClient({ gatewayUrl: https.url });
    const session = await client.call('GET', '/session', undefined, { headers: { 'x-forwarded-proto': 'http' } });
    assert.match(cookieNamed(session, 'cg_csrf') ?? '', /;\s*Secure/i);
    await client.session();
    const signIn = await client.signIn(email, PASSWORD);
    assert.equal(signIn.status, 200);
    assert.match(cookieNamed(signIn, 'cg_session') ?? '', /;\s*Secure/i);
    const signOut = await client.call('POST', '/auth/sign-out', {});
    assert.match(cookieNamed(signOut, 'cg_session') ?? '', /;\s*Secure/i, 'the cookie that clears it too');
  });

  test('with an http PUBLIC_BASE_URL they are not Secure, whatever X-Forwarded-Proto a client sends', async () => {
    const { email } = await signedUpPerson(stack, PASSWORD);
    for (const base of [stack.gatewayUrl, stack.backends[0]!.url]) {
      const client = createConsoleClient({ gatewayUrl: base });
      const headers = { 'x-forwarded-proto': 'https' };
      const session = await client.call('GET', '/session', undefined, { headers });
      assert.doesNotMatch(cookieNamed(session, 'cg_csrf') ?? '', /Secure/i, base);
      await client.session();
      const signIn = await client.signIn(email, PASSWORD, headers);
      assert.equal(signIn.status, 200);
      assert.doesNotMatch(cookieNamed(signIn, 'cg_session') ?? '', /Secure/i, base);
    }
  });
});

describe('client addresses come from X-Forwarded-For only through TRUSTED_PROXIES', () => {
  let backend: Awaited<ReturnType<typeof startExtraBackend>>;
  before(async () => {
    // The reverse proxy is 127.0.0.1; a client on 127.0.0.2 reaches the backend directly.
    backend = await startExtraBackend('backend-trusted-proxies', { TRUSTED_PROXIES: '127.0.0.1' });
  });
  after(() => backend.service.stop('SIGTERM', 10_000));

  test('a client that is not a trusted proxy cannot escape the per-address sign-in limit by sending X-Forwarded-For', async () => {
    const client = browserAt(backend.url, '127.0.0.2');
    const proxy = browserAt(backend.url, '127.0.0.1');
    try {
      await client.start();
      await proxy.start();
      const statuses: number[] = [];
      for (let i = 0; i <= PER_ADDRESS; i += 1) {
        const spoofed = { 'x-forwarded-for': `203.0.113.${100 + i}` };
        statuses.push((await client.call('POST', '/auth/sign-in', { email: newEmail(), password: 'guess' }, spoofed)).status);
      }
      assert.deepEqual(statuses.slice(0, PER_ADDRESS), Array(PER_ADDRESS).fill(401));
      assert.equal(statuses[PER_ADDRESS], 429, 'the client is counted by its own address, not the one it claims');

      // Through the trusted proxy the forwarded address is the client's.
      const forwarded = (ip: string) => proxy.call('POST', '/auth/sign-in', { email: newEmail(), password: 'guess' }, { 'x-forwarded-for': ip });
      assert.equal((await forwarded('127.0.0.2')).status, 429, 'the proxy forwarding the blocked client');
      assert.equal((await forwarded('198.51.100.250')).status, 401, 'the proxy forwarding someone else');
    } finally {
      await Promise.all([client.close(), proxy.close()]);
    }
  });
});
