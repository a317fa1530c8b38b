import { Router } from 'express';
import { z } from 'zod';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import { idParam, parse, queryInt } from '../../infra/validation.js';
import type { AccountService } from '../accounts/account-service.js';
import type { SessionService } from '../accounts/session-service.js';
import { actorOf } from '../admin/admin-auth.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { KeyService } from '../keys/key-service.js';
import { type KeyStore, keyView } from '../keys/key-store.js';
import { periodView } from '../packages/console-package-routes.js';
import type { UserPackageStore } from '../packages/user-package-store.js';
import { consoleOrderView } from '../payments/console-order-routes.js';
import type { OrderStore } from '../payments/order-store.js';
import type { TodayUsage } from '../usage/today-usage.js';
import type { User, UserStore } from './user-store.js';

const userView = (u: User) => ({ id: u.id, email: u.email, status: u.status, created_at: u.created_at });

const listQuery = z.object({
  q: z.string().trim().min(1).max(320).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 200).default(50),
});

interface Deps {
  users: UserStore;
  keys: Pick<KeyService, 'refreshUser'>;
  keyStore: Pick<KeyStore, 'listRows'>;
  userPackages: Pick<UserPackageStore, 'listDetailed'>;
  orders: Pick<OrderStore, 'listForUser'>;
  todayUsage: TodayUsage;
  sessions: Pick<SessionService, 'destroyAllForUser'>;
  accounts: Pick<AccountService, 'forgotPassword'>;
  change: AuditedChange;
}

/**
 * Users for staff: create, list and search, a user's whole picture, suspend and resume
 * (refused by every worker of every replica within a second, sessions ended), and a
 * password-reset mail. Changes are audited.
 */
export function createUserAdminRoutes({ users, keys, keyStore, userPackages, orders, todayUsage, sessions, accounts, change }: Deps): Router {
  const router = Router();

  router.post('/users', async (req, res) => {
    const { email } = parse(z.object({ email: z.string().trim().toLowerCase().email().max(320) }), req.body);
    const user = await change(actorOf(res), async (tx) => {
      const created = await users.create(email, tx);
      if (!created) throw new HttpError(409, 'A user with this email exists.', 'invalid_request_error', 'email_taken');
      return { entry: { action: 'user.create', targetType: 'user', targetId: created.id, after: userView(created) }, result: created };
    });
    res.status(201).json(user);
  });

  router.get('/users', async (req, res) => {
    const q = parse(listQuery, req.query);
    const rows = await users.search({ q: q.q, status: q.status, beforeId: q.before, limit: q.limit });
    res.json({ data: rows.map(userView), next_before: rows.length === q.limit ? rows[rows.length - 1]!.id : null });
  });

  router.get('/users/:id', async (req, res) => {
    const userId = idParam(req.params.id);
    const user = await users.get(userId);
    if (!user) throw new NotFoundError('No such user.', 'user_not_found');
    const [periods, keyRows, today, orderRows] = await Promise.all([
      userPackages.listDetailed(userId),
      keyStore.listRows(userId),
      todayUsage(userId),
      orders.listForUser(userId, 20),
    ]);
    res.json({
      ...userView(user),
      packages: periods.map(periodView),
      api_keys: keyRows.map(keyView),
      today,
      orders: orderRows.map(consoleOrderView),
    });
  });

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['resume', 'active'],
  ] as const) {
    router.post(`/users/:id/${action}`, async (req, res) => {
      const userId = idParam(req.params.id);
      const user = await change(actorOf(res), async (tx) => {
        const before = await users.get(userId);
        const after = await users.setStatus(userId, status, tx);
        if (!before || !after) throw new NotFoundError('No such user.', 'user_not_found');
        return {
          entry: { action: `user.${action}`, targetType: 'user', targetId: userId, before: { status: before.status }, after: { status } },
          result: after,
        };
      });
      await keys.refreshUser(user.id);
      if (status === 'suspended') await sessions.destroyAllForUser(user.id);
      res.json(userView(user));
    });
  }

  router.post('/users/:id/password-reset', async (req, res) => {
    const userId = idParam(req.params.id);
    const user = await change(actorOf(res), async () => {
      const found = await users.get(userId);
      if (!found) throw new NotFoundError('No such user.', 'user_not_found');
      return { entry: { action: 'user.password_reset_mail', targetType: 'user', targetId: userId }, result: found };
    });
    await accounts.forgotPassword(user.email);
    res.status(202).json({});
  });

  return router;
}
