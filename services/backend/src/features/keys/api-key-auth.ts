import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../../infra/errors.js';
import { hashApiKey } from './key-hash.js';
import type { ApiKeyRecord, KeyStore } from './key-store.js';

export interface ApiKeyAuth {
  keyId: number;
  userId: number;
}

/** Authenticates `Authorization: Bearer sk-…` and leaves the caller in res.locals.auth. */
export function apiKeyAuth({ keyStore, pepper }: { keyStore: KeyStore; pepper: string }): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new UnauthorizedError('Missing API key: send it as "Authorization: Bearer sk-…".', 'missing_api_key');
    }
    const record = await keyStore.findByHash(hashApiKey(pepper, match[1]));
    if (!isUsable(record)) throw new UnauthorizedError();
    res.locals.auth = { keyId: record.id, userId: record.userId } satisfies ApiKeyAuth;
    next();
  };
}

function isUsable(record: ApiKeyRecord | undefined): record is ApiKeyRecord {
  return !!record && record.status === 'active' && (!record.expiresAt || record.expiresAt.getTime() > Date.now());
}
