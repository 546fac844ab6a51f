import type { StaffRole } from '../modules/users/users.repo.js';

/**
 * Every /api route declares who may call it, in `config.access`. A route without a declaration
 * is refused at start-up (see auth.ts), and a test walks all routes against this table.
 */
export type Access =
  | { public: true }
  /** any active user, staff or customer */
  | { signedIn: true }
  /** staff with one of the roles; with `customer`, customer users too (scoped to their customer) */
  | { staff: readonly StaffRole[]; customer?: boolean };

export const ANY_STAFF: readonly StaffRole[] = ['admin', 'billing', 'support', 'viewer'];
export const ADMIN: readonly StaffRole[] = ['admin'];
export const BILLING_WRITE: readonly StaffRole[] = ['admin', 'billing'];
export const SUPPORT_WRITE: readonly StaffRole[] = ['admin', 'support'];

export const PUBLIC: Access = { public: true };
export const SIGNED_IN: Access = { signedIn: true };
export const staff = (roles: readonly StaffRole[], customer = false): Access => ({ staff: roles, customer });
