import { AppError, notFound } from '../../core/errors.js';
import type { Locale } from '../../core/i18n.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { auditView, findUserById, passwordHashOf, updateUser, type User } from './users.repo.js';

/** A user changes their own profile: name, language, time zone. */
export async function updateProfile(
  deps: UseCaseDeps,
  actor: Actor,
  userId: string,
  patch: { name?: string | undefined; locale?: Locale | undefined; timeZone?: string | undefined },
): Promise<User> {
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findUserById(ctx.trx, userId, true);
    if (!before) throw notFound('user', userId);
    const after = await updateUser(ctx.trx, userId, patch, ctx.now);
    await ctx.audit({ action: 'user.update_profile', entityType: 'user', entityId: userId, before: auditView(before), after: auditView(after) });
    return after;
  });
}

/** Change one's own password; other sessions of the user end, the current one stays. */
export async function changePassword(
  deps: UseCaseDeps,
  actor: Actor,
  userId: string,
  current: string,
  next: string,
  keepSessionId?: string,
): Promise<void> {
  const stored = await passwordHashOf(deps.db, userId);
  if (!(await verifyPassword(current, stored))) {
    throw new AppError('bad_request', 'auth.wrong_current_password', {}, { field: '/currentPassword' });
  }
  const passwordHash = await hashPassword(next);
  await runUseCase(deps, actor, async (ctx) => {
    await updateUser(ctx.trx, userId, { passwordHash }, ctx.now);
    let del = ctx.trx.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepSessionId) del = del.where('id', '<>', keepSessionId);
    await del.execute();
    await ctx.audit({ action: 'user.password_change', entityType: 'user', entityId: userId });
  });
}
