#!/usr/bin/env node
/**
 * `npm run bench:invoice [-- CUSTOMERS CHARGES]`: an invoice run over 10,000 customers and
 * 1,000,000 uninvoiced charges (deterministic, seeded) on PostgreSQL. Prints the time `startRun`
 * takes to produce all drafts (fees, rating, eligibility, the set-based drafts, counts, audit,
 * commit: the real use case from dist/server), the floor — one `INSERT … SELECT … GROUP BY` into a
 * scratch table computing the sums of the drafts' lines (per customer, currency, group,
 * description, unit price, period) over the same charges, in the same database and run — and their
 * ratio (target ≤ 2). A draft stores its totals only and its lines are grouped from its charges
 * when read, so the run is also compared with the floor of the sums it stores (per customer and
 * currency), and reading a sample of drafts' lines is timed. Then PDFs per second:
 * issued invoices of the run read back and rendered (buildDocument + renderDocumentPdf, DB read
 * included; timed right after the run, while the planner's statistics still predate the run's
 * rows, and again after ANALYZE as autovacuum would do), and the sample documents of
 * bench/pdf.mjs. Asserts nothing.
 *
 * Every measurement runs in its own child process on one schema (bench_invoice_<pid>, dropped at
 * the end): `prepare` migrates it and loads customers and charges with COPY (not measured), then
 * floor and run alternate REPS times (the run is cancelled between repetitions, its drafts deleted,
 * and invoices/invoice_lines vacuumed, as autovacuum would; not measured), then `pdf` issues
 * PDF_INVOICES drafts and renders them. With BENCH_PGLITE=1 the floor and the run are also measured
 * on PGlite (same data; optional, slow to load).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { load, printTable, TEST_DATABASE_URL as url } from './lib.mjs';
import { pdfBench } from './pdf.mjs';

const SECRET = Buffer.alloc(32, 1).toString('base64');
const PERIOD = '2026-10';
const REPS = Number(process.env.BENCH_REPS ?? 2);
const PDF_INVOICES = Number(process.env.PDF_INVOICES ?? 50);
const args = process.argv.slice(2);
const leg = args[0] === '--leg' ? { step: args[1], kind: args[2], dir: args[3], customers: Number(args[4]), charges: Number(args[5]) } : null;

// a small deterministic PRNG (mulberry32)
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rand() * a.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const hex = (n) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const guid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;

// [country, currency, locale, tax settings, share]; US customers are exports (zero rated) or have no rate (held)
const MARKETS = [
  ['DE', 'EUR', 'de', { mode: 'standard' }, 30],
  ['AT', 'EUR', 'de', { mode: 'standard' }, 6],
  ['FR', 'EUR', 'en', 'reverse_charge', 8],
  ['NL', 'EUR', 'en', 'reverse_charge', 6],
  ['CH', 'EUR', 'de', { mode: 'standard' }, 4],
  ['GB', 'GBP', 'en', { mode: 'standard' }, 12],
  ['US', 'USD', 'en', { mode: 'zero_rated' }, 12],
  ['US', 'USD', 'en', { mode: 'standard' }, 1],
  ['CN', 'CNY', 'zh-CN', { mode: 'standard' }, 11],
  ['RU', 'RUB', 'ru', { mode: 'standard' }, 10],
];
const MARKET_WEIGHT = MARKETS.reduce((s, m) => s + m[4], 0);
// customer currency per 1 EUR (list prices below are in EUR)
const FX = { EUR: 1, USD: 1.08, GBP: 0.86, CNY: 7.8, RUB: 98 };
const CITIES = {
  DE: ['Berlin', 'München', 'Hamburg', 'Köln'],
  AT: ['Wien', 'Graz'],
  FR: ['Paris', 'Lyon'],
  NL: ['Amsterdam', 'Utrecht'],
  CH: ['Zürich', 'Basel'],
  GB: ['London', 'Manchester'],
  US: ['Seattle', 'Austin'],
  CN: ['北京', '上海', '深圳'],
  RU: ['Москва', 'Санкт-Петербург'],
};
const NAMES = {
  de: ['Müller', 'Schmidt', 'Becker', 'Hoffmann', 'Schäfer', 'Köhler'],
  en: ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Litware', 'Proseware'],
  'zh-CN': ['华信', '云图', '星河', '东方', '蓝海', '长城'],
  ru: ['Север', 'Вектор', 'Интеграл', 'Прогресс', 'Альфа', 'Гранит'],
};
const SUFFIX = { de: 'GmbH', en: 'Ltd', 'zh-CN': '科技有限公司', ru: 'ООО' };

// licence products: [product id, sku, name, monthly list price in EUR]
const LICENCES = [
  ['CFQ7TTC0LH18', '0001', 'Microsoft 365 E3', '33.60'],
  ['CFQ7TTC0LFLZ', '0002', 'Microsoft 365 E5', '54.75'],
  ['CFQ7TTC0LDPB', '0001', 'Microsoft 365 Business Standard', '11.70'],
  ['CFQ7TTC0LCHC', '0002', 'Microsoft 365 Business Premium', '20.60'],
  ['CFQ7TTC0LF8R', '0001', 'Dynamics 365 Sales Enterprise', '88.20'],
  ['CFQ7TTC0LH0R', '0001', 'Power BI Pro', '13.10'],
  ['CFQ7TTC0LHSV', '0001', 'Exchange Online (Plan 1)', '3.70'],
  ['CFQ7TTC0MM8R', '0001', 'Microsoft Copilot for Microsoft 365', '28.10'],
];
// Azure meters: [meter, unit price in EUR (6 decimals)]
const METERS = [
  ['Virtual Machines - D2s v5 - Compute Hours', '0.089600'],
  ['Virtual Machines - E4s v5 - Compute Hours', '0.236800'],
  ['Storage - Premium SSD Managed Disks - P10 LRS Disk', '0.001952'],
  ['Storage - Blob Hot LRS - Data Stored (GB/Month)', '0.017400'],
  ['Bandwidth - Data Transfer Out (GB)', '0.080100'],
  ['Azure SQL Database - General Purpose vCore', '0.466300'],
  ['Azure App Service - Premium v3 P1v3', '0.119000'],
  ['Log Analytics - Data Ingestion (GB)', '2.530000'],
  ['Azure Kubernetes Service - Standard Uptime SLA', '0.092000'],
  ['Key Vault - Operations (10K)', '0.028000'],
];
const FEES = [
  ['Support plan Advanced', '450.00'],
  ['Managed Microsoft 365 service', '4.50'],
  ['Managed Azure service', '250.00'],
];

/** A decimal string with 6 decimals → micro-units (bigint). */
const micro = (s) => {
  const [i, f = ''] = s.split('.');
  return BigInt(i) * 1_000_000n + BigInt((f + '000000').slice(0, 6)) * (s.startsWith('-') ? -1n : 1n);
};
const fromMicro = (m) => {
  const neg = m < 0n;
  const a = neg ? -m : m;
  return `${neg ? '-' : ''}${a / 1_000_000n}.${String(a % 1_000_000n).padStart(6, '0')}`;
};
/** round(v / d), half away from zero */
const divRound = (v, d) => (v >= 0n ? (2n * v + d) / (2n * d) : -((2n * -v + d) / (2n * d)));
const priceIn = (eur, currency) => divRound(micro(eur) * BigInt(Math.round(FX[currency] * 10_000)), 10_000n); // micro-units
const csvField = (v) => (v === null || v === undefined ? '' : /[",\n\r]/.test(String(v)) || String(v) === '' ? `"${String(v).replace(/"/g, '""')}"` : String(v));
const csvRow = (vals) => vals.map(csvField).join(',') + '\n';

const CUSTOMER_COLS = ['id', 'provider_account_id', 'tenant_id', 'domain', 'company_name', 'country', 'billing_email', 'locale', 'billing_currency', 'payment_terms_days', 'tax_settings', 'billing_address', 'billing_contact_name', 'created_at', 'updated_at'];
const CHARGE_COLS = ['id', 'customer_id', 'source', 'source_ref', 'billing_period', 'subscription_id', 'group_key', 'group_title', 'description', 'category', 'product_id', 'sku_id', 'period_start', 'period_end', 'quantity', 'unit_price', 'amount', 'currency', 'cost', 'proration', 'price_rule_id', 'price_method', 'fx_rate', 'created_by', 'created_at'];

/** Customers (CSV) and, per customer, its groups; charges are made per customer from those. */
function makeCustomers(n, accountId, now) {
  const rows = [];
  const plan = [];
  for (let i = 0; i < n; i++) {
    let w = rand() * MARKET_WEIGHT;
    const m = MARKETS.find((x) => (w -= x[4]) < 0) ?? MARKETS[0];
    const [country, currency, locale, tax] = m;
    const id = `cus_b${String(i).padStart(6, '0')}`;
    const name = `${pick(NAMES[locale])} ${i} ${SUFFIX[locale]}`;
    const taxSettings = tax === 'reverse_charge' ? { mode: 'reverse_charge', vatId: `${country}${int(100000000, 999999999)}01` } : tax;
    const r = rand();
    // ~3 % have no billing contact, ~1 % no billing address: held
    const email = r < 0.03 ? null : `billing@customer${i}.example`;
    const address = r >= 0.03 && r < 0.04 ? null : { lines: [`${pick(['Hauptstraße', 'Main Street', 'Parkweg', 'Ленина', '人民路'])} ${int(1, 200)}`], postalCode: String(int(10000, 99999)), city: pick(CITIES[country]), country };
    rows.push(csvRow([id, accountId, guid(), `customer${i}.example`, name, country, email, locale, currency, pick([14, 30, 30, 45]), JSON.stringify(taxSettings), address && JSON.stringify(address), `Accounts ${i}`, now, now]));
    // 5–10 groups: licence subscriptions, an Azure plan, a fee; ~2 % also buy in USD
    const groups = [];
    const nGroups = int(5, 10);
    const hasAzure = rand() < 0.7;
    for (let g = 0; g < nGroups; g++) {
      const sub = guid();
      const cur = g === nGroups - 1 && currency !== 'USD' && rand() < 0.02 ? 'USD' : currency;
      if (g === 0 && hasAzure) groups.push({ kind: 'azure', key: `sub:${sub}`, title: `Azure plan (${sub.slice(0, 8)})`, currency: cur, meters: Array.from({ length: int(3, 6) }, () => pick(METERS)) });
      else if (g === 1 && rand() < 0.5) {
        const [fname, price] = pick(FEES);
        groups.push({ kind: 'fee', key: `fee:fee_b${i}_${g}`, title: fname, currency: cur, price });
      } else {
        const [pid, sku, pname, price] = pick(LICENCES);
        groups.push({ kind: 'licence', key: `sub:${sub}`, title: `${pname} (${sub.slice(0, 8)})`, currency: cur, pid, sku, pname, price, seats: int(1, 250) });
      }
    }
    plan.push({ id, groups });
  }
  return { csv: rows, plan };
}

/** `count` charges of one customer, spread over its groups (CSV rows). */
function makeCharges(c, count, seqBase, now) {
  const out = [];
  for (let k = 0; k < count; k++) {
    const g = c.groups[k < c.groups.length ? k : Math.floor(rand() * c.groups.length)];
    const ref = `bench:${seqBase + k}`;
    const id = `chg_b${seqBase + k}`;
    let description, category, productId, skuId, start = '2026-10-01', end = '2026-10-31', qty, unit, proration = null, method = 'markup', source = 'recon';
    if (g.kind === 'azure') {
      const [meter, price] = pick(g.meters);
      // daily usage of one meter, summed per meter and price on the invoice
      description = meter;
      category = 'azure';
      productId = 'DZH318Z0BQ3Q';
      skuId = '0001';
      qty = BigInt(int(1, 24_000_000)) * (rand() < 0.5 ? 1n : 100n); // up to 2,400 units, 6 decimals
      unit = priceIn(price, g.currency);
    } else if (g.kind === 'fee') {
      description = g.title;
      category = 'service';
      source = 'recurring';
      method = 'fee';
      qty = 1_000_000n;
      unit = priceIn(g.price, g.currency);
    } else {
      description = g.pname;
      category = 'license';
      productId = g.pid;
      skuId = g.sku;
      const r = rand();
      qty = BigInt(r < 0.6 ? g.seats : int(1, 10)) * 1_000_000n;
      unit = priceIn(g.price, g.currency);
      if (r >= 0.6 && r < 0.9) {
        // seats added mid-month: prorated from the day they were added
        const day = int(2, 30);
        start = `2026-10-${String(day).padStart(2, '0')}`;
        proration = { days: 31 - day + 1, of: 31 };
        description = `${g.pname} – seats added`;
      } else if (r >= 0.9) {
        // seats removed within the cancellation window: a refund
        qty = -qty;
        description = `${g.pname} – refund for removed seats`;
        method = 'refund';
      }
    }
    // amount in minor units = quantity × unit price (× days / of), rounded half up; all currencies here have 2 decimals
    let amount = qty * unit; // 1e-12 units
    amount = proration ? divRound(amount * BigInt(proration.days) * 100n, 1_000_000_000_000n * BigInt(proration.of)) : divRound(amount * 100n, 1_000_000_000_000n);
    const cost = divRound(amount * 85n, 100n);
    out.push(
      csvRow([id, c.id, source, ref, PERIOD, null, g.key, g.title, description, category, productId ?? null, skuId ?? null, start, end, fromMicro(qty), fromMicro(unit), amount, g.currency, cost, proration && JSON.stringify(proration), null, method, null, 'bench', now]),
    );
  }
  return out;
}

/** `prepare` migrates; later legs open the schema as it is (dist/ may be rebuilt meanwhile by someone editing a migration). */
async function openLeg(kind, dir, migrate) {
  const { parseConfig } = await load('core/config.js');
  const { openAndMigrate } = await load('runtime.js');
  const { openStore } = await load('db/store.js');
  const { makeDeps } = await load('deps.js');
  const { systemClock } = await load('core/clock.js');
  const env =
    kind === 'pglite'
      ? { PARTNERDESK_DATA_DIR: join(dir, 'data'), PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_SECRET_KEY: SECRET }
      : { DATABASE_URL: url, PARTNERDESK_DB_SCHEMA: `bench_invoice_${process.ppid}`, PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_SECRET_KEY: SECRET };
  const config = parseConfig(env, dir);
  const store = migrate ? (await openAndMigrate(config, 'bench')).store : await openStore(config, { command: 'bench' });
  return { store, deps: makeDeps(config, store, { clock: systemClock, log: pino({ level: 'silent' }) }) };
}

async function prepare(store, deps, customers, charges) {
  const { cliActor } = await load('db/tx.js');
  const { createAccount } = await load('modules/providers/manage-accounts.js');
  const { setPartnerProfile } = await load('modules/invoicing/partner-profile.js');
  const { withConnection, bulkCopy } = await load('db/bulk.js');
  const actor = cliActor('bench');
  const account = await createAccount(deps, actor, { name: 'bench', cloud: 'global', partnerTenantId: 'bench', appId: 'a', supportEntitlements: [] });
  await setPartnerProfile(deps, actor, {
    name: 'Contoso Cloud Services GmbH',
    addressLines: ['Friedrichstraße 100', '10117 Berlin'],
    country: 'DE',
    taxId: 'DE123456789',
    email: 'billing@contoso-cloud.example',
    phone: '+49 30 1234567',
    website: 'https://contoso-cloud.example',
    logoBase64: null,
    bank: { accountHolder: 'Contoso Cloud Services GmbH', bankName: 'Berliner Bank', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
    legalLines: ['Amtsgericht Berlin HRB 123456'],
    policyUrl: null,
    invoicePrefix: 'INV',
    creditNotePrefix: 'CN',
  });
  const now = new Date('2026-11-01T06:00:00Z').toISOString();
  const { csv, plan } = makeCustomers(customers, account.id, now);
  await withConnection(store, async (conn) => {
    await conn.client.query('BEGIN');
    await bulkCopy(store, conn, 'customers', CUSTOMER_COLS, csv.join(''));
    // ~`charges` / customers each, ± up to 40 %, pairwise so the total is exact
    const base = Math.floor(charges / customers);
    let extra = charges - base * customers;
    let seq = 0;
    let batch = [];
    let size = 0;
    let d = 0;
    for (let i = 0; i < plan.length; i++) {
      if (i % 2 === 0) d = i + 1 < plan.length ? int(0, Math.floor(base * 0.4)) : 0;
      let count = base + (i % 2 === 0 ? d : -d);
      if (extra > 0) (count++, extra--);
      const rows = makeCharges(plan[i], count, seq, now);
      seq += count;
      batch.push(rows.join(''));
      size += rows.length;
      if (size >= 50_000) {
        await bulkCopy(store, conn, 'charges', CHARGE_COLS, batch.join(''));
        batch = [];
        size = 0;
      }
    }
    if (batch.length) await bulkCopy(store, conn, 'charges', CHARGE_COLS, batch.join(''));
    await conn.client.query('COMMIT');
  });
  // as autovacuum would have done after a load this size
  await store.pool.query('VACUUM ANALYZE customers');
  await store.pool.query('VACUUM ANALYZE charges');
  await store.pool.query(`CREATE TABLE bench_floor (customer_id text, currency text, group_key text, group_title text, description text, unit_price numeric(20, 6),
    period_start date, period_end date, proration jsonb, quantity numeric(20, 6), amount bigint, charges integer)`);
  const s = (await store.pool.query(`SELECT count(*)::int AS n, count(DISTINCT customer_id)::int AS customers, count(*) FILTER (WHERE amount < 0)::int AS refunds,
    count(*) FILTER (WHERE proration IS NOT NULL)::int AS prorated, count(DISTINCT (customer_id, currency))::int AS pairs, pg_total_relation_size('charges') AS bytes FROM charges`)).rows[0];
  return { charges: s.n, customers: s.customers, refunds: s.refunds, prorated: s.prorated, pairs: s.pairs, mb: Number(s.bytes) / 1e6 };
}

/** The floor: the drafts' line sums (insertDrafts' `g`, same filter and grouping) into a scratch table, one statement. */
async function floor(store) {
  await store.pool.query('TRUNCATE bench_floor');
  const t0 = performance.now();
  const r = await store.pool.query(`INSERT INTO bench_floor
    SELECT c.customer_id, c.currency, c.group_key, c.group_title, c.description, c.unit_price, c.period_start, c.period_end, c.proration,
           sum(c.quantity), sum(c.amount), count(*)
    FROM charges c
    WHERE c.invoice_id IS NULL AND c.billing_period <= $1
    GROUP BY c.customer_id, c.currency, c.group_key, c.group_title, c.description, c.unit_price, c.period_start, c.period_end, c.proration`, [PERIOD]);
  const ms = performance.now() - t0;
  await store.pool.query('TRUNCATE bench_floor');
  // the sums a draft itself carries (its lines are grouped from its charges when read): per customer and currency
  const t1 = performance.now();
  const inv = await store.pool.query(`INSERT INTO bench_floor (customer_id, currency, amount, charges)
    SELECT c.customer_id, c.currency, sum(c.amount), count(*) FROM charges c WHERE c.invoice_id IS NULL AND c.billing_period <= $1 GROUP BY c.customer_id, c.currency`, [PERIOD]);
  const invoiceMs = performance.now() - t1;
  await store.pool.query('TRUNCATE bench_floor');
  return { ms, lines: r.rowCount, invoiceMs, invoices: inv.rowCount };
}

async function run(store, deps) {
  const { cliActor } = await load('db/tx.js');
  const { startRun, cancelRun } = await load('modules/invoicing/runs.js');
  const actor = cliActor('bench');
  const t0 = performance.now();
  const r = await startRun(deps, actor, PERIOD);
  const ms = performance.now() - t0;
  // a draft's lines are read from its charges: time reading them for a sample of drafts
  const { invoiceLines } = await load('modules/invoicing/invoices.repo.js');
  const sample = (await store.pool.query('SELECT id FROM invoices WHERE run_id = $1 ORDER BY id LIMIT 200', [r.runId])).rows;
  const tl = performance.now();
  let lines = 0;
  for (const d of sample) lines += (await invoiceLines(deps.db, d.id)).length;
  const linesMs = (performance.now() - tl) / Math.max(1, sample.length);
  const stored = Number((await store.pool.query('SELECT count(*) AS n FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id WHERE i.run_id = $1', [r.runId])).rows[0].n);
  // ready for the next repetition: drafts deleted, as a new period would find the tables
  await cancelRun(deps, actor, r.runId);
  await store.pool.query('VACUUM ANALYZE invoices');
  await store.pool.query('VACUUM ANALYZE invoice_lines');
  return { ms, drafts: r.invoices + r.held, invoices: r.invoices, held: r.held, customers: r.customers, lines, sample: sample.length, linesMs, stored, created: r.created };
}

/** Issue `n` drafts of a fresh run, then read each back and render it (DB read + PDF), timed. */
async function pdfs(store, deps, n) {
  const { cliActor } = await load('db/tx.js');
  const { startRun } = await load('modules/invoicing/runs.js');
  const { issueInvoice } = await load('modules/invoicing/issue.js');
  const { buildDocument } = await load('modules/invoicing/build-document.js');
  const { renderDocumentPdf, warmUpPdfRenderer } = await load('modules/invoicing/pdf.js');
  const actor = cliActor('bench');
  const r = await startRun(deps, actor, PERIOD);
  // a spread of locales and sizes: every k-th issuable draft
  const drafts = (await store.pool.query(`SELECT id FROM invoices WHERE run_id = $1 AND hold_code IS NULL ORDER BY id`, [r.runId])).rows;
  const step = Math.max(1, Math.floor(drafts.length / n));
  const chosen = drafts.filter((_, i) => i % step === 0).slice(0, n).map((d) => d.id);
  const ti = performance.now();
  for (const id of chosen) await issueInvoice(deps, actor, id);
  const issueMs = performance.now() - ti;
  await warmUpPdfRenderer({ i18n: deps.i18n });
  const opts = { i18n: deps.i18n, publicUrl: deps.config.publicUrl };
  // one warm-up pass (JIT, glyph caches), then the timed pass
  for (const id of chosen) await renderDocumentPdf((await buildDocument(deps.db, id, opts)).doc, { i18n: deps.i18n });
  const pass = async () => {
    let pages = 0;
    let bytes = 0;
    let buildMs = 0;
    const t0 = performance.now();
    for (const id of chosen) {
      const b0 = performance.now();
      const { doc } = await buildDocument(deps.db, id, opts);
      buildMs += performance.now() - b0;
      const pdf = await renderDocumentPdf(doc, { i18n: deps.i18n });
      pages += (pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
      bytes += pdf.length;
    }
    return { ms: performance.now() - t0, buildMs, pages, bytes };
  };
  // right after the run (the planner's statistics of invoices/invoice_lines are from before the
  // run's inserts), then once autovacuum would have analyzed the new rows
  const fresh = await pass();
  await store.pool.query('ANALYZE invoices');
  await store.pool.query('ANALYZE invoice_lines');
  const { ms, buildMs, pages, bytes } = await pass();
  const locales = (await store.pool.query(`SELECT locale, count(*)::int AS n FROM invoices WHERE id = ANY($1) GROUP BY locale ORDER BY locale`, [chosen])).rows.map((x) => `${x.locale} ${x.n}`).join(', ');
  return { n: chosen.length, ms, buildMs, pages, kb: bytes / 1024 / chosen.length, issueMs, locales, freshMs: fresh.ms, freshBuildMs: fresh.buildMs };
}

async function runLeg({ step, kind, dir, customers, charges }) {
  if (step === 'drop') {
    if (kind === 'postgres') {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: url, max: 1 });
      await pool.query(`DROP SCHEMA IF EXISTS bench_invoice_${process.ppid} CASCADE`);
      await pool.end();
    }
    process.stdout.write('{}\n');
    return;
  }
  const { store, deps } = await openLeg(kind, dir, step === 'prepare');
  let out = {};
  try {
    if (step === 'prepare') out = await prepare(store, deps, customers, charges);
    else if (step === 'floor') out = await floor(store);
    else if (step === 'run') out = await run(store, deps);
    else if (step === 'pdf') out = await pdfs(store, deps, PDF_INVOICES);
  } finally {
    await store.close();
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

function child(step, kind, dir, customers, charges) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--leg', step, kind, dir, String(customers), String(charges)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (b) => (out += b));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`${kind} ${step} exited with ${code}`))));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure(kind, dir, customers, charges) {
  const tp = performance.now();
  const data = await child('prepare', kind, dir, customers, charges);
  console.log(
    `${kind}: loaded ${data.customers} customers, ${data.charges} charges (${data.refunds} refunds, ${data.prorated} prorated, ${data.pairs} customer/currency pairs, ${data.mb.toFixed(0)} MB with indexes) in ${((performance.now() - tp) / 1000).toFixed(1)} s`,
  );
  const floors = [];
  const runs = [];
  let pdf;
  try {
    for (let i = 0; i < REPS; i++) {
      floors.push(await child('floor', kind, dir, customers, charges));
      runs.push(await child('run', kind, dir, customers, charges));
      console.log(`${kind} #${i + 1}: floor ${(floors[i].ms / 1000).toFixed(2)} s (invoice sums ${(floors[i].invoiceMs / 1000).toFixed(2)} s), drafts ${(runs[i].ms / 1000).toFixed(2)} s, ratio ${(runs[i].ms / floors[i].ms).toFixed(2)} (${(runs[i].ms / floors[i].invoiceMs).toFixed(2)})`);
    }
    if (kind === 'postgres' && PDF_INVOICES > 0) pdf = await child('pdf', kind, dir, customers, charges);
  } finally {
    if (kind === 'postgres') await child('drop', kind, dir, customers, charges);
  }
  const f = floors.map((x) => x.ms);
  const r = runs.map((x) => x.ms);
  const out = {
    customers: data.customers,
    charges: data.charges,
    'floor lines': floors[0].lines,
    'floor invoices': floors[0].invoices,
    'lines stored by the run': runs[0].stored,
    [`lines read (${runs[0].sample} drafts)`]: runs[0].lines,
    'ms to read a draft\'s lines': runs[0].linesMs,
    'drafts (invoices)': runs[0].drafts,
    'held drafts': runs[0].held,
    'customers in run': runs[0].customers,
  };
  for (let i = 0; i < REPS; i++) {
    out[`floor #${i + 1} (s)`] = f[i] / 1000;
    out[`drafts #${i + 1} (s)`] = r[i] / 1000;
    out[`ratio #${i + 1}`] = r[i] / f[i];
    out[`floor, invoice sums #${i + 1} (s)`] = floors[i].invoiceMs / 1000;
    out[`ratio to invoice sums #${i + 1}`] = r[i] / floors[i].invoiceMs;
  }
  Object.assign(out, {
    'floor min (s)': Math.min(...f) / 1000,
    'floor median (s)': median(f) / 1000,
    'drafts min (s)': Math.min(...r) / 1000,
    'drafts median (s)': median(r) / 1000,
    'charges/s (median)': data.charges / (median(r) / 1000),
    'drafts/floor (min/min)': Math.min(...r) / Math.min(...f),
    'drafts/floor (median)': median(r) / median(f),
  });
  if (pdf) {
    Object.assign(out, {
      'issued for PDFs': pdf.n,
      'issue ms/invoice': pdf.issueMs / pdf.n,
      'PDF pages (avg)': pdf.pages / pdf.n,
      'PDF KB (avg)': pdf.kb,
      'read ms/PDF, stale stats': pdf.freshBuildMs / pdf.n,
      'PDFs/s, stale stats': (pdf.n * 1000) / pdf.freshMs,
      'read ms/PDF': pdf.buildMs / pdf.n,
      'read+render ms/PDF': pdf.ms / pdf.n,
      'PDFs/s (read+render)': (pdf.n * 1000) / pdf.ms,
    });
    out['PDF locales'] = pdf.locales;
  }
  return out;
}

if (leg) {
  await runLeg(leg);
} else {
  const customers = Number(args[0] ?? 10_000);
  const charges = Number(args[1] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'pd-bench-invoice-'));
  const load1 = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`load average at start: ${load1()}`);
  try {
    const results = {};
    try {
      results.postgres = await measure('postgres', dir, customers, charges);
    } catch (e) {
      console.log(`PostgreSQL leg skipped: ${e.message}`);
    }
    if (process.env.BENCH_PGLITE === '1') results.pglite = await measure('pglite', dir, customers, charges);
    else console.log('PGlite leg skipped (BENCH_PGLITE=1 to run it)');
    console.log(`load average after the runs: ${load1()}`);
    if (Object.keys(results).length) printTable(`Partnerdesk invoice run bench, ${customers} customers, ${charges} charges, period ${PERIOD}; target drafts/floor ≤ 2`, results);
    const { coldMs, results: sample } = await pdfBench({ seconds: 2, warmup: 1 });
    console.log(`\nSample invoice PDFs (bench/pdf.mjs documents, render only; first two in the process ${coldMs.toFixed(0)} ms)`);
    for (const [name, s] of Object.entries(sample)) console.log(`${name.padEnd(16)} ${String(s.pages).padStart(3)} pages ${s.ms.toFixed(1).padStart(7)} ms/PDF ${s.perSecond.toFixed(1).padStart(7)} PDFs/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
