#!/usr/bin/env node
/**
 * Provider sync against the in-process simulator (demo seed, 4 clouds) on both stores: the first
 * sync, a re-sync that changes nothing, and one suspend → confirm round trip through the outbox.
 * Prints figures and embedded/server ratios; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';

import { load, printTable, TEST_DATABASE_URL as url } from './lib.mjs';

const { parseConfig } = await load('core/config.js');
const { openAndMigrate } = await load('runtime.js');
const { makeDeps } = await load('deps.js');
const { systemClock } = await load('core/clock.js');
const { cliActor } = await load('db/tx.js');
const { syncAll } = await load('modules/customers/sync-customers.js');
const { requestStatusChange } = await load('modules/customers/subscription-status.js');
const { dispatchDue } = await load('jobs/dispatcher.js');
const { registerEffects } = await load('jobs/definitions.js');
const { startDemoProvider } = await load('demo/provider.js');

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const now = () => process.hrtime.bigint();

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'pd-bench-'));
  const schema = `bench_sync_${process.pid}`;
  const key = Buffer.alloc(32, 9).toString('base64');
  const env = kind === 'embedded'
    ? { PARTNERDESK_DATA_DIR: join(dir, 'data'), PARTNERDESK_LOG_LEVEL: 'silent' }
    : { DATABASE_URL: url, PARTNERDESK_DB_SCHEMA: schema, PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_SECRET_KEY: key };
  const config = parseConfig(env, dir);
  const { store } = await openAndMigrate(config, 'bench');
  const deps = makeDeps(config, store, { clock: systemClock, log: pino({ level: 'silent' }) });
  registerEffects(deps);
  const demo = await startDemoProvider(deps);
  const out = {};
  let t = now();
  const first = await syncAll(deps, cliActor(), 'bench');
  const elapsed = ms(t);
  const customers = first.runs.reduce((n, r) => n + r.stats.customersCreated, 0);
  const subs = first.runs.reduce((n, r) => n + r.stats.subscriptionsCreated, 0);
  out['customers synced'] = customers;
  out['subscriptions synced'] = subs;
  out['first sync, 4 accounts (ms)'] = elapsed;
  out['first sync (customers/s)'] = (customers / elapsed) * 1000;
  t = now();
  const again = await syncAll(deps, cliActor(), 'bench');
  out['re-sync, nothing changed (ms)'] = ms(t);
  out['re-sync rows written'] = again.runs.reduce((n, r) => n + r.stats.customersUpdated + r.stats.subscriptionsUpdated, 0);
  const sub = await deps.db.selectFrom('subscriptions').select('id').where('status', '=', 'active').where('commerce', '=', 'nce').where('billing_type', '=', 'license').where('parent_provider_subscription_id', 'is', null).executeTakeFirstOrThrow();
  t = now();
  await requestStatusChange(deps, cliActor(), sub.id, 'suspend', 'non_payment');
  await dispatchDue(deps);
  out['suspend → confirmed via outbox (ms)'] = ms(t);
  await demo.simulator.close();
  if (kind === 'postgres') {
    await store.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const embedded = await measure('embedded');
let server;
try {
  server = await measure('postgres');
} catch (e) {
  console.log(`PostgreSQL leg skipped: ${e.message}`);
}
printTable('Partnerdesk provider sync bench', { embedded, ...(server && { server }) });
