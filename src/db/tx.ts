import type { Clock } from '../core/clock.js';
import { insertAudit, type AuditEntry } from '../modules/audit/audit.repo.js';
import { enqueueEffect, type EffectRequest } from '../jobs/outbox.js';
import type { Db, Tx } from './store.js';

/** Who does something: a signed-in user, an API token, the CLI operator or the system itself. */
export interface Actor {
  type: 'user' | 'token' | 'system' | 'cli';
  id: string | null;
  label: string;
  requestId?: string | undefined;
}

export const systemActor: Actor = { type: 'system', id: null, label: 'system' };
export const cliActor = (label = 'cli'): Actor => ({ type: 'cli', id: null, label });

export interface UseCaseContext {
  trx: Tx;
  actor: Actor;
  /** "now" for this use case, read once from the injected clock. */
  now: Date;
  audit(entry: AuditEntry): Promise<void>;
  /** Queue a side effect; only the outbox dispatcher performs it, after commit. */
  enqueue(effect: EffectRequest): Promise<void>;
}

export interface UseCaseDeps {
  db: Db;
  clock: Clock;
  /** Called after a commit that queued side effects, so a dispatcher picks them up now. */
  notifyOutbox?: (() => void) | undefined;
}

/**
 * A use case is one transaction: the state change, its audit rows and its outbox rows commit
 * together or not at all. The transaction handle is passed down; nothing inside may use the pool.
 */
export async function runUseCase<T>(deps: UseCaseDeps, actor: Actor, fn: (ctx: UseCaseContext) => Promise<T>): Promise<T> {
  const now = deps.clock.now();
  let queued = 0;
  const result = await deps.db.transaction().execute(async (trx) => {
    const ctx: UseCaseContext = {
      trx,
      actor,
      now,
      audit: (entry) => insertAudit(trx, now, actor, entry),
      enqueue: async (effect) => {
        queued++;
        await enqueueEffect(trx, now, effect);
      },
    };
    return fn(ctx);
  });
  if (queued > 0) deps.notifyOutbox?.();
  return result;
}
