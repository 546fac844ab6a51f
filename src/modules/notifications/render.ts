import type { I18n, Locale, MessageParams } from '../../core/i18n.js';
import type { Money } from '../../core/money.js';

/**
 * Email rendering (pure). A template is a pair of catalog messages, `email.<template>.subject`
 * and `email.<template>.body`, rendered in the recipient's locale. Parameters travel through the
 * outbox as JSON, so money and dates are carried as tagged values and formatted only here, in the
 * recipient's language (a caller that already formatted them passes plain strings).
 */
export type EmailParam =
  | string
  | number
  /** minor units as a decimal string, ISO 4217 currency */
  | { money: { amount: string; currency: string } }
  /** a calendar date, YYYY-MM-DD (no time zone applies) */
  | { date: string }
  /** an instant, ISO 8601; shown in the email's time zone */
  | { dateTime: string };

export type EmailParams = Record<string, EmailParam>;

export const emailMoney = (m: Money): EmailParam => ({ money: { amount: m.amount.toString(), currency: m.currency } });
/** A calendar date: a `YYYY-MM-DD` string, or the UTC date of a Date. */
export const emailDate = (d: Date | string): EmailParam => ({ date: typeof d === 'string' ? d : d.toISOString().slice(0, 10) });
export const emailDateTime = (d: Date): EmailParam => ({ dateTime: d.toISOString() });

const TEMPLATE = /^[a-z][a-z0-9_]{0,63}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isEmailParam(v: unknown): v is EmailParam {
  if (typeof v === 'string') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (!v || typeof v !== 'object') return false;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 1) return false;
  if ('money' in o) {
    const m = o.money as Record<string, unknown> | null;
    return !!m && typeof m.amount === 'string' && /^-?\d+$/.test(m.amount) && typeof m.currency === 'string' && /^[A-Z]{3}$/.test(m.currency);
  }
  if ('date' in o) return typeof o.date === 'string' && DAY.test(o.date) && !Number.isNaN(Date.parse(`${o.date}T00:00:00Z`));
  if ('dateTime' in o) return typeof o.dateTime === 'string' && !Number.isNaN(Date.parse(o.dateTime));
  return false;
}

/** A template name is usable when English has both of its messages (other locales fall back to English). */
export function templateExists(i18n: I18n, template: string): boolean {
  const en = i18n.formatter('en');
  return TEMPLATE.test(template) && en.has(`email.${template}.subject`) && en.has(`email.${template}.body`);
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderInput {
  locale: Locale;
  template: string;
  params: EmailParams;
  /** IANA zone for `dateTime` parameters; UTC when absent */
  timeZone?: string | undefined;
  /** the desk's URL, named in the footer */
  deskUrl: string;
}

export function renderEmail(i18n: I18n, input: RenderInput): RenderedEmail {
  const fmt = i18n.formatter(input.locale);
  const values: MessageParams = {};
  for (const [k, v] of Object.entries(input.params)) {
    if (typeof v === 'string' || typeof v === 'number') values[k] = v;
    else if ('money' in v) values[k] = fmt.money({ amount: BigInt(v.money.amount), currency: v.money.currency });
    else if ('date' in v) values[k] = fmt.date(new Date(`${v.date}T00:00:00Z`), 'UTC');
    else values[k] = fmt.dateTime(new Date(v.dateTime), input.timeZone ?? 'UTC');
  }
  // a subject is one line whatever a translator wrote
  const subject = fmt.t(`email.${input.template}.subject`, values).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const body = fmt.t(`email.${input.template}.body`, values).trim();
  const footer = fmt.t('email.footer', { url: input.deskUrl }).trim();
  const text = `${body}\n\n-- \n${footer}\n`;
  const html = [
    '<!doctype html>',
    `<html lang="${input.locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family: -apple-system, Segoe UI, Roboto, Noto Sans, Noto Sans SC, sans-serif; font-size: 14px; line-height: 1.5; color: #1f2328;">',
    ...paragraphs(body).map((p) => `<p>${p}</p>`),
    '<hr style="border: none; border-top: 1px solid #d0d7de;">',
    ...paragraphs(footer).map((p) => `<p style="color: #59636e; font-size: 12px;">${p}</p>`),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** Blank lines separate paragraphs; a single line break stays one. Everything is escaped. */
function paragraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => p.split('\n').map(escapeHtml).join('<br>\n'));
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
