import { useEffect, useState } from 'react';
import type { z } from 'zod';

type ConsoleContract = typeof import('@codex-gateway/backend/console-api');
type AdminContract = typeof import('@codex-gateway/backend/admin-api');
type Contract = ConsoleContract & AdminContract;

/** The request schemas the contracts export ("signUpRequest", "newChannel" …). */
export type RequestSchema = { [K in keyof Contract]: Contract[K] extends z.ZodType ? K : never }[keyof Contract];
type Output<N extends RequestSchema> = Contract[N] extends z.ZodType ? z.output<Contract[N]> : never;

export type Validation<N extends RequestSchema> = { data: Output<N>; invalid: null } | { data: null; invalid: Set<string> };

// The backend's own request schemas check the forms (one home for the rules), but zod is a
// sizeable library: it loads with the first check (or on idle, see preloadValidation), not
// with the first paint of the sign-in page. The admin contract loads only for staff pages.
// zod compiles parsers with `new Function` when it may; the console's Content-Security-Policy
// (deploy/nginx) forbids eval, so it is told not to try (it would only probe and fall back).
// Set before the contract's schemas load (building them may already parse).
const jitless = () =>
  import('zod').then((zod) => {
    zod.config({ jitless: true });
  });
const loadConsole = () => jitless().then(() => import('@codex-gateway/backend/console-api'));
const loadAdmin = () => jitless().then(() => import('@codex-gateway/backend/admin-api'));

/** The schema of that name, from the customer contract or else the admin one. */
export async function loadSchema<N extends RequestSchema>(name: N): Promise<Contract[N]> {
  const customer: Record<string, unknown> = await loadConsole();
  if (name in customer) return customer[name] as Contract[N];
  return (await loadAdmin())[name as keyof AdminContract] as Contract[N];
}

/**
 * Checks a form's values against a request schema. Gives the parsed body (trimmed,
 * lower-cased … as the backend will see it) or the names of the fields that fail; the
 * caller words the messages, since zod's are English only.
 */
export async function validate<N extends RequestSchema>(name: N, values: Record<string, unknown>): Promise<Validation<N>> {
  const schema = (await loadSchema(name)) as z.ZodType;
  const result = schema.safeParse(values);
  if (result.success) return { data: result.data as Output<N>, invalid: null };
  const invalid = new Set<string>();
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    // An issue of the whole body (a union, a refinement) has no field: the form names it itself.
    invalid.add(typeof field === 'string' ? field : '');
  }
  return { data: null, invalid };
}

/**
 * The schema, once loaded (undefined before): forms read their bounds from it to show them
 * (maxLength, min, max) and to word their messages.
 */
export function useRequestSchema<N extends RequestSchema>(name: N): Contract[N] | undefined {
  const [schema, setSchema] = useState<Contract[N]>();
  useEffect(() => {
    let live = true;
    void loadSchema(name).then((loaded) => {
      if (live) setSchema(() => loaded);
    });
    return () => {
      live = false;
    };
  }, [name]);
  return schema;
}

/** Fetches the schemas ahead of the first submit, when the browser has nothing better to do. */
export function preloadValidation(): void {
  const load = () => void loadConsole().catch(() => undefined);
  if ('requestIdleCallback' in window) window.requestIdleCallback(load, { timeout: 5000 });
  else setTimeout(load, 2000);
}
