import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, PUBLIC, staff } from '../../http/access.js';
import { DateTime, problemResponses } from '../../http/schemas.js';
import { receiveWebhook } from './webhooks.js';

// Partner Center sends PascalCase; unknown extra fields are tolerated (the provider adds fields)
const EventIn = z.looseObject({
  EventName: z.string().min(1).max(100),
  ResourceUri: z.string().max(2000).nullable().optional(),
  ResourceName: z.string().max(200).nullable().optional(),
  AuditUri: z.string().max(2000).nullable().optional(),
  ResourceChangeUtcDate: z.string().max(64).nullable().optional(),
});

export function webhookRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/provider/webhooks/:accountId',
    {
      // authenticated by the account's key in the registered URL, not by a session
      config: { access: PUBLIC },
      schema: {
        tags: ['providers'],
        summary: 'Partner Center webhook events (subscription-updated, invoice-ready, azure-fraud-event-detected, …)',
        params: z.strictObject({ accountId: z.string().min(1).max(64) }),
        querystring: z.strictObject({ key: z.string().max(200).optional() }),
        body: EventIn,
        response: { 200: z.object({ eventId: z.string(), duplicate: z.boolean(), state: z.string(), note: z.string().nullable() }), ...problemResponses },
      },
    },
    async (req) => receiveWebhook(deps, req.params.accountId, req.query.key, req.body),
  );

  r.get(
    '/api/provider/events',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags: ['providers'],
        summary: 'Webhook events received, newest first',
        querystring: z.strictObject({ state: z.enum(['received', 'handled', 'ignored', 'pending']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), providerAccountId: z.string(), eventName: z.string(), resourceUri: z.string().nullable(), state: z.string(), note: z.string().nullable(), receivedAt: DateTime })),
          }),
          ...problemResponses,
        },
      },
    },
    async (req) => {
      let q = deps.db.selectFrom('provider_events').selectAll();
      if (req.query.state) q = q.where('state', '=', req.query.state);
      const rows = await q.orderBy('received_at', 'desc').limit(req.query.limit).execute();
      return {
        items: rows.map((e) => ({ id: e.id, providerAccountId: e.provider_account_id, eventName: e.event_name, resourceUri: e.resource_uri, state: e.state, note: e.note, receivedAt: e.received_at })),
      };
    },
  );
}
