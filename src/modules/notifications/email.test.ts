import { createServer } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../../../test/helpers/store.js';
import { startTestSmtp, type TestSmtp } from '../../../test/helpers/smtp.js';
import { AppError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { runUseCase, systemActor } from '../../db/tx.js';
import { dispatchDue, EffectRegistry } from '../../jobs/dispatcher.js';
import { insertUser, updateUser } from '../users/users.repo.js';
import { enqueueEmail, enqueueEmailToRecipients } from './enqueue-email.js';
import { createMailer, messageIdFor } from './mailer.js';
import { financeRecipients } from './recipients.js';
import { emailDate, emailMoney } from './render.js';
import { EMAIL_SEND, emailEffect, registerEmailEffect } from './send-email.js';
import { sendTestEmail } from './test-email.js';

const FROM = 'billing@contoso-partner.example';
const silent = pino({ level: 'silent' });

const payableParams = {
  provider: 'Microsoft',
  invoiceNumber: 'G012345678',
  amount: emailMoney({ amount: 123456n, currency: 'EUR' }),
  dueDate: emailDate('2026-10-15'),
  days: 7,
};

async function outboxRow(deps: TestDeps, key: string) {
  return deps.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', key).executeTakeFirstOrThrow();
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('email through the outbox and a real SMTP server', () => {
  let smtp: TestSmtp;
  let deps: TestDeps;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    deps = await createTestDeps({
      config: {
        PARTNERDESK_SMTP_URL: smtp.url,
        PARTNERDESK_MAIL_FROM: `Contoso Billing <${FROM}>`,
        PARTNERDESK_MAIL_LOCALE: 'de',
        PARTNERDESK_FINANCE_EMAILS: 'ap@contoso-partner.example, ANNA@contoso-partner.example',
        PARTNERDESK_PUBLIC_URL: 'https://desk.contoso-partner.example',
      },
    });
    registerEmailEffect(deps);
    const now = deps.clock.now();
    const staff = (email: string, role: 'admin' | 'billing' | 'support', locale: 'de' | 'zh-CN' | 'ru') =>
      insertUser(deps.db, { id: newId('usr'), email, name: '', kind: 'staff', role, customerId: null, locale, timeZone: 'UTC', passwordHash: null, now });
    await staff('anna@contoso-partner.example', 'admin', 'de');
    await staff('li@contoso-partner.example', 'billing', 'zh-CN');
    await staff('ivan@contoso-partner.example', 'support', 'ru'); // support staff: not finance
    const olga = await staff('olga@contoso-partner.example', 'billing', 'ru');
    await updateUser(deps.db, olga.id, { status: 'disabled' }, now); // disabled: hears nothing
  });
  afterAll(async () => {
    await deps?.mailer?.close();
    await smtp?.close();
    await deps?.dispose();
  });
  afterEach(async () => {
    await deps.db.deleteFrom('outbox').execute();
    smtp.reset();
  });

  it('finance recipients: active admin and billing users in their language, then PARTNERDESK_FINANCE_EMAILS, without repeats', async () => {
    expect(await financeRecipients(deps.db, deps.config)).toEqual([
      { email: 'anna@contoso-partner.example', locale: 'de' },
      { email: 'li@contoso-partner.example', locale: 'zh-CN' },
      { email: 'ap@contoso-partner.example', locale: 'de' }, // PARTNERDESK_MAIL_LOCALE
    ]);
  });

  it('a queued reminder arrives after commit, one email per language, with localized subject, money and date and a stable Message-ID', async () => {
    const queue = () =>
      runUseCase(deps, systemActor, async (ctx) =>
        enqueueEmailToRecipients(ctx, await financeRecipients(ctx.trx, deps.config), { template: 'provider_payable_due', params: payableParams, key: 'payable:pp_1:due-7' }),
      );
    const queued = await queue();
    await queue(); // the same reminder queued again is the same two emails
    expect(queued.map((q) => [q.locale, q.to])).toEqual([
      ['de', ['anna@contoso-partner.example', 'ap@contoso-partner.example']],
      ['zh-CN', ['li@contoso-partner.example']],
    ]);
    expect(smtp.messages).toHaveLength(0); // nothing leaves inside the use case

    expect(await dispatchDue(deps)).toEqual({ done: 2, failed: 0, dead: 0 });
    await smtp.waitFor(2);
    const de = smtp.messages.find((m) => m.to.includes('anna@contoso-partner.example'))!;
    const zh = smtp.messages.find((m) => m.to.includes('li@contoso-partner.example'))!;

    expect(de.subject).toBe('Rechnung G012345678 von Microsoft ist in 7 Tagen fällig');
    expect(de.envelope).toEqual({ from: FROM, to: ['anna@contoso-partner.example', 'ap@contoso-partner.example'] });
    expect(de.from).toBe(FROM);
    expect(de.text).toMatch(/über 1\.234,56\s€ ist am 15\.10\.2026 fällig \(in 7 Tagen\)/);
    expect(de.text).toContain('https://desk.contoso-partner.example');
    expect(de.html).toContain('<html lang="de">');
    expect(de.headers.get('x-partnerdesk-template')).toBe('provider_payable_due');

    expect(zh.subject).toBe('Microsoft 发票 G012345678 将在 7 天后到期');
    expect(zh.envelope.to).toEqual(['li@contoso-partner.example']);
    expect(zh.text).toMatch(/金额 €1,234\.56）的付款截止日期为 2026年10月15日（还有 7 天）/);

    // the Message-ID comes from the outbox key, and the outbox keeps it with what the server accepted
    const deKey = queued[0]!.idempotencyKey;
    expect(deKey).toBe('email:provider_payable_due:payable:pp_1:due-7:de');
    expect(de.messageId).toBe(messageIdFor(deKey, FROM));
    expect(de.messageId).toMatch(/^<pd\.[0-9a-f]{40}@contoso-partner\.example>$/);
    expect((await outboxRow(deps, deKey)).result).toEqual({
      messageId: de.messageId,
      accepted: ['anna@contoso-partner.example', 'ap@contoso-partner.example'],
      rejected: [],
    });
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 0 });
  });

  it('a 4xx answer is retried with the dispatcher’s backoff, and the retry carries the same Message-ID', async () => {
    const q = await runUseCase(deps, systemActor, (ctx) =>
      enqueueEmail(ctx, { to: 'li@contoso-partner.example', locale: 'zh-CN', template: 'provider_payable_overdue', params: { ...payableParams, daysOverdue: 3 }, key: 'payable:pp_2:overdue-3' }),
    );
    smtp.failNext(1, 451, '4.3.2 Please try again later');
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 1, dead: 0 });
    let row = await outboxRow(deps, q.idempotencyKey);
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toMatch(/^SMTP 451 \(DATA\): .*4\.3\.2 Please try again later — retrying$/);
    expect(row.next_attempt_at.getTime() - deps.clock.now().getTime()).toBe(30_000);
    expect(smtp.refused).toHaveLength(1);

    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 0 }); // not due yet
    deps.clock.advance({ seconds: 30 });
    expect(await dispatchDue(deps)).toEqual({ done: 1, failed: 0, dead: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('已逾期：Microsoft 发票 G012345678，逾期 3 天');
    expect(mail!.messageId).toBe(smtp.refused[0]!.messageId);
    row = await outboxRow(deps, q.idempotencyKey);
    expect(row).toMatchObject({ status: 'done', attempts: 2, last_error: null });
    expect((row.result as { messageId: string }).messageId).toBe(mail!.messageId);
  });

  it('a 5xx answer gives up at once: the row is dead with the server’s reason', async () => {
    // one at a time: the pool may send two emails at once, and each failure is meant for one of them
    const rcpt = await runUseCase(deps, systemActor, (ctx) =>
      enqueueEmail(ctx, { to: 'nobody@contoso-partner.example', locale: 'en', template: 'provider_payable_due', params: payableParams, key: 'payable:pp_3:due-7' }),
    );
    smtp.failNext(1, 550, '5.1.1 <nobody@contoso-partner.example>: Recipient address rejected', 'rcpt');
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 1 });
    const data = await runUseCase(deps, systemActor, (ctx) =>
      enqueueEmail(ctx, { to: 'anna@contoso-partner.example', locale: 'de', template: 'provider_payable_due', params: payableParams, key: 'payable:pp_4:due-7' }),
    );
    smtp.failNext(1, 554, '5.6.0 Message content rejected', 'data');
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 1 });
    const r1 = await outboxRow(deps, rcpt.idempotencyKey);
    expect(r1).toMatchObject({ status: 'dead', attempts: 1 });
    expect(r1.last_error).toMatch(/^SMTP 550 \(RCPT TO\): .*Recipient address rejected — rejected permanently, not retried$/);
    const r2 = await outboxRow(deps, data.idempotencyKey);
    expect(r2).toMatchObject({ status: 'dead', attempts: 1 });
    expect(r2.last_error).toMatch(/^SMTP 554 \(DATA\): .*Message content rejected — rejected permanently/);
    deps.clock.advance({ hours: 2 });
    expect(await dispatchDue(deps)).toEqual({ done: 0, failed: 0, dead: 0 });
    expect(smtp.messages).toHaveLength(0);
  });

  it('when the server refuses some recipients and accepts others, the email is sent and the outbox lists both', async () => {
    smtp.refuseRecipient('left@contoso-partner.example');
    const q = await runUseCase(deps, systemActor, (ctx) =>
      enqueueEmail(ctx, { to: ['anna@contoso-partner.example', 'left@contoso-partner.example'], locale: 'de', template: 'provider_payable_due', params: payableParams, key: 'payable:pp_5:due-7' }),
    );
    expect(await dispatchDue(deps)).toEqual({ done: 1, failed: 0, dead: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelope.to).toEqual(['anna@contoso-partner.example']);
    expect((await outboxRow(deps, q.idempotencyKey)).result).toMatchObject({ accepted: ['anna@contoso-partner.example'], rejected: ['left@contoso-partner.example'] });
  });

  it('without PARTNERDESK_SMTP_URL an email waits, is retried with backoff and is given up after ten attempts (about three hours)', async () => {
    const unconfigured = new EffectRegistry();
    const mailer = createMailer({ smtpUrl: undefined, mailFrom: deps.config.mailFrom }, silent);
    unconfigured.register(EMAIL_SEND, emailEffect(deps, mailer));
    const d = { ...deps, effects: unconfigured };
    const q = await runUseCase(deps, systemActor, (ctx) =>
      enqueueEmail(ctx, { to: 'anna@contoso-partner.example', locale: 'de', template: 'test', params: { url: 'x', sentAt: 'y' }, key: 'unconfigured-1' }),
    );
    const start = deps.clock.now().getTime();
    expect(await dispatchDue(d)).toEqual({ done: 0, failed: 1, dead: 0 });
    const row = await outboxRow(deps, q.idempotencyKey);
    expect(row.status).toBe('pending');
    expect(row.last_error).toMatch(/^mail not configured: set PARTNERDESK_SMTP_URL/);
    let dead = 0;
    for (let i = 0; i < 12 && dead === 0; i++) {
      deps.clock.set(new Date((await outboxRow(deps, q.idempotencyKey)).next_attempt_at));
      dead = (await dispatchDue(d)).dead;
    }
    const last = await outboxRow(deps, q.idempotencyKey);
    expect(last).toMatchObject({ status: 'dead', attempts: 10 });
    const hours = (deps.clock.now().getTime() - start) / 3_600_000;
    expect(hours).toBeGreaterThan(3);
    expect(hours).toBeLessThan(3.2);
    expect(smtp.messages).toHaveLength(0);
  });

  it('a server that does not answer is retried (connection errors are not permanent)', async () => {
    const reg = new EffectRegistry();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${await freePort()}`, mailFrom: deps.config.mailFrom }, silent);
    reg.register(EMAIL_SEND, emailEffect(deps, mailer));
    const q = await runUseCase(deps, systemActor, (ctx) =>
      enqueueEmail(ctx, { to: 'anna@contoso-partner.example', locale: 'de', template: 'test', params: { url: 'x', sentAt: 'y' }, key: 'refused-1' }),
    );
    try {
      expect(await dispatchDue({ ...deps, effects: reg })).toEqual({ done: 0, failed: 1, dead: 0 });
    } finally {
      await mailer.close();
    }
    const row = await outboxRow(deps, q.idempotencyKey);
    expect(row.status).toBe('pending');
    expect(row.last_error).toMatch(/^SMTP (ECONNECTION|ESOCKET|ECONNREFUSED): .*— retrying$/);
  });

  it('escapes parameters in the HTML part and carries attachments', async () => {
    const csv = 'invoice,amount\nG012345678,1234.56\n';
    await runUseCase(deps, systemActor, (ctx) =>
      enqueueEmail(ctx, {
        to: ['ops@contoso-partner.example'],
        locale: 'en',
        template: 'test',
        params: { url: 'https://desk.example/?a=1&b=<script>', sentAt: '2026-10-01 09:00' },
        key: 'attach-1',
        attachments: [{ filename: 'payables.csv', contentType: 'text/csv', contentBase64: Buffer.from(csv).toString('base64') }],
      }),
    );
    expect(await dispatchDue(deps)).toMatchObject({ done: 1 });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('Partnerdesk test email');
    expect(mail!.text).toContain('(https://desk.example/?a=1&b=<script>)');
    expect(mail!.html).toContain('https://desk.example/?a=1&amp;b=&lt;script&gt;');
    expect(mail!.html).not.toContain('<script>');
    expect(mail!.attachments).toEqual([{ filename: 'payables.csv', contentType: 'text/csv', content: Buffer.from(csv) }]);
  });

  it('refuses bad requests when the email is queued, inside the use case', async () => {
    const bad = (req: Partial<Parameters<typeof enqueueEmail>[1]>) =>
      runUseCase(deps, systemActor, (ctx) => enqueueEmail(ctx, { to: 'a@contoso-partner.example', locale: 'en', template: 'test', params: {}, key: 'k', ...req }));
    await expect(bad({ to: 'not an address' })).rejects.toMatchObject({ code: 'mail.invalid_address', params: { address: 'not an address' } });
    await expect(bad({ to: [] })).rejects.toMatchObject({ code: 'mail.no_recipients' });
    await expect(bad({ template: 'no_such_template' })).rejects.toMatchObject({ code: 'mail.unknown_template' });
    await expect(bad({ template: 'test', locale: 'fr' as never })).rejects.toBeInstanceOf(AppError);
    expect(await deps.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  });

  it('signs in with the credentials in the URL; a wrong password is retried, not given up', async () => {
    const authed = await startTestSmtp({ auth: { user: 'desk@contoso-partner.example', pass: 'p@ss:word/1' } });
    const wrong = createMailer({ smtpUrl: authed.url.replace('p%40ss', 'nope'), mailFrom: deps.config.mailFrom }, silent);
    const right = createMailer({ smtpUrl: authed.url, mailFrom: deps.config.mailFrom }, silent);
    try {
      const reg = (m: ReturnType<typeof createMailer>) => {
        const r = new EffectRegistry();
        r.register(EMAIL_SEND, emailEffect(deps, m));
        return { ...deps, effects: r };
      };
      const q = await runUseCase(deps, systemActor, (ctx) =>
        enqueueEmail(ctx, { to: 'anna@contoso-partner.example', locale: 'ru', template: 'test', params: { url: 'x', sentAt: 'y' }, key: 'auth-1' }),
      );
      expect(await dispatchDue(reg(wrong))).toEqual({ done: 0, failed: 1, dead: 0 });
      expect((await outboxRow(deps, q.idempotencyKey)).last_error).toMatch(/^SMTP 535 .*— retrying$/);
      deps.clock.advance({ seconds: 30 });
      expect(await dispatchDue(reg(right))).toEqual({ done: 1, failed: 0, dead: 0 });
      const [mail] = await authed.waitFor(1);
      expect(mail!.subject).toBe('Тестовое письмо Partnerdesk');
    } finally {
      await wrong.close();
      await right.close();
      await authed.close();
    }
  });

  it('sendTestEmail (partnerdesk mail test) sends one email now, audits it, and reports a refusal at once', async () => {
    deps.clock.set('2026-10-01T09:00:00Z');
    const ok = await sendTestEmail(deps, systemActor, { to: ['ops@contoso-partner.example'], locale: 'de' });
    expect(ok).toMatchObject({ to: ['ops@contoso-partner.example'], locale: 'de', accepted: ['ops@contoso-partner.example'], rejected: [] });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.subject).toBe('Partnerdesk-Test-E-Mail');
    expect(mail!.messageId).toBe(ok.messageId);
    expect(mail!.text).toContain('Gesendet am 01.10.2026, 09:00');
    const audit = await deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'email.test_queued').execute();
    expect(audit.map((a) => a.entity_id)).toContain(ok.idempotencyKey);

    smtp.failNext(1, 550, '5.1.1 Mailbox unavailable', 'rcpt');
    await expect(sendTestEmail(deps, systemActor, { to: ['gone@contoso-partner.example'], locale: 'en' })).rejects.toMatchObject({
      code: 'mail.test_failed',
      params: { reason: expect.stringMatching(/^SMTP 550 \(RCPT TO\)/) },
    });
  });
});
