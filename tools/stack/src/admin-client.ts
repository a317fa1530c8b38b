import type { PlanLimits } from '@codex-gateway/backend/console-api';
import type { StackInfo } from './stack.js';

type Json = any;

/** A client of a stack's admin API: users, packages and keys for tests, benchmarks and drills. */
export function createAdminClient(stack: Pick<StackInfo, 'gatewayUrl' | 'adminToken'>) {
  async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const res = await fetch(`${stack.gatewayUrl}/api/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${stack.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  async function ok(method: string, path: string, body?: unknown): Promise<Json> {
    const res = await call(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  let seq = 0;
  return {
    call,
    createUser: (email = `user-${process.pid}-${Date.now()}-${seq++}@example.test`) => ok('POST', '/users', { email }),
    createPackage: (
      terms: {
        daily_request_limit?: number | null;
        daily_token_limit?: number | null;
        rpm_limit?: number | null;
        duration_days?: number;
        price_cents?: number;
        currency?: string;
      } & Partial<PlanLimits> = {},
    ) =>
      ok('POST', '/packages', {
        // Plan terms (credits, 5-hour and weekly windows, models) pass through as given.
        ...terms,
        name: `test package ${process.pid}-${seq++}`,
        daily_request_limit: terms.daily_request_limit ?? null,
        daily_token_limit: terms.daily_token_limit ?? null,
        rpm_limit: terms.rpm_limit ?? null,
        duration_days: terms.duration_days ?? 30,
        price_cents: terms.price_cents ?? 999,
        currency: terms.currency ?? 'USD',
      }),
    /**
     * The catalogue sells only what it prices: these names (or `prefix*` families) priced at 0,
     * for tests that invent their own model names (an entry already there is kept as it is).
     */
    async priceFree(names: string[]): Promise<void> {
      for (const name of names) {
        const res = await call('POST', '/models', { name, input_price: 0, output_price: 0, notes: 'priced by a test' });
        if (res.status !== 201 && res.status !== 409) throw new Error(`pricing ${name} answered ${res.status}: ${JSON.stringify(res.body)}`);
      }
    },
    grant: (userId: number, packageId: number) => ok('POST', `/users/${userId}/packages`, { package_id: packageId }),
    issueKey: (userId: number, extra: { name?: string; expires_at?: string } = {}) => ok('POST', `/users/${userId}/api-keys`, { name: 'test', ...extra }),
    revokeKey: (keyId: number) => call('DELETE', `/api-keys/${keyId}`),
    /** A new user with a key and no package, and a package of these terms for sale: what payment tests start from. */
    async buyer(terms: Parameters<typeof this.createPackage>[0] = {}) {
      const user = await this.createUser();
      const key = await this.issueKey(user.id);
      const pkg = await this.createPackage(terms);
      return { userId: user.id as number, key: key.key as string, packageId: pkg.id as number, pkg };
    },
    /** A new user with a package of these limits and a key: what most tests start from. */
    async customer(limits: Parameters<typeof this.createPackage>[0] = {}) {
      const user = await this.createUser();
      const pkg = await this.createPackage(limits);
      await this.grant(user.id, pkg.id);
      const key = await this.issueKey(user.id);
      return { userId: user.id as number, packageId: pkg.id as number, key: key.key as string, keyId: key.id as number };
    },
  };
}
