import type { User } from './user-store.js';

/** A user as staff see them in lists, in the audit log and atop their whole picture. */
export const userView = (u: User) => ({ id: u.id, email: u.email, status: u.status, created_at: u.created_at });
