import { HttpError, NotFoundError } from '../../infra/errors.js';
import type { Actor } from '../../domain/staff-roles.js';
import type { AuditedChange } from '../audit/audited-changes.js';
import type { GrantService } from './grant-service.js';
import type { NewPackage, Package, PackageStore } from './package-store.js';

const notFound = () => new NotFoundError('No such package.', 'package_not_found');

/**
 * Staff's changes to packages, each audited in its transaction: create, edit (what is sold
 * from now on; periods already sold keep the terms they copied), take off sale, retire,
 * and grant one to a user.
 */
export function createPackageAdminService({ packages, grants, change }: { packages: PackageStore; grants: GrantService; change: AuditedChange }) {
  return {
    create: (actor: Actor, input: NewPackage) =>
      change(actor, async (tx) => {
        const pkg = await packages.create(input, tx);
        return { entry: { action: 'package.create', targetType: 'package', targetId: pkg.id, after: pkg }, result: pkg };
      }),

    update: (actor: Actor, id: number, fields: Partial<NewPackage>, onSale?: boolean) =>
      change(actor, async (tx) => {
        const before = await packages.lock(tx, id);
        if (!before) throw notFound();
        const after = await packages.update(tx, id, { ...fields, ...(onSale === undefined ? {} : { status: onSale ? 'active' : 'archived' }) });
        return { entry: { action: 'package.update', targetType: 'package', targetId: id, before, after }, result: after as Package };
      }),

    /** Off sale for good: no new orders or grants; periods already sold run to their end. */
    retire: (actor: Actor, id: number) =>
      change(actor, async (tx) => {
        const before = await packages.lock(tx, id);
        if (!before) throw notFound();
        const after = await packages.update(tx, id, { status: 'archived' });
        const entry = { action: 'package.retire', targetType: 'package', targetId: id, before: { status: before.status }, after: { status: 'archived' } };
        return { entry, result: after as Package };
      }),

    async grant(actor: Actor, userId: number, packageId: number) {
      const period = await change(actor, async (tx) => {
        const pkg = await packages.lock(tx, packageId);
        if (!pkg) throw notFound();
        if (pkg.status !== 'active') throw new HttpError(409, 'This package is retired; it cannot be granted.', 'invalid_request_error', 'package_retired');
        const granted = await grants.grantWithin(tx, userId, pkg.id);
        if (!granted) throw new NotFoundError('No such user.', 'user_not_found');
        return { entry: { action: 'package.grant', targetType: 'user', targetId: userId, after: granted }, result: granted };
      });
      await grants.announce(userId);
      return period;
    },
  };
}

export type PackageAdminService = ReturnType<typeof createPackageAdminService>;
