import type { Actor } from '../../domain/staff-roles.js';
import type { Queryable } from '../../infra/db.js';
import { NotFoundError } from '../../infra/errors.js';
import { type AccountAction, checkAccountAction, type StaffTarget } from './staff-rules.js';
import type { StaffStore } from './staff-store.js';

/**
 * The check before any action on a person's account (suspend, resume, a reset mail, issuing or
 * revoking a key): the person is locked in the caller's transaction, after every active owner
 * (staff-store.ts), and the rules of staff-rules.ts decide whether the actor may.
 */
export function createAccountActions({ staff }: { staff: Pick<StaffStore, 'lockForChange'> }) {
  return {
    /** The person, locked for the action; a 404 when there is none, the rules' refusal when the actor may not. */
    async lockFor(tx: Queryable, actor: Actor, userId: number, action: AccountAction): Promise<StaffTarget> {
      const target = await staff.lockForChange(tx, userId);
      if (!target) throw new NotFoundError('No such user.', 'user_not_found');
      checkAccountAction(actor, target, action);
      return target;
    },
  };
}

export type AccountActions = ReturnType<typeof createAccountActions>;
