import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { idParam, instant, parse, text } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import type { UserStore } from '../users/user-store.js';
import type { KeyAdminService } from './key-admin-service.js';
import { type KeyStore, keyView } from './key-store.js';

interface Deps {
  keyStore: Pick<KeyStore, 'listRows'>;
  users: Pick<UserStore, 'exists'>;
  service: KeyAdminService;
}

/** A user's API keys for staff: list (with last use), and HTTP in front of the key admin service. */
export function createKeyAdminRoutes({ keyStore, users, service }: Deps): Router {
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
    const issued = await service.issue(actorOf(res), userId, body.name, body.expires_at ? new Date(body.expires_at) : null);
    res
      .status(201)
      .json({ id: issued.id, name: issued.name, key: issued.key, key_prefix: issued.key_prefix, expires_at: issued.expires_at, created_at: issued.created_at });
  });

  router.delete('/api-keys/:id', async (req, res) => {
    await service.revoke(actorOf(res), idParam(req.params.id));
    res.status(204).end();
  });

  return router;
}
