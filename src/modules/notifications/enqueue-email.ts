import { AppError } from '../../core/errors.js';
import { isLocale, type Locale } from '../../core/i18n.js';
import type { UseCaseContext } from '../../db/tx.js';
import { loadI18n } from '../../locales.js';
import { isEmailParam, templateExists, type EmailParams } from './render.js';
import { EMAIL_SEND, type EmailAttachment, type EmailPayload } from './send-email.js';
import type { Recipient } from './recipients.js';

/**
 * Queue an email from inside a use case: it is written to the outbox with the state change and
 * sent by the dispatcher after commit. `key` names the logical email (`payable:<id>:due-7`);
 * the idempotency key is `email:<template>:<key>`, so queuing the same email twice sends it once,
 * and its Message-ID (derived from that key) is the same on every attempt.
 */
export interface EmailRequest {
  to: string | string[];
  locale: Locale;
  template: string;
  params: EmailParams;
  key: string;
  timeZone?: string | undefined;
  attachments?: EmailAttachment[] | undefined;
  replyTo?: string | undefined;
  /** not before this instant (a reminder planned for later) */
  notBefore?: Date | undefined;
  /** attempts before the outbox gives up; default 10 (about three hours of backoff) */
  maxAttempts?: number | undefined;
}

export interface QueuedEmail {
  idempotencyKey: string;
  to: string[];
  locale: Locale;
}

const ADDRESS = /^[^@\s<>,;"]+@[^@\s<>,;"]+$/;

export function isEmailAddress(a: string): boolean {
  return ADDRESS.test(a);
}

export function emailIdempotencyKey(template: string, key: string): string {
  return `email:${template}:${key}`;
}

export async function enqueueEmail(ctx: Pick<UseCaseContext, 'enqueue'>, req: EmailRequest): Promise<QueuedEmail> {
  const to = [...new Map((Array.isArray(req.to) ? req.to : [req.to]).map((a) => [a.trim().toLowerCase(), a.trim()])).values()];
  if (to.length === 0) throw new AppError('bad_request', 'mail.no_recipients');
  for (const a of to) if (!isEmailAddress(a)) throw new AppError('bad_request', 'mail.invalid_address', { address: a }, { field: 'to' });
  if (!isLocale(req.locale)) throw new AppError('bad_request', 'users.bad_locale', { locale: String(req.locale) }, { field: 'locale' });
  if (!templateExists(loadI18n(), req.template)) throw new AppError('bad_request', 'mail.unknown_template', { template: req.template });
  for (const [name, v] of Object.entries(req.params)) {
    if (!isEmailParam(v)) throw new Error(`email parameter ${name} is not a string, number, money or date`); // a programming error
  }
  if (!req.key) throw new Error('enqueueEmail needs a key');
  const idempotencyKey = emailIdempotencyKey(req.template, req.key);
  const payload: EmailPayload = {
    to,
    locale: req.locale,
    template: req.template,
    params: req.params,
    ...(req.timeZone && { timeZone: req.timeZone }),
    ...(req.attachments?.length && { attachments: req.attachments }),
    ...(req.replyTo && { replyTo: req.replyTo }),
  };
  await ctx.enqueue({
    effect: EMAIL_SEND,
    payload: payload as unknown as Record<string, unknown>,
    idempotencyKey,
    ...(req.notBefore && { notBefore: req.notBefore }),
    ...(req.maxAttempts && { maxAttempts: req.maxAttempts }),
  });
  return { idempotencyKey, to, locale: req.locale };
}

/**
 * Queue one email per language for a list of recipients (each reads it in their own locale):
 * the recipients who share a locale get one email together, keyed `<key>:<locale>`.
 */
export async function enqueueEmailToRecipients(
  ctx: Pick<UseCaseContext, 'enqueue'>,
  recipients: Recipient[],
  req: Omit<EmailRequest, 'to' | 'locale'>,
): Promise<QueuedEmail[]> {
  const byLocale = new Map<Locale, string[]>();
  for (const r of recipients) byLocale.set(r.locale, [...(byLocale.get(r.locale) ?? []), r.email]);
  const out: QueuedEmail[] = [];
  for (const [locale, to] of [...byLocale].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(await enqueueEmail(ctx, { ...req, to, locale, key: `${req.key}:${locale}` }));
  }
  return out;
}
