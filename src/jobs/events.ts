import { newId } from '../core/ids.js';
import type { Db, Executor } from '../db/store.js';
import type { UseCaseContext } from '../db/tx.js';
import type { EffectRegistry } from './dispatcher.js';

/**
 * Domain events between modules (a payment posted → the collections engine looks again). An
 * event is an outbox row written with the posting, so it exists exactly when the posting does.
 * The dispatcher delivers at least once; each subscriber runs in a transaction that first writes
 * (subscriber, event id) to event_receipts, so a repeated delivery finds the receipt and does
 * nothing: once per posting per subscriber.
 */
export const DOMAIN_EVENT_EFFECT = 'domain.event';

export interface DomainEvent {
  id: string;
  type: string;
  at: string;
  customerId: string | null;
  data: Record<string, unknown>;
}

export type EventHandler = (trx: Executor, event: DomainEvent) => Promise<void>;

export class EventBus {
  private readonly subscribers = new Map<string, { types: Set<string> | null; handler: EventHandler }>();

  /** `types`: the event types wanted, or every event when omitted. */
  subscribe(name: string, handler: EventHandler, types?: string[]): void {
    if (this.subscribers.has(name)) throw new Error(`event subscriber ${name} registered twice`);
    this.subscribers.set(name, { types: types ? new Set(types) : null, handler });
  }

  /** Deliver one event to every subscriber that has not had it yet. Returns who received it now. */
  async deliver(db: Db, now: Date, event: DomainEvent): Promise<string[]> {
    const received: string[] = [];
    for (const [name, s] of this.subscribers) {
      if (s.types && !s.types.has(event.type)) continue;
      const done = await db.transaction().execute(async (trx) => {
        const r = await trx.insertInto('event_receipts').values({ subscriber: name, event_id: event.id, received_at: now }).onConflict((oc) => oc.doNothing()).returning('event_id').executeTakeFirst();
        if (!r) return false;
        await s.handler(trx, event);
        return true;
      });
      if (done) received.push(name);
    }
    return received;
  }
}

/** Queue an event in the use case's transaction. */
export async function emitEvent(ctx: UseCaseContext, type: string, customerId: string | null, data: Record<string, unknown>): Promise<string> {
  const id = newId('evt');
  await ctx.enqueue({
    effect: DOMAIN_EVENT_EFFECT,
    payload: { id, type, at: ctx.now.toISOString(), customerId, data },
    idempotencyKey: `${DOMAIN_EVENT_EFFECT}:${id}`,
  });
  return id;
}

export function registerEventEffect(effects: EffectRegistry, deps: { db: Db; clock: { now(): Date }; events: EventBus }): void {
  effects.register(DOMAIN_EVENT_EFFECT, async (payload) => {
    const event = payload as unknown as DomainEvent;
    return { received: await deps.events.deliver(deps.db, deps.clock.now(), event) };
  });
}
