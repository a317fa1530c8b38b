import type { Response } from 'express';
import { type Actor, type AdminPermission, may, rolesWith } from '../domain/staff-roles.js';
import { ForbiddenError } from './errors.js';
import type { Access } from './routes.js';

// What every admin route asks of its caller. The admin authentication (features/admin)
// sets the actor; routes of every feature read it here, so no feature reaches into another
// for it.

/** Who is making this admin call (set by the admin authentication): what the audit log records. */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new Error('admin route mounted without admin authentication');
  return actor;
}

/** Whether this call's actor holds a permission (for what a route shows, beyond whether it runs). */
export const actorMay = (res: Response, permission: AdminPermission) => may(actorOf(res).role, permission);

/** An admin route's access: the caller's role must hold `permission` (src/domain/staff-roles.ts). */
export function requires(permission: AdminPermission): Access {
  return {
    name: permission,
    description: `Staff whose role holds ${permission} (${rolesWith(permission).join(', ')}), or the admin token.`,
    security: ['adminToken', 'staffSession'],
    check(_req, res) {
      const actor = actorOf(res);
      if (!may(actor.role, permission)) throw new ForbiddenError(`The ${actor.role} role does not hold the permission ${permission}.`, 'insufficient_role');
    },
  };
}
