import type { Router } from 'express';
import { NotFoundError } from '../../infra/errors.js';
import { createRouter, route } from '../../infra/routes.js';
import { idParams } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { KeyService } from '../keys/key-service.js';
import { keyView } from '../keys/key-views.js';
import type { PackageService } from '../packages/package-service.js';
import { periodView } from '../packages/package-views.js';
import { businessDay } from '../../domain/business-day.js';
import type { OrderService } from '../payments/order-service.js';
import { consoleOrderView } from '../payments/payment-views.js';
import type { TodayUsage } from '../usage/today-usage.js';
import { newUserRequest, userSearchQuery } from './user-schemas.js';
import type { UserAdminService } from './user-admin-service.js';
import type { UserStore } from './user-store.js';
import { userView } from './user-views.js';

interface Deps {
  users: Pick<UserStore, 'get' | 'search'>;
  keys: Pick<KeyService, 'list'>;
  packages: Pick<PackageService, 'periodsOf'>;
  orders: Pick<OrderService, 'listForUser'>;
  todayUsage: TodayUsage;
  service: UserAdminService;
  timeZone: string;
}

/** /api/admin/users: search, a user's whole picture, and HTTP in front of the user admin service. */
export function createUserAdminRoutes({ users, keys, packages, orders, todayUsage, service, timeZone }: Deps): Router {
  const router = createRouter();
  const read = requires('users.read');

  route(router, 'post', '/users', { access: requires('users.create'), summary: 'Create a user', body: newUserRequest, status: 201 }, async ({ body }, res) => {
    res.status(201).json(await service.create(actorOf(res), body.email));
  });

  route(router, 'get', '/users', { access: read, summary: 'Search users', query: userSearchQuery }, async ({ query: q }, res) => {
    const rows = await users.search({ q: q.q, status: q.status, beforeId: q.before, limit: q.limit });
    res.json({ data: rows.map(userView), next_before: rows.length === q.limit ? rows[rows.length - 1]!.id : null });
  });

  route(router, 'get', '/users/:id', { access: read, summary: "A user's whole picture", params: idParams }, async ({ params }, res) => {
    const userId = params.id;
    const user = await users.get(userId);
    if (!user) throw new NotFoundError('No such user.', 'user_not_found');
    const [periods, keyRows, today, orderRows] = await Promise.all([
      packages.periodsOf(userId),
      keys.list(userId),
      todayUsage(userId),
      orders.listForUser(userId, 20),
    ]);
    res.json({
      ...userView(user),
      packages: periods.map((p) => periodView(p, businessDay(timeZone))),
      api_keys: keyRows.map(keyView),
      today,
      orders: orderRows.map(consoleOrderView),
    });
  });

  for (const [action, status] of [
    ['suspend', 'suspended'],
    ['resume', 'active'],
  ] as const) {
    const summary = action === 'suspend' ? 'Suspend a user (keys and sessions end everywhere)' : 'Resume a suspended user';
    route(router, 'post', `/users/:id/${action}`, { access: requires('users.protect'), summary, params: idParams }, async ({ params }, res) => {
      res.json(userView(await service.setStatus(actorOf(res), params.id, status)));
    });
  }

  route(
    router,
    'post',
    '/users/:id/password-reset',
    { access: requires('users.protect'), summary: 'Mail the user a password-reset link', params: idParams, status: 202 },
    async ({ params }, res) => {
      await service.sendPasswordReset(actorOf(res), params.id);
      res.status(202).json({});
    },
  );

  return router;
}
