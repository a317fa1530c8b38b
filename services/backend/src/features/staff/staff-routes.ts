import type { Router } from 'express';
import { createRouter, route } from '../../infra/routes.js';
import { idParams } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import { appointStaffRequest, staffRoleChange } from './staff-schemas.js';
import type { StaffService } from './staff-service.js';
import type { StaffStore } from './staff-store.js';
import { staffView } from './staff-views.js';

/** /api/admin/staff: list, appoint, change or remove a role (staff.manage: owners). */
export function createStaffRoutes({ staff, service }: { staff: Pick<StaffStore, 'list'>; service: StaffService }): Router {
  const router = createRouter();
  const access = requires('staff.manage');

  route(router, 'get', '/staff', { access, summary: 'List staff members' }, async (_in, res) => {
    res.json({ data: (await staff.list()).map(staffView) });
  });

  route(router, 'post', '/staff', { access, summary: 'Appoint a staff member', body: appointStaffRequest, status: 201 }, async ({ body }, res) => {
    res.status(201).json(staffView(await service.appoint(actorOf(res), body.email, body.role)));
  });

  route(
    router,
    'patch',
    '/staff/:id',
    { access, summary: "Change or remove a staff member's role", params: idParams, body: staffRoleChange },
    async ({ params, body }, res) => {
      res.json(staffView(await service.setRole(actorOf(res), params.id, body.role)));
    },
  );

  return router;
}
