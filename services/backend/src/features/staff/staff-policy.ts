import type { StaffRole } from '../audit/audit-store.js';

/** What support may change: account safety, not money, packages, channels or models (nor probe a channel). */
const SUPPORT_CHANGES: Array<[method: string, path: RegExp]> = [
  ['POST', /^\/users\/[0-9]+\/(suspend|resume|password-reset)$/],
  ['DELETE', /^\/api-keys\/[0-9]+$/],
];
/** Managing staff is the owners' alone. */
const OWNER_ONLY = /^\/staff(\/|$)/;

/**
 * The admin API's role rules, in one place: owner — everything; admin — everything but
 * staff (channels and models included); support — reads everything (channels without their
 * keys, which no answer holds), and the changes above. `path` is relative to /api/admin.
 */
export function mayCall(role: StaffRole, method: string, path: string): boolean {
  if (role === 'owner') return true;
  if (OWNER_ONLY.test(path)) return false;
  if (role === 'admin') return true;
  if (method === 'GET' || method === 'HEAD') return true;
  return SUPPORT_CHANGES.some(([m, p]) => m === method && p.test(path));
}
