import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import { moneyToDecimalString } from '../../core/money.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import {
  chargeBreakdown,
  findProviderInvoice,
  lineSums,
  linesWithoutInvoice,
  listPayments,
  listProviderInvoices,
  listUnpaid,
  seatDifferences,
  unmatchedGroups,
  withPayable,
} from './invoices.repo.js';
import {
  ManualInvoiceIn,
  PAYABLE_STATUSES,
  PaymentIn,
  PaymentOut,
  ProviderInvoiceOut,
  ScheduleIn,
  SeatDifferenceOut,
  TieOutOut,
  UnmatchedGroupOut,
  IsoDate,
  toInvoiceOut,
  toTieOutOut,
} from './invoices.schema.js';
import { dueSummary } from './payable-status.js';
import { createManualInvoice, recordProviderPayment, schedulePayment, today } from './provider-invoices.js';
import { syncProviderInvoices } from './sync-invoices.js';
import { tieOut } from './tie-out.js';

const tags = ['provider-billing'];
const Id = z.strictObject({ id: z.string().max(64) });
const dec = (amount: bigint, currency: string) => moneyToDecimalString({ amount, currency });

export function providerInvoiceRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const day = () => today(deps.clock.now(), deps.config.businessTimeZone);

  r.get(
    '/api/provider-billing/invoices',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags,
        summary: 'Provider invoices with what is owed on each (payable status derived from payments and the due date)',
        querystring: z.strictObject({
          providerAccountId: z.string().max(64).optional(),
          from: IsoDate.optional(),
          to: IsoDate.optional(),
          status: z.enum(PAYABLE_STATUSES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(ProviderInvoiceOut) }), ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      // owed statuses are narrowed in SQL first, so old unpaid invoices are never cut off by the limit
      const unpaidOnly = q.status === 'open' || q.status === 'scheduled' || q.status === 'overdue';
      const items = (await listProviderInvoices(deps.db, { accountId: q.providerAccountId, from: q.from, to: q.to, unpaidOnly, limit: q.status ? 5_000 : q.limit }))
        .map((i) => withPayable(i, day()))
        .filter((i) => !q.status || i.payable.status === q.status)
        .slice(0, q.limit);
      return { items: items.map(toInvoiceOut) };
    },
  );

  r.post(
    '/api/provider-billing/invoices',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: { tags, summary: 'Enter a provider invoice by hand (from its PDF); due date from the account’s payment terms unless given', body: ManualInvoiceIn, response: { 201: ProviderInvoiceOut, ...problemResponses } },
    },
    async (req, reply) => reply.code(201).send(toInvoiceOut(await createManualInvoice(deps, actorOf(req), req.body))),
  );

  r.post(
    '/api/provider-billing/invoices/sync',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: {
        tags,
        summary: 'Fetch provider invoices through the provider API and import the line items of new ones',
        body: z.strictObject({ providerAccountId: z.string().max(64) }),
        response: {
          200: z.object({
            invoices: z.number().int(),
            created: z.number().int(),
            updated: z.number().int(),
            linesImported: z.array(z.object({ invoiceNumber: z.string(), group: z.string(), importId: z.string().nullable(), rows: z.number().int(), imported: z.number().int(), duplicates: z.number().int() })),
            errors: z.array(z.object({ invoiceNumber: z.string().nullable(), code: z.string(), message: z.string() })),
          }),
          ...problemResponses,
        },
      },
    },
    async (req) => syncProviderInvoices(deps, actorOf(req), req.body.providerAccountId),
  );

  r.get(
    '/api/provider-billing/invoices/:id',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags,
        summary: 'One provider invoice: payable, payments, tie-out of Σ lines against its total, charge breakdown, seat differences and unmatched lines',
        params: Id,
        response: {
          200: z.object({
            invoice: ProviderInvoiceOut,
            payments: z.array(PaymentOut),
            tieOut: TieOutOut,
            otherCurrencies: z.array(z.object({ currency: z.string(), lines: z.number().int(), total: z.string() })),
            breakdown: z.array(z.object({ chargeType: z.string(), currency: z.string(), lines: z.number().int(), total: z.string() })),
            seats: z.array(SeatDifferenceOut),
            unmatched: z.array(UnmatchedGroupOut),
          }),
          ...problemResponses,
        },
      },
    },
    async (req) => {
      const inv = await findProviderInvoice(deps.db, req.params.id);
      if (!inv) throw notFound('provider_invoice', req.params.id);
      const sums = await lineSums(deps.db, inv.providerAccountId, inv.invoiceNumber);
      const expected = Object.values(inv.lineItemCounts).reduce((a, b) => a + b, 0);
      const t = tieOut({ currency: inv.currency, invoiceTotal: inv.total, expectedLines: inv.linesImportedAt ? expected : null, sums });
      const [payments, breakdown, seats, unmatched] = await Promise.all([
        listPayments(deps.db, inv.id),
        chargeBreakdown(deps.db, inv.providerAccountId, inv.invoiceNumber),
        seatDifferences(deps.db, inv.providerAccountId, inv.invoiceNumber),
        unmatchedGroups(deps.db, { accountId: inv.providerAccountId, invoiceNumber: inv.invoiceNumber, limit: 500 }),
      ]);
      return {
        invoice: toInvoiceOut(withPayable(inv, day())),
        payments: payments.map((p) => ({ id: p.id, amount: dec(p.amount, p.currency), currency: p.currency, paidOn: p.paid_on, method: p.method, reference: p.reference, note: p.note, recordedBy: p.recorded_by, recordedAt: p.recorded_at })),
        tieOut: toTieOutOut(t),
        otherCurrencies: sums.filter((s) => s.currency !== inv.currency).map((s) => ({ currency: s.currency, lines: s.lines, total: dec(s.total, s.currency) })),
        breakdown: breakdown.map((b) => ({ ...b, total: dec(b.total, b.currency) })),
        seats,
        unmatched: unmatched.map((u) => ({ ...u, total: dec(u.total, u.currency) })),
      };
    },
  );

  r.post(
    '/api/provider-billing/invoices/:id/payments',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: { tags, summary: 'Record a payment to the provider against this invoice (partial allowed, never more than the balance)', params: Id, body: PaymentIn, response: { 201: ProviderInvoiceOut, ...problemResponses } },
    },
    async (req, reply) => reply.code(201).send(toInvoiceOut(await recordProviderPayment(deps, actorOf(req), req.params.id, req.body))),
  );

  r.put(
    '/api/provider-billing/invoices/:id/schedule',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: { tags, summary: 'Plan the payment date (status "scheduled"); null removes the plan', params: Id, body: ScheduleIn, response: { 200: ProviderInvoiceOut, ...problemResponses } },
    },
    async (req) => toInvoiceOut(await schedulePayment(deps, actorOf(req), req.params.id, req.body.date)),
  );

  r.get(
    '/api/provider-billing/payables/summary',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags,
        summary: 'Due to providers: what is owed per currency, overdue and by due date, and the next invoices to pay',
        response: {
          200: z.object({
            asOf: z.string(),
            currencies: z.array(z.object({ currency: z.string(), overdue: z.string(), dueIn7Days: z.string(), dueIn30Days: z.string(), later: z.string(), total: z.string(), invoices: z.number().int() })),
            next: z.array(ProviderInvoiceOut),
          }),
          ...problemResponses,
        },
      },
    },
    async () => {
      const asOf = day();
      const unpaid = (await listUnpaid(deps.db)).map((i) => withPayable(i, asOf));
      const s = dueSummary(unpaid.map((i) => ({ currency: i.currency, payable: i.payable })));
      return {
        asOf,
        currencies: s.map((c) => ({ currency: c.currency, overdue: dec(c.overdue, c.currency), dueIn7Days: dec(c.dueIn7Days, c.currency), dueIn30Days: dec(c.dueIn30Days, c.currency), later: dec(c.later, c.currency), total: dec(c.total, c.currency), invoices: c.invoices })),
        next: unpaid.slice(0, 5).map(toInvoiceOut),
      };
    },
  );

  r.get(
    '/api/provider-billing/unmatched',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags,
        summary: 'Reconciliation lines whose customer or subscription the desk does not know, and invoice numbers no provider invoice carries yet',
        querystring: z.strictObject({ providerAccountId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(2_000).default(500) }),
        response: {
          200: z.object({
            groups: z.array(UnmatchedGroupOut),
            invoicesMissing: z.array(z.object({ providerAccountId: z.string(), invoiceNumber: z.string(), currency: z.string(), lines: z.number().int(), total: z.string() })),
          }),
          ...problemResponses,
        },
      },
    },
    async (req) => {
      const groups = await unmatchedGroups(deps.db, { accountId: req.query.providerAccountId, limit: req.query.limit });
      const missing = await linesWithoutInvoice(deps.db, req.query.providerAccountId);
      return {
        groups: groups.map((g) => ({ ...g, total: dec(g.total, g.currency) })),
        invoicesMissing: missing.map((m) => ({ ...m, total: dec(m.total, m.currency) })),
      };
    },
  );
}
