import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { cliActor } from '../../src/db/tx.js';
import { dispatchDue } from '../../src/jobs/dispatcher.js';
import { registerEffects } from '../../src/jobs/definitions.js';
import { DOMAIN_EVENT_EFFECT, type DomainEvent } from '../../src/jobs/events.js';
import { createCreditNote } from '../../src/modules/invoicing/credit-notes.js';
import { invoiceLines } from '../../src/modules/invoicing/invoices.repo.js';
import { recordPayment, reversePayment } from '../../src/modules/payments/payments.js';
import { makeAccount } from '../helpers/fixtures.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/**
 * Postings emit events for the collections engine through the outbox: a subscriber gets each
 * exactly once, also when the outbox delivers an event again (a dispatcher died after the
 * subscriber ran) or two dispatchers race.
 */
const actor = cliActor('test');
let deps: TestDeps;
const received: DomainEvent[] = [];
let failNext = false;

beforeAll(async () => {
  deps = await createTestDeps({ now: '2026-11-02T09:00:00Z' });
  registerEffects(deps);
  deps.events.subscribe(
    'test.collections',
    async (trx, e) => {
      // the subscriber writes in the receipt's transaction: a failure undoes both
      await sql`SELECT 1`.execute(trx);
      if (failNext) {
        failNext = false;
        throw new Error('subscriber down');
      }
      received.push(e);
    },
    ['payment.posted', 'payment.reversed', 'credit.posted'],
  );
});
afterAll(async () => deps?.dispose());

describe('receivables events', () => {
  it('a payment, a credit note and a reversal each reach the subscriber once, whatever the outbox repeats', async () => {
    const c = await billableCustomer(deps, { accountId: (await makeAccount(deps)).id });
    const inv = await issuedInvoice(deps, c, '100.00');
    const p = await recordPayment(deps, actor, { customerId: c, amount: '40.00', currency: 'EUR', receivedOn: '2026-11-02', method: 'bank_transfer' });
    const [line] = await invoiceLines(deps.db, inv.id);
    const cn = await createCreditNote(deps, actor, inv.id, { reason: 'goodwill', lines: [{ lineId: line!.id, amount: '10.00' }] });
    await reversePayment(deps, actor, p.id, { reason: 'bounced' });

    // two dispatchers at once
    await Promise.all([dispatchDue(deps, { workerId: 'w1' }), dispatchDue(deps, { workerId: 'w2' })]);
    const types = received.map((e) => e.type);
    expect(types.sort()).toEqual(['credit.posted', 'payment.posted', 'payment.reversed']);
    expect(received.find((e) => e.type === 'payment.posted')).toMatchObject({ customerId: c, data: { paymentId: p.id, invoiceIds: [inv.id], amount: '4000' } });
    expect(received.find((e) => e.type === 'credit.posted')).toMatchObject({ data: { creditNoteId: cn.id, invoiceId: inv.id } });

    // the outbox delivers every event again (as after a crash between the effect and its completion)
    const rows = await deps.db.selectFrom('outbox').select('payload').where('effect', '=', DOMAIN_EVENT_EFFECT).execute();
    const handler = deps.effects.get(DOMAIN_EVENT_EFFECT)!;
    for (const r of rows) await handler(r.payload, { idempotencyKey: 'again', attempt: 2, final: false });
    expect(received).toHaveLength(3);
  });

  it('a subscriber that fails gets the event again on the retry, and then only once', async () => {
    const c = await billableCustomer(deps, { accountId: (await makeAccount(deps)).id });
    await issuedInvoice(deps, c, '10.00');
    const before = received.length;
    failNext = true;
    await recordPayment(deps, actor, { customerId: c, amount: '10.00', currency: 'EUR', receivedOn: '2026-11-02', method: 'card' });
    await dispatchDue(deps);
    const row = await deps.db.selectFrom('outbox').select(['status', 'last_error', 'attempts']).where('effect', '=', DOMAIN_EVENT_EFFECT).where('status', '<>', 'done').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', last_error: 'subscriber down', attempts: 1 });
    expect(received).toHaveLength(before);
    deps.clock.advance({ minutes: 5 });
    await dispatchDue(deps);
    deps.clock.advance({ minutes: 5 });
    await dispatchDue(deps);
    expect(received.slice(before).map((e) => e.type)).toEqual(['payment.posted']);
  });
});
