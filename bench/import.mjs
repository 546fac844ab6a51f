#!/usr/bin/env node
/**
 * `npm run bench:import [-- ROWS]`: generates a deterministic (seeded) new-commerce invoice
 * reconciliation CSV (default 1,000,000 rows), imports it on PostgreSQL and on PGlite, and prints
 * rows/s, peak RSS and the ratio to a raw COPY of the same file into an untyped staging table in
 * the same run (the floor). Asserts nothing.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import pino from 'pino';
import { load, printTable, TEST_DATABASE_URL as url } from './lib.mjs';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const { parseConfig } = await load('core/config.js');
const { openAndMigrate } = await load('runtime.js');
const { makeDeps } = await load('deps.js');
const { systemClock } = await load('core/clock.js');
const { cliActor } = await load('db/tx.js');
const { withConnection, bulkCopy } = await load('db/bulk.js');
const { importRecon } = await load('modules/provider-billing/import-recon.js');
const { canonicalColumns } = await load('modules/provider-billing/formats/columns.js');
const { writeCsvRow } = await load('modules/provider-billing/formats/csv.js');
const { createAccount } = await load('modules/providers/manage-accounts.js');

const dir = mkdtempSync(join(tmpdir(), 'pd-bench-import-'));
const file = join(dir, 'recon.csv');

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

async function generate() {
  const header = canonicalColumns('nce_invoice');
  const out = createWriteStream(file);
  out.write(writeCsvRow(header, ',') + '\n');
  for (let i = 0; i < ROWS; i++) {
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

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

async function rawCopy(store) {
  // the floor: the same bytes into an untyped table, one column of text per field
  const header = canonicalColumns('nce_invoice');
  return withConnection(store, async (conn) => {
    await conn.client.query('BEGIN');
    await conn.client.query(`CREATE TEMP TABLE raw_stage (${header.map((_, i) => `c${i} text`).join(', ')}) ON COMMIT DROP`);
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
        await bulkCopy(store, conn, 'raw_stage', header.map((_, i) => `c${i}`), batch.join(''));
        batch = [];
      }
    }
    if (batch.length) await bulkCopy(store, conn, 'raw_stage', header.map((_, i) => `c${i}`), batch.join(''));
    const ms = performance.now() - t0;
    await conn.client.query('ROLLBACK');
    return ms;
  });
}

async function measure(kind) {
  const schema = `bench_import_${process.pid}`;
  const env = kind === 'embedded'
    ? { PARTNERDESK_DATA_DIR: join(dir, 'data'), PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') }
    : { DATABASE_URL: url, PARTNERDESK_DB_SCHEMA: schema, PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') };
  const config = parseConfig(env, dir);
  const { store } = await openAndMigrate(config, 'bench');
  const deps = makeDeps(config, store, { clock: systemClock, log: pino({ level: 'silent' }) });
  const account = await createAccount(deps, cliActor(), { name: 'bench', cloud: 'global', partnerTenantId: 'bench', appId: 'a', supportEntitlements: [] });
  const rawMs = await rawCopy(store);
  peak = process.memoryUsage().rss;
  const t0 = performance.now();
  const r = await importRecon(deps, cliActor(), { path: file, providerAccountId: account.id });
  const ms = performance.now() - t0;
  const out = { rows: r.rows, imported: r.imported, 'import (s)': ms / 1000, 'rows/s': r.rows / (ms / 1000), 'raw COPY (s)': rawMs / 1000, 'import / raw COPY': ms / rawMs, 'peak RSS (MB)': peak / 1e6 };
  if (kind === 'postgres') await store.pool.query(`DROP SCHEMA ${schema} CASCADE`);
  await store.close();
  return out;
}

const tg = performance.now();
await generate();
console.log(`generated ${ROWS} rows, ${(statSync(file).size / 1e6).toFixed(0)} MB in ${((performance.now() - tg) / 1000).toFixed(1)} s`);
const results = {};
try {
  results.postgres = await measure('postgres');
} catch (e) {
  console.log(`PostgreSQL leg skipped: ${e.message}`);
}
results.pglite = await measure('embedded');
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });
printTable(`Partnerdesk reconciliation import bench, ${ROWS} rows`, results);
