/**
 * Who may do what in the admin API: the staff roles and the one table that maps each role
 * to its permissions. Every admin route declares the permission it needs where it is
 * registered (`requires('staff.manage')`); nothing here looks at a path.
 *
 * Pure data and functions: the web console imports this file too, to leave out the
 * buttons a role would see refused (the server still decides).
 */

export const STAFF_ROLES = ['owner', 'admin', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Who makes a change: a staff member, the admin token (an owner named "token"), or the gateway itself. */
export interface Actor {
  name: string;
  userId: number | null;
  role: StaffRole;
  address: string;
}

/**
 * The gateway acting on its own (e.g. disabling a channel whose key the upstream refuses):
 * like the admin token, an owner with a name of its own, and no address.
 */
export const GATEWAY_ACTOR: Readonly<Actor> = Object.freeze({ name: 'gateway', userId: null, role: 'owner', address: '' });

/** Everything an admin route may require. */
export const ADMIN_PERMISSIONS = [
  // Reading: customers, their keys, periods, orders, usage; the catalogue, channels, codes, the audit log.
  'users.read',
  'packages.read',
  'orders.read',
  'codes.read',
  'audit.read',
  'usage.read',
  'channels.read',
  'models.read',
  // Account safety on customers: suspend, resume, a password-reset mail.
  'users.protect',
  'keys.revoke',
  // Creating customers and issuing keys (a plain key is shown once).
  'users.create',
  'keys.issue',
  // Money: packages, grants, refunds, redemption codes (an unused code is worth a package).
  'packages.manage',
  'packages.grant',
  'orders.refund',
  'codes.manage',
  'codes.reveal',
  'invites.create',
  // The upstream: channels (probing one sends its key), models and prices.
  'channels.manage',
  'channels.probe',
  'models.manage',
  // Appointing, changing and removing staff, and acting on staff members' accounts.
  'staff.manage',
] as const;
export type AdminPermission = (typeof ADMIN_PERMISSIONS)[number];

const READS = ADMIN_PERMISSIONS.filter((p) => p.endsWith('.read'));

/**
 * The table. Owner: everything. Admin: everything but staff. Support: reads (never a plain
 * key or an unused code) and account safety on customers.
 */
const ROLE_PERMISSIONS: Readonly<Record<StaffRole, ReadonlySet<AdminPermission>>> = {
  owner: new Set(ADMIN_PERMISSIONS),
  admin: new Set(ADMIN_PERMISSIONS.filter((p) => p !== 'staff.manage')),
  support: new Set([...READS, 'users.protect', 'keys.revoke']),
};

/** Whether the role holds the permission. */
export function may(role: StaffRole, permission: AdminPermission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** Every role allowed a permission (for documentation: the OpenAPI description names them). */
export function rolesWith(permission: AdminPermission): StaffRole[] {
  return STAFF_ROLES.filter((role) => may(role, permission));
}
