import { AppError, notFound } from '../../core/errors.js';
import { newId, randomSecret, sha256Hex } from '../../core/ids.js';
import type { Clock } from '../../core/clock.js';
import type { Db, Executor } from '../../db/store.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import { findUserById, type User } from './users.repo.js';

/** API tokens for scripts: `pdt_<secret>`, shown once, stored as a SHA-256 hash. */
export const TOKEN_PREFIX = 'pdt_';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

function toToken(r: {
  id: string;
  user_id: string;
  name: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiToken {
  return { id: r.id, userId: r.user_id, name: r.name, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

export async function createToken(
  deps: UseCaseDeps,
  actor: Actor,
  userId: string,
  opts: { name: string; expiresInDays?: number | undefined },
): Promise<{ token: string; apiToken: ApiToken }> {
  const secret = TOKEN_PREFIX + randomSecret(32);
  return runUseCase(deps, actor, async (ctx) => {
    const user = await findUserById(ctx.trx, userId);
    if (!user) throw notFound('user', userId);
    if (user.status !== 'active') throw new AppError('conflict', 'users.disabled', { email: user.email });
    const row = await ctx.trx
      .insertInto('api_tokens')
      .values({
        id: newId('tok'),
        user_id: userId,
        name: opts.name,
        token_hash: sha256Hex(secret),
        created_at: ctx.now,
        expires_at: opts.expiresInDays ? new Date(ctx.now.getTime() + opts.expiresInDays * 86_400_000) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await ctx.audit({ action: 'token.create', entityType: 'api_token', entityId: row.id, after: { userId, name: opts.name, expiresAt: row.expires_at } });
    return { token: secret, apiToken: toToken(row) };
  });
}

export async function listTokens(db: Executor, userId: string): Promise<ApiToken[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').execute();
  return rows.map(toToken);
}

export async function revokeToken(deps: UseCaseDeps, actor: Actor, tokenId: string, ownerId?: string): Promise<ApiToken> {
  return runUseCase(deps, actor, async (ctx) => {
    let q = ctx.trx.updateTable('api_tokens').set({ revoked_at: ctx.now }).where('id', '=', tokenId).where('revoked_at', 'is', null);
    if (ownerId) q = q.where('user_id', '=', ownerId);
    const row = await q.returningAll().executeTakeFirst();
    if (!row) throw notFound('api_token', tokenId);
    await ctx.audit({ action: 'token.revoke', entityType: 'api_token', entityId: tokenId, after: { userId: row.user_id } });
    return toToken(row);
  });
}

export async function resolveToken(db: Db, clock: Clock, secret: string): Promise<{ user: User; token: ApiToken } | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const now = clock.now();
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256Hex(secret)).executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return undefined;
  const user = await findUserById(db, row.user_id);
  if (!user || user.status !== 'active') return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { user, token: toToken(row) };
}
