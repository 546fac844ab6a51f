import type { ParsedEntry } from './statements/types.js';

/**
 * Who sent this money, and what does it pay? A pure decision over one bank entry and plain facts
 * the caller loads (issued invoices, customers, learned payer accounts, posted bank payments).
 * It never guesses: evidence that points at one customer matches; evidence that points at several,
 * or only at an amount, is a suggestion for a person; no evidence leaves the entry unmatched.
 *
 * In order: (a) outgoing, pending and info entries are not customer money; (f) a returned payment
 * finds the bank payment it returns; (b) a currency no customer is billed in cannot be booked;
 * (c) invoice numbers in the remittance or end-to-end id; (d) a customer's payment reference or
 * tenant id; (e) the payer (learned IBAN, or company name) together with the amount.
 */
export interface MatchInvoice {
  id: string;
  number: string;
  customerId: string;
  currency: string;
  /** what is left to pay, minor units (0 when settled) */
  open: bigint;
}

export interface MatchCustomer {
  id: string;
  name: string;
  paymentReference: string | null;
  tenantId: string | null;
  /** currencies the customer is billed in */
  currencies: readonly string[];
}

export interface MatchPayment {
  id: string;
  customerId: string;
  amount: bigint;
  currency: string;
  endToEndId: string | null;
  payerIban: string | null;
}

export interface MatchFacts {
  /** issued invoices: the open ones (oldest due first per customer) and any the entries name */
  invoices: readonly MatchInvoice[];
  customers: readonly MatchCustomer[];
  /** learned payer IBAN (normalized) → customer id */
  payerAccounts: ReadonlyMap<string, string>;
  /** posted (not reversed) payments that came from the bank */
  bankPayments: readonly MatchPayment[];
}

export type MatchInput = Pick<ParsedEntry, 'amount' | 'currency' | 'direction' | 'reversal' | 'status' | 'endToEndId' | 'remittance' | 'payer' | 'returnReason'>;

export interface Suggestion {
  customerId: string;
  invoiceIds: string[];
  reason: string;
  /** for a returned payment: the payment it may return */
  paymentId?: string;
}

export interface NamedAllocation {
  invoiceId: string;
  amount: bigint;
}

export interface MatchDecision {
  status: 'matched' | 'suggested' | 'unmatched' | 'ignored' | 'error';
  reason: string;
  customerId?: string;
  allocate?: 'oldest' | 'none' | NamedAllocation[];
  suggestions: Suggestion[];
  reversePaymentId?: string;
  error?: { code: string; params: Record<string, string> };
}

/** Upper-case ASCII letters and digits only: "inv 2026-000042" and "INV2026000042" compare equal. */
export const compactKey = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * Words of a text, as the compact keys a reference or number can be spread over. An ISO 11649
 * creditor reference ("RF43INV2026000046") counts as the reference it carries.
 */
const words = (text: string): string[] => (text.toUpperCase().match(/[A-Z0-9]+/g) ?? []).map((w) => w.replace(/^RF\d{2}(?=[A-Z0-9]{3,21}$)/, ''));

/** A number is written in at most this many pieces ("INV 2026 000042", a GUID's five groups). */
const MAX_PIECES = 6;

/**
 * Every run of up to MAX_PIECES adjacent words of a text, joined: what an invoice number or a
 * reference written with spaces, dashes or none would look like. The caller looks these up.
 */
export function keyCandidates(text: string): string[] {
  const w = words(text);
  const out = new Set<string>();
  for (let i = 0; i < w.length; i++) {
    let joined = '';
    for (let n = 0; n < MAX_PIECES && i + n < w.length; n++) {
      joined += w[i + n];
      if (joined.length >= 3) out.add(joined);
    }
  }
  return [...out];
}

/** Keys from `known` found in the text, in the order they appear, each once; the longest run wins at a place. */
function findKeys<T>(text: string, known: ReadonlyMap<string, T>): T[] {
  const w = words(text);
  const found: T[] = [];
  const seen = new Set<T>();
  for (let i = 0; i < w.length; ) {
    let hit: { value: T; len: number } | undefined;
    let joined = '';
    for (let n = 0; n < MAX_PIECES && i + n < w.length; n++) {
      joined += w[i + n];
      const v = known.get(joined);
      if (v !== undefined) hit = { value: v, len: n + 1 };
    }
    if (hit) {
      if (!seen.has(hit.value)) {
        seen.add(hit.value);
        found.push(hit.value);
      }
      i += hit.len;
    } else i++;
  }
  return found;
}

const LEGAL_FORMS = new Set([
  'gmbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'mbh', 'ev', 'se', 'co', 'ltd', 'limited', 'llc', 'llp', 'lp', 'inc', 'incorporated', 'corp', 'corporation', 'company',
  'plc', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'oy', 'ab', 'as', 'aps', 'pty', 'pte', 'kk',
  'ооо', 'оао', 'зао', 'пао', 'ао', 'ип', 'нко',
]);
const CJK_FORMS = ['股份有限公司', '有限责任公司', '有限公司', '公司'];

/** A company name without case, punctuation or legal form: "Contoso GmbH & Co. KG" → "contoso". */
export function normalizeName(name: string | null | undefined): string {
  const tokens = (name ?? '').normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const kept = tokens
    .map((t) => {
      for (const f of CJK_FORMS) if (t.length > f.length && t.endsWith(f)) return t.slice(0, -f.length);
      return t;
    })
    .filter((t) => !LEGAL_FORMS.has(t) && !CJK_FORMS.includes(t));
  return kept.join(' ');
}

export const normalizeIban = (iban: string | null | undefined): string | null => {
  const s = (iban ?? '').replace(/\s+/g, '').toUpperCase();
  return s ? s : null;
};

const usableE2e = (id: string | null | undefined): string | null => (id && id.trim() && id.trim().toUpperCase() !== 'NOTPROVIDED' ? id.trim() : null);

/** A returned payment: a reversal of a credit (RvslInd), or a debit the bank gives a return reason for. */
export const isReturn = (e: Pick<MatchInput, 'direction' | 'reversal' | 'returnReason'>): boolean => e.direction === 'debit' && (e.reversal || !!e.returnReason);

const unique = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Pay named invoices in order, each up to what it has open; what is left stays unapplied. */
function payInOrder(amount: bigint, invoices: readonly MatchInvoice[]): NamedAllocation[] {
  const out: NamedAllocation[] = [];
  let left = amount;
  for (const inv of invoices) {
    if (left <= 0n) break;
    const a = inv.open < left ? inv.open : left;
    if (a > 0n) out.push({ invoiceId: inv.id, amount: a });
    left -= a;
  }
  return out;
}

const decided = (d: Omit<MatchDecision, 'suggestions'> & { suggestions?: Suggestion[] }): MatchDecision => ({ suggestions: [], ...d });

export function matchEntry(entry: MatchInput, facts: MatchFacts): MatchDecision {
  if (entry.status !== 'booked') return decided({ status: 'ignored', reason: entry.status });
  if (isReturn(entry)) return matchReturn(entry, facts);
  if (entry.direction === 'debit') return decided({ status: 'ignored', reason: 'outgoing' });
  if (entry.reversal) return decided({ status: 'ignored', reason: 'reversal_of_debit' });

  const cur = entry.currency;
  const billed = (c: MatchCustomer) => c.currencies.includes(cur);
  if (!facts.customers.some(billed)) return decided({ status: 'error', reason: 'currency_not_billed', error: { code: 'bank.currency_not_billed', params: { currency: cur } } });

  const customers = new Map(facts.customers.map((c) => [c.id, c]));
  const text = `${entry.remittance} ${entry.endToEndId ?? ''}`;

  // (c) invoice numbers
  const byNumber = new Map<string, MatchInvoice>();
  for (const inv of facts.invoices) if (inv.number) byNumber.set(compactKey(inv.number), inv);
  const named = findKeys(text, byNumber);
  if (named.length > 0) {
    const owners = unique(named.map((i) => i.customerId));
    if (owners.length === 1 && named.every((i) => i.currency === cur)) {
      const allocate = payInOrder(entry.amount, named);
      return decided({ status: 'matched', reason: 'invoice_number', customerId: owners[0]!, allocate: allocate.length ? allocate : 'none' });
    }
    const suggestions = owners.map((id) => {
      const theirs = named.filter((i) => i.customerId === id && i.currency === cur).map((i) => i.id);
      return { customerId: id, invoiceIds: theirs, reason: theirs.length ? 'invoice_number' : 'invoice_other_currency' };
    });
    return decided({ status: 'suggested', reason: owners.length > 1 ? 'invoice_numbers_several_customers' : 'invoice_other_currency', suggestions });
  }

  // (d) a customer's payment reference or tenant id
  const byRef = new Map<string, { id: string; reason: string }>();
  for (const c of facts.customers) {
    if (c.tenantId && compactKey(c.tenantId).length >= 8) byRef.set(compactKey(c.tenantId), { id: c.id, reason: 'tenant_id' });
    if (c.paymentReference && compactKey(c.paymentReference).length >= 3) byRef.set(compactKey(c.paymentReference), { id: c.id, reason: 'payment_reference' });
  }
  const refs = findKeys(text, byRef);
  const refOwners = unique(refs.map((r) => r.id));
  if (refOwners.length === 1) {
    const reason = refs[0]!.reason;
    if (billed(customers.get(refOwners[0]!)!)) return decided({ status: 'matched', reason, customerId: refOwners[0]!, allocate: 'oldest' });
    return decided({ status: 'suggested', reason: 'customer_not_billed_in_currency', suggestions: [{ customerId: refOwners[0]!, invoiceIds: [], reason }] });
  }
  if (refOwners.length > 1) {
    return decided({ status: 'suggested', reason: 'references_several_customers', suggestions: refs.map((r) => ({ customerId: r.id, invoiceIds: [], reason: r.reason })) });
  }

  // (e) the payer and the amount
  const openOf = (customerId: string) => facts.invoices.filter((i) => i.customerId === customerId && i.currency === cur && i.open > 0n);
  const fitting = (customerId: string) => openOf(customerId).filter((i) => i.open === entry.amount);
  const iban = normalizeIban(entry.payer.iban);
  const learned = iban ? facts.payerAccounts.get(iban) : undefined;
  let payers: string[] = [];
  let via = 'payer_iban';
  if (learned && customers.has(learned)) payers = [learned];
  else {
    const name = normalizeName(entry.payer.name);
    via = 'payer_name';
    if (name) payers = facts.customers.filter((c) => normalizeName(c.name) === name).map((c) => c.id);
  }
  if (payers.length === 1) {
    const id = payers[0]!;
    const open = openOf(id);
    const fit = open.filter((i) => i.open === entry.amount);
    if (billed(customers.get(id)!)) {
      if (fit.length === 1) return decided({ status: 'matched', reason: `${via}_amount`, customerId: id, allocate: [{ invoiceId: fit[0]!.id, amount: entry.amount }] });
      if (open.length > 1 && open.reduce((s, i) => s + i.open, 0n) === entry.amount) {
        return decided({ status: 'matched', reason: `${via}_open_total`, customerId: id, allocate: open.map((i) => ({ invoiceId: i.id, amount: i.open })) });
      }
    }
    return decided({ status: 'suggested', reason: `${via}_amount_differs`, suggestions: [{ customerId: id, invoiceIds: fit.map((i) => i.id), reason: via }] });
  }
  if (payers.length > 1) {
    return decided({ status: 'suggested', reason: 'payer_several_customers', suggestions: payers.map((id) => ({ customerId: id, invoiceIds: fitting(id).map((i) => i.id), reason: via })) });
  }

  // the amount alone is never enough to book, only to suggest
  const byAmount: Suggestion[] = [];
  for (const c of facts.customers) {
    if (!billed(c)) continue;
    const open = openOf(c.id);
    const fit = open.filter((i) => i.open === entry.amount);
    if (fit.length > 0) byAmount.push({ customerId: c.id, invoiceIds: fit.map((i) => i.id), reason: 'amount' });
    else if (open.length > 1 && open.reduce((s, i) => s + i.open, 0n) === entry.amount) byAmount.push({ customerId: c.id, invoiceIds: open.map((i) => i.id), reason: 'amount_open_total' });
  }
  if (byAmount.length > 0) return decided({ status: 'suggested', reason: byAmount.length > 1 ? 'amount_several_customers' : 'amount_only', suggestions: byAmount });
  return decided({ status: 'unmatched', reason: 'no_evidence' });
}

/** (f) The bank payment a return gives back: same end-to-end id, else same payer account and amount. */
function matchReturn(entry: MatchInput, facts: MatchFacts): MatchDecision {
  const same = facts.bankPayments.filter((p) => p.currency === entry.currency);
  const e2e = usableE2e(entry.endToEndId);
  const iban = normalizeIban(entry.payer.iban);
  let found: MatchPayment[] = e2e ? same.filter((p) => usableE2e(p.endToEndId) === e2e) : [];
  let reason = 'return_end_to_end_id';
  if (found.length === 0 && iban) {
    found = same.filter((p) => normalizeIban(p.payerIban) === iban && p.amount === entry.amount);
    reason = 'return_payer_amount';
  }
  const suggestions = found.map((p) => ({ customerId: p.customerId, invoiceIds: [], reason, paymentId: p.id }));
  if (found.length === 1 && found[0]!.amount === entry.amount) {
    return decided({ status: 'matched', reason, customerId: found[0]!.customerId, reversePaymentId: found[0]!.id, suggestions });
  }
  if (found.length > 0) return decided({ status: 'suggested', reason: found.length > 1 ? 'return_several_payments' : 'return_amount_differs', suggestions });
  return decided({ status: 'unmatched', reason: 'return_payment_not_found' });
}
