import { Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../infra/errors.js';
import { idParam, parse, queryInt } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import { type KeyStore, keyView } from '../keys/key-store.js';
import { periodView } from '../packages/console-package-routes.js';
import type { UserPackageStore } from '../packages/user-package-store.js';
import { consoleOrderView } from '../payments/console-order-routes.js';
import type { OrderStore } from '../payments/order-store.js';
import type { TodayUsage } from '../usage/today-usage.js';
import { type UserAdminService, userView } from './user-admin-service.js';
import type { UserStore } from './user-store.js';

const listQuery = z.object({
  q: z.string().trim().min(1).max(320).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  before: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, 200).default(50),
});

interface Deps {
  users: Pick<UserStore, 'get' | 'search'>;
  keyStore: Pick<KeyStore, 'listRows'>;
  userPackages: Pick<UserPackageStore, 'listDetailed'>;
  orders: Pick<OrderStore, 'listForUser'>;
  todayUsage: TodayUsage;
  service: UserAdminService;
}

/** /api/admin/users: search, a user's whole picture, and HTTP in front of the user admin service. */
export function createUserAdminRoutes({ users, keyStore, userPackages, orders, todayUsage, service }: Deps): Router {
  const router = Router();

  router.post('/users', async (req, res) => {
    const { email } = parse(z.object({ email: z.string().trim().toLowerCase().email().max(320) }), req.body);
    res.status(201).json(await service.create(actorOf(res), email));
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
      res.json(userView(await service.setStatus(actorOf(res), idParam(req.params.id), status)));
    });
  }

  router.post('/users/:id/password-reset', async (req, res) => {
    await service.sendPasswordReset(actorOf(res), idParam(req.params.id));
    res.status(202).json({});
  });

  return router;
}
