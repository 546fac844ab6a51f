import { sql } from 'kysely';
import { canonicalJson, newId, sha256Hex } from '../../core/ids.js';
import type { Executor } from '../../db/store.js';
import type { LedgerAccount } from '../../db/types.js';

/**
 * The journal: append-only, double entry. Every document that moves money (an invoice, a credit
 * note, a payment, an allocation, a refund, a reversal, a provider invoice or payment) posts an
 * entry in the transaction that writes the document. Balances are sums over lines.
 *
 * Entries are appended one at a time under a transaction-level advisory lock, and each carries
 * SHA-256(previous hash + its own content): changing or deleting any entry breaks the chain from
 * there on, which `ledger check` reports. The lock also orders entries by commit. Use cases that
 * post take it first (`lockLedger`), before any row lock, so two postings cannot deadlock on it.
 */
export interface PostingLine {
  account: LedgerAccount;
  /** customer id (receivables, unapplied cash) or provider account id (provider payables) */
  party?: string | null;
  currency: string;
  debit?: bigint;
  credit?: bigint;
}

export interface Posting {
  kind: string;
  docType: 'invoice' | 'payment' | 'allocation' | 'refund' | 'provider_invoice' | 'provider_payment';
  docId: string;
  customerId?: string | null;
  effectiveDate: string;
  memo?: string | null;
  lines: PostingLine[];
}

export const GENESIS_HASH = '0'.repeat(64);

export async function lockLedger(db: Executor): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('partnerdesk.ledger'))`.execute(db);
}

/** The lines of an entry, checked: amounts positive, one side each, balanced per currency. */
export function normalizeLines(lines: readonly PostingLine[]): { account: LedgerAccount; party: string | null; currency: string; debit: bigint; credit: bigint }[] {
  const out = lines
    .map((l) => ({ account: l.account, party: l.party ?? null, currency: l.currency, debit: l.debit ?? 0n, credit: l.credit ?? 0n }))
    .filter((l) => l.debit !== 0n || l.credit !== 0n);
  const sums = new Map<string, bigint>();
  for (const l of out) {
    if (l.debit < 0n || l.credit < 0n || (l.debit !== 0n && l.credit !== 0n)) throw new Error(`ledger: a line has one positive side (${l.account})`);
    sums.set(l.currency, (sums.get(l.currency) ?? 0n) + l.debit - l.credit);
  }
  for (const [currency, s] of sums) if (s !== 0n) throw new Error(`ledger: entry does not balance in ${currency} (${s})`);
  return out;
}

/** What the hash covers: everything a reader relies on, in a fixed order. */
export function entryHash(prevHash: string, e: { seq: bigint; id: string; postedAt: Date; effectiveDate: string; kind: string; docType: string; docId: string; customerId: string | null; memo: string | null; lines: { account: string; party: string | null; currency: string; debit: bigint; credit: bigint }[] }): string {
  const body = canonicalJson({
    seq: e.seq.toString(),
    id: e.id,
    postedAt: e.postedAt.toISOString(),
    effectiveDate: e.effectiveDate,
    kind: e.kind,
    docType: e.docType,
    docId: e.docId,
    customerId: e.customerId,
    memo: e.memo,
    lines: e.lines.map((l) => [l.account, l.party, l.currency, l.debit.toString(), l.credit.toString()]),
  });
  return sha256Hex(prevHash + body);
}

/** Append one balanced entry. An entry with no lines left (all zero) is not written. */
export async function post(db: Executor, now: Date, p: Posting): Promise<{ seq: bigint; id: string } | null> {
  const lines = normalizeLines(p.lines);
  if (lines.length === 0) return null;
  await lockLedger(db); // re-entrant within the transaction
  const last = await db.selectFrom('ledger_entries').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const seq = (last?.seq ?? 0n) + 1n;
  const prevHash = last?.hash ?? GENESIS_HASH;
  const id = newId('je');
  const entry = { seq, id, postedAt: now, effectiveDate: p.effectiveDate, kind: p.kind, docType: p.docType, docId: p.docId, customerId: p.customerId ?? null, memo: p.memo ?? null, lines };
  const hash = entryHash(prevHash, entry);
  await db
    .insertInto('ledger_entries')
    .values({ seq, id, posted_at: now, effective_date: p.effectiveDate, kind: p.kind, doc_type: p.docType, doc_id: p.docId, customer_id: entry.customerId, memo: entry.memo, prev_hash: prevHash, hash })
    .execute();
  await db
    .insertInto('ledger_lines')
    .values(lines.map((l, n) => ({ entry_seq: seq, line_no: n + 1, account: l.account, party: l.party, currency: l.currency, debit: l.debit, credit: l.credit })))
    .execute();
  return { seq, id };
}

/**
 * What a document has posted so far, net per account, party and currency (debit − credit).
 * Documents whose amounts can change (a provider invoice re-issued) post the difference.
 */
export async function postedForDoc(db: Executor, docType: string, docId: string): Promise<Map<string, bigint>> {
  const rows = await sql<{ account: string; party: string | null; currency: string; net: string }>`
    SELECT l.account, l.party, l.currency, sum(l.debit - l.credit)::text AS net
    FROM ledger_entries e JOIN ledger_lines l ON l.entry_seq = e.seq
    WHERE e.doc_type = ${docType} AND e.doc_id = ${docId}
    GROUP BY l.account, l.party, l.currency`.execute(db);
  return new Map(rows.rows.map((r) => [`${r.account}|${r.party ?? ''}|${r.currency}`, BigInt(r.net)]));
}

/** Post what it takes for a document's postings to add up to `target` (lines as they should stand in total). */
export async function postDifference(db: Executor, now: Date, p: Omit<Posting, 'lines'>, target: PostingLine[]): Promise<boolean> {
  const have = await postedForDoc(db, p.docType, p.docId);
  const want = new Map<string, { line: PostingLine; net: bigint }>();
  for (const l of normalizeLines(target)) {
    const k = `${l.account}|${l.party ?? ''}|${l.currency}`;
    const cur = want.get(k);
    want.set(k, { line: l, net: (cur?.net ?? 0n) + l.debit - l.credit });
  }
  const lines: PostingLine[] = [];
  for (const k of new Set([...have.keys(), ...want.keys()])) {
    const diff = (want.get(k)?.net ?? 0n) - (have.get(k) ?? 0n);
    if (diff === 0n) continue;
    const [account, party, currency] = k.split('|') as [LedgerAccount, string, string];
    lines.push(diff > 0n ? { account, party: party || null, currency, debit: diff } : { account, party: party || null, currency, credit: -diff });
  }
  return (await post(db, now, { ...p, lines })) !== null;
}

export interface AccountBalance {
  account: LedgerAccount;
  party: string | null;
  currency: string;
  /** debit − credit */
  balance: bigint;
}

/** Balances from the journal as of a date (effective dates up to and including it), or all. */
export async function balances(db: Executor, q: { account?: LedgerAccount; party?: string; asOf?: string } = {}): Promise<AccountBalance[]> {
  const rows = await sql<{ account: LedgerAccount; party: string | null; currency: string; balance: string }>`
    SELECT l.account, l.party, l.currency, sum(l.debit - l.credit)::text AS balance
    FROM ledger_lines l JOIN ledger_entries e ON e.seq = l.entry_seq
    WHERE (${q.account ?? null}::text IS NULL OR l.account = ${q.account ?? null})
      AND (${q.party ?? null}::text IS NULL OR l.party = ${q.party ?? null})
      AND (${q.asOf ?? null}::date IS NULL OR e.effective_date <= ${q.asOf ?? null}::date)
    GROUP BY l.account, l.party, l.currency
    ORDER BY l.account, l.party, l.currency`.execute(db);
  return rows.rows.map((r) => ({ account: r.account, party: r.party, currency: r.currency, balance: BigInt(r.balance) }));
}

/** One customer's receivable (debit) and unapplied cash (credit, shown positive) per currency. */
export async function customerBalances(db: Executor, customerId: string, asOf?: string): Promise<Map<string, { receivable: bigint; unapplied: bigint }>> {
  const out = new Map<string, { receivable: bigint; unapplied: bigint }>();
  for (const b of await balances(db, { party: customerId, ...(asOf && { asOf }) })) {
    const cur = out.get(b.currency) ?? { receivable: 0n, unapplied: 0n };
    if (b.account === 'receivables') cur.receivable += b.balance;
    if (b.account === 'unapplied_cash') cur.unapplied -= b.balance;
    out.set(b.currency, cur);
  }
  return out;
}
