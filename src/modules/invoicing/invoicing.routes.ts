import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { ADMIN, ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf, scopeOf } from '../../http/auth.js';
import { problemResponses, Paging } from '../../http/schemas.js';
import { buildDocument } from './build-document.js';
import { addManualCharge, createFee, FeeIn, ManualChargeIn, removeCharge, stopFee } from './charges.js';
import { listCharges, listFees, openChargeTotals } from './charges.repo.js';
import { createCreditNote, CreditNoteIn, voidInvoice } from './credit-notes.js';
import { fileNameOf } from './delivery.js';
import { findInvoice, invoiceLines, listInvoices } from './invoices.repo.js';
import { ChargeOut, FeeOut, InvoiceOut, LineOut, Period, RunOut, toInvoiceOut, toLineOut, toRunOut } from './invoicing.schema.js';
import { issueInvoice, resendInvoice } from './issue.js';
import { getPartnerProfile, PartnerProfileSchema, setPartnerProfile } from './partner-profile.js';
import { renderDocumentPdf } from './pdf.js';
import { adjustLine, discardDraft, holdInvoice, releaseInvoice, setInvoiceNote } from './review.js';
import { cancelRun, findRun, issueRun, listRuns, startRun } from './runs.js';

/**
 * Invoicing API: runs (start, issue, cancel), invoices (list, read, PDF, review, issue, credit,
 * void, resend), charges and recurring fees, and the partner profile printed on invoices. Staff
 * read everything; billing staff change it. A customer user reads their own issued invoices and
 * their PDFs only (drafts are the partner's business).
 */
const tags = ['invoicing'];
const Id = z.strictObject({ id: z.string().max(64) });
const read = { access: staff(ANY_STAFF) };
const write = { access: staff(BILLING_WRITE) };

/** What a customer user sees of an invoice: not the partner's run or internal notes. */
const forCaller = <T extends { runId: string | null; holdReason: string | null }>(i: T, customer: string | undefined): T => (customer ? { ...i, runId: null, holdReason: null } : i);

export function invoicingRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const customerOf = (req: Parameters<typeof scopeOf>[0]) => {
    const s = scopeOf(req);
    return s.kind === 'customer' ? s.customerId : undefined;
  };

  r.get('/api/invoice-runs', { config: read, schema: { tags, summary: 'Invoice runs, newest period first', response: { 200: z.object({ items: z.array(RunOut) }), ...problemResponses } } }, async () => ({
    items: (await listRuns(deps.db)).map(toRunOut),
  }));
  r.post(
    '/api/invoice-runs',
    {
      config: write,
      schema: {
        tags,
        summary: 'Start the invoice run of a period (drafts per customer and currency); the active run of the period is returned as it is. issue: issue it right away',
        body: z.strictObject({ period: Period, issue: z.boolean().default(false) }),
        response: { 200: RunOut, 201: RunOut, ...problemResponses },
      },
    },
    async (req, reply) => {
      let run = await startRun(deps, actorOf(req), req.body.period);
      if (req.body.issue && (run.state === 'draft' || run.state === 'issuing')) run = { ...(await issueRun(deps, actorOf(req), run.runId)), created: run.created };
      return reply.code(run.created ? 201 : 200).send(toRunOut(run));
    },
  );
  r.get('/api/invoice-runs/:id', { config: read, schema: { tags, summary: 'One run with its counts and totals', params: Id, response: { 200: RunOut, ...problemResponses } } }, async (req) => {
    const run = await findRun(deps.db, req.params.id);
    if (!run) throw notFound('invoice_run', req.params.id);
    return toRunOut(run);
  });
  r.post('/api/invoice-runs/:id/issue', { config: write, schema: { tags, summary: 'Issue every draft of the run that is not held (resumable)', params: Id, response: { 200: RunOut, ...problemResponses } } }, async (req) =>
    toRunOut(await issueRun(deps, actorOf(req), req.params.id)),
  );
  r.post('/api/invoice-runs/:id/cancel', { config: write, schema: { tags, summary: 'Cancel a run in draft: its drafts go, its charges stay open', params: Id, response: { 204: z.null(), ...problemResponses } } }, async (req, reply) => {
    await cancelRun(deps, actorOf(req), req.params.id);
    return reply.code(204).send(null);
  });

  r.get(
    '/api/invoices',
    {
      config: { access: staff(ANY_STAFF, true) },
      schema: {
        tags,
        summary: 'Invoices and credit notes, with filters',
        querystring: Paging.extend({
          customerId: z.string().max(64).optional(),
          runId: z.string().max(64).optional(),
          status: z.enum(['draft', 'issued', 'void']).optional(),
          kind: z.enum(['invoice', 'credit_note']).optional(),
          held: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: z.object({ items: z.array(InvoiceOut), total: z.number().int() }), ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const own = customerOf(req);
      if (own && q.status === 'draft') return { items: [], total: 0 };
      const res = await listInvoices(deps.db, {
        ...q,
        customerId: own ?? q.customerId,
        held: q.held === undefined ? undefined : q.held === 'true',
        excludeDrafts: !!own,
      });
      return { items: res.items.map((i) => forCaller(toInvoiceOut(i), own)), total: res.total };
    },
  );
  r.get(
    '/api/invoices/:id',
    { config: { access: staff(ANY_STAFF, true) }, schema: { tags, summary: 'One invoice or credit note with its lines and its credit notes', params: Id, response: { 200: z.object({ invoice: InvoiceOut, lines: z.array(LineOut), creditNotes: z.array(InvoiceOut) }), ...problemResponses } } },
    async (req) => {
      const own = customerOf(req);
      const inv = await findInvoice(deps.db, req.params.id, own ? { customerId: own } : {});
      if (!inv || (own && inv.status === 'draft')) throw notFound('invoice', req.params.id);
      const lines = (await invoiceLines(deps.db, inv.id)).map((l) => toLineOut(l, inv.currency));
      const notes = inv.kind === 'invoice' ? (await listInvoices(deps.db, { creditsInvoiceId: inv.id, limit: 500 })).items : [];
      // review notes and the amounts before an adjustment are the partner's, not the customer's
      const shown = own ? lines.map((l) => ({ ...l, adjustedFrom: null, adjustNote: null })) : lines;
      return { invoice: forCaller(toInvoiceOut(inv), own), lines: shown, creditNotes: notes.map((n) => forCaller(toInvoiceOut(n), own)) };
    },
  );
  r.get('/api/invoices/:id/pdf', { config: { access: staff(ANY_STAFF, true) }, schema: { tags, summary: 'The invoice as a PDF in the customer’s language (a draft shows DRAFT)', params: Id } }, async (req, reply) => {
    const { invoice, doc } = await buildDocument(deps.db, req.params.id, { i18n: deps.i18n, publicUrl: deps.config.publicUrl, customerId: customerOf(req) });
    const pdf = await renderDocumentPdf(doc, { i18n: deps.i18n });
    return reply
      .type('application/pdf')
      .header('content-disposition', `inline; filename="${fileNameOf(invoice.number ?? `draft-${invoice.id}`)}"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });

  const done = { 204: z.null(), ...problemResponses };
  r.post('/api/invoices/:id/hold', { config: write, schema: { tags, summary: 'Hold a draft with a reason', params: Id, body: z.strictObject({ reason: z.string().max(500) }), response: done } }, async (req, reply) => {
    await holdInvoice(deps, actorOf(req), req.params.id, req.body.reason);
    return reply.code(204).send(null);
  });
  r.post('/api/invoices/:id/release', { config: write, schema: { tags, summary: 'Release a held draft (a hold the desk found is released once its cause is gone)', params: Id, response: done } }, async (req, reply) => {
    await releaseInvoice(deps, actorOf(req), req.params.id);
    return reply.code(204).send(null);
  });
  r.post('/api/invoices/:id/discard', { config: write, schema: { tags, summary: 'Discard a draft: its charges are open again for the next run', params: Id, response: done } }, async (req, reply) => {
    await discardDraft(deps, actorOf(req), req.params.id);
    return reply.code(204).send(null);
  });
  r.put('/api/invoices/:id/note', { config: write, schema: { tags, summary: 'The note printed on a draft', params: Id, body: z.strictObject({ note: z.string().max(2000) }), response: done } }, async (req, reply) => {
    await setInvoiceNote(deps, actorOf(req), req.params.id, req.body.note);
    return reply.code(204).send(null);
  });
  r.patch(
    '/api/invoices/:id/lines/:lineId',
    { config: write, schema: { tags, summary: 'Adjust a draft line’s amount, saying why', params: z.strictObject({ id: z.string().max(64), lineId: z.string().max(64) }), body: z.strictObject({ amount: z.string().max(40), note: z.string().max(500) }), response: done } },
    async (req, reply) => {
      await adjustLine(deps, actorOf(req), req.params.id, req.params.lineId, req.body.amount, req.body.note);
      return reply.code(204).send(null);
    },
  );
  r.post('/api/invoices/:id/issue', { config: write, schema: { tags, summary: 'Issue one draft', params: Id, response: { 200: z.object({ number: z.string() }), ...problemResponses } } }, async (req) =>
    issueInvoice(deps, actorOf(req), req.params.id),
  );
  const CreditOut = z.object({ id: z.string(), number: z.string() });
  r.post('/api/invoices/:id/credit-notes', { config: write, schema: { tags, summary: 'Credit lines of an issued invoice, in full or in part (no lines: all that is left)', params: Id, body: CreditNoteIn, response: { 201: CreditOut, ...problemResponses } } }, async (req, reply) => {
    const cn = await createCreditNote(deps, actorOf(req), req.params.id, req.body);
    return reply.code(201).send({ id: cn.id, number: cn.number });
  });
  r.post(
    '/api/invoices/:id/void',
    { config: write, schema: { tags, summary: 'Void an issued invoice: a full credit note; releaseCharges puts its charges back to be invoiced again', params: Id, body: z.strictObject({ reason: z.string().trim().min(1).max(500), releaseCharges: z.boolean().default(false) }), response: { 201: CreditOut, ...problemResponses } } },
    async (req, reply) => {
      const cn = await voidInvoice(deps, actorOf(req), req.params.id, req.body.reason, req.body.releaseCharges);
      return reply.code(201).send({ id: cn.id, number: cn.number });
    },
  );
  r.post('/api/invoices/:id/resend', { config: write, schema: { tags, summary: 'Send an issued document again to the current billing contact', params: Id, response: done } }, async (req, reply) => {
    await resendInvoice(deps, actorOf(req), req.params.id);
    return reply.code(204).send(null);
  });

  r.get(
    '/api/charges',
    {
      config: read,
      schema: {
        tags,
        summary: 'Charges (open: not yet on an issued invoice)',
        querystring: Paging.extend({ customerId: z.string().max(64).optional(), open: z.enum(['true', 'false']).optional(), billingPeriod: Period.optional() }),
        response: { 200: z.object({ items: z.array(ChargeOut), total: z.number().int() }), ...problemResponses },
      },
    },
    async (req) => listCharges(deps.db, { ...req.query, open: req.query.open === 'true' }),
  );
  r.get(
    '/api/charges/open-totals',
    { config: read, schema: { tags, summary: 'Not yet invoiced, per customer and currency', querystring: z.strictObject({ customerId: z.string().max(64).optional() }), response: { 200: z.object({ items: z.array(z.object({ customerId: z.string(), customerName: z.string(), currency: z.string(), charges: z.number().int(), amount: z.string() })) }), ...problemResponses } } },
    async (req) => ({ items: await openChargeTotals(deps.db, req.query.customerId) }),
  );
  r.post('/api/charges', { config: write, schema: { tags, summary: 'A manual one-off charge or credit (negative amount)', body: ManualChargeIn, response: { 201: z.object({ id: z.string() }), ...problemResponses } } }, async (req, reply) =>
    reply.code(201).send(await addManualCharge(deps, actorOf(req), req.body)),
  );
  r.delete('/api/charges/:id', { config: write, schema: { tags, summary: 'Remove an open manual charge', params: Id, response: done } }, async (req, reply) => {
    await removeCharge(deps, actorOf(req), req.params.id);
    return reply.code(204).send(null);
  });

  r.get('/api/recurring-fees', { config: read, schema: { tags, summary: 'Recurring fees (support plans, managed services)', querystring: z.strictObject({ customerId: z.string().max(64).optional() }), response: { 200: z.object({ items: z.array(FeeOut) }), ...problemResponses } } }, async (req) => ({
    items: await listFees(deps.db, req.query.customerId),
  }));
  r.post('/api/recurring-fees', { config: write, schema: { tags, summary: 'A recurring fee, billed in advance per month or year, prorated by day', body: FeeIn, response: { 201: z.object({ id: z.string() }), ...problemResponses } } }, async (req, reply) =>
    reply.code(201).send(await createFee(deps, actorOf(req), req.body)),
  );
  r.post('/api/recurring-fees/:id/stop', { config: write, schema: { tags, summary: 'Stop a fee after a last day of service; unused days already billed are credited at the next run', params: Id, body: z.strictObject({ endDate: z.string().max(10) }), response: done } }, async (req, reply) => {
    await stopFee(deps, actorOf(req), req.params.id, req.body.endDate);
    return reply.code(204).send(null);
  });

  r.get('/api/partner-profile', { config: read, schema: { tags, summary: 'The partner as invoices print it', response: { 200: PartnerProfileSchema, ...problemResponses } } }, async () => getPartnerProfile(deps.db));
  r.put('/api/partner-profile', { config: { access: staff(ADMIN) }, schema: { tags, summary: 'Change the partner profile (later invoices only; issued ones keep theirs)', body: PartnerProfileSchema, response: { 200: PartnerProfileSchema, ...problemResponses } } }, async (req) =>
    setPartnerProfile(deps, actorOf(req), req.body),
  );
}
