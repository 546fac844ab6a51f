import type { Deps } from '../../deps.js';
import { PermanentEffectError, type EffectContext } from '../../jobs/dispatcher.js';
import { createMailer, messageIdFor } from '../notifications/mailer.js';
import { emailDate, emailMoney, renderEmail } from '../notifications/render.js';
import { buildDocument } from './build-document.js';
import { DELIVER_EFFECT, appendDelivery } from './issue.js';
import { renderDocumentPdf } from './pdf.js';

/**
 * Delivery of an issued invoice or credit note (the `invoice.deliver` outbox effect): the PDF is
 * rendered at send time from what the document keeps, and mailed to the customer's billing
 * contact in the customer's language. Every attempt is recorded on the invoice: sent (with the
 * Message-ID), retrying (a temporary SMTP or connection failure, with the attempt), bounced (the
 * server refused the recipient or message for good: 5xx, not retried), failed (the outbox gave up).
 * The Message-ID is derived from the effect's idempotency key, so a retried send is recognisable.
 */
export function fileNameOf(number: string): string {
  return `${number.replace(/[^A-Za-z0-9._-]+/g, '_')}.pdf`;
}

export async function deliverInvoice(deps: Deps, invoiceId: string, fx: EffectContext): Promise<{ messageId: string; to: string }> {
  deps.mailer ??= createMailer(deps.config, deps.log.child({ part: 'mail' }));
  const mailer = deps.mailer;
  const { invoice, doc } = await buildDocument(deps.db, invoiceId, { i18n: deps.i18n, publicUrl: deps.config.publicUrl });
  if (invoice.status === 'draft') throw new PermanentEffectError(`invoice ${invoiceId} is a draft`);
  const to = (invoice.customerSnapshot as { email?: string | null } | null)?.email;
  if (!to) throw new PermanentEffectError(`invoice ${invoice.number} has no billing contact`);
  const now = () => deps.clock.now().toISOString();
  const pdf = await renderDocumentPdf(doc, { i18n: deps.i18n });
  const template = invoice.kind === 'invoice' ? 'invoice_issued' : 'credit_note_issued';
  const r = renderEmail(deps.i18n, {
    locale: doc.locale,
    template,
    params: {
      customer: doc.customer.name,
      number: invoice.number!,
      amount: emailMoney({ amount: invoice.gross, currency: invoice.currency }),
      issueDate: emailDate(invoice.issueDate!),
      ...(invoice.dueDate && { dueDate: emailDate(invoice.dueDate) }),
      partner: doc.issuer.name,
      ...(doc.credits && { invoiceNumber: doc.credits.number }),
    },
    deskUrl: deps.config.publicUrl,
  });
  const messageId = messageIdFor(fx.idempotencyKey, mailer.from.address);
  try {
    await mailer.send({
      to: [to],
      subject: r.subject,
      text: r.text,
      html: r.html,
      messageId,
      headers: { 'X-Partnerdesk-Template': template, 'X-Partnerdesk-Invoice': invoice.number! },
      attachments: [{ filename: fileNameOf(invoice.number!), contentType: 'application/pdf', content: pdf }],
    });
  } catch (e) {
    // the mailer has classified SMTP failures already: PermanentEffectError for a 5xx
    const err = e instanceof Error ? e : new Error(String(e));
    const permanent = err instanceof PermanentEffectError;
    const status = permanent ? 'bounced' : fx.final ? 'failed' : 'retrying';
    await appendDelivery(deps.db, invoiceId, { at: now(), status, to, attempt: fx.attempt, error: err.message.slice(0, 500) }, status);
    throw err;
  }
  await appendDelivery(deps.db, invoiceId, { at: now(), status: 'sent', to, attempt: fx.attempt, messageId }, 'sent');
  return { messageId, to };
}

export function registerInvoiceDelivery(deps: Deps): void {
  deps.effects.register(DELIVER_EFFECT, async (payload, fx) => deliverInvoice(deps, String(payload.invoiceId), fx));
}
