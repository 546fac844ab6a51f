import { sql } from 'kysely';
import { newId } from '../core/ids.js';
import type { Executor } from '../db/store.js';

/**
 * The outbox: side effects (emails, provider calls, webhooks) are rows written in the same
 * transaction as the state change. Only the dispatcher performs them, after commit.
 */
export interface EffectRequest {
  effect: string;
  payload: Record<string, unknown>;
  /** One logical effect, one key: the receiver uses it to drop repeats (MS-RequestId, Idempotency-Key, Message-ID). */
  idempotencyKey: string;
  notBefore?: Date;
  maxAttempts?: number;
}

export interface OutboxRow {
  id: string;
  effect: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  attempts: number;
  maxAttempts: number;
}

export async function enqueueEffect(db: Executor, now: Date, e: EffectRequest): Promise<void> {
  await db
    .insertInto('outbox')
    .values({
      id: newId('fx'),
      effect: e.effect,
      payload: JSON.stringify(e.payload),
      idempotency_key: e.idempotencyKey,
      status: 'pending',
      max_attempts: e.maxAttempts ?? 10,
      next_attempt_at: e.notBefore ?? now,
      created_at: now,
    })
    // the same logical effect queued twice is one effect
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}

/**
 * Claim due rows with a lease. A row whose lease ran out (its dispatcher died mid-effect) is
 * due again; the attempt count tells the handler it is a retry. SKIP LOCKED keeps two
 * dispatchers off the same row.
 */
export async function claimDue(db: Executor, now: Date, leaseMs: number, workerId: string, limit: number, key?: string): Promise<OutboxRow[]> {
  const until = new Date(now.getTime() + leaseMs);
  const result = await sql<{
    id: string;
    effect: string;
    payload: Record<string, unknown>;
    idempotency_key: string;
    attempts: number;
    max_attempts: number;
  }>`
    UPDATE outbox SET status = 'processing', attempts = attempts + 1, locked_until = ${until}, locked_by = ${workerId}
    WHERE id IN (
      SELECT id FROM outbox
      WHERE ((status = 'pending' AND next_attempt_at <= ${now})
         OR (status = 'processing' AND locked_until <= ${now}))
        AND (${key ?? null}::text IS NULL OR idempotency_key = ${key ?? null})
      ORDER BY next_attempt_at, id
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id, effect, payload, idempotency_key, attempts, max_attempts`.execute(db);
  return result.rows.map((r) => ({
    id: r.id,
    effect: r.effect,
    payload: r.payload,
    idempotencyKey: r.idempotency_key,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
  }));
}

/** Mark done, but only while this dispatcher still holds the lease (a fencing check). */
export async function completeEffect(db: Executor, id: string, workerId: string, now: Date, result: unknown): Promise<boolean> {
  const r = await db
    .updateTable('outbox')
    .set({ status: 'done', done_at: now, locked_until: null, result: JSON.stringify(result ?? null), last_error: null })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function failEffect(
  db: Executor,
  row: OutboxRow,
  workerId: string,
  error: string,
  next: Date | null,
): Promise<void> {
  await db
    .updateTable('outbox')
    .set(
      next
        ? { status: 'pending', next_attempt_at: next, locked_until: null, last_error: error.slice(0, 2000) }
        : { status: 'dead', locked_until: null, last_error: error.slice(0, 2000) },
    )
    .where('id', '=', row.id)
    .where('locked_by', '=', workerId)
    .execute();
}

export interface OutboxStats {
  pending: number;
  processing: number;
  done: number;
  dead: number;
}

export async function outboxStats(db: Executor): Promise<OutboxStats> {
  const rows = await db.selectFrom('outbox').select(['status', db.fn.countAll<bigint>().as('n')]).groupBy('status').execute();
  const out: OutboxStats = { pending: 0, processing: 0, done: 0, dead: 0 };
  for (const r of rows) out[r.status] = Number(r.n);
  return out;
}
