import type { Deps } from '../deps.js';
import { systemActor } from '../db/tx.js';
import { moneyToDecimalString } from '../core/money.js';
import { recordPayment } from '../modules/payments/payments.js';
import { today } from '../modules/provider-billing/provider-invoices.js';

/**
 * Demo receivables, after the demo invoice run: some customers paid in full, one in part, one
 * paid too much (unapplied credit), the rest is still open, through the same use case as a clerk's.
 */
export async function seedDemoPayments(deps: Deps): Promise<number> {
  const invoices = await deps.db
    .selectFrom('invoices')
    .select(['id', 'customer_id', 'currency', 'gross', 'number'])
    .where('kind', '=', 'invoice')
    .where('status', '=', 'issued')
    .orderBy('number')
    .execute();
  const day = today(deps.clock.now(), deps.config.businessTimeZone);
  let n = 0;
  for (const [i, inv] of invoices.entries()) {
    const amount = i % 4 === 0 ? inv.gross : i % 4 === 1 ? inv.gross / 2n : i === 2 ? inv.gross + 10_000n : 0n;
    if (amount <= 0n) continue;
    await recordPayment(deps, systemActor, {
      customerId: inv.customer_id,
      amount: moneyToDecimalString({ amount, currency: inv.currency }),
      currency: inv.currency,
      receivedOn: day,
      method: 'bank_transfer',
      reference: inv.number ?? undefined,
    });
    n++;
  }
  return n;
}
