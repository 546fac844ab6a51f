import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compactKey, keyCandidates, matchEntry, normalizeName, type MatchCustomer, type MatchFacts, type MatchInput, type MatchInvoice, type MatchPayment } from './bank-match.js';

const entry = (over: Partial<MatchInput> = {}): MatchInput => ({
  amount: 10000n,
  currency: 'EUR',
  direction: 'credit',
  reversal: false,
  status: 'booked',
  endToEndId: null,
  remittance: '',
  payer: { name: null, iban: null },
  returnReason: null,
  ...over,
});
const customer = (id: string, name: string, over: Partial<MatchCustomer> = {}): MatchCustomer => ({ id, name, paymentReference: null, tenantId: null, currencies: ['EUR'], ...over });
const invoice = (id: string, customerId: string, number: string, open: bigint, currency = 'EUR'): MatchInvoice => ({ id, number, customerId, currency, open });
const facts = (over: Partial<MatchFacts> = {}): MatchFacts => ({ invoices: [], customers: [], payerAccounts: new Map(), bankPayments: [], ...over });

const A = customer('c_a', 'Contoso GmbH', { paymentReference: 'PD-7781', tenantId: '6f1c2d3e-aaaa-4bbb-8ccc-0123456789ab' });
const B = customer('c_b', 'Fabrikam Ltd.', { paymentReference: 'PD-9902' });
const base = facts({
  customers: [A, B],
  invoices: [invoice('i1', 'c_a', 'INV-2026-000042', 10000n), invoice('i2', 'c_a', 'INV-2026-000043', 5000n), invoice('i3', 'c_b', 'INV-2026-000044', 7000n), invoice('i4', 'c_b', 'INV-2026-000045', 3000n, 'USD')],
});

describe('matchEntry', () => {
  it('ignores outgoing money, pending and info entries, and a reversal of a debit', () => {
    expect(matchEntry(entry({ direction: 'debit' }), base)).toMatchObject({ status: 'ignored', reason: 'outgoing' });
    expect(matchEntry(entry({ status: 'pending', remittance: 'INV-2026-000042' }), base)).toMatchObject({ status: 'ignored', reason: 'pending' });
    expect(matchEntry(entry({ status: 'info' }), base)).toMatchObject({ status: 'ignored' });
    expect(matchEntry(entry({ reversal: true }), base)).toMatchObject({ status: 'ignored', reason: 'reversal_of_debit' });
  });

  it('refuses a currency no customer is billed in, with the code', () => {
    expect(matchEntry(entry({ currency: 'JPY', remittance: 'INV-2026-000042' }), base)).toMatchObject({ status: 'error', error: { code: 'bank.currency_not_billed', params: { currency: 'JPY' } } });
  });

  it('finds invoice numbers written loosely and pays them in the order found, each up to its open amount', () => {
    for (const text of ['inv 2026 000043 and INV-2026-000042', 'Rechnung inv2026000043, inv-2026-000042', 'RE:INV-2026-000043/INV 2026-000042']) {
      const d = matchEntry(entry({ amount: 20000n, remittance: text }), base);
      expect(d, text).toMatchObject({ status: 'matched', reason: 'invoice_number', customerId: 'c_a', allocate: [{ invoiceId: 'i2', amount: 5000n }, { invoiceId: 'i1', amount: 10000n }] });
    }
    // less than the invoices: the first gets what there is
    expect(matchEntry(entry({ amount: 3000n, endToEndId: 'INV-2026-000042' }), base).allocate).toEqual([{ invoiceId: 'i1', amount: 3000n }]);
    // an ISO 11649 creditor reference carries the number
    expect(matchEntry(entry({ remittance: 'RF18INV2026000042' }), base)).toMatchObject({ status: 'matched', customerId: 'c_a' });
    // a number inside a longer one is not that number
    expect(matchEntry(entry({ remittance: 'INV-2026-0000421' }), base).status).not.toBe('matched');
    // a settled invoice still names its customer; nothing to allocate
    const settled = facts({ ...base, invoices: [invoice('i9', 'c_a', 'INV-2026-000099', 0n)] });
    expect(matchEntry(entry({ remittance: 'INV-2026-000099' }), settled)).toMatchObject({ status: 'matched', customerId: 'c_a', allocate: 'none' });
  });

  it('suggests when the numbers belong to several customers or the currency differs', () => {
    const d = matchEntry(entry({ remittance: 'INV-2026-000042 INV-2026-000044' }), base);
    expect(d.status).toBe('suggested');
    expect(d.suggestions).toEqual([
      { customerId: 'c_a', invoiceIds: ['i1'], reason: 'invoice_number' },
      { customerId: 'c_b', invoiceIds: ['i3'], reason: 'invoice_number' },
    ]);
    expect(matchEntry(entry({ remittance: 'INV-2026-000045' }), base)).toMatchObject({ status: 'suggested', suggestions: [{ customerId: 'c_b', invoiceIds: [], reason: 'invoice_other_currency' }] });
  });

  it('matches a payment reference or tenant id to its customer, oldest due first', () => {
    expect(matchEntry(entry({ remittance: 'Kundennr pd 7781' }), base)).toMatchObject({ status: 'matched', customerId: 'c_a', allocate: 'oldest', reason: 'payment_reference' });
    expect(matchEntry(entry({ remittance: 'tenant 6F1C2D3E-AAAA-4BBB-8CCC-0123456789AB' }), base)).toMatchObject({ status: 'matched', customerId: 'c_a', reason: 'tenant_id' });
    expect(matchEntry(entry({ remittance: 'PD-7781 PD-9902' }), base).status).toBe('suggested');
  });

  it('matches a known payer by amount: one open invoice, or all of them; suggests otherwise', () => {
    const learned = facts({ ...base, payerAccounts: new Map([['DE89370400440532013000', 'c_a']]) });
    const payer = { name: 'Someone', iban: 'de89 3704 0044 0532 0130 00' };
    expect(matchEntry(entry({ amount: 5000n, payer }), learned)).toMatchObject({ status: 'matched', customerId: 'c_a', reason: 'payer_iban_amount', allocate: [{ invoiceId: 'i2', amount: 5000n }] });
    expect(matchEntry(entry({ amount: 15000n, payer }), learned)).toMatchObject({ status: 'matched', reason: 'payer_iban_open_total', allocate: [{ invoiceId: 'i1', amount: 10000n }, { invoiceId: 'i2', amount: 5000n }] });
    expect(matchEntry(entry({ amount: 1234n, payer }), learned)).toMatchObject({ status: 'suggested', suggestions: [{ customerId: 'c_a', invoiceIds: [] }] });
    for (const name of ['CONTOSO', 'contoso gmbh', 'Contoso, GmbH.', 'Contoso AG']) {
      expect(matchEntry(entry({ amount: 10000n, payer: { name, iban: null } }), base), name).toMatchObject({ status: 'matched', customerId: 'c_a', reason: 'payer_name_amount' });
    }
  });

  it('never books on the amount alone, and suggests every customer it fits', () => {
    expect(matchEntry(entry({ amount: 7000n }), base)).toMatchObject({ status: 'suggested', reason: 'amount_only', suggestions: [{ customerId: 'c_b', invoiceIds: ['i3'] }] });
    const twice = facts({ ...base, invoices: [...base.invoices, invoice('i5', 'c_a', 'INV-2026-000050', 7000n)] });
    expect(matchEntry(entry({ amount: 7000n }), twice)).toMatchObject({ status: 'suggested', reason: 'amount_several_customers' });
    expect(matchEntry(entry({ amount: 1n }), base)).toMatchObject({ status: 'unmatched' });
  });

  it('normalizes company names across legal forms and scripts', () => {
    expect(normalizeName('Contoso GmbH & Co. KG')).toBe('contoso');
    expect(normalizeName('ООО «Ромашка»')).toBe(normalizeName('Ромашка'));
    expect(normalizeName('北京世纪互联有限公司')).toBe('北京世纪互联');
    expect(normalizeName('Northwind Traders, Inc.')).toBe('northwind traders');
    expect(normalizeName('GmbH')).toBe('');
  });

  it('finds the bank payment a return gives back', () => {
    const pay = (id: string, over: Partial<MatchPayment> = {}): MatchPayment => ({ id, customerId: 'c_a', amount: 10000n, currency: 'EUR', endToEndId: null, payerIban: 'DE02120300000000202051', ...over });
    const f = facts({ ...base, bankPayments: [pay('p1', { endToEndId: 'E2E-1' }), pay('p2'), pay('p3', { customerId: 'c_b' })] });
    const ret = (over: Partial<MatchInput>) => entry({ direction: 'debit', reversal: true, ...over });
    expect(matchEntry(ret({ endToEndId: 'E2E-1' }), f)).toMatchObject({ status: 'matched', reversePaymentId: 'p1', customerId: 'c_a' });
    expect(matchEntry(ret({ payer: { name: null, iban: 'DE02120300000000202051' } }), f)).toMatchObject({ status: 'suggested', reason: 'return_several_payments' });
    expect(matchEntry(entry({ direction: 'debit', returnReason: 'MD06', payer: { name: null, iban: 'DE02 1203 0000 0000 2020 51' } }), facts({ ...f, bankPayments: [pay('p2')] }))).toMatchObject({ status: 'matched', reversePaymentId: 'p2' });
    expect(matchEntry(ret({ endToEndId: 'nope' }), f)).toMatchObject({ status: 'unmatched' });
    expect(matchEntry(ret({ endToEndId: 'E2E-1', amount: 500n }), f)).toMatchObject({ status: 'suggested', reason: 'return_amount_differs' });
  });

  it('offers the candidates the caller should look up', () => {
    expect(keyCandidates('inv 2026 000042')).toContain(compactKey('INV-2026-000042'));
  });
});

/** A world of customers with distinct names, references and invoices; the target is customer 0. */
const world = fc
  .record({
    n: fc.integer({ min: 2, max: 6 }),
    amounts: fc.array(fc.array(fc.bigInt({ min: 1n, max: 50_000n }), { minLength: 1, maxLength: 4 }), { minLength: 6, maxLength: 6 }),
    forms: fc.array(fc.constantFrom('GmbH', 'AG', 'Ltd.', 'LLC', 'Inc', '', 'ООО', 'S.A.'), { minLength: 6, maxLength: 6 }),
    learned: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  })
  .map(({ n, amounts, forms, learned }) => {
    const customers = Array.from({ length: n }, (_, i) => customer(`c${i}`, `${['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot'][i]} Trading ${forms[i]}`, { paymentReference: `REF-${1000 + i}`, tenantId: `0000000${i}-0000-4000-8000-00000000000${i}` }));
    let seq = 0;
    const invoices = customers.flatMap((c, i) => amounts[i]!.map((open) => invoice(`i${++seq}`, c.id, `INV-2026-${String(seq).padStart(6, '0')}`, open)));
    const payerAccounts = new Map(customers.filter((_, i) => learned[i]).map((c, i) => [`DE00BANK${i}${c.id}`, c.id]));
    return facts({ customers, invoices, payerAccounts });
  });

const styles = (num: string) => fc.constantFrom(num, num.toLowerCase(), num.replace(/-/g, ' '), num.replace(/-/g, ''), num.replace(/-/g, ' ').toLowerCase());
const noise = fc.array(fc.constantFrom('payment', 'thanks', 'Rechnung', 'invoice', 'Zahlung', 'EUR', 'total', 'оплата', '付款'), { maxLength: 4 }).map((w) => w.join(' '));

/** An entry with evidence for customer 0, of some kind, in some writing. */
const evidence = world.chain((f) => {
  const target = f.customers[0]!;
  const mine = f.invoices.filter((i) => i.customerId === target.id);
  const iban = [...f.payerAccounts].find(([, c]) => c === target.id)?.[0] ?? null;
  return fc.record({
    facts: fc.constant(f),
    kind: fc.constantFrom('number', 'reference', 'tenant', 'payer'),
    number: fc.constantFrom(...mine).chain((i) => styles(i.number)),
    amount: fc.oneof(fc.constantFrom(...mine.map((i) => i.open)), fc.bigInt({ min: 1n, max: 100_000n })),
    before: noise,
    after: noise,
    name: fc.constantFrom(target.name, target.name.toUpperCase(), target.name.replace(/ /g, '  ') + ' Ltd', target.name.split(' ').slice(0, 2).join(' ').toLowerCase()),
  }).map((g) => {
    const say = { number: g.number, reference: target.paymentReference!.replace('-', ' '), tenant: target.tenantId!, payer: '' }[g.kind as 'number'];
    const e = entry({ amount: g.amount, remittance: `${g.before} ${say} ${g.after}`, payer: g.kind === 'payer' ? { name: g.name, iban } : { name: null, iban: null } });
    return { facts: g.facts, kind: g.kind, entry: e };
  });
});

describe('matchEntry properties', () => {
  it('never matches an entry to a customer other than the one its evidence names; numbers and references always match', () => {
    fc.assert(
      fc.property(evidence, ({ facts: f, kind, entry: e }) => {
        const d = matchEntry(e, f);
        if (d.status === 'matched') expect(d.customerId).toBe('c0');
        if (kind !== 'payer') expect(d.status).toBe('matched');
        for (const s of d.suggestions) if (kind === 'payer') expect(s.customerId).toBe('c0');
      }),
      { numRuns: 400 },
    );
  });

  it('adding an unrelated customer never changes a matched decision', () => {
    const stranger = fc.record({ amounts: fc.array(fc.bigInt({ min: 1n, max: 100_000n }), { minLength: 1, maxLength: 4 }), iban: fc.boolean() });
    fc.assert(
      fc.property(evidence, stranger, ({ facts: f, entry: e }, s) => {
        const before = matchEntry(e, f);
        const u = customer('cz', 'Zulu Unrelated Holdings', { paymentReference: 'REF-9999', tenantId: '99999999-0000-4000-8000-999999999999' });
        const more = facts({
          customers: [...f.customers, u],
          // the stranger's invoices may well have the entry's amount
          invoices: [...f.invoices, ...s.amounts.map((open, i) => invoice(`iz${i}`, 'cz', `INV-2027-${String(i).padStart(6, '0')}`, open)), invoice('izz', 'cz', 'INV-2027-999999', e.amount)],
          payerAccounts: new Map([...f.payerAccounts, ...(s.iban ? ([['DE00ZULU', 'cz']] as const) : [])]),
        });
        const after = matchEntry(e, more);
        if (before.status === 'matched') expect(after).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('an ambiguous setup is always suggested, with every candidate', () => {
    const setup = fc.record({
      kind: fc.constantFrom('same_name', 'numbers_of_two', 'amount_of_two'),
      formA: fc.constantFrom('GmbH', 'AG', 'Inc.', ''),
      formB: fc.constantFrom('Ltd', 'LLC', 'ООО', ''),
      amount: fc.bigInt({ min: 1n, max: 100_000n }),
      other: fc.bigInt({ min: 1n, max: 100_000n }),
    });
    fc.assert(
      fc.property(setup, (s) => {
        const f = facts({
          customers: [customer('x', `Globex ${s.formA}`), customer('y', `GLOBEX, ${s.formB}`), customer('z', 'Initech')],
          invoices: [invoice('ix', 'x', 'INV-1-000001', s.amount), invoice('iy', 'y', 'INV-1-000002', s.amount), invoice('iz', 'z', 'INV-1-000003', s.other === s.amount ? s.other + 1n : s.other)],
        });
        const e = {
          same_name: entry({ amount: s.amount, payer: { name: 'globex', iban: null } }),
          numbers_of_two: entry({ amount: s.amount, remittance: 'inv 1 000001 and INV-1-000002' }),
          amount_of_two: entry({ amount: s.amount }),
        }[s.kind as 'same_name'];
        const d = matchEntry(e, f);
        expect(d.status).toBe('suggested');
        expect(d.suggestions.map((x) => x.customerId).sort()).toEqual(['x', 'y']);
      }),
      { numRuns: 200 },
    );
  });
});
