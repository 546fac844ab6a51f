import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { makeAccount } from '../helpers/fixtures.js';
import { cliActor } from '../../src/db/tx.js';
import { dispatchDue } from '../../src/jobs/dispatcher.js';
import { registerEffects } from '../../src/jobs/definitions.js';
import { createManualInvoice, recordProviderPayment } from '../../src/modules/provider-billing/provider-invoices.js';
import { sendPayableNotices } from '../../src/modules/provider-billing/payable-notices.js';

/** Finance users hear about provider invoices once before they fall due and once when overdue, over real SMTP. */
describe('provider payable reminders and overdue alerts', () => {
  let smtp: TestSmtp;
  let deps: TestDeps;
  let invoiceId: string;
  const actor = cliActor('test');

  beforeAll(async () => {
    smtp = await startTestSmtp();
    deps = await createTestDeps({
      now: '2026-11-10T06:30:00Z',
      config: { PARTNERDESK_SMTP_URL: smtp.url, PARTNERDESK_MAIL_LOCALE: 'de', PARTNERDESK_FINANCE_EMAILS: 'ap@partner.example' },
    });
    registerEffects(deps);
    const account = await makeAccount(deps, { cloud: 'china' });
    const inv = await createManualInvoice(deps, actor, { providerAccountId: account.id, invoiceNumber: 'CN-2026-11', invoiceDate: '2026-11-08', currency: 'CNY', total: '12000.50' });
    invoiceId = inv.id;
    expect(inv).toMatchObject({ payee: '21vianet', dueDate: '2027-01-07' });
  });
  afterAll(async () => {
    await deps.dispose();
    await smtp.close();
  });

  it('says nothing while the invoice is not yet within the reminder window', async () => {
    deps.clock.set('2026-12-30T06:30:00Z'); // 8 days before, reminder window is 7
    expect(await sendPayableNotices(deps)).toEqual({ dueSoon: 0, overdue: 0, skippedNoRecipients: 0 });
  });

  it('reminds once, 7 days before the due date, in the recipients’ language', async () => {
    deps.clock.set('2026-12-31T06:30:00Z');
    const [a, b] = await Promise.all([sendPayableNotices(deps), sendPayableNotices(deps)]);
    expect(a.dueSoon + b.dueSoon).toBe(1);
    expect(await sendPayableNotices(deps)).toMatchObject({ dueSoon: 0 });
    await dispatchDue(deps);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['ap@partner.example']);
    expect(mail!.subject).toContain('21Vianet');
    expect(mail!.subject).toContain('CN-2026-11');
    expect(mail!.text).toMatch(/12\.000,50/); // German number format for the balance
    expect(mail!.text).toContain('07.01.2027');
  });

  it('alerts once when overdue, then stays quiet once paid', async () => {
    deps.clock.set('2027-01-08T06:30:00Z');
    expect(await sendPayableNotices(deps)).toMatchObject({ overdue: 1 });
    expect(await sendPayableNotices(deps)).toMatchObject({ overdue: 0 });
    await dispatchDue(deps);
    const mails = await smtp.waitFor(2);
    expect(mails[1]!.subject).toMatch(/CN-2026-11/);
    expect(mails[1]!.text).toContain('1 Tag');
    await recordProviderPayment(deps, actor, invoiceId, { amount: '12000.50', currency: 'CNY', paidOn: '2027-01-08', method: 'bank_transfer' });
    deps.clock.set('2027-01-20T06:30:00Z');
    expect(await sendPayableNotices(deps)).toEqual({ dueSoon: 0, overdue: 0, skippedNoRecipients: 0 });
    const notices = await deps.db.selectFrom('provider_payable_notices').selectAll().execute();
    expect(notices.map((n) => n.kind).sort()).toEqual(['due_soon', 'overdue']);
  });
});
