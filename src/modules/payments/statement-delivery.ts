import type { Config } from '../../core/config.js';
import { AppError, notFound } from '../../core/errors.js';
import { isLocale, type I18n, type Locale } from '../../core/i18n.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import type { Executor } from '../../db/store.js';
import type { Deps } from '../../deps.js';
import { PermanentEffectError, type EffectContext } from '../../jobs/dispatcher.js';
import { countryName } from '../invoicing/build-document.js';
import { formatDay, formatTotal } from '../invoicing/document-format.js';
import type { DocumentIssuer } from '../invoicing/document.js';
import { getPartnerProfile } from '../invoicing/partner-profile.js';
import { createMailer, messageIdFor } from '../notifications/mailer.js';
import { emailDate, renderEmail } from '../notifications/render.js';
import { today } from '../provider-billing/provider-invoices.js';
import { buildStatement, checkPeriod, type Statement } from './statement.js';
import { renderStatementPdf } from './statement-pdf.js';

/**
 * Sending a customer statement: the request is a use case (an audit row and one outbox row, the
 * `statement.send` effect); the dispatcher builds the statement and its PDF at send time from the
 * journal (a closed period reads the same whenever it is read) and mails it to the customer's
 * billing contact in the customer's language. The idempotency key names the customer, the period
 * and the request, so a retried request (same Idempotency-Key) queues nothing new while a second,
 * deliberate request sends again.
 */
export const STATEMENT_SEND_EFFECT = 'statement.send';

export type StatementDeps = UseCaseDeps & { config: Pick<Config, 'businessTimeZone'> };

/** The partner as statements print it: the current profile, its country in the statement's language. */
export async function statementIssuer(db: Executor, locale: Locale): Promise<DocumentIssuer> {
  const p = await getPartnerProfile(db);
  const country = countryName(locale, p.country);
  return {
    name: p.name,
    addressLines: country ? [...p.addressLines, country] : p.addressLines,
    taxId: p.taxId,
    email: p.email,
    phone: p.phone,
    website: p.website,
    logo: p.logoBase64 ? Buffer.from(p.logoBase64, 'base64') : null,
    legalLines: p.legalLines,
  };
}

export function statementFileName(s: Pick<Statement, 'from' | 'to' | 'customer'>): string {
  const who = (s.customer.snapshot.customerNumber ?? s.customer.id).replace(/[^A-Za-z0-9._-]+/g, '_');
  return `statement-${who}-${s.from}-${s.to}.pdf`;
}

export async function statementPdf(db: Executor, i18n: I18n, customerId: string, q: { from: string; to: string; locale?: Locale | undefined }): Promise<{ statement: Statement; pdf: Buffer }> {
  const statement = await buildStatement(db, customerId, q);
  const issuer = await statementIssuer(db, statement.customer.locale);
  return { statement, pdf: await renderStatementPdf(statement, issuer, { i18n }) };
}

export interface QueuedStatement {
  idempotencyKey: string;
  to: string;
  locale: Locale;
}

export async function sendStatement(deps: StatementDeps, actor: Actor, customerId: string, period: { from: string; to: string }, requestKey: string): Promise<QueuedStatement> {
  return runUseCase(deps, actor, async (ctx) => {
    checkPeriod(period.from, period.to, today(ctx.now, deps.config.businessTimeZone));
    const c = await ctx.trx.selectFrom('customers').select(['id', 'billing_email', 'locale', 'locale_override']).where('id', '=', customerId).executeTakeFirst();
    if (!c) throw notFound('customer', customerId);
    if (!c.billing_email) throw new AppError('conflict', 'payments.statement_no_email');
    const chosen = c.locale_override ?? c.locale;
    const locale: Locale = isLocale(chosen) ? chosen : 'en';
    const idempotencyKey = `${STATEMENT_SEND_EFFECT}:${c.id}:${period.from}:${period.to}:${requestKey}`;
    await ctx.enqueue({ effect: STATEMENT_SEND_EFFECT, payload: { customerId: c.id, from: period.from, to: period.to, email: c.billing_email }, idempotencyKey, maxAttempts: 8 });
    await ctx.audit({ action: 'statement.send', entityType: 'customer', entityId: c.id, after: { from: period.from, to: period.to, to_address: c.billing_email, locale, idempotencyKey } });
    return { idempotencyKey, to: c.billing_email, locale };
  });
}

/** The effect: build, render and mail one statement. */
export async function deliverStatement(deps: Deps, payload: Record<string, unknown>, fx: EffectContext): Promise<{ messageId: string; to: string }> {
  const customerId = String(payload.customerId ?? '');
  const from = String(payload.from ?? '');
  const to = String(payload.to ?? '');
  const email = String(payload.email ?? '');
  if (!customerId || !/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(to) || !email.includes('@')) throw new PermanentEffectError('statement.send payload is malformed');
  deps.mailer ??= createMailer(deps.config, deps.log.child({ part: 'mail' }));
  const mailer = deps.mailer;
  const { statement, pdf } = await statementPdf(deps.db, deps.i18n, customerId, { from, to });
  const loc = statement.customer.locale;
  const fmt = deps.i18n.formatter(loc);
  const day = formatDay(loc, to);
  const balances = statement.currencies.flatMap((cs) => [
    fmt.t('email.statement.balance_line', { date: day, amount: formatTotal(loc, cs.closing.receivable, cs.currency) }),
    ...(cs.closing.unapplied !== 0n ? [fmt.t('email.statement.credit_line', { amount: formatTotal(loc, cs.closing.unapplied, cs.currency) })] : []),
  ]);
  const issuer = await getPartnerProfile(deps.db);
  const r = renderEmail(deps.i18n, {
    locale: loc,
    template: 'statement',
    params: {
      customer: statement.customer.name,
      partner: issuer.name,
      from: emailDate(from),
      to: emailDate(to),
      balances: balances.length ? balances.join('\n') : fmt.t('email.statement.no_balance', { date: day }),
    },
    deskUrl: deps.config.publicUrl,
  });
  const messageId = messageIdFor(fx.idempotencyKey, mailer.from.address);
  await mailer.send({
    to: [email],
    subject: r.subject,
    text: r.text,
    html: r.html,
    messageId,
    headers: { 'X-Partnerdesk-Template': 'statement' },
    attachments: [{ filename: statementFileName(statement), contentType: 'application/pdf', content: pdf }],
  });
  return { messageId, to: email };
}

export function registerStatementDelivery(deps: Deps): void {
  deps.effects.register(STATEMENT_SEND_EFFECT, async (payload, fx) => deliverStatement(deps, payload, fx));
}
