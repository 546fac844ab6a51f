#!/usr/bin/env node
/**
 * `npm run bench:import [-- ROWS]`: generates a deterministic (seeded) new-commerce invoice
 * reconciliation CSV (default 1,000,000 rows), imports it on PostgreSQL and on PGlite, and prints
 * rows/s, peak RSS and the ratio to a raw COPY of the same file into an untyped staging table in
 * the same run (the floor). Asserts nothing.
 *
 * Every measurement runs in its own child process, so one leg's memory does not show in the other's
 * peak RSS: PGlite's data directory is created and migrated by one child (initdb alone takes the
 * process to ~800 MB RSS, which is not the import's), then the raw COPY and the import each open the
 * existing directory, as `partnerdesk import recon` does. "peak RSS" is the child's largest RSS
 * sampled every 20 ms during the import; "process max RSS" is the kernel's figure for the whole
 * child (open, import, close). "stage (s)" is when the last row was loaded (parse, validate and
 * COPY, overlapped), "merge (s)" what follows. On PostgreSQL the import takes the direct path
 * (import-direct.ts: the COPY goes straight into recon_lines, so "stage" is the whole load and
 * "merge" only the summary, audit and commit); on PGlite it stages into a temporary table and
 * "merge" is the INSERT … SELECT into recon_lines, totals, unmatched and commit.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { load, printTable, TEST_DATABASE_URL as url } from './lib.mjs';

const SECRET = Buffer.alloc(32, 1).toString('base64');
const args = process.argv.slice(2);
const leg = args[0] === '--leg' ? { step: args[1], kind: args[2], file: args[3], dir: args[4] } : null;

// a small deterministic PRNG (mulberry32)
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const PRODUCTS = [
  ['CFQ7TTC0LH18', 'Microsoft 365 E3', '33.60'],
  ['CFQ7TTC0LDPB', 'Microsoft 365 Business Standard', '11.76'],
  ['CFQ7TTC0LF8R', 'Dynamics 365 Sales Enterprise', '88.20'],
  ['DZH318Z0BQ3Q', 'Azure plan', '0.192'],
];

async function generate(file, rows) {
  const { canonicalColumns } = await load('modules/provider-billing/formats/columns.js');
  const { writeCsvRow } = await load('modules/provider-billing/formats/csv.js');
  const header = canonicalColumns('nce_invoice');
  const out = createWriteStream(file);
  out.write(writeCsvRow(header, ',') + '\n');
  for (let i = 0; i < rows; i++) {
    const [productId, name, price] = PRODUCTS[Math.floor(rand() * PRODUCTS.length)];
    const qty = 1 + Math.floor(rand() * 300);
    const cents = BigInt(price.replace('.', '').padEnd(price.split('.')[0].length + 6, '0')) * BigInt(qty) / 10_000n; // ROUNDDOWN to cents
    const sub = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
    const v = {
      CustomerId: `c${String(Math.floor(rand() * 5000)).padStart(6, '0')}`,
      CustomerName: `Customer ${i % 5000}`,
      InvoiceNumber: 'G009876543',
      OrderId: `o${i}`,
      ProductId: productId,
      SkuId: '0001',
      AvailabilityId: 'CFQ7TTC0K59S',
      SkuName: name,
      ProductName: name,
      ChargeType: 'cycleCharge',
      UnitPrice: price,
      EffectiveUnitPrice: price,
      Quantity: String(qty),
      BillableQuantity: String(qty),
      Subtotal: sub,
      TaxTotal: '0',
      Total: sub,
      Currency: 'USD',
      PricingCurrency: 'USD',
      PCToBCExchangeRate: '1',
      SubscriptionId: `s${i}`,
      ChargeStartDate: '2026-10-01',
      ChargeEndDate: '2026-10-31',
    };
    if (!out.write(writeCsvRow(header.map((c) => v[c] ?? ''), ',') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function openLeg(kind, dir) {
  const { parseConfig } = await load('core/config.js');
  const { openAndMigrate } = await load('runtime.js');
  const { makeDeps } = await load('deps.js');
  const { systemClock } = await load('core/clock.js');
  const env =
    kind === 'pglite'
      ? { PARTNERDESK_DATA_DIR: join(dir, 'data'), PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_SECRET_KEY: SECRET }
      : { DATABASE_URL: url, PARTNERDESK_DB_SCHEMA: `bench_import_${process.ppid}`, PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_SECRET_KEY: SECRET };
  const config = parseConfig(env, dir);
  const { store } = await openAndMigrate(config, 'bench');
  return { store, deps: makeDeps(config, store, { clock: systemClock, log: pino({ level: 'silent' }) }) };
}

/** The floor: the same bytes into an untyped temp table (one text column per field), through bulkCopy. */
async function rawCopy(store, file) {
  const { withConnection, bulkCopy } = await load('db/bulk.js');
  const { canonicalColumns } = await load('modules/provider-billing/formats/columns.js');
  const cols = canonicalColumns('nce_invoice').map((_, i) => `c${i}`);
  return withConnection(store, async (conn) => {
    await conn.client.query('BEGIN');
    await conn.client.query(`CREATE TEMP TABLE raw_stage (${cols.map((c) => `${c} text`).join(', ')}) ON COMMIT DROP`);
    const t0 = performance.now();
    let batch = [];
    let first = true;
    let rest = '';
    for await (const chunk of createReadStream(file, 'utf8')) {
      const text = rest + chunk;
      const cut = text.lastIndexOf('\n');
      rest = text.slice(cut + 1);
      let part = text.slice(0, cut + 1);
      if (first) {
        part = part.slice(part.indexOf('\n') + 1);
        first = false;
      }
      batch.push(part);
      if (batch.length >= 16) {
        await bulkCopy(store, conn, 'raw_stage', cols, batch.join(''));
        batch = [];
      }
    }
    if (batch.length) await bulkCopy(store, conn, 'raw_stage', cols, batch.join(''));
    const ms = performance.now() - t0;
    await conn.client.query('ROLLBACK');
    return ms;
  });
}

async function runLeg({ step, kind, file, dir }) {
  const { cliActor } = await load('db/tx.js');
  const { store, deps } = await openLeg(kind, dir);
  let out = {};
  try {
    if (step === 'prepare') {
      const { createAccount } = await load('modules/providers/manage-accounts.js');
      await createAccount(deps, cliActor(), { name: 'bench', cloud: 'global', partnerTenantId: 'bench', appId: 'a', supportEntitlements: [] });
    } else if (step === 'raw') {
      out = { rawMs: await rawCopy(store, file) };
    } else {
      const { importRecon } = await load('modules/provider-billing/import-recon.js');
      const account = await deps.db.selectFrom('provider_accounts').select('id').executeTakeFirstOrThrow();
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      let staged = 0;
      const t0 = performance.now();
      const r = await importRecon(deps, cliActor(), { path: file, providerAccountId: account.id, onProgress: () => (staged = performance.now()) });
      const ms = performance.now() - t0;
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      out = { rows: r.rows, imported: r.imported, rejected: r.rejected, ms, stageMs: staged - t0, peak };
    }
  } finally {
    if (kind === 'postgres' && step === 'import') await store.pool.query(`DROP SCHEMA IF EXISTS bench_import_${process.ppid} CASCADE`);
    await store.close();
  }
  out.maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify(out) + '\n');
}

function child(step, kind, file, dir) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--leg', step, kind, file, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${kind} ${step} exited with ${code}`))));
  });
}

async function measure(kind, file, dir) {
  if (kind === 'pglite') await child('prepare', kind, file, dir);
  const raw = await child('raw', kind, file, dir);
  if (kind === 'postgres') await child('prepare', kind, file, dir);
  const r = await child('import', kind, file, dir);
  return {
    rows: r.rows,
    imported: r.imported,
    'import (s)': r.ms / 1000,
    'stage (s)': r.stageMs / 1000,
    'merge (s)': (r.ms - r.stageMs) / 1000,
    'rows/s': r.rows / (r.ms / 1000),
    'raw COPY (s)': raw.rawMs / 1000,
    'raw COPY rows/s': r.rows / (raw.rawMs / 1000),
    'import / raw COPY': r.ms / raw.rawMs,
    'peak RSS (MB)': r.peak / 1e6,
    'process max RSS (MB)': r.maxRss / 1e6,
  };
}

if (leg) {
  await runLeg(leg);
} else {
  const ROWS = Number(args[0] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'pd-bench-import-'));
  const file = join(dir, 'recon.csv');
  try {
    const tg = performance.now();
    await generate(file, ROWS);
    console.log(`generated ${ROWS} rows, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - tg) / 1000).toFixed(1)} s`);
    const results = {};
    try {
      // the schema name is derived from this process's pid (the children's parent)
      results.postgres = await measure('postgres', file, dir);
    } catch (e) {
      console.log(`PostgreSQL leg skipped: ${e.message}`);
    }
    results.pglite = await measure('pglite', file, dir);
    printTable(`Partnerdesk reconciliation import bench, ${ROWS} rows`, results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
