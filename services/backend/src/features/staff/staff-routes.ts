import { Router } from 'express';
import { z } from 'zod';
import { idParam, parse } from '../../infra/validation.js';
import { actorOf } from '../admin/admin-auth.js';
import type { StaffService } from './staff-service.js';
import { type StaffStore, staffView } from './staff-store.js';

const role = z.enum(['owner', 'admin', 'support']);

/** /api/admin/staff (owners only, by staff-policy.ts): list, appoint, change or remove a role. */
export function createStaffRoutes({ staff, service }: { staff: Pick<StaffStore, 'list'>; service: StaffService }): Router {
  const router = Router();

  router.get('/staff', async (_req, res) => {
    res.json({ data: (await staff.list()).map(staffView) });
  });

  router.post('/staff', async (req, res) => {
    const body = parse(z.object({ email: z.string().trim().toLowerCase().email().max(320), role }), req.body);
    res.status(201).json(staffView(await service.appoint(actorOf(res), body.email, body.role)));
  });

  router.patch('/staff/:id', async (req, res) => {
    const body = parse(z.object({ role: role.nullable() }), req.body);
    res.json(staffView(await service.setRole(actorOf(res), idParam(req.params.id), body.role)));
  });

  return router;
}
