import { Router } from 'express';
import { NotFoundError } from '../../infra/errors.js';
import { idParam } from '../../infra/validation.js';
import type { SessionService } from '../accounts/session-service.js';
import type { KeyService } from '../keys/key-service.js';
import type { User, UserStore } from './user-store.js';

const userView = (u: User) => ({ id: u.id, email: u.email, status: u.status, created_at: u.created_at });

/**
 * POST /api/admin/users/:id/suspend and /resume: a suspended account's keys are refused
 * by every worker of every replica within a second, like a revocation, and its console
 * sessions end; resuming restores the keys.
 */
export function createUserAdminRoutes({
  users,
  keys,
  sessions,
}: {
  users: UserStore;
  keys: Pick<KeyService, 'refreshUser'>;
  sessions: Pick<SessionService, 'destroyAllForUser'>;
}): Router {
  const router = Router();
  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['resume', 'active'],
  ] as const) {
    router.post(`/users/:id/${action}`, async (req, res) => {
      const user = await users.setStatus(idParam(req.params.id), status);
      if (!user) throw new NotFoundError('No such user.', 'user_not_found');
      await keys.refreshUser(user.id);
      if (status === 'suspended') await sessions.destroyAllForUser(user.id);
      res.json(userView(user));
    });
  }
  return router;
}
