import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Db } from '../db/store.js';
import { claimDue, completeEffect, failEffect, type OutboxRow } from './outbox.js';

export interface EffectContext {
  idempotencyKey: string;
  attempt: number;
  /** true on the last attempt the outbox will make: a handler records "handed to a person" */
  final: boolean;
}

/**
 * Thrown by a handler when the receiver refused the effect for good (an SMTP 5xx for a
 * recipient or message): the row is marked dead at once instead of being retried.
 */
export class PermanentEffectError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentEffectError';
  }
}

export type EffectHandler = (payload: Record<string, unknown>, ctx: EffectContext) => Promise<unknown>;

/** Effects by name. Modules register theirs (email.send, provider.suspend, webhook.deliver, …). */
export class EffectRegistry {
  private readonly handlers = new Map<string, EffectHandler>();
  register(name: string, handler: EffectHandler): void {
    if (this.handlers.has(name)) throw new Error(`effect ${name} registered twice`);
    this.handlers.set(name, handler);
  }
  get(name: string): EffectHandler | undefined {
    return this.handlers.get(name);
  }
  names(): string[] {
    return [...this.handlers.keys()].sort();
  }
}

/** Retry delay after the n-th failed attempt: 30 s doubling, at most one hour. Pure. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export interface DispatchDeps {
  db: Db;
  clock: Clock;
  effects: EffectRegistry;
  log: Logger;
}

export interface DispatchResult {
  done: number;
  failed: number;
  dead: number;
}

export const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * Perform due effects, at least once each. The handler runs outside any transaction (it may call
 * the provider or an SMTP server); a crash between the effect and `completeEffect` leaves the
 * row leased, and it is tried again with the same idempotency key once the lease runs out.
 */
export async function dispatchDue(
  deps: DispatchDeps,
  /** `key`: perform only the effect with this idempotency key (a CLI check that sends one test email) */
  opts: { limit?: number; leaseMs?: number; workerId?: string; rounds?: number; key?: string } = {},
): Promise<DispatchResult> {
  const workerId = opts.workerId ?? `dispatcher-${process.pid}-${randomUUID().slice(0, 8)}`;
  const limit = opts.limit ?? 20;
  const out: DispatchResult = { done: 0, failed: 0, dead: 0 };
  for (let round = 0; round < (opts.rounds ?? 50); round++) {
    const rows = await claimDue(deps.db, deps.clock.now(), opts.leaseMs ?? DEFAULT_LEASE_MS, workerId, limit, opts.key);
    if (rows.length === 0) break;
    for (const row of rows) await performOne(deps, row, workerId, out);
    if (rows.length < limit) break;
  }
  return out;
}

async function performOne(deps: DispatchDeps, row: OutboxRow, workerId: string, out: DispatchResult): Promise<void> {
  const handler = deps.effects.get(row.effect);
  try {
    if (!handler) throw new Error(`no handler for effect ${row.effect}`);
    const result = await handler(row.payload, { idempotencyKey: row.idempotencyKey, attempt: row.attempts, final: row.attempts >= row.maxAttempts });
    if (await completeEffect(deps.db, row.id, workerId, deps.clock.now(), result)) out.done++;
    // else: our lease ran out and another dispatcher took the effect over; it records the outcome
    else deps.log.warn({ effect: row.effect, id: row.id }, 'effect lease lost');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // a missing handler is retried like any failure: during a rolling upgrade a newer worker knows it
    const last = e instanceof PermanentEffectError || row.attempts >= row.maxAttempts;
    const next = last ? null : new Date(deps.clock.now().getTime() + retryDelayMs(row.attempts));
    await failEffect(deps.db, row, workerId, msg, next);
    if (last) out.dead++;
    else out.failed++;
    deps.log.warn({ effect: row.effect, id: row.id, attempt: row.attempts, err: msg, dead: last }, 'effect failed');
  }
}
