import { afterAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'kysely';
import { runCli, storeEnv } from '../helpers/processes.js';
import { testConfig } from '../helpers/store.js';
import { openStore, type Store } from '../../src/db/store.js';
import { migrate } from '../../src/db/migrate.js';
import { makeDeps } from '../../src/deps.js';
import { TestClock } from '../../src/core/clock.js';
import { cliActor } from '../../src/db/tx.js';
import { recordPayment } from '../../src/modules/payments/payments.js';
import { makeAccount } from '../helpers/fixtures.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';

/** `partnerdesk ledger check`: passes on a sound journal, fails (exit 6) and says where when an entry was changed. */
describe('partnerdesk ledger check', () => {
  const s = storeEnv();
  afterAll(() => s.cleanup());
  const withStore = async (fn: (store: Store) => Promise<void>) => {
    const store = await openStore(testConfig(s.env), { command: 'test', connectionTimeoutMillis: 5000 });
    try {
      await migrate(store.pool, store.schema);
      await fn(store);
    } finally {
      await store.close();
    }
  };

  it('proves a sound journal, then finds the changed entry', async () => {
    await withStore(async (store) => {
      const deps = makeDeps(testConfig(s.env), store, { clock: new TestClock('2026-11-02T09:00:00Z'), log: pino({ level: 'silent' }) });
      const c = await billableCustomer(deps, { accountId: (await makeAccount(deps)).id });
      await issuedInvoice(deps, c, '500.00');
      await recordPayment(deps, cliActor(), { customerId: c, amount: '200.00', currency: 'EUR', receivedOn: '2026-11-01', method: 'bank_transfer' });
    });
    const ok = runCli(['ledger', 'check', '--json'], s.env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, entries: 3, chain: { ok: true }, documents: [], receivables: [] });
    const human = runCli(['ledger', 'check'], s.env);
    expect(human.stdout).toMatch(/Ledger OK: 3 entries checked/);

    await withStore(async (store) => {
      await store.db.transaction().execute(async (trx) => {
        await sql`ALTER TABLE ledger_lines DISABLE TRIGGER ledger_lines_no_change`.execute(trx);
        await sql`UPDATE ledger_lines SET credit = credit - 1 WHERE entry_seq = 2 AND account = 'unapplied_cash'`.execute(trx);
        await sql`ALTER TABLE ledger_lines ENABLE TRIGGER ledger_lines_no_change`.execute(trx);
      });
    });
    const bad = runCli(['ledger', 'check', '--json'], s.env);
    expect(bad.code).toBe(6);
    const j = bad.json();
    expect(j).toMatchObject({ ok: false, chain: { ok: false, brokenAt: '2', reason: 'content_changed' } });
    expect(j.unbalanced).toEqual([{ seq: '2', currency: 'EUR', debit: '20000', credit: '19999' }]);
  });
});
