import type { Router } from 'express';
import { z } from 'zod';
import { STAFF_ROLES } from '../../domain/staff-roles.js';
import { createRouter, route } from '../../infra/routes.js';
import { idParams } from '../../infra/validation.js';
import { actorOf, requires } from '../../infra/staff-access.js';
import type { StaffService } from './staff-service.js';
import type { StaffStore } from './staff-store.js';
import { staffView } from './staff-views.js';

const role = z.enum(STAFF_ROLES);
const appointRequest = z.object({ email: z.string().trim().toLowerCase().email().max(320), role });
const roleChange = z.object({ role: role.nullable() });

/** /api/admin/staff: list, appoint, change or remove a role (staff.manage: owners). */
export function createStaffRoutes({ staff, service }: { staff: Pick<StaffStore, 'list'>; service: StaffService }): Router {
  const router = createRouter();
  const access = requires('staff.manage');

  route(router, 'get', '/staff', { access, summary: 'List staff members' }, async (_in, res) => {
    res.json({ data: (await staff.list()).map(staffView) });
  });

  route(router, 'post', '/staff', { access, summary: 'Appoint a staff member', body: appointRequest, status: 201 }, async ({ body }, res) => {
    res.status(201).json(staffView(await service.appoint(actorOf(res), body.email, body.role)));
  });

  route(
    router,
    'patch',
    '/staff/:id',
    { access, summary: "Change or remove a staff member's role", params: idParams, body: roleChange },
    async ({ params, body }, res) => {
      res.json(staffView(await service.setRole(actorOf(res), params.id, body.role)));
    },
  );

  return router;
}
