import { Secret, TOTP } from 'otpauth';
import type { StackInfo } from './stack.js';

type Json = any;

export interface ConsoleAnswer {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

/**
 * A browser's view of the console API without a browser: a cookie jar and the CSRF token
 * the session hands out. `base` sends one call to another address (a backend replica
 * directly) with the same cookies.
 */
export function createConsoleClient(stack: Pick<StackInfo, 'gatewayUrl'>) {
  const jar = new Map<string, string>();
  let csrf = '';

  async function call(
    method: string,
    path: string,
    body?: unknown,
    options: { base?: string; csrf?: string | null; headers?: Record<string, string>; api?: 'console' | 'admin' } = {},
  ): Promise<ConsoleAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (jar.size) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const token = options.csrf === undefined ? csrf : options.csrf;
    if (token) headers['x-csrf-token'] = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${options.base ?? stack.gatewayUrl}/api/${options.api ?? 'console'}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*(max-age=0|expires=thu, 01 jan 1970)/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // CSV and other text answers stay text.
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  }

  return {
    call,
    jar,
    get csrf() {
      return csrf;
    },
    /** GET /session: the CSRF token to send from now on. */
    async session(): Promise<Json> {
      const res = await call('GET', '/session');
      csrf = res.body.csrf_token;
      return res.body;
    },
    /** The admin API with this browser's (staff) session. */
    admin: (method: string, path: string, body?: unknown) => call(method, path, body, { api: 'admin' }),
    async signIn(email: string, password: string, headers?: Record<string, string>, totpCode?: string): Promise<ConsoleAnswer> {
      if (!csrf) await this.session();
      const res = await call('POST', '/auth/sign-in', { email, password, ...(totpCode ? { totp_code: totpCode } : {}) }, { headers });
      if (res.status === 200) csrf = res.body.csrf_token;
      return res;
    },
  };
}

export type ConsoleClient = ReturnType<typeof createConsoleClient>;

let people = 0;

/** A new address no other test uses. */
export const newEmail = () => `person-${process.pid}-${Date.now()}-${people++}@example.test`;

/**
 * A person as the console makes them: signed up through the API, the mailed link opened,
 * signed in. Answers their address, password and a client holding the session.
 */
export async function signedUpPerson(stack: StackInfo, password = 'correct horse battery') {
  const { linkFrom, readMail } = await import('./testing.js');
  const email = newEmail();
  const client = createConsoleClient(stack);
  await client.session();
  const signUp = await client.call('POST', '/auth/sign-up', { email, password, locale: 'en' });
  if (signUp.status !== 202) throw new Error(`sign-up answered ${signUp.status}: ${signUp.text}`);
  const token = new URL(linkFrom(await readMail(email, { subject: /verify/i }), '/verify?token=')).searchParams.get('token');
  const verified = await client.call('POST', '/auth/verify-email', { token });
  if (verified.status !== 200) throw new Error(`verification answered ${verified.status}: ${verified.text}`);
  const signIn = await client.signIn(email, password);
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}: ${signIn.text}`);
  return { email, password, client, userId: signIn.body.user.id as number };
}

/** The code an authenticator app shows for this secret, `steps` 30-second steps from now (each code is accepted once). */
export const totpCode = (secret: string, steps = 0) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + steps * 30_000 });

export type StaffRole = 'owner' | 'admin' | 'support';

/**
 * A staff member of this role, signed in with a second factor (the session that enrolled it
 * counts as checked): an owner made by `admin create-owner`, an admin or support person
 * signed up and appointed by the admin token. Answers their client, the authenticator
 * secret (sign in again with `totpCode(secret, 1)`: the code of now was used to enrol) and
 * the ten recovery codes.
 */
export async function staffWithTotp(stack: StackInfo, role: StaffRole, password = 'the staff passphrase') {
  const { adminApi, createOwner } = await import('./testing.js');
  let email: string;
  if (role === 'owner') {
    email = newEmail();
    const token = new URL(await createOwner(email)).searchParams.get('token');
    const first = createConsoleClient(stack);
    await first.session();
    const reset = await first.call('POST', '/auth/reset-password', { token, password });
    if (reset.status !== 200) throw new Error(`reset-password answered ${reset.status}: ${reset.text}`);
  } else {
    ({ email } = await signedUpPerson(stack, password));
    const appointed = await adminApi(stack).call('POST', '/staff', { email, role });
    if (appointed.status !== 201) throw new Error(`appointing ${role} answered ${appointed.status}: ${JSON.stringify(appointed.body)}`);
  }
  // A new session after the appointment: a role change may end the sessions begun before it.
  const client = createConsoleClient(stack);
  const signIn = await client.signIn(email, password);
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}: ${signIn.text}`);
  const setup = await client.call('POST', '/me/totp/setup', { password });
  if (setup.status !== 200) throw new Error(`totp setup answered ${setup.status}: ${setup.text}`);
  const secret = setup.body.secret as string;
  const enable = await client.call('POST', '/me/totp/enable', { code: totpCode(secret) });
  if (enable.status !== 200) throw new Error(`totp enable answered ${enable.status}: ${enable.text}`);
  return { email, password, role, client, userId: signIn.body.user.id as number, secret, recoveryCodes: enable.body.recovery_codes as string[] };
}
