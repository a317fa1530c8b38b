import { Router } from 'express';
import { z } from 'zod';
import { HttpError, NotFoundError } from '../../infra/errors.js';
import { idParam, parse } from '../../infra/validation.js';
import type { AccountService } from '../accounts/account-service.js';
import { actorOf } from '../admin/admin-auth.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import { type StaffStore, staffView } from './staff-store.js';

const role = z.enum(['owner', 'admin', 'support']);

/**
 * /api/admin/staff (owners only, by staff-policy.ts): list, appoint (a new address gets a
 * mail to set its password), change or remove a role. The last owner cannot be removed.
 */
export function createStaffRoutes({
  staff,
  accounts,
  change,
}: {
  staff: StaffStore;
  accounts: Pick<AccountService, 'forgotPassword'>;
  change: AuditedChange;
}): Router {
  const router = Router();

  router.get('/staff', async (_req, res) => {
    res.json({ data: (await staff.list()).map(staffView) });
  });

  router.post('/staff', async (req, res) => {
    const body = parse(z.object({ email: z.string().trim().toLowerCase().email().max(320), role }), req.body);
    const { member, invite } = await change(actorOf(res), async (tx) => {
      const user = await staff.findOrCreate(tx, body.email);
      const after = await staff.setRole(tx, user.id, body.role);
      const entry = { action: 'staff.appoint', targetType: 'user', targetId: user.id, before: { role: user.role }, after: { role: body.role } };
      return { entry, result: { member: after, invite: !user.has_password } };
    });
    // Someone without a password yet chooses one through the usual reset link.
    if (invite) await accounts.forgotPassword(member.email);
    res.status(201).json(staffView(member));
  });

  router.patch('/staff/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const body = parse(z.object({ role: role.nullable() }), req.body);
    const member = await change(actorOf(res), async (tx) => {
      const before = await staff.lock(tx, id);
      if (!before?.role) throw new NotFoundError('No such staff member.', 'staff_not_found');
      if (before.role === 'owner' && body.role !== 'owner' && (await staff.otherOwners(tx, id)) === 0) {
        throw new HttpError(409, 'This is the last owner; appoint another owner first.', 'invalid_request_error', 'last_owner');
      }
      const after = await staff.setRole(tx, id, body.role);
      return { entry: { action: 'staff.role', targetType: 'user', targetId: id, before: { role: before.role }, after: { role: body.role } }, result: after };
    });
    res.json(staffView(member));
  });

  return router;
}
