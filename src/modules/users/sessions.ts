import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../../core/errors.js';
import { randomSecret, sha256Hex } from '../../core/ids.js';
import type { Clock } from '../../core/clock.js';
import type { Db } from '../../db/store.js';
import { runUseCase, type UseCaseDeps } from '../../db/tx.js';
import { verifyPassword } from './passwords.js';
import { findUserByEmail, findUserById, toUser, updateUser, type User } from './users.repo.js';

/**
 * Password login with rate limits held in the database (so they hold across instances):
 * 5 failures per email and 30 per client address within 15 minutes lock further tries until
 * the window has moved on. A success resets the count for that email.
 */
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;

export interface SessionDeps extends UseCaseDeps {
  sessionTtlHours: number;
}

export interface LoginResult {
  user: User;
  /** The cookie value; only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

async function checkRate(db: Db, emailKey: string, ip: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
  const lastOk = await db
    .selectFrom('login_attempts')
    .select((eb) => eb.fn.max('at').as('at'))
    .where('email_key', '=', emailKey)
    .where('ok', '=', true)
    .executeTakeFirst();
  const from = lastOk?.at && lastOk.at > since ? lastOk.at : since;
  const byEmail = await db
    .selectFrom('login_attempts')
    .select([(eb) => eb.fn.countAll<bigint>().as('n'), (eb) => eb.fn.min('at').as('first')])
    .where('email_key', '=', emailKey)
    .where('ok', '=', false)
    .where('at', '>', from)
    .executeTakeFirstOrThrow();
  const byIp = await db
    .selectFrom('login_attempts')
    .select([(eb) => eb.fn.countAll<bigint>().as('n'), (eb) => eb.fn.min('at').as('first')])
    .where('ip', '=', ip)
    .where('ok', '=', false)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  for (const [r, max] of [
    [byEmail, MAX_FAILURES_PER_EMAIL],
    [byIp, MAX_FAILURES_PER_IP],
  ] as const) {
    if (Number(r.n) >= max && r.first) {
      const retry = Math.max(1, Math.ceil((r.first.getTime() + LOGIN_WINDOW_MS - now.getTime()) / 1000));
      throw new AppError('rate_limited', 'auth.too_many_attempts', { minutes: Math.ceil(retry / 60) }, { retryAfterSeconds: retry });
    }
  }
}

export async function login(deps: SessionDeps, email: string, password: string, meta: { ip: string; userAgent?: string | undefined }): Promise<LoginResult> {
  const now = deps.clock.now();
  const emailKey = email.trim().toLowerCase();
  await checkRate(deps.db, emailKey, meta.ip, now);
  const found = await findUserByEmail(deps.db, emailKey);
  const ok = (await verifyPassword(password, found?.passwordHash ?? null)) && found?.status === 'active';
  if (!ok || !found) {
    await deps.db.insertInto('login_attempts').values({ email_key: emailKey, ip: meta.ip, ok: false, at: now }).execute();
    throw new AppError('unauthenticated', 'auth.invalid_credentials');
  }
  const token = randomSecret(32);
  const csrfToken = randomSecret(24);
  const expiresAt = new Date(now.getTime() + deps.sessionTtlHours * 3_600_000);
  const user = await runUseCase(deps, { type: 'user', id: found.id, label: found.email }, async (ctx) => {
    await ctx.trx.insertInto('login_attempts').values({ email_key: emailKey, ip: meta.ip, ok: true, at: ctx.now }).execute();
    await ctx.trx
      .insertInto('sessions')
      .values({
        id: sha256Hex(token),
        user_id: found.id,
        csrf_token: csrfToken,
        created_at: ctx.now,
        expires_at: expiresAt,
        last_seen_at: ctx.now,
        ip: meta.ip,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    const u = await updateUser(ctx.trx, found.id, { lastLoginAt: ctx.now }, ctx.now);
    await ctx.audit({ action: 'auth.login', entityType: 'user', entityId: found.id, after: { ip: meta.ip } });
    return u;
  });
  return { user, token, csrfToken, expiresAt };
}

export async function logout(deps: UseCaseDeps, token: string, user: User): Promise<void> {
  await runUseCase(deps, { type: 'user', id: user.id, label: user.email }, async (ctx) => {
    await ctx.trx.deleteFrom('sessions').where('id', '=', sha256Hex(token)).execute();
    await ctx.audit({ action: 'auth.logout', entityType: 'user', entityId: user.id });
  });
}

export interface ResolvedSession {
  user: User;
  csrfToken: string;
  sessionId: string;
  /** Set when this request slid the expiry: the cookie must be re-issued to match. */
  renewedUntil?: Date;
}

/** Look up a session cookie; slides its expiry at most every five minutes. */
export async function resolveSession(db: Db, clock: Clock, ttlHours: number, token: string): Promise<ResolvedSession | undefined> {
  const now = clock.now();
  const id = sha256Hex(token);
  const s = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s || s.expires_at <= now) return undefined;
  const user = await findUserById(db, s.user_id);
  if (!user || user.status !== 'active') return undefined;
  if (now.getTime() - s.last_seen_at.getTime() > 5 * 60_000) {
    const renewedUntil = new Date(now.getTime() + ttlHours * 3_600_000);
    await db.updateTable('sessions').set({ last_seen_at: now, expires_at: renewedUntil }).where('id', '=', id).execute();
    return { user, csrfToken: s.csrf_token, sessionId: id, renewedUntil };
  }
  return { user, csrfToken: s.csrf_token, sessionId: id };
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export { toUser };
