import type { RequestHandler } from 'express';
import { UnauthorizedError } from '../../infra/errors.js';
import type { KeyService } from './key-service.js';

export interface ApiKeyAuth {
  keyId: number;
  userId: number;
}

/** Authenticates `Authorization: Bearer sk-…` and leaves the caller in res.locals.auth. */
export function apiKeyAuth({ keys }: { keys: KeyService }): RequestHandler {
  return async (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1]) {
      throw new UnauthorizedError('Missing API key: send it as "Authorization: Bearer sk-…".', 'missing_api_key');
    }
    const record = await keys.authenticate(match[1]);
    if (!record) throw new UnauthorizedError();
    res.locals.auth = { keyId: record.id, userId: record.userId } satisfies ApiKeyAuth;
    next();
  };
}
