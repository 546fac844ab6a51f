import { z } from 'zod';
import { isCurrency } from '../../core/currencies.js';
import { moneyToDecimalString } from '../../core/money.js';
import { DateTime } from '../../http/schemas.js';
import type { ProviderInvoiceWithPayable } from './invoices.repo.js';
import type { TieOut } from './tie-out.js';

/** The provider-invoice and payables API contract. Amounts travel as exact decimal strings ("1234.56"). */
/** A calendar date in a sane range (postgres and date arithmetic both accept it). */
export const IsoDate = z.iso.date().refine((d) => d >= '1900-01-01' && d <= '2999-12-31', 'a date between 1900 and 2999');
export const Decimal = z.string().trim().regex(/^-?\d{1,15}(\.\d{1,6})?$/, 'a decimal like 1234.56');
const Currency = z.string().regex(/^[A-Z]{3}$/).refine(isCurrency, 'ISO 4217 code');

export const PAYABLE_STATUSES = ['open', 'scheduled', 'paid', 'overdue', 'credit'] as const;

export const ProviderInvoiceOut = z.object({
  id: z.string(),
  providerAccountId: z.string(),
  accountName: z.string(),
  invoiceNumber: z.string(),
  payee: z.enum(['microsoft', '21vianet']),
  source: z.enum(['api', 'manual']),
  invoiceType: z.string().nullable(),
  documentType: z.string().nullable(),
  invoiceDate: z.string(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  dueDate: z.string(),
  scheduledFor: z.string().nullable(),
  currency: z.string(),
  total: z.string(),
  paid: z.string(),
  balance: z.string(),
  providerPaid: z.string(),
  status: z.enum(PAYABLE_STATUSES),
  daysOverdue: z.number().int(),
  daysUntilDue: z.number().int(),
  linesImportedAt: DateTime.nullable(),
});

export const toInvoiceOut = (i: ProviderInvoiceWithPayable): z.output<typeof ProviderInvoiceOut> => {
  const d = (amount: bigint) => moneyToDecimalString({ amount, currency: i.currency });
  return {
    id: i.id,
    providerAccountId: i.providerAccountId,
    accountName: i.accountName,
    invoiceNumber: i.invoiceNumber,
    payee: i.payee,
    source: i.source,
    invoiceType: i.invoiceType,
    documentType: i.documentType,
    invoiceDate: i.invoiceDate,
    periodStart: i.periodStart,
    periodEnd: i.periodEnd,
    dueDate: i.dueDate,
    scheduledFor: i.scheduledFor,
    currency: i.currency,
    total: d(i.total),
    paid: d(i.paid),
    balance: d(i.payable.balance),
    providerPaid: d(i.providerPaid),
    status: i.payable.status,
    daysOverdue: i.payable.daysOverdue,
    daysUntilDue: i.payable.daysUntilDue,
    linesImportedAt: i.linesImportedAt,
  };
};

export const TieOutOut = z.object({
  currency: z.string(),
  invoiceTotal: z.string(),
  linesTotal: z.string(),
  lines: z.number().int(),
  difference: z.string(),
  status: z.enum(['tied', 'explained', 'unexplained', 'no_lines']),
  credits: z.string(),
  priceAdjustments: z.string(),
  differences: z.array(
    z.object({
      reason: z.enum(['missing_lines', 'exchange_rate', 'partner_earned_credit', 'rounding', 'adjustment']),
      amount: z.string(),
      lines: z.number().int().optional(),
      currencies: z.array(z.object({ currency: z.string(), total: z.string(), lines: z.number().int() })).optional(),
    }),
  ),
});

export function toTieOutOut(t: TieOut): z.output<typeof TieOutOut> {
  const d = (amount: bigint, currency = t.currency) => moneyToDecimalString({ amount, currency });
  return {
    currency: t.currency,
    invoiceTotal: d(t.invoiceTotal),
    linesTotal: d(t.linesTotal),
    lines: t.lines,
    difference: d(t.difference),
    status: t.status,
    credits: d(t.credits),
    priceAdjustments: d(t.priceAdjustments),
    differences: t.differences.map((x) => ({
      reason: x.reason,
      amount: d(x.amount),
      ...(x.lines !== undefined && { lines: x.lines }),
      ...(x.currencies && { currencies: x.currencies.map((c) => ({ currency: c.currency, total: d(c.total, c.currency), lines: c.lines })) }),
    })),
  };
}

export const UnmatchedGroupOut = z.object({
  providerAccountId: z.string(),
  customerTenantId: z.string().nullable(),
  customerName: z.string().nullable(),
  subscriptionId: z.string().nullable(),
  reason: z.enum(['customer', 'subscription']),
  currency: z.string(),
  lines: z.number().int(),
  total: z.string(),
  invoices: z.array(z.string()),
});

export const SeatDifferenceOut = z.object({
  subscriptionId: z.string(),
  customerTenantId: z.string().nullable(),
  customerName: z.string().nullable(),
  product: z.string().nullable(),
  chargeStart: z.string().nullable(),
  billed: z.string(),
  expected: z.number().int().nullable(),
  deskSubscriptionId: z.string().nullable(),
  customerId: z.string().nullable(),
});

export const PaymentOut = z.object({
  id: z.string(),
  amount: z.string(),
  currency: z.string(),
  paidOn: z.string(),
  method: z.string(),
  reference: z.string().nullable(),
  note: z.string().nullable(),
  recordedBy: z.string(),
  recordedAt: DateTime,
});

export const ManualInvoiceIn = z.strictObject({
  providerAccountId: z.string().min(1).max(64),
  invoiceNumber: z.string().trim().min(1).max(64),
  invoiceDate: IsoDate,
  dueDate: IsoDate.optional(),
  periodStart: IsoDate.optional(),
  periodEnd: IsoDate.optional(),
  currency: Currency,
  total: Decimal,
});

export const PaymentIn = z.strictObject({
  amount: Decimal,
  currency: Currency,
  paidOn: IsoDate,
  method: z.enum(['bank_transfer', 'direct_debit', 'card', 'other']),
  reference: z.string().trim().max(140).optional(),
  note: z.string().trim().max(1000).optional(),
});

export const ScheduleIn = z.strictObject({ date: IsoDate.nullable() });
