import type { z } from 'zod';

type Contract = typeof import('@codex-gateway/backend/console-api');

/** The request schemas the contract exports ("signUpRequest", "createKeyRequest" …). */
export type RequestSchema = { [K in keyof Contract]: Contract[K] extends z.ZodType ? K : never }[keyof Contract];
type Output<N extends RequestSchema> = Contract[N] extends z.ZodType ? z.output<Contract[N]> : never;

export type Validation<N extends RequestSchema> = { data: Output<N>; invalid: null } | { data: null; invalid: Set<string> };

// The backend's own request schemas check the forms (one home for the rules), but zod is a
// sizeable library: it loads with the first check (or on idle, see preloadValidation), not
// with the first paint of the sign-in page.
// zod compiles parsers with `new Function` when it may; the console's Content-Security-Policy
// (deploy/nginx) forbids eval, so it is told not to try (it would only probe and fall back).
// Set before the contract's schemas load (building them may already parse).
const loadContract = () =>
  import('zod').then((zod) => {
    zod.config({ jitless: true });
    return import('@codex-gateway/backend/console-api');
  });

/**
 * Checks a form's values against a request schema. Gives the parsed body (trimmed,
 * lower-cased … as the backend will see it) or the names of the fields that fail; the
 * caller words the messages, since zod's are English only.
 */
export async function validate<N extends RequestSchema>(name: N, values: Record<string, unknown>): Promise<Validation<N>> {
  const schema: z.ZodType = (await loadContract())[name];
  const result = schema.safeParse(values);
  if (result.success) return { data: result.data as Output<N>, invalid: null };
  const invalid = new Set<string>();
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field === 'string') invalid.add(field);
  }
  return { data: null, invalid };
}

/** Fetches the schemas ahead of the first submit, when the browser has nothing better to do. */
export function preloadValidation(): void {
  const load = () => void loadContract().catch(() => undefined);
  if ('requestIdleCallback' in window) window.requestIdleCallback(load, { timeout: 5000 });
  else setTimeout(load, 2000);
}
