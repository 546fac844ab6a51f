import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { sweepIdempotencyKeys } from '../http/idempotency.js';
import type { JobDefinition } from './boss.js';
import { dispatchDue } from './dispatcher.js';

export const OUTBOX_DISPATCH = 'outbox.dispatch';
export const MAINTENANCE_SWEEP = 'maintenance.sweep';

/** The desk's jobs. Modules add theirs here as they arrive (invoice runs, collections, imports). */
export function jobDefinitions(deps: Deps): JobDefinition[] {
  return [
    {
      name: OUTBOX_DISPATCH,
      cron: '* * * * *', // catch-up; use cases also nudge it right after commit
      handler: async () => dispatchDue(deps),
    },
    {
      name: MAINTENANCE_SWEEP,
      cron: '17 * * * *',
      handler: async () => {
        const now = deps.clock.now();
        await sql`DELETE FROM sessions WHERE expires_at < ${now}`.execute(deps.db);
        await sql`DELETE FROM login_attempts WHERE at < ${new Date(now.getTime() - 86_400_000)}`.execute(deps.db);
        await sweepIdempotencyKeys(deps);
        // performed effects are kept 30 days for support questions ("was the reminder sent?")
        await sql`DELETE FROM outbox WHERE status = 'done' AND done_at < ${new Date(now.getTime() - 30 * 86_400_000)}`.execute(deps.db);
        return {};
      },
    },
  ];
}
