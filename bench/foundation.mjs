#!/usr/bin/env node
/**
 * Foundation figures on both stores: open + migrate, API requests through the full stack
 * (auth, access check, serialization), audited use cases, and outbox dispatch to a local
 * receiver. Prints figures and embedded/server ratios; asserts nothing.
 * Run: npm run bench   (PostgreSQL from PARTNERDESK_TEST_DATABASE_URL, default 127.0.0.1:5432/test)
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';

import { load, printTable, TEST_DATABASE_URL as url } from './lib.mjs';

const { parseConfig } = await load('core/config.js');
const { openAndMigrate } = await load('runtime.js');
const { makeDeps } = await load('deps.js');
const { TestClock } = await load('core/clock.js');
const { buildApp } = await load('http/app.js');
const { createUser } = await load('modules/users/manage-users.js');
const { updateProfile } = await load('modules/users/me.js');
const { cliActor, runUseCase } = await load('db/tx.js');
const { dispatchDue } = await load('jobs/dispatcher.js');
const { registerCoreEffects, WEBHOOK_DELIVER } = await load('jobs/effects.js');

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
const now = () => process.hrtime.bigint();

async function receiver() {
  let n = 0;
  const server = createServer((req, res) => req.resume().on('end', () => (n++, res.end('{}'))));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/`, count: () => n, close: () => new Promise((r) => server.close(r)) };
}

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'pd-bench-'));
  const schema = `bench_${process.pid}`;
  const env = kind === 'embedded'
    ? { PARTNERDESK_DATA_DIR: join(dir, 'data'), PARTNERDESK_LOG_LEVEL: 'silent' }
    : { DATABASE_URL: url, PARTNERDESK_DB_SCHEMA: schema, PARTNERDESK_LOG_LEVEL: 'silent' };
  const config = parseConfig(env, dir);
  const out = {};

  let t = now();
  let { store } = await openAndMigrate(config, 'bench');
  out['open + migrate, fresh (ms)'] = ms(t);
  if (kind === 'embedded') {
    await store.close();
    t = now();
    ({ store } = await openAndMigrate(config, 'bench'));
    out['open existing (ms)'] = ms(t);
  }

  const clock = new TestClock('2026-10-01T00:00:00Z');
  const deps = makeDeps(config, store, { clock, log: pino({ level: 'silent' }) });
  registerCoreEffects(deps.effects);
  const user = await createUser(deps, cliActor(), { email: 'bench@example.com', role: 'admin', password: 'bench-password-123' });
  const app = await buildApp(deps, { webDir: '/nonexistent' });
  await app.ready();
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: 'bench-password-123' } });
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

  const N = 1000;
  t = now();
  for (let i = 0; i < N; i++) await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
  out['GET /api/me, session (req/s)'] = Math.round((N / ms(t)) * 1000);

  const U = 300;
  t = now();
  for (let i = 0; i < U; i++) await updateProfile(deps, cliActor(), user.id, { name: `n${i}` });
  out['audited use case (ops/s)'] = Math.round((U / ms(t)) * 1000);

  const rx = await receiver();
  const E = 500;
  await runUseCase(deps, cliActor(), async (ctx) => {
    for (let i = 0; i < E; i++) await ctx.enqueue({ effect: WEBHOOK_DELIVER, payload: { url: rx.url, body: { i } }, idempotencyKey: `b-${i}` });
  });
  t = now();
  const r = await dispatchDue(deps, { limit: 50, rounds: 100 });
  out['outbox dispatch to HTTP receiver (effects/s)'] = Math.round((r.done / ms(t)) * 1000);
  if (rx.count() !== E) out['!! receiver count'] = rx.count();
  await rx.close();

  await app.close();
  if (kind === 'postgres') {
    await store.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  }
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  out['process RSS (MB)'] = Math.round(process.memoryUsage().rss / 1e6);
  return out;
}

const embedded = await measure('embedded');
let server;
try {
  server = await measure('postgres');
} catch (e) {
  console.log(`PostgreSQL leg skipped: ${e.message}`);
}
printTable('Partnerdesk foundation bench', { embedded, ...(server && { server }) });
