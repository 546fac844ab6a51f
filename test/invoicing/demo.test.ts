import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliActor } from '../../src/db/tx.js';
import { seedDemoInvoicing } from '../../src/demo/invoicing.js';
import { seedDemoPricing } from '../../src/demo/pricing.js';
import { syncAccount } from '../../src/modules/customers/sync-customers.js';
import { buildDocument } from '../../src/modules/invoicing/build-document.js';
import { invoiceLines, listInvoices } from '../../src/modules/invoicing/invoices.repo.js';
import { renderDocumentPdf } from '../../src/modules/invoicing/pdf.js';
import { syncProviderInvoices } from '../../src/modules/provider-billing/sync-invoices.js';
import { createAccount } from '../../src/modules/providers/manage-accounts.js';
import { startSimulator, type Simulator } from '../../src/modules/providers/simulator/server.js';
import { createTestDeps, type TestDeps } from '../helpers/store.js';

/** The demo: provider sync → provider invoices and lines → rated charges and support plans → an issued month of invoices. */
describe('demo invoicing', () => {
  let deps: TestDeps;
  let sim: Simulator;
  const actor = cliActor('test');

  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-11-20T09:00:00Z' });
    sim = await startSimulator({ port: 0, seed: 'demo', clock: deps.clock });
    await seedDemoPricing(deps);
    for (const p of sim.partners().filter((x) => x.cloud !== 'usgov')) {
      const a = await createAccount(deps, actor, { name: p.cloud, cloud: p.cloud, partnerTenantId: p.tenantId, appId: p.appId, secret: p.secret, apiBaseUrl: sim.url, tokenAuthority: sim.url, supportEntitlements: [] });
      expect((await syncAccount(deps, actor, a.id, { trigger: 'test' })).errors).toEqual([]);
      await syncProviderInvoices(deps, actor, a.id);
    }
  });
  afterAll(async () => {
    await sim?.close();
    await deps?.dispose();
  });

  it('issues a month of invoices across languages and currencies, each adding up, once', async () => {
    const run = await seedDemoInvoicing(deps);
    expect(run).toMatchObject({ state: 'issued' });
    expect(run!.issued).toBeGreaterThanOrEqual(3);
    expect(run!.held).toBeLessThanOrEqual(1);
    const issued = (await listInvoices(deps.db, { runId: run!.runId, status: 'issued', limit: 500 })).items;
    expect(new Set(issued.map((i) => i.locale)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(issued.map((i) => i.currency)).size).toBeGreaterThanOrEqual(2);
    // provider lines were rated into them, and support plans too
    const sources = await deps.db.selectFrom('charges').select('source').distinct().where('invoice_id', 'is not', null).execute();
    expect(sources.map((s) => s.source).sort()).toEqual(['recon', 'recurring']);
    for (const inv of issued) {
      const lines = await invoiceLines(deps.db, inv.id);
      expect(lines.reduce((s, l) => s + l.amount, 0n)).toBe(inv.net);
      expect(inv.gross).toBe(inv.net + inv.tax);
    }
    // one PDF per language reads back with its number
    const dir = mkdtempSync(join(tmpdir(), 'pd-demo-'));
    for (const locale of new Set(issued.map((i) => i.locale))) {
      const inv = issued.find((i) => i.locale === locale)!;
      const { doc } = await buildDocument(deps.db, inv.id, { i18n: deps.i18n, publicUrl: 'https://desk.example' });
      writeFileSync(join(dir, `${locale}.pdf`), await renderDocumentPdf(doc, { i18n: deps.i18n }));
      expect(execFileSync('pdftotext', ['-layout', join(dir, `${locale}.pdf`), '-'], { encoding: 'utf8' })).toContain(inv.number!);
    }
    expect(await seedDemoInvoicing(deps)).toBeNull();
  });
});
