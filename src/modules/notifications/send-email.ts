import type { Deps } from '../../deps.js';
import { isLocale, type I18n, type Locale } from '../../core/i18n.js';
import type { Config } from '../../core/config.js';
import { PermanentEffectError, type EffectHandler } from '../../jobs/dispatcher.js';
import { createMailer, messageIdFor, type Mailer } from './mailer.js';
import { isEmailParam, renderEmail, templateExists, type EmailParams } from './render.js';

/** The outbox effect that sends one email (one template, one locale, one or more recipients). */
export const EMAIL_SEND = 'email.send';

/** A small file sent with the email, inline in the outbox row. Large documents (invoice PDFs) will be referenced and rendered at send time. */
export interface EmailAttachment {
  filename: string;
  contentType: string;
  contentBase64: string;
}

export interface EmailPayload {
  to: string[];
  locale: Locale;
  /** IANA zone for date-time parameters */
  timeZone?: string | undefined;
  template: string;
  params: EmailParams;
  attachments?: EmailAttachment[] | undefined;
  replyTo?: string | undefined;
  /** a fixed Message-ID; by default it is derived from the outbox idempotency key */
  messageId?: string | undefined;
}

export interface EmailSendResult {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/** Read a payload back from the outbox. A malformed one never gets better, so it is refused for good. */
export function readEmailPayload(raw: Record<string, unknown>): EmailPayload {
  const bad = (what: string) => new PermanentEffectError(`email.send payload: ${what}`);
  const to = raw.to;
  if (!Array.isArray(to) || to.length === 0 || !to.every((a) => typeof a === 'string' && a.includes('@'))) throw bad('to must list addresses');
  if (!isLocale(raw.locale)) throw bad(`unknown locale ${String(raw.locale)}`);
  if (typeof raw.template !== 'string') throw bad('template missing');
  const params = (raw.params ?? {}) as Record<string, unknown>;
  if (typeof params !== 'object' || Array.isArray(params) || !Object.values(params).every(isEmailParam)) throw bad('params are not strings, numbers, money or dates');
  const attachments = raw.attachments as EmailAttachment[] | undefined;
  if (attachments !== undefined && (!Array.isArray(attachments) || !attachments.every((a) => typeof a?.filename === 'string' && typeof a?.contentBase64 === 'string'))) {
    throw bad('attachments need filename and contentBase64');
  }
  return {
    to: to as string[],
    locale: raw.locale,
    timeZone: typeof raw.timeZone === 'string' ? raw.timeZone : undefined,
    template: raw.template,
    params: params as EmailParams,
    attachments,
    replyTo: typeof raw.replyTo === 'string' ? raw.replyTo : undefined,
    messageId: typeof raw.messageId === 'string' ? raw.messageId : undefined,
  };
}

export function emailEffect(deps: { config: Pick<Config, 'publicUrl'>; i18n: I18n }, mailer: Mailer): EffectHandler {
  return async (raw, fx): Promise<EmailSendResult> => {
    const p = readEmailPayload(raw);
    // retried like an unknown effect: during a rolling upgrade a newer worker has the template
    if (!templateExists(deps.i18n, p.template)) throw new Error(`unknown email template ${p.template}`);
    const r = renderEmail(deps.i18n, { locale: p.locale, template: p.template, params: p.params, timeZone: p.timeZone, deskUrl: deps.config.publicUrl });
    const messageId = p.messageId ?? messageIdFor(fx.idempotencyKey, mailer.from.address);
    const sent = await mailer.send({
      to: p.to,
      subject: r.subject,
      text: r.text,
      html: r.html,
      messageId,
      replyTo: p.replyTo,
      headers: { 'X-Partnerdesk-Template': p.template },
      attachments: p.attachments?.map((a) => ({ filename: a.filename, contentType: a.contentType || 'application/octet-stream', content: Buffer.from(a.contentBase64, 'base64') })),
    });
    return { messageId, accepted: sent.accepted, rejected: sent.rejected };
  };
}

/** Register `email.send` with the process's mailer (made here on first use, closed by whoever closes the deps). */
export function registerEmailEffect(deps: Deps): void {
  deps.mailer ??= createMailer(deps.config, deps.log.child({ part: 'mail' }));
  deps.effects.register(EMAIL_SEND, emailEffect(deps, deps.mailer));
}
