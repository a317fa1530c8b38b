import type { KeyRow } from './key-store.js';

/** A key as its owner (and staff) see it: its prefix, never its hash. */
export function keyView(k: KeyRow) {
  return {
    id: k.id,
    name: k.name,
    key_prefix: k.key_prefix,
    status: k.status,
    created_at: k.created_at.toISOString(),
    expires_at: k.expires_at?.toISOString() ?? null,
    revoked_at: k.revoked_at?.toISOString() ?? null,
    last_used_at: k.last_used_at?.toISOString() ?? null,
  };
}

/** A key just issued by staff: the plain key, shown this once. */
export function issuedKeyView(k: KeyRow & { key: string }) {
  return { id: k.id, name: k.name, key: k.key, key_prefix: k.key_prefix, expires_at: k.expires_at, created_at: k.created_at };
}
