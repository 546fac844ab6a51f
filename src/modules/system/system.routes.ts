import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sql } from 'kysely';
import { AppError } from '../../core/errors.js';
import { LOCALES } from '../../core/i18n.js';
import { migrationStatus } from '../../db/migrate.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF } from '../../http/access.js';
import { DateTime, Problem, problemResponses } from '../../http/schemas.js';
import { outboxStats } from '../../jobs/outbox.js';
import { VERSION } from '../../version.js';

export function systemRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/healthz', { schema: { tags: ['system'], summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  r.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'The store answers and every migration is applied',
        response: { 200: z.object({ status: z.literal('ready'), store: z.string(), migrations: z.number().int() }), 503: Problem },
      },
    },
    async () => {
      let status;
      try {
        await sql`SELECT 1`.execute(deps.db);
        status = await migrationStatus(deps.store.pool);
      } catch (e) {
        throw new AppError('unavailable', 'store.not_ready', { reason: (e as Error).message }, { cause: e });
      }
      if (status.pending.length) throw new AppError('unavailable', 'store.migrations_pending', { count: status.pending.length });
      return { status: 'ready' as const, store: deps.store.kind, migrations: status.applied.length };
    },
  );

  r.get(
    '/api/system',
    {
      config: { access: { staff: ANY_STAFF } },
      schema: {
        tags: ['system'],
        summary: 'Version, store, migrations, outbox and jobs, for the dashboard',
        response: {
          200: z.object({
            version: z.string(),
            now: DateTime,
            store: z.object({ kind: z.enum(['embedded', 'postgres']), description: z.string() }),
            migrations: z.object({ applied: z.array(z.string()), pending: z.array(z.string()) }),
            outbox: z.object({ pending: z.number(), processing: z.number(), done: z.number(), dead: z.number() }),
            effects: z.array(z.string()),
            worker: z.boolean(),
            locales: z.array(z.string()),
          }),
          ...problemResponses,
        },
      },
    },
    async () => ({
      version: VERSION,
      now: deps.clock.now(),
      store: { kind: deps.store.kind, description: deps.store.description },
      migrations: await migrationStatus(deps.store.pool),
      outbox: await outboxStats(deps.db),
      effects: deps.effects.names(),
      worker: Boolean(deps.jobs) && deps.config.worker,
      locales: [...LOCALES],
    }),
  );
}
