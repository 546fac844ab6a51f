import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { moneyToDecimalString } from '../../core/money.js';
import type { Deps } from '../../deps.js';
import { ADMIN, ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf } from '../../http/auth.js';
import { DateTime, problemResponses } from '../../http/schemas.js';
import { AllocationSpec, applyCreditNote, undoAllocation } from './allocate.js';
import { balances } from './ledger.js';
import { checkLedger } from './ledger-check.js';
import { allocatePayment, PaymentIn, recordPayment, RefundIn, refundPayment, ReverseIn, reversePayment } from './payments.js';
import { listAllocations, listPayments, type PaymentView } from './receivables.repo.js';

/**
 * Payments API: record, allocate, reverse and refund customer payments, undo an allocation,
 * apply a credit note; the journal's balances and its integrity check. Amounts are decimal
 * strings in the payment's currency ("1250.00"), as in the invoicing API. Staff read; billing
 * staff write; the integrity check is for admins.
 */
const tags = ['payments'];
const Id = z.strictObject({ id: z.string().max(64) });
const read = { access: staff(ANY_STAFF) };
const write = { access: staff(BILLING_WRITE) };
const dec = (amount: bigint, currency: string) => moneyToDecimalString({ amount, currency });

const PaymentOut = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string(),
  amount: z.string(),
  currency: z.string(),
  receivedOn: z.string(),
  method: z.string(),
  reference: z.string().nullable(),
  payerName: z.string().nullable(),
  payerIban: z.string().nullable(),
  note: z.string().nullable(),
  source: z.string(),
  status: z.enum(['posted', 'reversed']),
  flagged: z.boolean(),
  reversedOn: z.string().nullable(),
  reversalReason: z.string().nullable(),
  unapplied: z.string(),
  refunded: z.string(),
  recordedBy: z.string(),
  recordedAt: DateTime,
});
const toPaymentOut = (p: PaymentView): z.output<typeof PaymentOut> => ({ ...p, amount: dec(p.amount, p.currency), unapplied: dec(p.unapplied, p.currency), refunded: dec(p.refunded, p.currency) });

const AllocationOut = z.object({
  id: z.string(),
  paymentId: z.string().nullable(),
  creditNoteId: z.string().nullable(),
  creditNoteNumber: z.string().nullable(),
  invoiceId: z.string(),
  invoiceNumber: z.string().nullable(),
  amount: z.string(),
  currency: z.string(),
  appliedOn: z.string(),
  releasedOn: z.string().nullable(),
  releaseReason: z.string().nullable(),
  createdBy: z.string(),
});
const RefundOut = z.object({ id: z.string(), amount: z.string(), currency: z.string(), refundedOn: z.string(), method: z.string(), reference: z.string().nullable(), reason: z.string(), createdBy: z.string() });
const AllocateBody = z.strictObject({ allocate: AllocationSpec });

export function paymentRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const detail = async (id: string) => {
    const [p] = await listPayments(deps.db, { id });
    if (!p) throw notFound('payment', id);
    const allocations = await listAllocations(deps.db, { paymentId: id });
    const refunds = await deps.db.selectFrom('refunds').selectAll().where('payment_id', '=', id).orderBy('created_at').execute();
    return {
      payment: toPaymentOut(p),
      allocations: allocations.map((a) => ({
        id: a.id,
        paymentId: a.payment_id,
        creditNoteId: a.credit_note_id,
        creditNoteNumber: a.credit_note_number,
        invoiceId: a.invoice_id,
        invoiceNumber: a.invoice_number,
        amount: dec(a.amount, a.currency),
        currency: a.currency,
        appliedOn: a.applied_on,
        releasedOn: a.released_on,
        releaseReason: a.release_reason,
        createdBy: a.created_by,
      })),
      refunds: refunds.map((f) => ({ id: f.id, amount: dec(f.amount, f.currency), currency: f.currency, refundedOn: f.refunded_on, method: f.method, reference: f.reference, reason: f.reason, createdBy: f.created_by })),
    };
  };
  const Detail = z.object({ payment: PaymentOut, allocations: z.array(AllocationOut), refunds: z.array(RefundOut) });

  r.get(
    '/api/payments',
    {
      config: read,
      schema: {
        tags,
        summary: 'Customer payments, newest first',
        querystring: z.strictObject({ customerId: z.string().max(64).optional(), flagged: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }),
        response: { 200: z.object({ items: z.array(PaymentOut) }), ...problemResponses },
      },
    },
    async (req) => ({
      items: (await listPayments(deps.db, { customerId: req.query.customerId, flagged: req.query.flagged === undefined ? undefined : req.query.flagged === 'true', limit: req.query.limit })).map(toPaymentOut),
    }),
  );
  r.post(
    '/api/payments',
    { config: write, schema: { tags, summary: 'Record a payment and allocate it (oldest due first by default); the rest is unapplied credit', body: PaymentIn, response: { 201: Detail, ...problemResponses } } },
    async (req, reply) => {
      const p = await recordPayment(deps, actorOf(req), req.body);
      return reply.code(201).send(await detail(p.id));
    },
  );
  r.get('/api/payments/:id', { config: read, schema: { tags, summary: 'A payment with its allocations and refunds', params: Id, response: { 200: Detail, ...problemResponses } } }, async (req) => detail(req.params.id));
  r.post(
    '/api/payments/:id/allocate',
    { config: write, schema: { tags, summary: 'Allocate what is left of a payment: to named invoices, or oldest due first', params: Id, body: AllocateBody, response: { 200: Detail, ...problemResponses } } },
    async (req) => {
      await allocatePayment(deps, actorOf(req), req.params.id, req.body.allocate);
      return detail(req.params.id);
    },
  );
  r.post(
    '/api/payments/:id/reverse',
    { config: write, schema: { tags, summary: 'Reverse a payment (returned direct debit, bounced transfer): what it paid is open again, and it is flagged', params: Id, body: ReverseIn, response: { 200: Detail, ...problemResponses } } },
    async (req) => {
      await reversePayment(deps, actorOf(req), req.params.id, req.body);
      return detail(req.params.id);
    },
  );
  r.post(
    '/api/payments/:id/refund',
    { config: write, schema: { tags, summary: 'Pay back unapplied credit of a payment', params: Id, body: RefundIn, response: { 200: Detail, ...problemResponses } } },
    async (req) => {
      await refundPayment(deps, actorOf(req), req.params.id, req.body);
      return detail(req.params.id);
    },
  );
  r.post(
    '/api/allocations/:id/undo',
    { config: write, schema: { tags, summary: 'Undo an allocation: the invoice is open again, the money (or credit) unapplied again', params: Id, response: { 204: z.null(), ...problemResponses } } },
    async (req, reply) => {
      await undoAllocation(deps, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );
  r.post(
    '/api/credit-notes/:id/apply',
    {
      config: write,
      schema: { tags, summary: "Apply what is left of a credit note to the customer's other invoices", params: Id, body: AllocateBody, response: { 200: z.object({ applied: z.string(), left: z.string() }), ...problemResponses } },
    },
    async (req) => {
      const cn = await deps.db.selectFrom('invoices').select('currency').where('id', '=', req.params.id).executeTakeFirst();
      const res = await applyCreditNote(deps, actorOf(req), req.params.id, req.body.allocate);
      return { applied: dec(res.applied, cn!.currency), left: dec(res.left, cn!.currency) };
    },
  );

  r.get(
    '/api/ledger/balances',
    {
      config: read,
      schema: {
        tags,
        summary: 'Account balances from the journal (debit − credit), as of a date',
        querystring: z.strictObject({ asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }),
        response: { 200: z.object({ items: z.array(z.object({ account: z.string(), party: z.string().nullable(), currency: z.string(), balance: z.string() })) }), ...problemResponses },
      },
    },
    async (req) => ({ items: (await balances(deps.db, req.query.asOf ? { asOf: req.query.asOf } : {})).map((b) => ({ ...b, balance: dec(b.balance, b.currency) })) }),
  );
  r.get(
    '/api/ledger/check',
    {
      config: { access: staff(ADMIN) },
      schema: {
        tags,
        summary: 'Prove the journal: it balances, no entry was changed (hash chain), every document matches its entries',
        response: {
          200: z.object({
            ok: z.boolean(),
            entries: z.number().int(),
            unbalanced: z.array(z.record(z.string(), z.string())),
            chain: z.object({ ok: z.boolean(), brokenAt: z.string().nullable(), reason: z.string().nullable() }),
            documents: z.array(z.record(z.string(), z.string())),
            receivables: z.array(z.record(z.string(), z.string())),
          }),
          ...problemResponses,
        },
      },
    },
    async () => checkLedger(deps.db),
  );
}
