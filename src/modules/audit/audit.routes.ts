import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ADMIN } from '../../http/access.js';
import { DateTime, problemResponses } from '../../http/schemas.js';
import { listAudit } from './audit.repo.js';

const AuditOut = z.object({
  id: z.string(),
  at: DateTime,
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLabel: z.string(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});

const AuditQueryIn = z.strictObject({
  entityType: z.string().max(64).optional(),
  entityId: z.string().max(64).optional(),
  action: z.string().max(64).optional(),
  actorId: z.string().max(64).optional(),
  from: DateTime.optional(),
  to: DateTime.optional(),
  before: z.string().regex(/^\d{1,19}$/).optional().describe('Page: rows older than this id'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/audit',
    {
      config: { access: { staff: ADMIN } },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first (append-only)',
        querystring: AuditQueryIn,
        response: { 200: z.object({ items: z.array(AuditOut), nextBefore: z.string().nullable() }), ...problemResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const items = await listAudit(deps.db, { ...q, before: q.before ? BigInt(q.before) : undefined });
      return { items, nextBefore: items.length === q.limit ? items[items.length - 1]!.id : null };
    },
  );
}
