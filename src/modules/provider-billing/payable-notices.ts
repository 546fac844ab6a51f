import { runUseCase, systemActor, type Actor } from '../../db/tx.js';
import type { Deps } from '../../deps.js';
import { enqueueEmailToRecipients } from '../notifications/enqueue-email.js';
import { financeRecipients } from '../notifications/recipients.js';
import { emailDate, emailMoney } from '../notifications/render.js';
import { findProviderInvoice, listUnpaid, withPayable } from './invoices.repo.js';
import { noticeDue } from './payable-status.js';
import { today } from './provider-invoices.js';

/**
 * Remind the partner's finance users before a provider invoice falls due, and alert them when it
 * is overdue: each notice once per invoice and due date (a row in provider_payable_notices, written
 * in the same transaction as the queued email), however often or on however many workers the job
 * runs. Runs daily (jobs/definitions.ts) and from `partnerdesk payables notify`.
 */
export interface NoticeRun {
  dueSoon: number;
  overdue: number;
  skippedNoRecipients: number;
}

const PAYEE_NAME = { microsoft: 'Microsoft', '21vianet': '21Vianet' } as const;

export async function sendPayableNotices(deps: Deps, actor: Actor = systemActor): Promise<NoticeRun> {
  const day = today(deps.clock.now(), deps.config.businessTimeZone);
  const run: NoticeRun = { dueSoon: 0, overdue: 0, skippedNoRecipients: 0 };
  for (const candidate of (await listUnpaid(deps.db)).map((i) => withPayable(i, day))) {
    if (!noticeDue(candidate.payable, candidate.reminderDays)) continue;
    await runUseCase(deps, actor, async (ctx) => {
      // decide again on the locked row: a payment recorded a moment ago must not get an alert
      await ctx.trx.selectFrom('provider_invoices').select('id').where('id', '=', candidate.id).forUpdate().executeTakeFirst();
      const fresh = await findProviderInvoice(ctx.trx, candidate.id);
      if (!fresh) return;
      const inv = withPayable(fresh, day);
      const kind = noticeDue(inv.payable, inv.reminderDays);
      if (!kind) return;
      const recipients = await financeRecipients(ctx.trx, deps.config);
      if (recipients.length === 0) {
        // nobody to tell: leave it unrecorded so it goes out once someone is configured
        run.skippedNoRecipients++;
        return;
      }
      const claimed = await ctx.trx
        .insertInto('provider_payable_notices')
        .values({ provider_invoice_id: inv.id, kind, due_date: inv.dueDate, sent_at: ctx.now, recipients: recipients.length })
        .onConflict((oc) => oc.doNothing())
        .returning('kind')
        .executeTakeFirst();
      if (!claimed) return; // sent before
      const common = { provider: PAYEE_NAME[inv.payee], invoiceNumber: inv.invoiceNumber, amount: emailMoney({ amount: inv.payable.balance, currency: inv.currency }), dueDate: emailDate(inv.dueDate) };
      await enqueueEmailToRecipients(ctx, recipients, {
        template: kind === 'due_soon' ? 'provider_payable_due' : 'provider_payable_overdue',
        params: kind === 'due_soon' ? { ...common, days: inv.payable.daysUntilDue } : { ...common, daysOverdue: inv.payable.daysOverdue },
        key: `payable:${inv.id}:${kind}:${inv.dueDate}`,
      });
      await ctx.audit({ action: `provider_invoice.notice_${kind}`, entityType: 'provider_invoice', entityId: inv.id, after: { dueDate: inv.dueDate, balance: inv.payable.balance.toString(), recipients: recipients.map((r) => r.email) } });
      if (kind === 'due_soon') run.dueSoon++;
      else run.overdue++;
    });
  }
  return run;
}
