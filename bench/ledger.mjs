#!/usr/bin/env node
/**
 * `npm run bench:ledger [-- INVOICES]`: what the journal costs, on both stores. Issues INVOICES
 * invoices (default 500) to 50 customers through the real issuing use case, records one payment
 * per invoice (each allocated, so two journal entries), and times the integrity check over the
 * resulting journal. Each posting is serialized under the ledger lock, so payments per second is
 * also the ceiling of postings across processes. Compared with the same payments recorded with
 * the journal's work only (`post` alone, no allocation logic), to show what the use case adds.
 * Asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import pg from 'pg';
import { load, printTable, TEST_DATABASE_URL as url } from './lib.mjs';

const N = Number(process.argv[2] ?? 500);
const { parseConfig } = await load('core/config.js');
const { openAndMigrate } = await load('runtime.js');
const { makeDeps } = await load('deps.js');
const { TestClock } = await load('core/clock.js');
const { cliActor } = await load('db/tx.js');
const { newId } = await load('core/ids.js');
const { moneyToDecimalString } = await load('core/money.js');
const { issueInvoice } = await load('modules/invoicing/issue.js');
const { recordPayment } = await load('modules/payments/payments.js');
const { checkLedger } = await load('modules/payments/ledger-check.js');
const { post } = await load('modules/payments/ledger.js');

const now = () => process.hrtime.bigint();
const secs = (t0) => Number(process.hrtime.bigint() - t0) / 1e9;

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'pd-bench-ledger-'));
  const schema = `bench_ledger_${process.pid}`;
  const env = kind === 'embedded'
    ? { PARTNERDESK_DATA_DIR: join(dir, 'data'), PARTNERDESK_LOG_LEVEL: 'silent' }
    : { DATABASE_URL: url, PARTNERDESK_DB_SCHEMA: schema, PARTNERDESK_LOG_LEVEL: 'silent' };
  const config = parseConfig(env, dir);
  const { store } = await openAndMigrate(config, 'bench');
  const deps = makeDeps(config, store, { clock: new TestClock('2026-11-02T09:00:00Z'), log: pino({ level: 'silent' }) });
  const actor = cliActor('bench');
  const out = {};
  try {
    const t0 = deps.clock.now();
    const accountId = newId('pa');
    await deps.db.insertInto('provider_accounts').values({ id: accountId, name: 'bench', cloud: 'global', api_base_url: 'http://127.0.0.1:9', token_authority: 'http://127.0.0.1:9', scope: 's', payee: 'microsoft', currency: 'EUR', partner_tenant_id: newId('t'), app_id: 'a', created_at: t0, updated_at: t0 }).execute();
    const customers = [];
    for (let c = 0; c < 50; c++) {
      const id = newId('cus');
      await deps.db.insertInto('customers').values({ id, provider_account_id: accountId, tenant_id: newId('t'), company_name: `Bench ${c}`, country: 'DE', billing_currency: 'EUR', billing_email: 'ap@example.com', billing_address: JSON.stringify({ lines: ['Weg 1'], city: 'Köln' }), tax_settings: JSON.stringify({ mode: 'standard', rate: '19' }), created_at: t0, updated_at: t0 }).execute();
      customers.push(id);
    }
    const drafts = [];
    for (let i = 0; i < N; i++) {
      const id = newId('inv');
      const net = BigInt(10_000 + i);
      const tax = (net * 19n + 50n) / 100n;
      await deps.db.insertInto('invoices').values({ id, kind: 'invoice', run_id: null, customer_id: customers[i % 50], currency: 'EUR', status: 'draft', net, tax, gross: net + tax, tax_mode: 'standard', tax_rate: '19', locale: 'de', created_by: 'bench', created_at: t0, updated_at: t0 }).execute();
      await deps.db.insertInto('invoice_lines').values({ id: newId('inl'), invoice_id: id, position: 1, group_key: 'g', group_title: 'G', description: 'Service', period_start: '2026-10-01', period_end: '2026-10-31', quantity: '1', unit_price: String(net), amount: net, proration: null, charges: 0, credits_line_id: null }).execute();
      drafts.push({ id, customerId: customers[i % 50], gross: net + tax });
    }
    let t = now();
    for (const d of drafts) await issueInvoice(deps, actor, d.id);
    out['issue (invoices/s)'] = N / secs(t);
    t = now();
    for (const d of drafts) {
      await recordPayment(deps, actor, { customerId: d.customerId, amount: moneyToDecimalString({ amount: d.gross, currency: 'EUR' }), currency: 'EUR', receivedOn: '2026-11-01', method: 'bank_transfer', allocate: [{ invoiceId: d.id }] });
    }
    out['record + allocate payment (/s)'] = N / secs(t);
    t = now();
    for (let i = 0; i < N; i++) {
      await deps.db.transaction().execute((trx) => post(trx, deps.clock.now(), { kind: 'bench', docType: 'payment', docId: `bench_${i}`, effectiveDate: '2026-11-01', lines: [{ account: 'bank', currency: 'EUR', debit: 100n }, { account: 'bank', currency: 'EUR', credit: 100n }] }));
    }
    out['bare posting, own tx (/s)'] = N / secs(t);
    t = now();
    const check = await checkLedger(deps.db);
    out['ledger check (s)'] = secs(t);
    out['journal entries'] = check.entries;
    out['check ok'] = check.ok ? 'yes' : 'NO';
    out['load average (1 min)'] = loadavg()[0];
  } finally {
    await store.close();
    if (kind !== 'embedded') {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.query(`DROP SCHEMA IF EXISTS ${schema}_jobs CASCADE`).catch(() => undefined);
      await c.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const embedded = await measure('embedded');
let server;
try {
  server = await measure('postgres');
} catch (e) {
  console.log(`PostgreSQL leg skipped: ${e.message}`);
}
printTable(`Partnerdesk ledger bench (${N} invoices, ${N} payments)`, { embedded, ...(server && { server }) });
