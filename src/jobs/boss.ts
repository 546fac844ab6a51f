import type pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Store } from '../db/store.js';
import { withAdvisoryLock } from '../db/advisory.js';

/**
 * Jobs run on pg-boss on both stores. On PGlite pg-boss shares the store's single connection
 * (through `db.executeSql`); on a server it has its own small pool, and any number of `serve`
 * and `worker` processes share the queues (SKIP LOCKED).
 */
export interface JobDefinition {
  name: string;
  /** Cron schedule (UTC), if the job also runs on a timer. */
  cron?: string;
  handler: (data: Record<string, unknown>) => Promise<unknown>;
}

export interface Jobs {
  start(opts: { work: boolean }): Promise<void>;
  send(name: string, data?: Record<string, unknown>, opts?: PgBoss.SendOptions): Promise<string | null>;
  stop(): Promise<void>;
  readonly boss: PgBoss;
}

/**
 * The store's pool reads int8 as bigint; pg-boss was written against node-postgres defaults
 * (int8 as string). Per-query type overrides break PGlite's protocol adapter, so convert back.
 */
function pgDefaultRows(res: pg.QueryResult | pg.QueryResult[]): { rows: unknown[] } {
  for (const r of Array.isArray(res) ? res : [res]) {
    for (const row of (r.rows ?? []) as Record<string, unknown>[]) {
      for (const k in row) if (typeof row[k] === 'bigint') row[k] = String(row[k]);
    }
  }
  return res as { rows: unknown[] };
}

export function createJobs(store: Store, log: Logger, defs: JobDefinition[]): Jobs {
  const base: PgBoss.ConstructorOptions = {
    schema: store.bossSchema,
    migrate: true,
    supervise: true,
    schedule: true,
  };
  const boss =
    store.kind === 'embedded'
      ? new PgBoss({
          ...base,
          db: { executeSql: async (text: string, values: unknown[]) => pgDefaultRows(await store.pool.query(text, values)) },
        })
      : new PgBoss({
          ...base,
          connectionString: (store.pool.options as { connectionString?: string }).connectionString!,
          max: 4,
          application_name: 'partnerdesk-jobs',
        });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  let started = false;

  return {
    boss,
    async start({ work }) {
      await boss.start();
      started = true;
      // Concurrent createQueue calls from several starting processes deadlock inside pg-boss;
      // one process at a time sets queues up (PGlite has one process anyway).
      await withAdvisoryLock(store, `partnerdesk.jobs.setup.${store.bossSchema}`, async () => {
        for (const def of defs) {
          if (!(await boss.getQueue(def.name))) await boss.createQueue(def.name, { name: def.name, retryLimit: 3, retryBackoff: true });
          if (def.cron) await boss.schedule(def.name, def.cron, {}, { tz: 'UTC' });
        }
      });
      for (const def of defs) {
        if (work) {
          await boss.work(def.name, { pollingIntervalSeconds: 1, batchSize: 1 }, async (jobs) => {
            for (const job of jobs) await def.handler((job.data ?? {}) as Record<string, unknown>);
          });
        }
      }
    },
    send: (name, data = {}, opts = {}) => boss.send(name, data, opts),
    async stop() {
      if (!started) return;
      started = false;
      await boss.stop({ graceful: true, wait: true, timeout: 10_000, close: store.kind !== 'embedded' });
    },
  };
}
