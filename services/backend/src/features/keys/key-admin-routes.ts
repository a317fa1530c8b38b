import type { Router } from 'express';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { idParams } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { KeyAdminService } from './key-admin-service.js';
import { issueKeyRequest } from './key-schemas.js';
import type { KeyStore } from './key-store.js';
import { issuedKeyView, keyView } from './key-views.js';

interface Deps {
  keyStore: Pick<KeyStore, 'listRows'>;
  userExists: (id: number) => Promise<boolean>;
  service: KeyAdminService;
}

/** A user's API keys for staff: list (with last use), and HTTP in front of the key admin service. */
export function createKeyAdminRoutes({ keyStore, userExists, service }: Deps): Router {
  const router = createRouter();

  route(router, 'get', '/users/:id/api-keys', { access: requires('users.read'), summary: "A user's API keys", params: idParams }, async ({ params }, res) => {
    if (!(await userExists(params.id))) throw new NotFoundError('No such user.', 'user_not_found');
    res.json({ data: (await keyStore.listRows(params.id)).map(keyView) });
  });

  route(
    router,
    'post',
    '/users/:id/api-keys',
    {
      access: requires('keys.issue'),
      summary: 'Issue an API key to a user (the plain key is shown once)',
      params: idParams,
      body: issueKeyRequest,
      bodyOptional: true,
      status: 201,
    },
    async ({ params, body }, res) => {
      const issued = await service.issue(actorOf(res), params.id, body.name, body.expires_at ? new Date(body.expires_at) : null);
      res.status(201).json(issuedKeyView(issued));
    },
  );

  route(
    router,
    'delete',
    '/api-keys/:id',
    { access: requires('keys.revoke'), summary: 'Revoke an API key everywhere', params: idParams, status: 204, produces: 'none' },
    async ({ params }, res) => {
      await service.revoke(actorOf(res), params.id);
      res.status(204).end();
    },
  );

  return router;
}
