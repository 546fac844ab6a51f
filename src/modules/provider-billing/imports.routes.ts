import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf } from '../../http/auth.js';
import { DateTime, problemResponses } from '../../http/schemas.js';
import { RECON_FORMATS, type ReconFormat } from './formats/columns.js';
import { importRecon } from './import-recon.js';

const Totals = z.array(z.object({ currency: z.string(), subtotal: z.string(), tax: z.string(), total: z.string() }));
const Summary = z.object({
  importId: z.string().nullable(),
  format: z.string().nullable(),
  rows: z.number().int(),
  imported: z.number().int(),
  replaced: z.number().int(),
  duplicates: z.number().int(),
  duplicateOf: z.string().nullable(),
  rejected: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), column: z.string().nullable(), value: z.string().nullable(), code: z.string(), message: z.string() })),
  totals: Totals,
  unmatched: z.object({ customers: z.number().int(), subscriptions: z.number().int() }),
});
const ImportOut = z.object({
  id: z.string(),
  providerAccountId: z.string(),
  fileName: z.string(),
  format: z.string(),
  rows: z.number().int(),
  imported: z.number().int(),
  replaced: z.number().int(),
  duplicates: z.number().int(),
  totals: Totals,
  unmatched: z.object({ customers: z.number().int(), subscriptions: z.number().int() }),
  requestedBy: z.string(),
  importedAt: DateTime,
});

function toImport(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    providerAccountId: r.provider_account_id as string,
    fileName: r.file_name as string,
    format: r.format as string,
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

export function importRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/api/provider-billing/imports',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: {
        tags: ['provider-billing'],
        summary: 'Import a reconciliation CSV (multipart: file, providerAccountId?, format?) — all or nothing; the same file twice adds nothing',
        consumes: ['multipart/form-data'],
        response: { ...problemResponses, 200: Summary, 201: Summary, 422: z.object({ type: z.string(), code: z.string(), title: z.string(), status: z.number(), summary: Summary }) },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw new AppError('unsupported_media', 'unsupported_media');
      const dir = mkdtempSync(join(tmpdir(), 'pd-upload-'));
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
        const summary = await importRecon(deps, actorOf(req), { path, fileName, providerAccountId: fields.providerAccountId, format: format as ReconFormat | undefined });
        const localized = {
          ...summary,
          errors: summary.errors.map((e) => (req.fmt.has(`errors.${e.code}`) ? { ...e, message: req.fmt.t(`errors.${e.code}`, { line: e.line, column: e.column ?? '', value: e.value ?? '' }) } : e)),
        };
        if (summary.rejected > 0) {
          // a problem document that also carries the full summary (every bad row, the first 1,000)
          return reply
            .code(422)
            .header('content-type', 'application/problem+json; charset=utf-8')
            .send({ type: 'urn:partnerdesk:problem:recon.rejected', code: 'recon.rejected', title: req.fmt.t('errors.recon.rejected', { count: summary.rejected }), status: 422, summary: localized });
        }
        return reply.code(summary.duplicateOf ? 200 : 201).send(localized);
      } finally {
        rmSync(dir, { recursive: true, force: true });
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
    { config: { access: staff(ANY_STAFF) }, schema: { tags: ['provider-billing'], summary: 'One import and its summary', params: z.strictObject({ id: z.string().max(64) }), response: { 200: ImportOut, ...problemResponses } } },
    async (req) => {
      const row = await deps.db.selectFrom('recon_imports').selectAll().where('id', '=', req.params.id).executeTakeFirst();
      if (!row) throw notFound('recon_import', req.params.id);
      return toImport(row);
    },
  );
}
