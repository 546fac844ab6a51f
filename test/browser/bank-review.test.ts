import { expect, it } from 'vitest';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { migrate } from '../../src/db/migrate.js';
import { openStore } from '../../src/db/store.js';
import { makeDeps } from '../../src/deps.js';
import { browserSuite, catalog, useDesk } from '../helpers/browser.js';
import { makeAccount } from '../helpers/fixtures.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { testConfig } from '../helpers/store.js';

/**
 * Bank import and match review in Chromium against `partnerdesk serve` (the BUILT dist: run
 * `node scripts/build.mjs` first). Two customers each owe an invoice of 250.00 EUR; a camt.053
 * statement (built here: a valid IBAN, opening + entries = closing) brings 250.00 EUR from a payer
 * the desk does not know, without an invoice number: the amount alone fits both, so the entry is
 * SUGGESTED with both customers. A billing user uploads the file, sees the counts, opens the review,
 * confirms Contoso's suggestion (with a double click), and the API shows exactly one payment,
 * Contoso's invoice paid and Litware's still open. Then the user switches to German and the aging
 * page speaks German.
 *
 * Set PARTNERDESK_SCREENSHOT_DIR to keep screenshots of the import result, the review and the aging page.
 */

const BILLING = { email: 'bank@example.com', password: 'review-horse-battery', role: 'billing' as const };
const CONTOSO = 'Contoso Trading GmbH';
const LITWARE = 'Litware Handels AG';
const en = catalog('en');
const de = catalog('de');

/** An IBAN with its check digits worked out (ISO 13616: mod 97 of the rearranged digits is 1). */
function iban(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = 98n - (BigInt(digits) % 97n);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}
const ACCOUNT = iban('DE', '370400440532013000');
const PAYER = iban('DE', '500105175407324931');

const today = () => new Date().toISOString().slice(0, 10);

/** A camt.053.001.08 statement with one incoming transfer; the closing balance is opening + the entry. */
function statement(o: { id: string; amount: string; payer: string; payerIban: string; text: string; date: string }): string {
  const opening = 1000_00n;
  const closing = opening + BigInt(o.amount.replace('.', ''));
  const eur = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
  const bal = (code: string, v: bigint) => `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${eur(v)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${o.date}</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>MSG-${o.id}</MsgId><CreDtTm>${o.date}T18:00:00Z</CreDtTm></GrpHdr>
<Stmt>
<Id>${o.id}</Id>
<CreDtTm>${o.date}T18:00:00Z</CreDtTm>
<Acct><Id><IBAN>${ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>
${bal('OPBD', opening)}
${bal('CLBD', closing)}
<Ntry>
  <Amt Ccy="EUR">${o.amount}</Amt>
  <CdtDbtInd>CRDT</CdtDbtInd>
  <Sts><Cd>BOOK</Cd></Sts>
  <BookgDt><Dt>${o.date}</Dt></BookgDt>
  <ValDt><Dt>${o.date}</Dt></ValDt>
  <AcctSvcrRef>REF-${o.id}-1</AcctSvcrRef>
  <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
  <NtryDtls><TxDtls>
    <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
    <Amt Ccy="EUR">${o.amount}</Amt>
    <CdtDbtInd>CRDT</CdtDbtInd>
    <RltdPties><Dbtr><Pty><Nm>${o.payer}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>${o.payerIban}</IBAN></Id></DbtrAcct></RltdPties>
    <RmtInf><Ustrd>${o.text}</Ustrd></RmtInf>
  </TxDtls></NtryDtls>
</Ntry>
</Stmt>
</BkToCstmrStmt>
</Document>
`;
}

async function get<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(new URL(path, page.url()).href);
  expect(res.ok(), `GET ${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as T;
}

const ids = { contoso: '', litware: '', contosoInvoice: '', litwareInvoice: '' };

browserSuite('bank import and match review in Chromium', () => {
  const desk = useDesk({
    users: [BILLING],
    beforeServe: async (env) => {
      const store = await openStore(testConfig(env), { command: 'test-seed', connectionTimeoutMillis: 5000 });
      try {
        await migrate(store.pool, store.schema);
        const deps = makeDeps(testConfig(env), store, { log: pino({ level: 'silent' }) });
        const accountId = (await makeAccount(deps)).id;
        ids.contoso = await billableCustomer(deps, { accountId, name: CONTOSO });
        ids.litware = await billableCustomer(deps, { accountId, name: LITWARE });
        ids.contosoInvoice = (await issuedInvoice(deps, ids.contoso, '250.00')).id;
        ids.litwareInvoice = (await issuedInvoice(deps, ids.litware, '250.00')).id;
      } finally {
        await store.close();
      }
    },
  });

  it('suggests an ambiguous entry, books the confirmed suggestion once, and speaks German on the aging page', async () => {
    const page = await desk.signIn(BILLING);
    const nav = page.getByRole('navigation', { name: en('web.nav.label') });

    // upload the statement
    await nav.getByRole('link', { name: en('web.nav.bank_import') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.bank.import.title') }).waitFor();
    const xml = statement({ id: `STMT-${Date.now()}`, amount: '250.00', payer: 'J. Doe Consulting', payerIban: PAYER, text: 'Payment for services', date: today() });
    await page.getByLabel(en('web.bank.import.file')).setInputFiles({ name: 'statement.xml', mimeType: 'application/xml', buffer: Buffer.from(xml) });
    await page.getByRole('button', { name: en('web.bank.import.submit') }).click();
    const result = page.locator('dl.count-grid');
    await result.waitFor();
    const count = async (key: string) => (await result.locator('div', { has: page.getByText(en(`web.bank.result.${key}`), { exact: true }) }).locator('dd').textContent())?.trim();
    expect(await count('statements')).toBe('1');
    expect(await count('entries')).toBe('1');
    expect(await count('suggested')).toBe('1');
    expect(await count('matched')).toBe('0');
    expect(await count('errors')).toBe('0');
    await desk.screenshot(page, 'bank-import');

    // review: both customers are suggested; confirm Contoso's, clicking twice
    await nav.getByRole('link', { name: en('web.nav.bank_review') }).click();
    await page.getByRole('heading', { level: 1, name: en('web.bank.review.title') }).waitFor();
    const suggestions = page.getByRole('list', { name: en('web.bank.review.suggestions') });
    await suggestions.getByText(CONTOSO).waitFor();
    await suggestions.getByText(LITWARE).waitFor();
    await desk.screenshot(page, 'bank-review');
    const confirm = suggestions.getByRole('button', { name: en('web.bank.review.confirm_for', { customer: CONTOSO }) });
    await confirm.dblclick();
    await page.getByText(en('web.bank.review.confirmed', { customer: CONTOSO })).first().waitFor();
    await page.getByText(en('web.bank.review.empty')).waitFor();

    // exactly one payment, and it paid Contoso's invoice
    const payments = await get<{ items: { customerId: string; amount: string; source: string; status: string }[] }>(page, '/api/payments');
    expect(payments.items).toHaveLength(1);
    expect(payments.items[0]).toMatchObject({ customerId: ids.contoso, amount: '250.00', source: 'bank', status: 'posted' });
    const contoso = await get<{ openItems: { id: string }[] }>(page, `/api/customers/${ids.contoso}/receivables`);
    expect(contoso.openItems.map((i) => i.id)).not.toContain(ids.contosoInvoice);
    const litware = await get<{ openItems: { id: string; open: string }[] }>(page, `/api/customers/${ids.litware}/receivables`);
    expect(litware.openItems.find((i) => i.id === ids.litwareInvoice)?.open).toBe('25000');
    const confirmed = await get<{ items: { status: string; customerId: string | null; paymentId: string | null }[] }>(page, '/api/bank/entries?status=confirmed');
    expect(confirmed.items).toHaveLength(1);
    expect(confirmed.items[0]).toMatchObject({ customerId: ids.contoso });

    // German: the aging page's labels come from the de catalog
    await page.getByLabel(en('web.lang.label')).selectOption('de');
    await page.getByRole('navigation', { name: de('web.nav.label') }).getByRole('link', { name: de('web.nav.aging') }).click();
    await page.getByRole('heading', { level: 1, name: de('web.aging.title') }).waitFor();
    await page.getByRole('columnheader', { name: de('web.aging.buckets.d90_plus') }).waitFor();
    await page.getByRole('link', { name: LITWARE }).waitFor();
    await desk.screenshot(page, 'aging-de');
  });
});
