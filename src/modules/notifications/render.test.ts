import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../core/config.js';
import { AppError } from '../../core/errors.js';
import { createI18n } from '../../core/i18n.js';
import { readCatalogs } from '../../locales.js';
import { PermanentEffectError } from '../../jobs/dispatcher.js';
import { classifySmtpError, MailNotConfiguredError, messageIdFor } from './mailer.js';
import { emailDate, emailDateTime, emailMoney, escapeHtml, isEmailParam, renderEmail, templateExists } from './render.js';
import { readEmailPayload } from './send-email.js';

const i18n = createI18n(readCatalogs());
const due = (locale: 'en' | 'de' | 'zh-CN' | 'ru', days: number) =>
  renderEmail(i18n, {
    locale,
    template: 'provider_payable_due',
    params: { provider: '21Vianet', invoiceNumber: 'V-77', amount: emailMoney({ amount: 987654n, currency: 'CNY' }), dueDate: emailDate('2026-11-02'), days },
    deskUrl: 'https://desk.example',
  });

describe('email rendering', () => {
  it('renders the payable reminder in every language, with each language’s plural forms and the “today” form', () => {
    expect(due('en', 1).subject).toBe('21Vianet invoice V-77 is due in 1 day');
    expect(due('en', 0).subject).toBe('21Vianet invoice V-77 is due today');
    expect(due('de', 1).subject).toBe('Rechnung V-77 von 21Vianet ist in 1 Tag fällig');
    expect(due('zh-CN', 3).subject).toBe('21Vianet 发票 V-77 将在 3 天后到期');
    expect([1, 3, 5, 21].map((d) => due('ru', d).subject)).toEqual([
      'Счёт 21Vianet V-77: оплатить через 1 день',
      'Счёт 21Vianet V-77: оплатить через 3 дня',
      'Счёт 21Vianet V-77: оплатить через 5 дней',
      'Счёт 21Vianet V-77: оплатить через 21 день',
    ]);
    expect(due('en', 7).text).toMatch(/for CN¥9,876\.54 is due on Nov 2, 2026 \(in 7 days\)/);
    expect(due('ru', 7).text).toMatch(/на сумму 9\s876,54\sCN¥ нужно оплатить до 2 нояб\. 2026\sг\./);
  });

  it('renders the overdue notice', () => {
    const r = renderEmail(i18n, {
      locale: 'de',
      template: 'provider_payable_overdue',
      params: { provider: 'Microsoft', invoiceNumber: 'G1', amount: '12,00 €', dueDate: '01.10.2026', daysOverdue: 1 },
      deskUrl: 'https://desk.example',
    });
    expect(r.subject).toBe('Überfällig: Rechnung G1 von Microsoft, seit 1 Tag');
    expect(r.text.startsWith('Guten Tag,\n\ndie Rechnung G1 von Microsoft über 12,00 € war am 01.10.2026 fällig und ist seit 1 Tag überfällig.')).toBe(true);
  });

  it('makes text with a signature footer and HTML with escaped paragraphs; a subject stays on one line', () => {
    const r = renderEmail(i18n, { locale: 'en', template: 'test', params: { url: 'a<b>&"c"', sentAt: emailDateTime(new Date('2026-10-01T09:00:00Z')) }, timeZone: 'Europe/Berlin', deskUrl: 'https://desk.example' });
    expect(r.text).toContain('from Partnerdesk (a<b>&"c").');
    expect(r.text).toContain('Sent at Oct 1, 2026, 11:00 AM.');
    expect(r.text).toMatch(/\n\n-- \nPartnerdesk · https:\/\/desk\.example\nThis message was sent automatically\.\n$/);
    expect(r.html).toContain('<p>This is a test email from Partnerdesk (a&lt;b&gt;&amp;&quot;c&quot;).</p>');
    expect(r.html).toContain('Partnerdesk · https://desk.example<br>\nThis message was sent automatically.');
    expect(r.subject).not.toMatch(/\n/);
    expect(escapeHtml(`<'&">`)).toBe('&lt;&#39;&amp;&quot;&gt;');
  });

  it('knows its templates and parameter kinds', () => {
    expect(templateExists(i18n, 'provider_payable_due')).toBe(true);
    expect(templateExists(i18n, 'provider_payable_overdue')).toBe(true);
    expect(templateExists(i18n, 'footer')).toBe(false);
    expect(templateExists(i18n, 'nope')).toBe(false);
    expect(templateExists(i18n, '../x')).toBe(false);
    for (const ok of ['x', 3, emailMoney({ amount: -5n, currency: 'EUR' }), emailDate(new Date('2026-01-31T23:00:00Z')), emailDateTime(new Date())]) expect(isEmailParam(ok)).toBe(true);
    for (const bad of [null, NaN, {}, { money: { amount: 1.5, currency: 'EUR' } }, { date: '31.01.2026' }, { dateTime: 'soon' }, { date: '2026-01-01', x: 1 }]) expect(isEmailParam(bad)).toBe(false);
    expect(emailDate(new Date('2026-01-31T23:00:00Z'))).toEqual({ date: '2026-01-31' });
  });

  it('refuses a malformed payload for good', () => {
    expect(() => readEmailPayload({ to: [], locale: 'en', template: 'test', params: {} })).toThrow(PermanentEffectError);
    expect(() => readEmailPayload({ to: ['a@b'], locale: 'fr', template: 'test', params: {} })).toThrow(PermanentEffectError);
    expect(() => readEmailPayload({ to: ['a@b'], locale: 'en', template: 'test', params: { x: { y: 1 } } })).toThrow(PermanentEffectError);
    expect(readEmailPayload({ to: ['a@b'], locale: 'en', template: 'test', params: { x: 1 } })).toMatchObject({ to: ['a@b'], locale: 'en', params: { x: 1 } });
  });
});

describe('SMTP outcomes', () => {
  const smtpErr = (code: string, responseCode: number | undefined, command?: string) =>
    Object.assign(new Error(`${responseCode} nope`), { code, responseCode, command, response: `${responseCode} nope` });

  it('a 5xx for the envelope or the message is permanent; 4xx, 503, auth and connection errors are retried', () => {
    expect(classifySmtpError(smtpErr('EENVELOPE', 550, 'RCPT TO'))).toBeInstanceOf(PermanentEffectError);
    expect(classifySmtpError(smtpErr('EMESSAGE', 552, 'DATA'))).toBeInstanceOf(PermanentEffectError);
    for (const e of [smtpErr('EENVELOPE', 451, 'RCPT TO'), smtpErr('EMESSAGE', 421, 'DATA'), smtpErr('EPROTOCOL', 503, 'DATA'), smtpErr('EAUTH', 535, 'AUTH PLAIN'), smtpErr('ECONNECTION', undefined)]) {
      const c = classifySmtpError(e);
      expect(c).not.toBeInstanceOf(PermanentEffectError);
      expect(c.message).toMatch(/retrying$/);
    }
    expect(classifySmtpError(new MailNotConfiguredError())).toBeInstanceOf(MailNotConfiguredError);
  });

  it('derives one Message-ID per outbox key, in the sender’s domain', () => {
    const a = messageIdFor('email:test:k1', 'billing@partner.example');
    expect(a).toBe(messageIdFor('email:test:k1', 'billing@partner.example'));
    expect(a).not.toBe(messageIdFor('email:test:k2', 'billing@partner.example'));
    expect(a).toMatch(/^<pd\.[0-9a-f]{40}@partner\.example>$/);
  });
});

describe('mail configuration', () => {
  const cfg = (env: Record<string, string>) => parseConfig(env, '/tmp');
  const failure = (env: Record<string, string>) => {
    try {
      cfg(env);
    } catch (e) {
      return e as AppError;
    }
    throw new Error('expected a configuration error');
  };

  it('has defaults that run without mail', () => {
    expect(cfg({})).toMatchObject({ smtpUrl: undefined, mailFrom: { name: 'Partnerdesk', address: 'billing@localhost' }, mailLocale: 'en', financeEmails: [] });
  });

  it('reads the SMTP URL, sender, language and finance list', () => {
    expect(
      cfg({
        PARTNERDESK_SMTP_URL: 'smtps://desk%40partner.example:s3cret@mail.partner.example:465',
        PARTNERDESK_MAIL_FROM: '"Contoso Billing" <billing@partner.example>',
        PARTNERDESK_MAIL_LOCALE: 'zh-Hans',
        PARTNERDESK_FINANCE_EMAILS: ' ap@partner.example;AP@partner.example , cfo@partner.example ',
      }),
    ).toMatchObject({
      smtpUrl: 'smtps://desk%40partner.example:s3cret@mail.partner.example:465',
      mailFrom: { name: 'Contoso Billing', address: 'billing@partner.example' },
      mailLocale: 'zh-CN',
      financeEmails: ['ap@partner.example', 'cfo@partner.example'],
    });
    expect(cfg({ PARTNERDESK_MAIL_FROM: 'billing@partner.example' }).mailFrom).toEqual({ name: '', address: 'billing@partner.example' });
  });

  it('names the variable and hides the password when a value is wrong', () => {
    const e = failure({ PARTNERDESK_SMTP_URL: 'https://user:topsecret@mail.example' });
    expect(e).toMatchObject({ code: 'config.invalid', field: 'PARTNERDESK_SMTP_URL' });
    expect(e.params.value).toBe('https://user:***@mail.example');
    expect(JSON.stringify(e)).not.toContain('topsecret');
    expect(failure({ PARTNERDESK_SMTP_URL: 'smtp://' })).toMatchObject({ field: 'PARTNERDESK_SMTP_URL' });
    expect(failure({ PARTNERDESK_MAIL_FROM: 'Partnerdesk <not-an-address>' })).toMatchObject({ field: 'PARTNERDESK_MAIL_FROM' });
    expect(failure({ PARTNERDESK_MAIL_LOCALE: 'fr' })).toMatchObject({ field: 'PARTNERDESK_MAIL_LOCALE' });
    expect(failure({ PARTNERDESK_FINANCE_EMAILS: 'ap@partner.example, finance team' })).toMatchObject({ field: 'PARTNERDESK_FINANCE_EMAILS', params: { value: 'finance team' } });
    expect(i18n.t('de', 'errors.config.invalid', failure({ PARTNERDESK_MAIL_LOCALE: 'fr' }).params)).toBe('PARTNERDESK_MAIL_LOCALE=fr ist ungültig. Erwartet: en | de | zh-CN | ru.');
  });
});
