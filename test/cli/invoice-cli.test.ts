import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { runCli, storeEnv } from '../helpers/processes.js';
import { testConfig } from '../helpers/store.js';
import { openStore } from '../../src/db/store.js';
import { migrate } from '../../src/db/migrate.js';
import { makeDeps } from '../../src/deps.js';
import { TestClock } from '../../src/core/clock.js';
import { cliActor } from '../../src/db/tx.js';
import { addManualCharge } from '../../src/modules/invoicing/charges.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';

/** `partnerdesk invoice run`: the JSON the issue asks for, idempotent, issuing, and a clear error for a bad period. */
describe('partnerdesk invoice run', () => {
  const s = storeEnv();
  afterAll(() => s.cleanup());

  it('drafts, prints one JSON object, creates nothing the second time, and issues with --issue', async () => {
    // data through the use cases, on the store the CLI will open (then closed: PGlite has one owner)
    const store = await openStore(testConfig(s.env), { command: 'test', connectionTimeoutMillis: 5000 });
    try {
      await migrate(store.pool, store.schema);
      const deps = makeDeps(testConfig(s.env), store, { clock: new TestClock('2026-11-02T09:00:00Z'), log: pino({ level: 'silent' }) });
      const accountId = (await makeAccount(deps)).id;
      for (const [name, amount] of [['Alpha GmbH', '100.00'], ['Beta AG', '250.50']] as const) {
        const id = await makeCustomer(deps, { accountId, companyName: name });
        await deps.db
          .updateTable('customers')
          .set({ country: 'DE', billing_currency: 'EUR', billing_email: 'ap@example.com', billing_address: JSON.stringify({ lines: ['Weg 1'], city: 'Bonn' }) })
          .where('id', '=', id)
          .execute();
        await addManualCharge(deps, cliActor(), { customerId: id, description: 'Service', amount, currency: 'EUR', periodStart: '2026-10-01', periodEnd: '2026-10-31' });
      }
    } finally {
      await store.close();
    }

    const first = runCli(['invoice', 'run', '--period', '2026-10', '--json'], s.env);
    expect(first.code, first.stderr).toBe(0);
    const j = first.json();
    expect(j).toMatchObject({ ok: true, period: '2026-10', state: 'draft', created: true, customers: 2, invoices: 2, held: 0, totals: [{ currency: 'EUR', net: '350.50', tax: '66.60', gross: '417.10' }] });
    expect(String(j.runId)).toMatch(/^run_/);

    const again = runCli(['invoice', 'run', '--period', '2026-10', '--json'], s.env);
    expect(again.json()).toMatchObject({ runId: j.runId, created: false, invoices: 2 });

    const issued = runCli(['invoice', 'run', '--period', '2026-10', '--issue', '--json'], s.env);
    expect(issued.json()).toMatchObject({ runId: j.runId, state: 'issued', issued: 2 });

    const human = runCli(['invoice', 'run', '--period', '2026-10'], { ...s.env, PARTNERDESK_LOCALE: 'de' });
    expect(human.stdout).toContain('besteht bereits');

    const bad = runCli(['invoice', 'run', '--period', '10/2026', '--json'], s.env);
    expect(bad.code).toBe(2);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'invoicing.bad_period', field: 'period' } });
  });
});
