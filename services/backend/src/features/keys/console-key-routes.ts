import type { Router } from 'express';
import { createKeyRequest, renameKeyRequest, type ApiKeyView, type CreatedApiKey } from '../../contract/console-api.js';
import { BadRequestError, NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { idParams } from '../../infra/validation.js';
import { requireCaller, SIGNED_IN } from '../accounts/session-auth.js';
import type { KeyService } from './key-service.js';
import { keyView } from './key-views.js';

const notFound = () => new NotFoundError('No such API key.', 'api_key_not_found');

/** /api/console/keys: a person's own API keys (another person's are "not found"). */
export function createConsoleKeyRoutes({ keys }: { keys: Pick<KeyService, 'list' | 'issue' | 'rename' | 'revokeOwn'> }): Router {
  const router = createRouter();
  const access = SIGNED_IN;

  route(router, 'get', '/keys', { access, summary: 'My API keys' }, async (_in, res) => {
    const { account } = requireCaller(res);
    res.json({ data: (await keys.list(account.id)).map(keyView) satisfies ApiKeyView[] });
  });

  route(
    router,
    'post',
    '/keys',
    { access, summary: 'Create an API key (the plain key is shown once)', body: createKeyRequest, status: 201 },
    async ({ body }, res) => {
      const { account } = requireCaller(res);
      const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) throw new BadRequestError('expires_at must be in the future.', 'invalid_request', 'expires_at');
      const issued = await keys.issue(account.id, body.name, expiresAt);
      res.status(201).json({ ...keyView(issued), key: issued.key } satisfies CreatedApiKey);
    },
  );

  route(router, 'patch', '/keys/:id', { access, summary: 'Rename one of my keys', params: idParams, body: renameKeyRequest }, async ({ params, body }, res) => {
    const { account } = requireCaller(res);
    const renamed = await keys.rename(account.id, params.id, body.name);
    if (!renamed) throw notFound();
    res.json(keyView(renamed) satisfies ApiKeyView);
  });

  route(
    router,
    'delete',
    '/keys/:id',
    { access, summary: 'Revoke one of my keys', params: idParams, status: 204, produces: 'none' },
    async ({ params }, res) => {
      const { account } = requireCaller(res);
      if (!(await keys.revokeOwn(account.id, params.id))) throw notFound();
      res.status(204).end();
    },
  );

  return router;
}
