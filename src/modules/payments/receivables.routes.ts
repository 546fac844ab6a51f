import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { currencyExponent } from '../../core/currencies.js';
import { notFound } from '../../core/errors.js';
import { LOCALES } from '../../core/i18n.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf, scopeOf } from '../../http/auth.js';
import { IDEMPOTENCY_HEADER } from '../../http/idempotency.js';
import { DateTime, MinorUnits, problemResponses } from '../../http/schemas.js';
import { today } from '../provider-billing/provider-invoices.js';
import { BUCKETS } from './aging.js';
import { agingReport, customerReceivables } from './aging.repo.js';
import { CloseDisputeIn, closeDispute, DISPUTE_OUTCOMES, listDisputes, OpenDisputeIn, openDispute, type Dispute } from './disputes.js';
import { IsoDate } from './payments.js';
import { sendStatement, statementFileName, statementPdf } from './statement-delivery.js';
import { buildStatement, checkPeriod } from './statement.js';

/**
 * Receivables API: the aging report, a customer's receivables and statement (the customer's own
 * users may read theirs), sending a statement, and disputes. Amounts are integer strings of minor
 * units with the currency's exponent beside them (`"123456"`, exponent 2 = 1,234.56).
 */
const tags = ['receivables'];
const Id = z.strictObject({ id: z.string().min(1).max(64) });
const Currency = z.string().regex(/^[A-Z]{3}$/);

const Row = z.object({ ...Object.fromEntries(BUCKETS.map((b) => [b, MinorUnits])), disputed: MinorUnits, balance: MinorUnits, unapplied: MinorUnits } as Record<(typeof BUCKETS)[number] | 'disputed' | 'balance' | 'unapplied', typeof MinorUnits>);
const AgingOut = z.object({
  asOf: z.string(),
  currencies: z.array(z.object({ currency: z.string(), exponent: z.number().int(), total: Row, customers: z.array(Row.extend({ customerId: z.string(), name: z.string() })) })),
});
const OpenItemOut = z.object({
  id: z.string(),
  kind: z.enum(['invoice', 'credit_note']),
  number: z.string(),
  currency: z.string(),
  exponent: z.number().int(),
  issueDate: z.string(),
  dueDate: z.string().nullable(),
  gross: MinorUnits,
  open: MinorUnits,
  disputed: MinorUnits,
  daysPastDue: z.number().int().nullable(),
  bucket: z.enum(BUCKETS),
});
const DisputeOut = z.object({
  id: z.string(),
  invoiceId: z.string(),
  invoiceNumber: z.string().nullable(),
  customerId: z.string(),
  customerName: z.string(),
  currency: z.string(),
  exponent: z.number().int(),
  amount: MinorUnits,
  reason: z.string(),
  status: z.enum(['open', ...DISPUTE_OUTCOMES]),
  openedOn: z.string(),
  closedOn: z.string().nullable(),
  resolution: z.string().nullable(),
  ticketId: z.string().nullable(),
  createdBy: z.string(),
  createdAt: DateTime,
});
const StatementLineOut = z.object({
  date: z.string(),
  type: z.string(),
  documentId: z.string(),
  number: z.string().nullable(),
  dueDate: z.string().nullable(),
  amount: MinorUnits,
  method: z.string().nullable(),
  invoiceNumbers: z.array(z.string()),
  receivable: MinorUnits,
  unapplied: MinorUnits,
  balance: MinorUnits,
});
const Balance = z.object({ receivable: MinorUnits, unapplied: MinorUnits });
const StatementOut = z.object({
  customer: z.object({ id: z.string(), name: z.string(), locale: z.string() }),
  from: z.string(),
  to: z.string(),
  currencies: z.array(
    z.object({
      currency: z.string(),
      exponent: z.number().int(),
      opening: Balance,
      lines: z.array(StatementLineOut),
      closing: Balance,
      aging: Row.omit({ unapplied: true }),
      openItems: z.array(OpenItemOut),
    }),
  ),
});

export function receivablesRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const todayHere = () => today(deps.clock.now(), deps.config.businessTimeZone);
  /** The customer a request may read: its own for a customer user (others are not found), any existing one for staff. */
  const readableCustomer = async (req: FastifyRequest, id: string) => {
    const s = scopeOf(req);
    if (s.kind === 'customer' && s.customerId !== id) throw notFound('customer', id);
    const c = await deps.db.selectFrom('customers').select('id').where('id', '=', id).executeTakeFirst();
    if (!c) throw notFound('customer', id);
    return { isCustomer: s.kind === 'customer' };
  };
  const disputeOut = (d: Dispute) => ({ ...d, exponent: currencyExponent(d.currency) });

  r.get(
    '/api/receivables/aging',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags,
        summary: 'Aging of open items per currency and customer as of a day (default: today in the partner’s time zone); disputed amounts apart, unapplied cash beside',
        querystring: z.strictObject({ asOf: IsoDate.optional(), currency: Currency.optional(), customerId: z.string().min(1).max(64).optional() }),
        response: { 200: AgingOut, ...problemResponses },
      },
    },
    async (req) => agingReport(deps.db, { asOf: req.query.asOf ?? todayHere(), currency: req.query.currency, customerId: req.query.customerId }),
  );

  r.get(
    '/api/customers/:id/receivables',
    {
      config: { access: staff(ANY_STAFF, true) },
      schema: {
        tags,
        summary: 'A customer’s balances per currency (receivable, unapplied, overdue, disputed), open items with days past due, and the 50 latest payments',
        params: Id,
        response: {
          200: z.object({
            balances: z.array(z.object({ currency: z.string(), exponent: z.number().int(), receivable: MinorUnits, unapplied: MinorUnits, overdue: MinorUnits, disputed: MinorUnits })),
            openItems: z.array(OpenItemOut),
            payments: z.array(
              z.object({ id: z.string(), amount: MinorUnits, currency: z.string(), exponent: z.number().int(), receivedOn: z.string(), method: z.string(), reference: z.string().nullable(), status: z.enum(['posted', 'reversed']), reversedOn: z.string().nullable(), unapplied: MinorUnits, refunded: MinorUnits }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (req) => {
      await readableCustomer(req, req.params.id);
      const rec = await customerReceivables(deps.db, req.params.id, todayHere());
      return {
        balances: rec.balances,
        openItems: rec.openItems.map((i) => ({ ...i, exponent: currencyExponent(i.currency) })),
        payments: rec.payments.map((p) => ({ id: p.id, amount: p.amount, currency: p.currency, exponent: currencyExponent(p.currency), receivedOn: p.receivedOn, method: p.method, reference: p.reference, status: p.status, reversedOn: p.reversedOn, unapplied: p.unapplied, refunded: p.refunded })),
      };
    },
  );

  r.get(
    '/api/customers/:id/statement',
    {
      config: { access: staff(ANY_STAFF, true) },
      schema: {
        tags,
        summary: 'Statement of account for a period (default: this month to date): opening balance, movements with a running balance, closing balance, unapplied credit, open items by age (PDF in the customer’s language; staff may pass locale)',
        params: Id,
        querystring: z.strictObject({ from: IsoDate.optional(), to: IsoDate.optional(), format: z.enum(['pdf', 'json']).default('pdf'), locale: z.enum(LOCALES).optional() }),
        response: { 200: StatementOut, ...problemResponses },
      },
    },
    async (req, reply) => {
      const { isCustomer } = await readableCustomer(req, req.params.id);
      const to = req.query.to ?? todayHere();
      const q = { ...req.query, to, from: req.query.from ?? `${to.slice(0, 8)}01` };
      checkPeriod(q.from, q.to, todayHere());
      const locale = isCustomer ? undefined : q.locale;
      if (q.format === 'json') {
        const s = await buildStatement(deps.db, req.params.id, { from: q.from, to: q.to, locale });
        return {
          customer: { id: s.customer.id, name: s.customer.name, locale: s.customer.locale },
          from: s.from,
          to: s.to,
          currencies: s.currencies.map((c) => ({ ...c, openItems: c.openItems.map((i) => ({ ...i, exponent: c.exponent })) })),
        };
      }
      const { statement, pdf } = await statementPdf(deps.db, deps.i18n, req.params.id, { from: q.from, to: q.to, locale });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${statementFileName(statement)}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf as never); // a Buffer is sent as it is, not serialized
    },
  );

  r.post(
    '/api/customers/:id/statement/send',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: {
        tags,
        summary: 'Email the statement of a period (PDF attached, in the customer’s language) to the customer’s billing contact, through the outbox',
        params: Id,
        body: z.strictObject({ from: IsoDate, to: IsoDate }),
        response: { 202: z.object({ to: z.string(), locale: z.string() }), ...problemResponses },
      },
    },
    async (req, reply) => {
      const header = req.headers[IDEMPOTENCY_HEADER];
      const requestKey = (Array.isArray(header) ? header[0] : header) ?? req.id;
      const q = await sendStatement(deps, actorOf(req), req.params.id, req.body, requestKey);
      return reply.code(202).send({ to: q.to, locale: q.locale });
    },
  );

  r.post(
    '/api/invoices/:id/disputes',
    { config: { access: staff(BILLING_WRITE) }, schema: { tags, summary: 'Open a dispute on an issued invoice (default: all that is open and not yet disputed)', params: Id, body: OpenDisputeIn, response: { 201: DisputeOut, ...problemResponses } } },
    async (req, reply) => reply.code(201).send(disputeOut(await openDispute(deps, actorOf(req), req.params.id, req.body))),
  );
  r.post(
    '/api/disputes/:id/close',
    { config: { access: staff(BILLING_WRITE) }, schema: { tags, summary: 'Close a dispute: won (a credit note follows), lost (due again) or withdrawn', params: Id, body: CloseDisputeIn, response: { 200: DisputeOut, ...problemResponses } } },
    async (req) => disputeOut(await closeDispute(deps, actorOf(req), req.params.id, req.body)),
  );
  r.get(
    '/api/disputes',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags,
        summary: 'Disputes, newest first',
        querystring: z.strictObject({ status: z.enum(['open', ...DISPUTE_OUTCOMES]).optional(), customerId: z.string().min(1).max(64).optional(), invoiceId: z.string().min(1).max(64).optional() }),
        response: { 200: z.object({ items: z.array(DisputeOut) }), ...problemResponses },
      },
    },
    async (req) => ({ items: (await listDisputes(deps.db, req.query)).map(disputeOut) }),
  );
}
