import { sql } from 'kysely';
import type { Executor } from '../../db/store.js';
import type { BankMatchStatus } from '../../db/types.js';
import { normalizeIban, type MatchCustomer, type MatchInvoice, type MatchPayment } from './bank-match.js';
import { openItems, openSql } from './receivables.repo.js';

/**
 * Bank statements, their entries and match decisions, learned payer accounts and saved CSV
 * layouts: the SQL of the bank side of receivables.
 */

/** Customers with what identifies them in remittance text and the currencies they are billed in. */
export async function matchCustomers(db: Executor): Promise<MatchCustomer[]> {
  const rows = await sql<{ id: string; company_name: string; payment_reference: string | null; tenant_id: string | null; currencies: string[] }>`
    SELECT c.id, c.company_name, c.payment_reference, c.tenant_id,
      array(SELECT c.billing_currency UNION SELECT DISTINCT i.currency FROM invoices i WHERE i.customer_id = c.id AND i.status <> 'draft') AS currencies
    FROM customers c ORDER BY c.id`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, name: r.company_name, paymentReference: r.payment_reference, tenantId: r.tenant_id, currencies: r.currencies }));
}

/** Open issued invoices (oldest due first per customer), and settled ones whose number is among `numberKeys`. */
export async function matchInvoices(db: Executor, numberKeys: readonly string[]): Promise<MatchInvoice[]> {
  const open = (await openItems(db)).filter((i) => i.kind === 'invoice' && i.open > 0n);
  const out: MatchInvoice[] = open.map((i) => ({ id: i.id, number: i.number, customerId: i.customerId, currency: i.currency, open: i.open }));
  if (numberKeys.length === 0) return out;
  const have = new Set(out.map((i) => i.id));
  const named = await invoicesByKey(db, numberKeys);
  return [...out, ...named.filter((i) => !have.has(i.id))];
}

/** Issued invoices (not credit notes, not void) whose number, written without punctuation, is one of `keys`. */
export async function invoicesByKey(db: Executor, keys: readonly string[]): Promise<MatchInvoice[]> {
  if (keys.length === 0) return [];
  const rows = await sql<{ id: string; number: string; customer_id: string; currency: string; open: string }>`
    SELECT i.id, i.number, i.customer_id, i.currency,
      ${openSql} AS open
    FROM invoices i
    WHERE i.kind = 'invoice' AND i.status = 'issued' AND i.number IS NOT NULL
      AND upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) = ANY(${[...new Set(keys)]}::text[])`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, number: r.number, customerId: r.customer_id, currency: r.currency, open: BigInt(r.open) }));
}

/** Invoices by id with what is open now (to refresh facts after a posting). */
export async function invoicesById(db: Executor, ids: readonly string[]): Promise<MatchInvoice[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: string; number: string; customer_id: string; currency: string; open: string }>`
    SELECT i.id, i.number, i.customer_id, i.currency,
      ${openSql} AS open
    FROM invoices i WHERE i.id = ANY(${[...ids]}::text[])`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, number: r.number, customerId: r.customer_id, currency: r.currency, open: BigInt(r.open) }));
}

export async function learnedPayers(db: Executor, ibans: readonly string[]): Promise<Map<string, string>> {
  if (ibans.length === 0) return new Map();
  const rows = await db.selectFrom('payer_accounts').select(['iban', 'customer_id']).where('iban', 'in', [...new Set(ibans)]).execute();
  return new Map(rows.map((r) => [r.iban, r.customer_id]));
}

/** Remember who pays from an account. `overwrite`: a person decided (the latest decision wins). */
export async function learnPayer(db: Executor, iban: string | null, customerId: string, now: Date, overwrite: boolean): Promise<void> {
  const key = normalizeIban(iban);
  if (!key) return;
  const q = db.insertInto('payer_accounts').values({ iban: key, customer_id: customerId, learned_at: now });
  await (overwrite ? q.onConflict((oc) => oc.column('iban').doUpdateSet({ customer_id: customerId, learned_at: now })) : q.onConflict((oc) => oc.column('iban').doNothing())).execute();
}

/** Posted payments that came from a bank statement, with the end-to-end id they came with. */
export async function postedBankPayments(db: Executor, currencies: readonly string[]): Promise<MatchPayment[]> {
  if (currencies.length === 0) return [];
  const rows = await sql<{ id: string; customer_id: string; amount: string; currency: string; e2e: string | null; payer_iban: string | null }>`
    SELECT p.id, p.customer_id, p.amount::text, p.currency, coalesce(e.end_to_end_id, p.reference) AS e2e, p.payer_iban
    FROM payments p LEFT JOIN bank_entries e ON e.id = p.bank_entry_id
    WHERE p.source = 'bank' AND p.status = 'posted' AND p.currency = ANY(${[...new Set(currencies)]}::text[])
    ORDER BY p.received_on, p.recorded_at`.execute(db);
  return rows.rows.map((r) => ({ id: r.id, customerId: r.customer_id, amount: BigInt(r.amount), currency: r.currency, endToEndId: r.e2e, payerIban: r.payer_iban }));
}


export interface StatementView {
  id: string;
  format: string;
  version: string | null;
  statementRef: string;
  accountIban: string | null;
  accountKey: string;
  accountCurrency: string | null;
  fromDate: string | null;
  toDate: string | null;
  openingBalance: bigint | null;
  closingBalance: bigint | null;
  fileName: string | null;
  entries: number;
  counts: Record<BankMatchStatus, number>;
  importedBy: string;
  importedAt: Date;
}

export async function listStatements(db: Executor, q: { limit?: number } = {}): Promise<StatementView[]> {
  const rows = await sql<{
    id: string; format: string; version: string | null; statement_ref: string; account_iban: string | null; account_key: string; account_currency: string | null;
    from_date: string | null; to_date: string | null; opening_balance: string | null; closing_balance: string | null; file_name: string | null; entries: number;
    counts: Record<string, number> | null; imported_by: string; imported_at: Date;
  }>`SELECT s.id, s.format, s.version, s.statement_ref, s.account_iban, s.account_key, s.account_currency, s.from_date, s.to_date,
      s.opening_balance::text, s.closing_balance::text, s.file_name, s.entries, s.imported_by, s.imported_at,
      (SELECT jsonb_object_agg(x.match_status, x.n) FROM (SELECT e.match_status, count(*)::int AS n FROM bank_entries e WHERE e.statement_id = s.id GROUP BY e.match_status) x) AS counts
    FROM bank_statements s ORDER BY s.imported_at DESC, s.id LIMIT ${q.limit ?? 100}`.execute(db);
  const zero = { matched: 0, suggested: 0, confirmed: 0, unmatched: 0, ignored: 0, error: 0 };
  return rows.rows.map((r) => ({
    id: r.id,
    format: r.format,
    version: r.version,
    statementRef: r.statement_ref,
    accountIban: r.account_iban,
    accountKey: r.account_key,
    accountCurrency: r.account_currency,
    fromDate: r.from_date,
    toDate: r.to_date,
    openingBalance: r.opening_balance === null ? null : BigInt(r.opening_balance),
    closingBalance: r.closing_balance === null ? null : BigInt(r.closing_balance),
    fileName: r.file_name,
    entries: r.entries,
    counts: { ...zero, ...(r.counts ?? {}) },
    importedBy: r.imported_by,
    importedAt: r.imported_at,
  }));
}

export interface EntryView {
  id: string;
  statementId: string;
  statementRef: string;
  position: number;
  bookingDate: string | null;
  valueDate: string | null;
  amount: bigint;
  currency: string;
  direction: 'credit' | 'debit';
  reversal: boolean;
  bankReference: string | null;
  endToEndId: string | null;
  remittance: string;
  payerName: string | null;
  payerIban: string | null;
  transactionCode: string | null;
  returnReason: string | null;
  status: BankMatchStatus;
  reason: string | null;
  customerId: string | null;
  customerName: string | null;
  suggestions: { customerId: string; customerName: string | null; invoices: { id: string; number: string | null }[]; reason: string; paymentId: string | null }[];
  paymentId: string | null;
  reversedPaymentId: string | null;
  error: { code: string; params: Record<string, string> } | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export async function listEntries(db: Executor, q: { status?: BankMatchStatus | undefined; statementId?: string | undefined; id?: string | undefined; limit?: number | undefined }): Promise<EntryView[]> {
  const rows = await db
    .selectFrom('bank_entries as e')
    .innerJoin('bank_statements as s', 's.id', 'e.statement_id')
    .leftJoin('customers as c', 'c.id', 'e.customer_id')
    .selectAll('e')
    .select(['s.statement_ref', 'c.company_name'])
    .$if(!!q.status, (qb) => qb.where('e.match_status', '=', q.status!))
    .$if(!!q.statementId, (qb) => qb.where('e.statement_id', '=', q.statementId!))
    .$if(!!q.id, (qb) => qb.where('e.id', '=', q.id!))
    .orderBy('e.created_at', 'desc')
    .orderBy('e.statement_id')
    .orderBy('e.position')
    .limit(q.limit ?? 200)
    .execute();
  const custIds = new Set<string>();
  const invIds = new Set<string>();
  for (const r of rows) for (const s of r.suggestions) {
    custIds.add(s.customerId);
    for (const i of s.invoiceIds) invIds.add(i);
  }
  const names = custIds.size ? new Map((await db.selectFrom('customers').select(['id', 'company_name']).where('id', 'in', [...custIds]).execute()).map((c) => [c.id, c.company_name])) : new Map<string, string>();
  const numbers = invIds.size ? new Map((await db.selectFrom('invoices').select(['id', 'number']).where('id', 'in', [...invIds]).execute()).map((i) => [i.id, i.number])) : new Map<string, string | null>();
  return rows.map((r) => ({
    id: r.id,
    statementId: r.statement_id,
    statementRef: r.statement_ref,
    position: r.position,
    bookingDate: r.booking_date,
    valueDate: r.value_date,
    amount: r.amount,
    currency: r.currency,
    direction: r.direction,
    reversal: r.reversal,
    bankReference: r.bank_reference,
    endToEndId: r.end_to_end_id,
    remittance: r.remittance,
    payerName: r.payer_name,
    payerIban: r.payer_iban,
    transactionCode: r.transaction_code,
    returnReason: r.return_reason,
    status: r.match_status,
    reason: r.match_reason,
    customerId: r.customer_id,
    customerName: r.company_name ?? null,
    suggestions: r.suggestions.map((s) => ({
      customerId: s.customerId,
      customerName: names.get(s.customerId) ?? null,
      invoices: s.invoiceIds.map((id) => ({ id, number: numbers.get(id) ?? null })),
      reason: s.reason,
      paymentId: (s as { paymentId?: string }).paymentId ?? null,
    })),
    paymentId: r.payment_id,
    reversedPaymentId: r.reversed_payment_id,
    error: r.error_code ? { code: r.error_code, params: (r.error_params ?? {}) as Record<string, string> } : null,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  }));
}

export async function getMapping(db: Executor, name: string): Promise<{ name: string; mapping: Record<string, unknown>; createdAt: Date; updatedAt: Date } | undefined> {
  const r = await db.selectFrom('bank_csv_mappings').selectAll().where('name', '=', name).executeTakeFirst();
  return r && { name: r.name, mapping: r.mapping, createdAt: r.created_at, updatedAt: r.updated_at };
}

export async function listMappings(db: Executor): Promise<{ name: string; mapping: Record<string, unknown>; createdAt: Date; updatedAt: Date }[]> {
  const rows = await db.selectFrom('bank_csv_mappings').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, mapping: r.mapping, createdAt: r.created_at, updatedAt: r.updated_at }));
}
