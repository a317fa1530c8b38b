import { Router } from 'express';
import { createKeyRequest, renameKeyRequest, type ApiKeyView, type CreatedApiKey } from '../../contract/console-api.js';
import { BadRequestError, NotFoundError } from '../../infra/errors.js';
import { idParam, parse } from '../../infra/validation.js';
import { requireCaller } from '../accounts/session-auth.js';
import type { KeyService } from './key-service.js';
import { keyView, type KeyStore } from './key-store.js';

const notFound = () => new NotFoundError('No such API key.', 'api_key_not_found');

/** /api/console/keys: a person's own API keys (another person's are "not found"). */
export function createConsoleKeyRoutes({ keys, keyStore }: { keys: Pick<KeyService, 'issue' | 'revoke'>; keyStore: KeyStore }): Router {
  const router = Router();

  router.get('/keys', async (_req, res) => {
    const { account } = requireCaller(res);
    res.json({ data: (await keyStore.listRows(account.id)).map(keyView) satisfies ApiKeyView[] });
  });

  router.post('/keys', async (req, res) => {
    const { account } = requireCaller(res);
    const body = parse(createKeyRequest, req.body);
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new BadRequestError('expires_at must be in the future.', 'invalid_request', 'expires_at');
    const issued = await keys.issue(account.id, body.name, expiresAt);
    res.status(201).json({ ...keyView(issued), key: issued.key } satisfies CreatedApiKey);
  });

  router.patch('/keys/:id', async (req, res) => {
    const { account } = requireCaller(res);
    const { name } = parse(renameKeyRequest, req.body);
    const renamed = await keyStore.rename(account.id, idParam(req.params.id), name);
    if (!renamed) throw notFound();
    res.json(keyView(renamed) satisfies ApiKeyView);
  });

  router.delete('/keys/:id', async (req, res) => {
    const { account } = requireCaller(res);
    const keyId = idParam(req.params.id);
    if (!(await keyStore.getRow(account.id, keyId))) throw notFound();
    await keys.revoke(keyId);
    res.status(204).end();
  });

  return router;
}
