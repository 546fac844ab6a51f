import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf } from '../../http/auth.js';
import { DateTime, problemResponses } from '../../http/schemas.js';
import { RECON_FORMATS, type ReconFormat } from './formats/columns.js';
import { importRecon, type ImportSummary } from './import-recon.js';
import { getImportRun, startImportRun, type RunView } from './import-runs.js';
import { findProviderInvoice } from './invoices.repo.js';
import { syncProviderInvoices } from './sync-invoices.js';

/**
 * Uploads up to this size are imported while the request waits (201/200/422 with the summary, as
 * before); larger ones answer 202 at once with a run id to poll. `?wait=true|false` overrides.
 */
export const SYNC_UPLOAD_LIMIT = 8 * 1024 * 1024;

const Totals = z.array(z.object({ currency: z.string(), subtotal: z.string(), tax: z.string(), total: z.string() }));
const Unmatched = z.object({ customers: z.number().int(), subscriptions: z.number().int() });
const Summary = z.object({
  importId: z.string().nullable(),
  format: z.string().nullable(),
  source: z.enum(['csv', 'graph', 'api']),
  rows: z.number().int(),
  imported: z.number().int(),
  replaced: z.number().int(),
  duplicates: z.number().int(),
  duplicateOf: z.string().nullable(),
  rejected: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), column: z.string().nullable(), value: z.string().nullable(), code: z.string(), message: z.string(), blob: z.string().optional() })),
  totals: Totals,
  unmatched: Unmatched,
});
const ByInvoiceIn = z.strictObject({ providerInvoiceId: z.string().min(1).max(64) });
const ByInvoiceOut = z.object({
  providerInvoiceId: z.string(),
  invoiceNumber: z.string(),
  imports: z.array(z.object({ invoiceNumber: z.string(), group: z.string(), importId: z.string().nullable(), rows: z.number().int(), imported: z.number().int(), duplicates: z.number().int() })),
  errors: z.array(z.object({ invoiceNumber: z.string().nullable(), code: z.string(), message: z.string() })),
});
const ImportOut = z.object({
  id: z.string(),
  providerAccountId: z.string(),
  fileName: z.string(),
  format: z.string(),
  source: z.enum(['csv', 'graph', 'api']),
  providerInvoiceId: z.string().nullable(),
  rows: z.number().int(),
  imported: z.number().int(),
  replaced: z.number().int(),
  duplicates: z.number().int(),
  totals: Totals,
  unmatched: Unmatched,
  requestedBy: z.string(),
  importedAt: DateTime,
});
/** An import started in the background, or a finished import: `state` says which fields are there. */
const ImportState = ImportOut.partial().extend({
  id: z.string(),
  state: z.enum(['running', 'done', 'rejected', 'failed']),
  providerAccountId: z.string(),
  fileName: z.string(),
  rows: z.number().int(),
  bytes: z.number().int().optional(),
  totalBytes: z.number().int().nullable().optional(),
  importId: z.string().nullable(),
  startedAt: DateTime.optional(),
  finishedAt: DateTime.nullable().optional(),
  summary: Summary.optional(),
  error: z.object({ code: z.string(), title: z.string() }).optional(),
});

function toImport(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    providerAccountId: r.provider_account_id as string,
    fileName: r.file_name as string,
    format: r.format as string,
    source: r.source as 'csv' | 'graph' | 'api',
    providerInvoiceId: (r.provider_invoice_id as string | null) ?? null,
    rows: r.rows as number,
    imported: r.imported as number,
    replaced: r.replaced as number,
    duplicates: r.duplicates as number,
    totals: r.totals as z.infer<typeof Totals>,
    unmatched: r.unmatched as { customers: number; subscriptions: number },
    requestedBy: r.requested_by as string,
    importedAt: r.imported_at as Date,
  };
}

/** Row errors carry the catalog message in the reader's language. */
function localize(req: FastifyRequest, summary: ImportSummary): ImportSummary {
  return {
    ...summary,
    errors: summary.errors.map((e) => (req.fmt.has(`errors.${e.code}`) ? { ...e, message: req.fmt.t(`errors.${e.code}`, { line: e.line, column: e.column ?? '', value: e.value ?? '', blob: e.blob ?? '', hasBlob: e.blob ? 'yes' : 'no' }) } : e)),
  };
}

function runOut(req: FastifyRequest, run: RunView): z.infer<typeof ImportState> {
  return {
    id: run.id,
    state: run.state,
    providerAccountId: run.providerAccountId,
    fileName: run.fileName,
    bytes: run.bytes,
    totalBytes: run.totalBytes,
    rows: run.rows,
    importId: run.importId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    ...(run.summary && { summary: localize(req, run.summary) }),
    ...(run.error && { error: { code: run.error.code, title: req.fmt.t(req.fmt.has(`errors.${run.error.code}`) ? `errors.${run.error.code}` : 'errors.internal', run.error.params) } }),
  };
}

export function importRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/provider-billing/imports',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: {
        tags: ['provider-billing'],
        summary:
          'Import a reconciliation file (multipart: file, providerAccountId?, format?), or, with a JSON body {"providerInvoiceId": …}, the line items of a provider invoice fetched through the provider API (200 with one import per line-item group) — CSV, a Graph export JSON-lines file (.jsonl, .json.gz) — all or nothing; the same file twice adds nothing. ' +
          `Up to ${SYNC_UPLOAD_LIMIT / 1024 / 1024} MB the answer is the summary (201, 200 for a duplicate, 422 for a rejected file); larger files answer 202 with a run to poll at GET /api/provider-billing/imports/{id}. ?wait=true|false chooses explicitly.`,
        consumes: ['multipart/form-data', 'application/json'],
        querystring: z.strictObject({ wait: z.enum(['true', 'false']).optional() }),
        response: { ...problemResponses, 200: z.union([Summary, ByInvoiceOut]), 201: Summary, 202: ImportState, 422: z.object({ type: z.string(), code: z.string(), title: z.string(), status: z.number(), summary: Summary }) },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) {
        // a reference to a provider invoice: fetch its line items through the provider API and import them
        if (!/json/i.test(req.headers['content-type'] ?? '')) throw new AppError('unsupported_media', 'unsupported_media');
        const ref = ByInvoiceIn.safeParse(req.body);
        if (!ref.success) throw new AppError('bad_request', 'recon.invoice_reference', {}, { field: '/providerInvoiceId' });
        const inv = await findProviderInvoice(deps.db, ref.data.providerInvoiceId);
        if (!inv) throw new AppError('not_found', 'not_found', { entity: 'provider_invoice', id: ref.data.providerInvoiceId }, { field: '/providerInvoiceId' });
        if (inv.source !== 'api') throw new AppError('conflict', 'recon.invoice_not_from_api', { number: inv.invoiceNumber }, { field: '/providerInvoiceId' });
        const r = await syncProviderInvoices(deps, actorOf(req), inv.providerAccountId, { invoiceNumber: inv.invoiceNumber, reimport: true });
        const providerDown = r.errors.find((e) => e.invoiceNumber === null && e.code.startsWith('provider.'));
        if (providerDown) throw new AppError('unavailable', 'recon.provider_unavailable', { reason: providerDown.message });
        if (r.invoices === 0) throw new AppError('not_found', 'recon.invoice_not_at_provider', { number: inv.invoiceNumber }, { field: '/providerInvoiceId' });
        return reply.code(200).send({ providerInvoiceId: inv.id, invoiceNumber: inv.invoiceNumber, imports: r.linesImported, errors: r.errors });
      }
      const dir = mkdtempSync(join(tmpdir(), 'pd-upload-'));
      const cleanup = () => rmSync(dir, { recursive: true, force: true });
      let handedOver = false;
      try {
        let path: string | undefined;
        let fileName = 'upload.csv';
        const fields: Record<string, string> = {};
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            if (path) throw new AppError('bad_request', 'recon.one_file', {}, { field: part.fieldname });
            fileName = part.filename || fileName;
            path = join(dir, 'upload');
            await pipeline(part.file, createWriteStream(path));
            if (part.file.truncated) throw new AppError('too_large', 'too_large', {}, { field: part.fieldname });
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
        if (!path) throw new AppError('bad_request', 'recon.no_file', {}, { field: 'file' });
        const format = fields.format;
        if (format && !(RECON_FORMATS as readonly string[]).includes(format)) {
          throw new AppError('bad_request', 'cli.bad_option', { option: 'format', reason: RECON_FORMATS.join(', ') }, { field: 'format' });
        }
        const wait = req.query.wait ? req.query.wait === 'true' : statSync(path).size <= SYNC_UPLOAD_LIMIT;
        if (!wait) {
          const run = await startImportRun(deps, actorOf(req), { path, fileName, providerAccountId: fields.providerAccountId, format: format as ReconFormat | undefined, cleanup });
          handedOver = true;
          return reply.code(202).header('location', `/api/provider-billing/imports/${run.id}`).send(runOut(req, run));
        }
        const summary = await importRecon(deps, actorOf(req), { path, fileName, providerAccountId: fields.providerAccountId, format: format as ReconFormat | undefined });
        const localized = localize(req, summary);
        if (summary.rejected > 0) {
          // a problem document that also carries the full summary (every bad row, the first 1,000)
          return reply
            .code(422)
            .header('content-type', 'application/problem+json; charset=utf-8')
            .send({ type: 'urn:partnerdesk:problem:recon.rejected', code: 'recon.rejected', title: req.fmt.t('errors.recon.rejected', { count: summary.rejected }), status: 422, summary: localized });
        }
        return reply.code(summary.duplicateOf ? 200 : 201).send(localized);
      } finally {
        if (!handedOver) cleanup();
      }
    },
  );

  r.get(
    '/api/provider-billing/imports',
    { config: { access: staff(ANY_STAFF) }, schema: { tags: ['provider-billing'], summary: 'Imports, newest first', querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(50) }), response: { 200: z.object({ items: z.array(ImportOut) }), ...problemResponses } } },
    async (req) => ({ items: (await deps.db.selectFrom('recon_imports').selectAll().orderBy('imported_at', 'desc').limit(req.query.limit).execute()).map(toImport) }),
  );

  r.get(
    '/api/provider-billing/imports/:id',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags: ['provider-billing'],
        summary:
          'One import and its summary, or a run started by a 202: state running (bytes, totalBytes, rows so far), then done (with the summary and the import), rejected (the summary lists the bad rows; nothing was stored) or failed (error)',
        params: z.strictObject({ id: z.string().max(64) }),
        response: { 200: ImportState, ...problemResponses },
      },
    },
    async (req) => {
      if (req.params.id.startsWith('rir_')) {
        const run = await getImportRun(deps, req.params.id);
        if (!run) throw notFound('recon_import_run', req.params.id);
        const out = runOut(req, run);
        if (run.importId) {
          const row = await deps.db.selectFrom('recon_imports').selectAll().where('id', '=', run.importId).executeTakeFirst();
          if (row) return { ...toImport(row), ...out };
        }
        return out;
      }
      const row = await deps.db.selectFrom('recon_imports').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!row) throw notFound('recon_import', req.params.id);
      return { ...toImport(row), state: 'done' as const, importId: row.id };
    },
  );
}
