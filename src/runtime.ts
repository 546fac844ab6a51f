import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { AppError } from './core/errors.js';
import type { Config } from './core/config.js';
import { openStore, type Store } from './db/store.js';
import { migrate } from './db/migrate.js';
import { makeDeps, type Deps } from './deps.js';
import { createJobs } from './jobs/boss.js';
import { jobDefinitions, OUTBOX_DISPATCH } from './jobs/definitions.js';
import { registerEffects } from './jobs/definitions.js';
import { buildApp } from './http/app.js';
import { seedDemo, type SeedResult } from './demo/seed.js';
import { startDemoProvider, type DemoProvider } from './demo/provider.js';
import { seedDemoCustomerOverride, seedDemoPricing } from './demo/pricing.js';
import { seedDemoInvoicing } from './demo/invoicing.js';
import { seedDemoPayments } from './demo/payments.js';
import { postMissingDocuments } from './modules/payments/ledger-check.js';
import { warmUpPdfRenderer } from './modules/invoicing/pdf.js';
import { syncProviderInvoices } from './modules/provider-billing/sync-invoices.js';
import { syncAll } from './modules/customers/sync-customers.js';
import { countUsers, findUserByEmail } from './modules/users/users.repo.js';
import { createUser } from './modules/users/manage-users.js';
import { systemActor } from './db/tx.js';
import { withAdvisoryLock } from './db/advisory.js';

/** Open the configured store and apply migrations: what every command that touches data does first. */
export async function openAndMigrate(config: Config, command: string): Promise<{ store: Store; applied: string[] }> {
  const store = await openStore(config, { command });
  try {
    const applied = await migrate(store.pool, store.schema);
    return { store, applied };
  } catch (e) {
    await store.close();
    throw e;
  }
}

function portFree(host: string, port: number): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen({ host, port, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export interface Running {
  deps: Deps;
  app?: FastifyInstance;
  url?: string;
  seed?: SeedResult;
  /** demo mode: the in-process Partner Center simulator, or why it could not start */
  demoProvider?: { url: string; accounts: number } | { error: string };
  bootstrapAdmin?: string;
  noUsers: boolean;
  stop(): Promise<void>;
}

/**
 * Start `serve` (HTTP + in-process worker unless PARTNERDESK_WORKER=0) or `worker` (jobs only).
 * Checks that can fail on bad configuration run before anything is created.
 */
export async function start(config: Config, mode: 'serve' | 'worker'): Promise<Running> {
  if (mode === 'serve' && !(await portFree(config.host, config.port))) {
    throw new AppError('conflict', 'config.port_in_use', { port: config.port, host: config.host });
  }
  const { store } = await openAndMigrate(config, mode);
  let app: FastifyInstance | undefined;
  let demo: DemoProvider | undefined;
  const deps = makeDeps(config, store);
  const stopAll = async () => {
    await app?.close().catch(() => undefined);
    await demo?.simulator.close().catch(() => undefined);
    await deps.jobs?.stop().catch((err) => deps.log.warn({ err }, 'job queue stop failed'));
    await deps.mailer?.close().catch(() => undefined);
    await store.close();
  };
  try {
    registerEffects(deps);
    if (!config.smtpUrl) deps.log.warn({ part: 'mail' }, 'PARTNERDESK_SMTP_URL is not set: emails wait in the outbox, are retried and given up after about three hours');
    const work = mode === 'worker' || config.worker;
    // the first invoice PDF of a process pays ~2 s for fonts and cold code: pay it now, in the background
    void warmUpPdfRenderer({ i18n: deps.i18n }).catch((err) => deps.log.warn({ err }, 'pdf warm-up failed'));
    const jobs = createJobs(store, deps.log.child({ part: 'jobs' }), jobDefinitions(deps));
    deps.jobs = jobs;
    await jobs.start({ work });
    deps.notifyOutbox = () => {
      jobs.send(OUTBOX_DISPATCH, {}, { singletonKey: OUTBOX_DISPATCH, singletonSeconds: 1, singletonNextSlot: true }).catch((err) =>
        deps.log.warn({ err }, 'outbox nudge failed'),
      );
    };

    if (mode === 'worker') return { deps, noUsers: false, stop: stopAll };

    // first-run work, one process at a time when several start against one server
    const { bootstrapAdmin, seed } = await withAdvisoryLock(store, `partnerdesk.first-run.${store.schema}`, async () => {
      let admin: string | undefined;
      if (config.adminEmail && config.adminPassword && !(await findUserByEmail(deps.db, config.adminEmail))) {
        await createUser(deps, systemActor, { email: config.adminEmail, password: config.adminPassword, role: 'admin', name: 'Administrator' });
        admin = config.adminEmail;
      }
      const seeded = config.demo ? await seedDemo(deps) : undefined;
      // price rules and rates for demo stores made before pricing existed (no-op when any rule exists)
      if (config.demo) await seedDemoPricing(deps);
      // documents from before the journal existed are posted once (an upgraded desk)
      await postMissingDocuments(deps, systemActor);
      return { bootstrapAdmin: admin, seed: seeded };
    });
    const noUsers = (await countUsers(deps.db)) === 0;

    app = await buildApp(deps);
    await app.listen({ host: config.host, port: config.port });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    const url = config.port === port ? config.publicUrl : `http://localhost:${port}`;
    store.lock?.update({ url });

    let demoProvider: Running['demoProvider'];
    if (config.demo) {
      try {
        demo = await startDemoProvider(deps);
        demoProvider = { url: demo.simulator.url, accounts: demo.accountIds.length };
        // the first sync runs in the background: the desk is usable while customers arrive
        // then the provider invoices (payables) and their line items
        const accounts = demo.accountIds;
        void (async () => {
          await syncAll(deps, systemActor, 'demo');
          await seedDemoCustomerOverride(deps);
          for (const id of accounts) await syncProviderInvoices(deps, systemActor, id);
          // then a month of customer invoices from what the provider billed
          if (await seedDemoInvoicing(deps)) await seedDemoPayments(deps);
        })().catch((err) => deps.log.warn({ err }, 'demo sync failed'));
      } catch (err) {
        demoProvider = { error: err instanceof Error ? err.message : String(err) };
        deps.log.warn({ err }, 'demo provider not started');
      }
    }
    return { deps, app, url, ...(seed && { seed }), ...(demoProvider && { demoProvider }), ...(bootstrapAdmin && { bootstrapAdmin }), noUsers, stop: stopAll };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
