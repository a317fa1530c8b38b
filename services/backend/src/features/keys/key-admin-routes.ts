import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { idParam, instant, parse, text } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { UserStore } from '../users/user-store.js';
import type { KeyService } from './key-service.js';
import { type KeyStore, keyView } from './key-store.js';

interface Deps {
  keys: Pick<KeyService, 'issue' | 'revokeWithin' | 'announce'>;
  keyStore: Pick<KeyStore, 'listRows'>;
  users: Pick<UserStore, 'exists'>;
  change: AuditedChange;
}

/** A user's API keys for staff: list (with last use), issue, revoke; changes audited. */
export function createKeyAdminRoutes({ keys, keyStore, users, change }: Deps): Router {
  const router = Router();

  router.get('/users/:id/api-keys', async (req, res) => {
    const userId = idParam(req.params.id);
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json({ data: (await keyStore.listRows(userId)).map(keyView) });
  });

  router.post('/users/:id/api-keys', async (req, res) => {
    const userId = idParam(req.params.id);
    const body = parse(z.object({ name: text().trim().max(200).default(''), expires_at: instant().optional() }), req.body ?? {});
    if (!(await users.exists(userId))) throw new NotFoundError('No such user.', 'user_not_found');
    const issued = await change(actorOf(res), async (tx) => {
      const key = await keys.issue(userId, body.name, body.expires_at ? new Date(body.expires_at) : null, tx);
      // The plain key goes to the caller only, never into the audit log.
      return { entry: { action: 'api_key.issue', targetType: 'api_key', targetId: key.id, after: { user_id: userId, ...keyView(key) } }, result: key };
    });
    res
      .status(201)
      .json({ id: issued.id, name: issued.name, key: issued.key, key_prefix: issued.key_prefix, expires_at: issued.expires_at, created_at: issued.created_at });
  });

  router.delete('/api-keys/:id', async (req, res) => {
    const keyId = idParam(req.params.id);
    const revoked = await change(actorOf(res), async (tx) => {
      const record = await keys.revokeWithin(tx, keyId);
      if (!record) throw new NotFoundError('No such API key.', 'api_key_not_found');
      return {
        entry: { action: 'api_key.revoke', targetType: 'api_key', targetId: keyId, after: { user_id: record.userId, status: 'revoked' } },
        result: record,
      };
    });
    await keys.announce([revoked]);
    res.status(204).end();
  });

  return router;
}
