import { sql } from 'kysely';
import { z } from 'zod';
import { AppError, isAppError } from '../../core/errors.js';
import type { Formatter, I18n } from '../../core/i18n.js';
import { newId, sha256Hex } from '../../core/ids.js';
import { formatScaled } from '../../core/money.js';
import { currencyExponent } from '../../core/currencies.js';
import { runUseCase, type Actor, type UseCaseContext } from '../../db/tx.js';
import { isReturn, keyCandidates, matchEntry, normalizeIban, type MatchDecision, type MatchFacts } from './bank-match.js';
import { invoicesById, learnPayer, learnedPayers, matchCustomers, matchInvoices, postedBankPayments } from './bank.repo.js';
import { lockLedger } from './ledger.js';
import { PaymentIn, recordPaymentIn, reversePaymentIn, type PaymentsDeps } from './payments.js';
import { parseStatementFile } from './statements/parse.js';
import { StatementError, type CsvMapping, type ParsedEntry, type ParsedStatement } from './statements/types.js';

/**
 * Import a bank statement file (camt.053/054, MT940, or CSV with a saved mapping). The file is
 * parsed and checked first: a file that does not add up is refused whole, nothing stored. Then one
 * transaction: statements and entries already seen add nothing; every new entry is stored with
 * its match decision, and what matched is posted (payments, returns) in the same transaction.
 * An entry that cannot be booked is stored as an error with its code, never dropped.
 */
export type BankDeps = PaymentsDeps & { i18n: I18n };

export interface BankImportError {
  /** "<statement ref>#<position>" */
  entry: string;
  code: string;
  params: Record<string, string>;
  message: string;
}

export interface BankImportResult {
  statements: number;
  statementIds: string[];
  entries: number;
  matched: number;
  suggested: number;
  unmatched: number;
  ignored: number;
  duplicates: number;
  errors: BankImportError[];
}

/** A catalog message that never throws for a missing parameter (falls back to the code). */
export function localizeCode(fmt: Formatter, code: string, params: Record<string, string | number> = {}): string {
  const key = `errors.${code}`;
  if (!fmt.has(key)) return code;
  try {
    return fmt.t(key, params);
  } catch {
    return code;
  }
}

/** A file that cannot be read → 400 with the reason and the place. */
export function statementProblem(e: StatementError, fmt: Formatter): AppError {
  const message = localizeCode(fmt, e.code, e.params);
  return new AppError('bad_request', e.code, e.params, { ...(e.at && { field: e.at }), errors: [{ ...(e.at && { field: e.at }), code: e.code, message }] });
}

/** A bank's CSV layout (see CsvMapping): checked when saved and again when used. */
const Column = z.string().trim().min(1).max(100);
export const CsvMappingSchema = z.strictObject({
  delimiter: z.enum([',', ';', '\t']).optional(),
  decimalSeparator: z.enum(['.', ',']).optional(),
  dateFormat: z.string().trim().min(6).max(20),
  columns: z.strictObject({
    bookingDate: Column,
    valueDate: Column.optional(),
    amount: Column.optional(),
    credit: Column.optional(),
    debit: Column.optional(),
    currency: Column.optional(),
    remittance: z.union([Column, z.array(Column).min(1).max(10)]),
    payerName: Column.optional(),
    payerIban: Column.optional(),
    reference: Column.optional(),
    endToEndId: Column.optional(),
  }),
  currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  accountIban: z.string().trim().max(50).optional(),
}).refine((m) => !!m.columns.amount !== !!(m.columns.credit || m.columns.debit), { message: 'amount, or credit and debit', path: ['columns', 'amount'] })
  .refine((m) => !!m.columns.currency || !!m.currency, { message: 'a currency column or a currency', path: ['currency'] });

const DIRECT_DEBIT = /DDT|ESDD|BBDD|DIRECT.?DEBIT|LASTSCHRIFT/i;
export const methodOf = (code: string | null): 'direct_debit' | 'bank_transfer' => (code && DIRECT_DEBIT.test(code) ? 'direct_debit' : 'bank_transfer');
const usable = (s: string | null) => (s && s.trim() && s.trim().toUpperCase() !== 'NOTPROVIDED' ? s.trim() : null);
export const paymentReferenceOf = (e: { endToEndId: string | null; bankReference: string | null }) => (usable(e.endToEndId) ?? usable(e.bankReference) ?? undefined)?.slice(0, 200);
export const decimal = (amount: bigint, currency: string) => formatScaled({ value: amount, scale: currencyExponent(currency) });
/** A pending entry is stored apart from its booked self, which a later statement brings. */
const entryKeyOf = (e: ParsedEntry) => (e.status === 'booked' ? e.key : `${e.key}#${e.status}`);
const accountKeyOf = (s: ParsedStatement) => s.account.iban ?? s.account.other ?? 'unknown';

export async function loadCsvMapping(deps: Pick<BankDeps, 'db'>, name: string): Promise<CsvMapping> {
  const row = await deps.db.selectFrom('bank_csv_mappings').select('mapping').where('name', '=', name).executeTakeFirst();
  if (!row) throw new AppError('bad_request', 'bank.unknown_mapping', { name }, { field: 'mapping' });
  const m = CsvMappingSchema.safeParse(row.mapping);
  if (!m.success) throw new AppError('bad_request', 'bank.csv_bad_mapping', { field: m.error.issues[0]?.path.join('.') ?? '', value: name }, { field: 'mapping' });
  return m.data as CsvMapping;
}

/** What matching needs for these entries, read inside the transaction that holds the ledger lock. */
export async function loadFacts(ctx: UseCaseContext, entries: readonly ParsedEntry[]): Promise<MatchFacts> {
  const keys = entries.flatMap((e) => keyCandidates(`${e.remittance} ${e.endToEndId ?? ''}`));
  const ibans = entries.map((e) => normalizeIban(e.payer.iban)).filter((x): x is string => !!x);
  return {
    customers: await matchCustomers(ctx.trx),
    invoices: await matchInvoices(ctx.trx, keys),
    payerAccounts: await learnedPayers(ctx.trx, ibans),
    bankPayments: await postedBankPayments(ctx.trx, [...new Set(entries.filter(isReturn).map((e) => e.currency))]),
  };
}

/** After a posting: what those invoices have open now, and which bank payments are still posted. */
export async function refreshFacts(ctx: UseCaseContext, facts: MatchFacts, invoiceIds: readonly string[], payments: { added?: MatchFacts['bankPayments'][number]; reversed?: string }): Promise<MatchFacts> {
  const fresh = new Map((await invoicesById(ctx.trx, invoiceIds)).map((i) => [i.id, i]));
  const invoices = facts.invoices.map((i) => fresh.get(i.id) ?? i);
  for (const i of fresh.values()) if (!facts.invoices.some((x) => x.id === i.id)) invoices.push(i);
  let bankPayments = facts.bankPayments.filter((p) => p.id !== payments.reversed);
  if (payments.added) bankPayments = [...bankPayments, payments.added];
  return { ...facts, invoices, bankPayments };
}

/** Run `fn` so that its failure with an AppError undoes only its own writes. */
export async function inSavepoint<T>(ctx: UseCaseContext, fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: AppError }> {
  const name = `sp_${newId('x').replace(/[^a-zA-Z0-9]/g, '')}`;
  await sql.raw(`SAVEPOINT ${name}`).execute(ctx.trx);
  try {
    const value = await fn();
    await sql.raw(`RELEASE SAVEPOINT ${name}`).execute(ctx.trx);
    return { ok: true, value };
  } catch (e) {
    if (!isAppError(e)) throw e;
    await sql.raw(`ROLLBACK TO SAVEPOINT ${name}`).execute(ctx.trx);
    return { ok: false, error: e };
  }
}

export async function importBankFile(deps: BankDeps, actor: Actor, content: string | Buffer, opts: { fileName?: string | undefined; mappingName?: string | undefined; fmt?: Formatter } = {}): Promise<BankImportResult> {
  const fmt = opts.fmt ?? deps.i18n.formatter('en');
  const mapping = opts.mappingName ? await loadCsvMapping(deps, opts.mappingName) : undefined;
  let parsed: ParsedStatement[];
  try {
    parsed = parseStatementFile(content, { ...(mapping && { mapping }), ...(opts.fileName && { fileName: opts.fileName }) });
  } catch (e) {
    if (e instanceof StatementError) throw statementProblem(e, fmt);
    throw e;
  }
  const hash = sha256Hex(typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
  const tz = deps.config.businessTimeZone;
  const result: BankImportResult = { statements: 0, statementIds: [], entries: 0, matched: 0, suggested: 0, unmatched: 0, ignored: 0, duplicates: 0, errors: [] };

  return runUseCase(deps, actor, async (ctx) => {
    await lockLedger(ctx.trx);
    const seenFile = await ctx.trx.selectFrom('bank_statements').select('id').where('content_hash', '=', hash).executeTakeFirst();
    if (seenFile) {
      result.duplicates = parsed.reduce((n, s) => n + s.entries.length, 0);
      await ctx.audit({ action: 'bank.import', entityType: 'bank_statement', entityId: seenFile.id, after: { fileName: opts.fileName ?? null, duplicateOf: seenFile.id, duplicates: result.duplicates } });
      return result;
    }
    let facts = await loadFacts(ctx, parsed.flatMap((s) => s.entries));
    for (const st of parsed) {
      const accountKey = accountKeyOf(st);
      const known = await ctx.trx.selectFrom('bank_statements').select('id').where('format', '=', st.format).where('account_key', '=', accountKey).where('statement_ref', '=', st.statementId).executeTakeFirst();
      if (known) {
        result.duplicates += st.entries.length;
        continue;
      }
      const statementId = newId('bst');
      await ctx.trx
        .insertInto('bank_statements')
        .values({
          id: statementId,
          format: st.format,
          version: st.version,
          statement_ref: st.statementId,
          account_key: accountKey,
          account_iban: st.account.iban,
          account_currency: st.account.currency,
          from_date: st.fromDate,
          to_date: st.toDate,
          opening_balance: st.openingBalance,
          closing_balance: st.closingBalance,
          content_hash: hash,
          file_name: opts.fileName ?? null,
          entries: st.entries.length,
          imported_by: ctx.actor.label,
          imported_at: ctx.now,
        })
        .execute();
      result.statements++;
      result.statementIds.push(statementId);
      for (const e of st.entries) {
        const key = entryKeyOf(e);
        const dup = await ctx.trx.selectFrom('bank_entries').select('id').where('entry_key', '=', key).executeTakeFirst();
        if (dup) {
          result.duplicates++;
          continue;
        }
        const decision = matchEntry(e, facts);
        const outcome = await storeEntry(ctx, tz, statementId, key, e, decision);
        facts = outcome.facts ? await refreshFacts(ctx, facts, outcome.facts.invoiceIds, outcome.facts) : facts;
        result.entries++;
        const status = outcome.status;
        if (status === 'error') {
          const params = outcome.error!.params;
          result.errors.push({ entry: `${st.statementId}#${e.position}`, code: outcome.error!.code, params, message: localizeCode(fmt, outcome.error!.code, params) });
        } else result[status]++;
      }
    }
    await ctx.audit({
      action: 'bank.import',
      entityType: 'bank_statement',
      entityId: result.statementIds[0] ?? hash.slice(0, 16),
      after: { fileName: opts.fileName ?? null, contentHash: hash, statementIds: result.statementIds, entries: result.entries, matched: result.matched, suggested: result.suggested, unmatched: result.unmatched, ignored: result.ignored, duplicates: result.duplicates, errors: result.errors.length },
    });
    return result;
  });
}

type Outcome = {
  status: 'matched' | 'suggested' | 'unmatched' | 'ignored' | 'error';
  error?: { code: string; params: Record<string, string> };
  facts?: { invoiceIds: string[]; added?: MatchFacts['bankPayments'][number]; reversed?: string };
};

/** Store one new entry with its decision, and post it when it matched. */
async function storeEntry(ctx: UseCaseContext, tz: string, statementId: string, key: string, e: ParsedEntry, d: MatchDecision): Promise<Outcome> {
  const id = newId('bke');
  const status = d.status;
  await ctx.trx
    .insertInto('bank_entries')
    .values({
      id,
      statement_id: statementId,
      entry_key: key,
      position: e.position,
      booking_date: e.bookingDate,
      value_date: e.valueDate,
      amount: e.amount,
      currency: e.currency,
      direction: e.direction,
      reversal: e.reversal,
      bank_reference: e.bankReference,
      end_to_end_id: e.endToEndId,
      remittance: e.remittance,
      payer_name: e.payer.name,
      payer_iban: normalizeIban(e.payer.iban),
      transaction_code: e.transactionCode,
      return_reason: e.returnReason,
      match_status: status,
      match_reason: d.reason,
      customer_id: status === 'matched' ? d.customerId ?? null : null,
      suggestions: JSON.stringify(d.suggestions),
      error_code: d.error?.code ?? null,
      error_params: d.error ? JSON.stringify(d.error.params) : null,
      created_at: ctx.now,
    })
    .execute();
  if (status !== 'matched') return { status, ...(d.error && { error: d.error }) };

  const posted = await inSavepoint(ctx, () => postMatched(ctx, tz, id, e, d));
  if (!posted.ok) {
    const params = Object.fromEntries(Object.entries(posted.error.params).map(([k, v]) => [k, String(v)]));
    await ctx.trx
      .updateTable('bank_entries')
      .set({ match_status: 'error', customer_id: null, error_code: posted.error.code, error_params: JSON.stringify(params) })
      .where('id', '=', id)
      .execute();
    return { status: 'error', error: { code: posted.error.code, params } };
  }
  return { status, facts: posted.value };
}

/** Post a matched entry: a payment (learning the payer's account) or the return of one. */
export async function postMatched(ctx: UseCaseContext, tz: string, entryId: string, e: Pick<ParsedEntry, 'amount' | 'currency' | 'bookingDate' | 'valueDate' | 'transactionCode' | 'endToEndId' | 'bankReference' | 'payer' | 'returnReason' | 'direction' | 'reversal'>, d: Pick<MatchDecision, 'customerId' | 'allocate' | 'reversePaymentId' | 'reason'>): Promise<NonNullable<Outcome['facts']>> {
  const date = e.bookingDate ?? e.valueDate;
  if (!date) throw new AppError('bad_request', 'bank.no_date', {});
  if (d.reversePaymentId) {
    const returnCode = e.returnReason ?? undefined;
    const r = await reversePaymentIn(ctx, tz, d.reversePaymentId, { reason: `bank:${entryId}`, reversedOn: date, ...(returnCode && { returnCode: returnCode.slice(0, 10) }) });
    await ctx.trx.updateTable('bank_entries').set({ reversed_payment_id: d.reversePaymentId, customer_id: d.customerId ?? null }).where('id', '=', entryId).execute();
    return { invoiceIds: r.reopened, reversed: d.reversePaymentId };
  }
  const allocate = Array.isArray(d.allocate) ? d.allocate.map((a) => ({ invoiceId: a.invoiceId, amount: decimal(a.amount, e.currency) })) : (d.allocate ?? 'oldest');
  const reference = paymentReferenceOf(e);
  const input = PaymentIn.parse({
    customerId: d.customerId!,
    amount: decimal(e.amount, e.currency),
    currency: e.currency,
    receivedOn: date,
    method: methodOf(e.transactionCode),
    ...(reference && { reference }),
    ...(e.payer.name && { payerName: e.payer.name.slice(0, 200) }),
    ...(e.payer.iban && { payerIban: e.payer.iban.slice(0, 50) }),
    allocate,
  });
  const p = await recordPaymentIn(ctx, tz, input, { source: 'bank', bankEntryId: entryId });
  await ctx.trx.updateTable('bank_entries').set({ payment_id: p.id, customer_id: d.customerId! }).where('id', '=', entryId).execute();
  // strong evidence (an invoice number, a reference) teaches who pays from this account
  if (d.reason === 'invoice_number' || d.reason === 'payment_reference' || d.reason === 'tenant_id') await learnPayer(ctx.trx, e.payer.iban, d.customerId!, ctx.now, false);
  return {
    invoiceIds: p.invoiceIds,
    added: { id: p.id, customerId: d.customerId!, amount: e.amount, currency: e.currency, endToEndId: usable(e.endToEndId), payerIban: normalizeIban(e.payer.iban) },
  };
}
