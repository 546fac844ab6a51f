import { createTransport } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../../core/config.js';
import { redactUrl } from '../../core/config.js';
import { sha256Hex } from '../../core/ids.js';
import { PermanentEffectError } from '../../jobs/dispatcher.js';

/**
 * The desk's one way out for email: a pooled SMTP transport (nodemailer), created on the first
 * message and closed on shutdown. Without PARTNERDESK_SMTP_URL every send fails with a
 * retryable "not configured" error, so queued mail waits in the outbox until mail is set up.
 */
export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  replyTo?: string | undefined;
  attachments?: { filename: string; contentType: string; content: Buffer }[] | undefined;
  headers?: Record<string, string> | undefined;
}

export interface SentEmail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

export interface Mailer {
  readonly configured: boolean;
  /** the `From` address (its domain also names our Message-IDs) */
  readonly from: { name: string; address: string };
  send(m: OutgoingEmail): Promise<SentEmail>;
  close(): Promise<void>;
}

export class MailNotConfiguredError extends Error {
  constructor() {
    super('mail not configured: set PARTNERDESK_SMTP_URL (smtp://user:password@host:587); the email is retried later');
    this.name = 'MailNotConfiguredError';
  }
}

/**
 * A stable Message-ID for one logical email: the same outbox idempotency key gives the same id
 * on every attempt, so a receiver (or a person) can tell a retried delivery from a new email.
 */
export function messageIdFor(idempotencyKey: string, fromAddress: string): string {
  const domain = fromAddress.slice(fromAddress.lastIndexOf('@') + 1) || 'localhost';
  return `<pd.${sha256Hex(idempotencyKey).slice(0, 40)}@${domain}>`;
}

type SmtpError = Error & { code?: string; responseCode?: number; command?: string; response?: string };

/**
 * Turn an SMTP failure into the dispatcher's terms. A 5xx reply to the envelope or the message
 * (a recipient that does not exist, content refused) is permanent: retrying cannot help. Anything
 * else is retried: 4xx (greylisting, a full queue), connection and TLS errors, timeouts, and
 * authentication failures (a configuration problem an operator fixes, not the message's fault).
 */
export function classifySmtpError(e: unknown): Error {
  if (e instanceof MailNotConfiguredError) return e;
  const err = e as SmtpError;
  const code = err?.responseCode;
  const where = err?.command ? ` (${err.command})` : '';
  const reply = (err?.response ?? err?.message ?? String(e)).replace(/\s+/g, ' ').trim();
  const auth = err?.code === 'EAUTH' || /^AUTH/i.test(err?.command ?? '');
  if (typeof code === 'number' && code >= 500 && code < 600 && code !== 503 && !auth) {
    return new PermanentEffectError(`SMTP ${code}${where}: ${reply} — rejected permanently, not retried`, { cause: e });
  }
  if (typeof code === 'number') return new Error(`SMTP ${code}${where}: ${reply} — retrying`, { cause: e });
  return new Error(`SMTP ${err?.code ?? 'error'}: ${reply} — retrying`, { cause: e });
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, log: Logger): Mailer {
  const url = config.smtpUrl;
  let transport: ReturnType<typeof createTransport> | undefined;
  const get = () => {
    if (!url) throw new MailNotConfiguredError();
    if (!transport) {
      transport = createTransport({
        url,
        pool: true,
        maxConnections: 2,
        maxMessages: 100,
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
      });
      transport.on('error', (err) => log.warn({ part: 'mail', err, smtp: redactUrl(url) }, 'smtp pool error'));
    }
    return transport;
  };
  return {
    configured: Boolean(url),
    from: config.mailFrom,
    async send(m) {
      try {
        const info = await get().sendMail({
          from: config.mailFrom.name ? { name: config.mailFrom.name, address: config.mailFrom.address } : config.mailFrom.address,
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId: m.messageId,
          ...(m.replyTo && { replyTo: m.replyTo }),
          ...(m.headers && { headers: m.headers }),
          ...(m.attachments?.length && { attachments: m.attachments }),
        });
        const addr = (a: unknown) => (typeof a === 'string' ? a : String((a as { address?: string })?.address ?? a));
        return {
          messageId: String(info.messageId ?? m.messageId),
          accepted: (info.accepted ?? []).map(addr),
          rejected: (info.rejected ?? []).map(addr),
          response: String(info.response ?? ''),
        };
      } catch (e) {
        throw classifySmtpError(e);
      }
    },
    async close() {
      const t = transport;
      transport = undefined;
      t?.close();
    },
  };
}
