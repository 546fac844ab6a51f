import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import { moneyToDecimalString } from '../../core/money.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf } from '../../http/auth.js';
import { DateTime, problemResponses } from '../../http/schemas.js';
import { importBankFile, localizeCode, type BankImportResult } from './bank-import.js';
import { ConfirmIn, deleteMapping, IgnoreIn, ignoreEntry, MappingName, saveMapping, confirmEntry } from './bank-review.js';
import { getMapping, listEntries, listMappings, listStatements, type EntryView } from './bank.repo.js';

/**
 * Bank statements API: upload a statement (camt.053/054, MT940, CSV with a saved mapping), see
 * statements and entries with their match decisions, confirm a suggestion or name the customer,
 * set an entry aside, and keep the CSV layouts of banks. Amounts are decimal strings in the
 * entry's currency. Staff read; billing staff change.
 */
const tags = ['bank'];
const read = { access: staff(ANY_STAFF) };
const write = { access: staff(BILLING_WRITE) };
const Id = z.strictObject({ id: z.string().max(64) });
const Name = z.strictObject({ name: z.string().max(64) });
const STATUSES = ['matched', 'suggested', 'confirmed', 'unmatched', 'ignored', 'error'] as const;
/** Statements are small; a file larger than this is not a bank statement. */
const MAX_STATEMENT_BYTES = 20 * 1024 * 1024;

const ImportOut = z.object({
  statements: z.number().int(),
  statementIds: z.array(z.string()),
  entries: z.number().int(),
  matched: z.number().int(),
  suggested: z.number().int(),
  unmatched: z.number().int(),
  ignored: z.number().int(),
  duplicates: z.number().int(),
  errors: z.array(z.object({ entry: z.string(), code: z.string(), params: z.record(z.string(), z.string()), message: z.string() })),
});
const StatementOut = z.object({
  id: z.string(),
  format: z.string(),
  version: z.string().nullable(),
  statementRef: z.string(),
  accountIban: z.string().nullable(),
  accountKey: z.string(),
  accountCurrency: z.string().nullable(),
  fromDate: z.string().nullable(),
  toDate: z.string().nullable(),
  openingBalance: z.string().nullable(),
  closingBalance: z.string().nullable(),
  fileName: z.string().nullable(),
  entries: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
  importedBy: z.string(),
  importedAt: DateTime,
});
const EntryOut = z.object({
  id: z.string(),
  statementId: z.string(),
  statementRef: z.string(),
  position: z.number().int(),
  bookingDate: z.string().nullable(),
  valueDate: z.string().nullable(),
  amount: z.string(),
  currency: z.string(),
  direction: z.enum(['credit', 'debit']),
  reversal: z.boolean(),
  bankReference: z.string().nullable(),
  endToEndId: z.string().nullable(),
  remittance: z.string(),
  payerName: z.string().nullable(),
  payerIban: z.string().nullable(),
  transactionCode: z.string().nullable(),
  returnReason: z.string().nullable(),
  status: z.enum(STATUSES),
  reason: z.string().nullable(),
  customerId: z.string().nullable(),
  customerName: z.string().nullable(),
  suggestions: z.array(z.object({ customerId: z.string(), customerName: z.string().nullable(), invoices: z.array(z.object({ id: z.string(), number: z.string().nullable() })), reason: z.string(), paymentId: z.string().nullable() })),
  paymentId: z.string().nullable(),
  reversedPaymentId: z.string().nullable(),
  error: z.object({ code: z.string(), params: z.record(z.string(), z.string()), message: z.string() }).nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: DateTime.nullable(),
});
const MappingOut = z.object({ name: z.string(), mapping: z.record(z.string(), z.unknown()), createdAt: DateTime, updatedAt: DateTime });

const dec = (amount: bigint, currency: string) => moneyToDecimalString({ amount, currency });

function entryOut(req: FastifyRequest, e: EntryView): z.output<typeof EntryOut> {
  return { ...e, amount: dec(e.amount, e.currency), error: e.error && { ...e.error, message: localizeCode(req.fmt, e.error.code, e.error.params) } };
}

export function bankRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/bank/imports',
    {
      config: write,
      schema: {
        tags,
        summary:
          'Import a bank statement file (multipart: file, mapping? — the name of a saved CSV mapping): camt.053, camt.054, MT940 or CSV. A file that does not add up (bad IBAN, balances) is refused whole with the reason (400); the same file, statement or entry twice adds nothing. Matched entries are booked at once; the rest wait for review.',
        consumes: ['multipart/form-data'],
        response: { 200: ImportOut, ...problemResponses },
      },
    },
    async (req) => {
      if (!req.isMultipart()) throw new AppError('unsupported_media', 'unsupported_media');
      let content: Buffer | undefined;
      let fileName: string | undefined;
      const fields: Record<string, string> = {};
      try {
        for await (const part of req.parts({ limits: { fileSize: MAX_STATEMENT_BYTES } })) {
          if (part.type === 'file') {
            if (content) throw new AppError('bad_request', 'bank.one_file', {}, { field: part.fieldname });
            fileName = part.filename || undefined;
            content = await part.toBuffer();
          } else fields[part.fieldname] = String(part.value);
        }
      } catch (e) {
        // a broken multipart body is the caller's input, not a fault
        const status = (e as { statusCode?: number }).statusCode;
        if (e instanceof AppError || (status && status < 500)) throw e;
        throw new AppError('bad_request', 'malformed_body', {}, { cause: e });
      }
      if (!content) throw new AppError('bad_request', 'bank.no_file', {}, { field: 'file' });
      const result: BankImportResult = await importBankFile(deps, actorOf(req), content, { fileName, mappingName: fields.mapping?.trim() || undefined, fmt: req.fmt });
      return result;
    },
  );

  r.get(
    '/api/bank/statements',
    { config: read, schema: { tags, summary: 'Imported bank statements, newest first, with counts per match status', querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: z.object({ items: z.array(StatementOut) }), ...problemResponses } } },
    async (req) => ({
      items: (await listStatements(deps.db, { limit: req.query.limit })).map((s) => {
        const ccy = s.accountCurrency ?? 'EUR';
        return { ...s, openingBalance: s.openingBalance === null ? null : dec(s.openingBalance, ccy), closingBalance: s.closingBalance === null ? null : dec(s.closingBalance, ccy) };
      }),
    }),
  );

  r.get(
    '/api/bank/entries',
    {
      config: read,
      schema: {
        tags,
        summary: 'Bank entries with their match decision; suggestions carry customer names and invoice numbers',
        querystring: z.strictObject({ status: z.enum(STATUSES).optional(), statementId: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).default(200) }),
        response: { 200: z.object({ items: z.array(EntryOut) }), ...problemResponses },
      },
    },
    async (req) => ({ items: (await listEntries(deps.db, req.query)).map((e) => entryOut(req, e)) }),
  );

  r.get('/api/bank/entries/:id', { config: read, schema: { tags, summary: 'One bank entry', params: Id, response: { 200: EntryOut, ...problemResponses } } }, async (req) => {
    const [e] = await listEntries(deps.db, { id: req.params.id, limit: 1 });
    if (!e) throw notFound('bank_entry', req.params.id);
    return entryOut(req, e);
  });

  r.post(
    '/api/bank/entries/:id/confirm',
    {
      config: write,
      schema: {
        tags,
        summary: 'Book an entry waiting for review: take suggestion n ({suggestion}), name the customer and optionally the invoices ({customerId, invoiceIds}), or for a returned payment name the payment ({paymentId}). Decided entries answer 409.',
        params: Id,
        body: ConfirmIn,
        response: { 200: EntryOut, ...problemResponses },
      },
    },
    async (req) => {
      await confirmEntry(deps, actorOf(req), req.params.id, req.body);
      const [e] = await listEntries(deps.db, { id: req.params.id, limit: 1 });
      return entryOut(req, e!);
    },
  );

  r.post('/api/bank/entries/:id/ignore', { config: write, schema: { tags, summary: 'Set an entry aside (not customer money), with the reason', params: Id, body: IgnoreIn, response: { 200: EntryOut, ...problemResponses } } }, async (req) => {
    await ignoreEntry(deps, actorOf(req), req.params.id, req.body);
    const [e] = await listEntries(deps.db, { id: req.params.id, limit: 1 });
    return entryOut(req, e!);
  });

  r.get('/api/bank/mappings', { config: read, schema: { tags, summary: 'Saved CSV mappings of banks', response: { 200: z.object({ items: z.array(MappingOut) }), ...problemResponses } } }, async () => ({ items: await listMappings(deps.db) }));

  r.get('/api/bank/mappings/:name', { config: read, schema: { tags, summary: 'One saved CSV mapping', params: Name, response: { 200: MappingOut, ...problemResponses } } }, async (req) => {
    const m = await getMapping(deps.db, req.params.name);
    if (!m) throw notFound('bank_csv_mapping', req.params.name);
    return m;
  });

  r.put(
    '/api/bank/mappings/:name',
    {
      config: write,
      schema: {
        tags,
        summary: 'Save a CSV mapping: delimiter, decimalSeparator, dateFormat (e.g. DD.MM.YYYY), columns {bookingDate, valueDate?, amount | credit+debit, currency?, remittance, payerName?, payerIban?, reference?, endToEndId?}, currency?, accountIban?',
        params: Name,
        body: z.record(z.string(), z.unknown()),
        response: { 200: MappingOut, 201: MappingOut, ...problemResponses },
      },
    },
    async (req, reply) => {
      const name = MappingName.safeParse(req.params.name);
      const saved = await saveMapping(deps, actorOf(req), name.success ? name.data : req.params.name, req.body);
      return reply.code(saved.created ? 201 : 200).send((await getMapping(deps.db, saved.name))!);
    },
  );

  r.delete('/api/bank/mappings/:name', { config: write, schema: { tags, summary: 'Delete a saved CSV mapping', params: Name, response: { 204: z.null(), ...problemResponses } } }, async (req, reply) => {
    await deleteMapping(deps, actorOf(req), req.params.name);
    return reply.code(204).send(null);
  });
}
