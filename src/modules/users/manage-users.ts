import { AppError, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { Locale } from '../../core/i18n.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';
import {
  auditView,
  countActiveAdmins,
  findUserByEmail,
  findUserById,
  insertUser,
  updateUser as updateUserRow,
  type StaffRole,
  type User,
} from './users.repo.js';

export interface CreateUserCommand {
  email: string;
  name?: string;
  role?: StaffRole | undefined;
  customerId?: string | undefined;
  locale?: Locale;
  timeZone?: string;
  password: string;
}

/** Create a staff user (with a role) or a customer user (bound to one customer). */
export async function createUser(deps: UseCaseDeps, actor: Actor, cmd: CreateUserCommand): Promise<User> {
  if (Boolean(cmd.role) === Boolean(cmd.customerId)) {
    throw new AppError('bad_request', 'users.role_or_customer', {}, { field: cmd.role ? '/customerId' : '/role' });
  }
  if (cmd.password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('bad_request', 'users.password_too_short', { min: MIN_PASSWORD_LENGTH }, { field: '/password' });
  }
  const passwordHash = await hashPassword(cmd.password); // outside the transaction: it takes ~50 ms
  return runUseCase(deps, actor, async (ctx) => {
    if (cmd.customerId && !(await ctx.trx.selectFrom('customers').select('id').where('id', '=', cmd.customerId).executeTakeFirst())) {
      throw new AppError('not_found', 'not_found', { entity: 'customer', id: cmd.customerId }, { field: '/customerId' });
    }
    if (await findUserByEmail(ctx.trx, cmd.email)) {
      throw new AppError('conflict', 'users.email_taken', { email: cmd.email }, { field: '/email' });
    }
    const user = await insertUser(ctx.trx, {
      id: newId('usr'),
      email: cmd.email.trim(),
      name: cmd.name ?? '',
      kind: cmd.role ? 'staff' : 'customer',
      role: cmd.role ?? null,
      customerId: cmd.customerId ?? null,
      locale: cmd.locale ?? 'en',
      timeZone: cmd.timeZone ?? 'UTC',
      passwordHash,
      now: ctx.now,
    });
    await ctx.audit({ action: 'user.create', entityType: 'user', entityId: user.id, after: auditView(user) });
    return user;
  });
}

export interface UpdateUserCommand {
  name?: string | undefined;
  role?: StaffRole | undefined;
  status?: 'active' | 'disabled' | undefined;
  locale?: Locale | undefined;
  timeZone?: string | undefined;
}

/** An admin changes a user. The last active admin can be neither demoted nor disabled. */
export async function updateUser(deps: UseCaseDeps, actor: Actor, id: string, cmd: UpdateUserCommand): Promise<User> {
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findUserById(ctx.trx, id, true);
    if (!before) throw notFound('user', id);
    if (cmd.role && before.kind !== 'staff') throw new AppError('bad_request', 'users.customer_has_no_role', {}, { field: '/role' });
    const losesAdmin = before.role === 'admin' && before.status === 'active' && ((cmd.role && cmd.role !== 'admin') || cmd.status === 'disabled');
    if (losesAdmin && (await countActiveAdmins(ctx.trx)) <= 1) throw new AppError('conflict', 'users.last_admin');
    const after = await updateUserRow(ctx.trx, id, cmd, ctx.now);
    if (cmd.status === 'disabled') await ctx.trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await ctx.audit({ action: 'user.update', entityType: 'user', entityId: id, before: auditView(before), after: auditView(after) });
    return after;
  });
}

/** Set a password (an admin's reset, or the CLI). Ends the user's sessions. */
export async function setPassword(deps: UseCaseDeps, actor: Actor, id: string, password: string): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AppError('bad_request', 'users.password_too_short', { min: MIN_PASSWORD_LENGTH }, { field: '/password' });
  }
  const passwordHash = await hashPassword(password);
  await runUseCase(deps, actor, async (ctx) => {
    const user = await findUserById(ctx.trx, id, true);
    if (!user) throw notFound('user', id);
    await updateUserRow(ctx.trx, id, { passwordHash }, ctx.now);
    await ctx.trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await ctx.audit({ action: 'user.password_set', entityType: 'user', entityId: id });
  });
}
