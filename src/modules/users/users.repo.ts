import { sql } from 'kysely';
import type { Executor } from '../../db/store.js';
import type { Locale } from '../../core/i18n.js';

export type StaffRole = 'admin' | 'billing' | 'support' | 'viewer';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'billing', 'support', 'viewer'];

/** A user as the rest of the desk sees it: never the password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
  kind: 'staff' | 'customer';
  role: StaffRole | null;
  customerId: string | null;
  locale: Locale;
  timeZone: string;
  status: 'active' | 'disabled';
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

type Row = {
  id: string;
  email: string;
  name: string;
  kind: 'staff' | 'customer';
  role: StaffRole | null;
  customer_id: string | null;
  locale: string;
  time_zone: string;
  status: 'active' | 'disabled';
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
};

const COLUMNS = [
  'id',
  'email',
  'name',
  'kind',
  'role',
  'customer_id',
  'locale',
  'time_zone',
  'status',
  'created_at',
  'updated_at',
  'last_login_at',
] as const;

export function toUser(r: Row): User {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    kind: r.kind,
    role: r.role,
    customerId: r.customer_id,
    locale: r.locale as Locale,
    timeZone: r.time_zone,
    status: r.status,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
  };
}

export async function findUserById(db: Executor, id: string, forUpdate = false): Promise<User | undefined> {
  let q = db.selectFrom('users').select(COLUMNS).where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  const r = await q.executeTakeFirst();
  return r ? toUser(r) : undefined;
}

export async function findUserByEmail(db: Executor, email: string): Promise<(User & { passwordHash: string | null }) | undefined> {
  const r = await db
    .selectFrom('users')
    .select([...COLUMNS, 'password_hash'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return r ? { ...toUser(r), passwordHash: r.password_hash } : undefined;
}

export async function passwordHashOf(db: Executor, id: string): Promise<string | null> {
  const r = await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirst();
  return r?.password_hash ?? null;
}

export interface NewUserRow {
  id: string;
  email: string;
  name: string;
  kind: 'staff' | 'customer';
  role: StaffRole | null;
  customerId: string | null;
  locale: Locale;
  timeZone: string;
  passwordHash: string | null;
  now: Date;
}

export async function insertUser(db: Executor, u: NewUserRow): Promise<User> {
  const r = await db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email,
      name: u.name,
      kind: u.kind,
      role: u.role,
      customer_id: u.customerId,
      locale: u.locale,
      time_zone: u.timeZone,
      password_hash: u.passwordHash,
      created_at: u.now,
      updated_at: u.now,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toUser(r);
}

export interface UserPatch {
  name?: string;
  locale?: Locale;
  timeZone?: string;
  role?: StaffRole;
  status?: 'active' | 'disabled';
  passwordHash?: string;
  lastLoginAt?: Date;
}

export async function updateUser(db: Executor, id: string, patch: UserPatch, now: Date): Promise<User> {
  const r = await db
    .updateTable('users')
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.locale !== undefined && { locale: patch.locale }),
      ...(patch.timeZone !== undefined && { time_zone: patch.timeZone }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.status !== undefined && { status: patch.status }),
      ...(patch.passwordHash !== undefined && { password_hash: patch.passwordHash }),
      ...(patch.lastLoginAt !== undefined && { last_login_at: patch.lastLoginAt }),
      updated_at: now,
    })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toUser(r);
}

export interface UserQuery {
  kind?: 'staff' | 'customer' | undefined;
  customerId?: string | undefined;
  limit: number;
  offset: number;
}

export async function listUsers(db: Executor, q: UserQuery): Promise<{ items: User[]; total: number }> {
  let base = db.selectFrom('users');
  if (q.kind) base = base.where('kind', '=', q.kind);
  if (q.customerId) base = base.where('customer_id', '=', q.customerId);
  const [rows, count] = await Promise.all([
    base.select(COLUMNS).orderBy('email').limit(q.limit).offset(q.offset).execute(),
    base.select(db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toUser), total: Number(count.n) };
}

export async function countUsers(db: Executor): Promise<number> {
  const r = await db.selectFrom('users').select(db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countActiveAdmins(db: Executor): Promise<number> {
  const r = await db
    .selectFrom('users')
    .select(db.fn.countAll<bigint>().as('n'))
    .where('role', '=', 'admin')
    .where('status', '=', 'active')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Active staff users who handle money (admin, billing), for finance notices; by email. */
export async function listFinanceUsers(db: Executor): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .select(COLUMNS)
    .where('kind', '=', 'staff')
    .where('role', 'in', ['admin', 'billing'])
    .where('status', '=', 'active')
    .where('email', '<>', '')
    .orderBy('email')
    .execute();
  return rows.map(toUser);
}

/** The audit view of a user: what changed, never secrets. */
export function auditView(u: User): Record<string, unknown> {
  return { email: u.email, name: u.name, kind: u.kind, role: u.role, customerId: u.customerId, locale: u.locale, timeZone: u.timeZone, status: u.status };
}
