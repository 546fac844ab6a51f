import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliActor } from '../../src/db/tx.js';
import { dispatchDue } from '../../src/jobs/dispatcher.js';
import { addManualCharge } from '../../src/modules/invoicing/charges.js';
import { voidInvoice } from '../../src/modules/invoicing/credit-notes.js';
import { registerInvoiceDelivery } from '../../src/modules/invoicing/delivery.js';
import { registerEventEffect } from '../../src/jobs/events.js';
import { findInvoice, listInvoices } from '../../src/modules/invoicing/invoices.repo.js';
import { setPartnerProfile } from '../../src/modules/invoicing/partner-profile.js';
import { issueRun, startRun } from '../../src/modules/invoicing/runs.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

const actor = cliActor('test');
let deps: TestDeps;
let smtp: TestSmtp;
let accountId: string;
let month = 0;

const pdfText = (pdf: Buffer) => {
  const dir = mkdtempSync(join(tmpdir(), 'pd-inv-'));
  writeFileSync(join(dir, 'a.pdf'), pdf);
  return execFileSync('pdftotext', ['-layout', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
};

async function issuedFor(locale: 'en' | 'de' | 'zh-CN' | 'ru', email: string, amount: string) {
  const id = await makeCustomer(deps, { accountId, companyName: `Kunde ${locale}` });
  await deps.db
    .updateTable('customers')
    .set({ country: 'DE', billing_currency: 'EUR', billing_email: email, locale, billing_address: JSON.stringify({ lines: ['Marienplatz 1'], postalCode: '80331', city: 'München', country: 'DE' }) })
    .where('id', '=', id)
    .execute();
  const period = `2025-${String(++month).padStart(2, '0')}`;
  await addManualCharge(deps, actor, { customerId: id, description: 'Managed Microsoft 365', amount, currency: 'EUR', periodStart: `${period}-01`, periodEnd: `${period}-28` });
  const run = await startRun(deps, actor, period);
  await issueRun(deps, actor, run.runId);
  return (await listInvoices(deps.db, { customerId: id, kind: 'invoice' })).items[0]!;
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  deps = await createTestDeps({
    now: '2026-11-02T09:00:00Z',
    config: { PARTNERDESK_SMTP_URL: smtp.url, PARTNERDESK_MAIL_FROM: 'Nordlicht Billing <billing@nordlicht.example>', PARTNERDESK_PUBLIC_URL: 'https://desk.nordlicht.example' },
  });
  registerInvoiceDelivery(deps);
  // issuing also emits an event for the collections engine (one more effect, performed beside the email)
  registerEventEffect(deps.effects, deps);
  accountId = (await makeAccount(deps)).id;
  await setPartnerProfile(deps, actor, {
    name: 'Nordlicht Cloud GmbH',
    addressLines: ['Leopoldstraße 244', '80807 München'],
    country: 'DE',
    taxId: 'DE298765432',
    email: 'billing@nordlicht.example',
    phone: null,
    website: null,
    logoBase64: null,
    bank: { accountHolder: 'Nordlicht Cloud GmbH', bankName: 'Stadtsparkasse München', iban: 'DE02701500001234567890', bic: 'SSKMDEMMXXX' },
    policyUrl: null,
    invoicePrefix: 'RE',
    creditNotePrefix: 'GS',
  });
});
afterAll(async () => {
  await deps?.mailer?.close();
  await smtp?.close();
  await deps?.dispose();
});
afterEach(() => smtp.reset());

describe('invoice delivery by email', () => {
  it('sends the issued invoice to the billing contact in their language, with the PDF attached, and records it', async () => {
    const inv = await issuedFor('de', 'rechnung@kunde.example', '1234.50');
    expect(smtp.messages).toHaveLength(0); // nothing leaves inside the use case
    expect(await dispatchDue(deps)).toMatchObject({ done: 2, failed: 0 });
    const [m] = await smtp.waitFor(1);
    expect(m!.to).toEqual(['rechnung@kunde.example']);
    expect(m!.subject).toBe('Rechnung RE-2026-000001 von Nordlicht Cloud GmbH: 1.469,06\u00a0€');
    expect(m!.text).toContain('fällig am 02.12.2026');
    expect(m!.attachments.map((a) => [a.filename, a.contentType])).toEqual([['RE-2026-000001.pdf', 'application/pdf']]);
    const text = pdfText(m!.attachments[0]!.content);
    expect(text).toContain('RE-2026-000001');
    expect(text).toMatch(/1\.469,06\s€/);
    expect(text).toContain('Managed Microsoft 365');
    expect(text).toContain('DE02');
    const after = (await findInvoice(deps.db, inv.id))!;
    expect(after.deliveryStatus).toBe('sent');
    expect(after.delivery.map((d) => d.status)).toEqual(['queued', 'sent']);
    expect(after.delivery[1]!.messageId).toBe(m!.messageId);
  });

  it('retries a temporary failure and records a bounce that will not be retried', async () => {
    const inv = await issuedFor('ru', 'buh@klient.example', '10.00');
    smtp.failNext(1, 451, '4.3.2 Try again later');
    expect(await dispatchDue(deps)).toMatchObject({ done: 1, failed: 1, dead: 0 });
    expect((await findInvoice(deps.db, inv.id))!).toMatchObject({ deliveryStatus: 'retrying' });
    deps.clock.advance({ seconds: 60 });
    expect(await dispatchDue(deps)).toMatchObject({ done: 1 });
    const [m] = await smtp.waitFor(1);
    expect(m!.subject).toContain('Счёт RE-2026-000002');
    const sent = (await findInvoice(deps.db, inv.id))!;
    expect(sent.delivery.map((d) => [d.status, d.attempt])).toEqual([
      ['queued', undefined],
      ['retrying', 1],
      ['sent', 2],
    ]);

    // the credit note of a void goes out too; a 550 is a bounce, recorded and not retried
    await voidInvoice(deps, actor, inv.id, 'Doppelt berechnet');
    const note = (await listInvoices(deps.db, { customerId: inv.customerId, kind: 'credit_note' })).items[0]!;
    smtp.failNext(1, 550, '5.1.1 No such user');
    expect(await dispatchDue(deps)).toMatchObject({ dead: 1 });
    const bounced = (await findInvoice(deps.db, note.id))!;
    expect(bounced.deliveryStatus).toBe('bounced');
    expect(bounced.delivery.at(-1)!.error).toContain('550');
  });
});
