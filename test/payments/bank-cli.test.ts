import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { TestClock } from '../../src/core/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openStore } from '../../src/db/store.js';
import { makeDeps } from '../../src/deps.js';
import { makeAccount } from '../helpers/fixtures.js';
import { runCli, storeEnv } from '../helpers/processes.js';
import { billableCustomer, issuedInvoice } from '../helpers/receivables.js';
import { testConfig } from '../helpers/store.js';
import { ACCOUNT_IBAN, camt053, PAYER_IBAN } from './bank-files.js';

/** `partnerdesk import bank`: one JSON result, duplicates on a second run, and a non-zero exit with the reason for a bad file. */
describe('partnerdesk import bank', () => {
  const s = storeEnv();
  afterAll(() => s.cleanup());
  const file = (name: string, content: string) => {
    const p = join(s.dataDir, name);
    writeFileSync(p, content);
    return p;
  };

  it('imports and books a statement, adds nothing the second time, and refuses a bad file with the reason', async () => {
    let number = '';
    // data through the use cases, on the store the CLI will open (then closed: PGlite has one owner)
    const store = await openStore(testConfig(s.env), { command: 'test', connectionTimeoutMillis: 5000 });
    try {
      await migrate(store.pool, store.schema);
      const deps = makeDeps(testConfig(s.env), store, { clock: new TestClock('2026-11-02T09:00:00Z'), log: pino({ level: 'silent' }) });
      const c = await billableCustomer(deps, { accountId: (await makeAccount(deps)).id, name: 'Kanzlei Weber' });
      number = (await issuedInvoice(deps, c, '120.00')).number;
    } finally {
      await store.close();
    }
    const stmt = file(
      'stmt.xml',
      camt053({
        id: 'CLI-1',
        entries: [
          { amount: '120.00', ref: 'C1', text: number.toLowerCase(), payerIban: PAYER_IBAN },
          { amount: '5.00', ref: 'C2', currency: 'CHF', text: 'fee refund' },
          { amount: '9.99', credit: false, ref: 'C3', text: 'Kontoführung' },
        ],
      }),
    );
    const first = runCli(['import', 'bank', stmt, '--json'], s.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json()).toMatchObject({ statements: 1, entries: 3, matched: 1, ignored: 1, duplicates: 0, errors: [{ entry: 'CLI-1#2', code: 'bank.currency_not_billed', message: expect.stringContaining('CHF') }] });

    const again = runCli(['import', 'bank', stmt], { ...s.env, PARTNERDESK_LOCALE: 'de' });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('3 schon vorhanden');

    const badIban = ACCOUNT_IBAN.replace(/8$/, '9');
    const bad = runCli(['import', 'bank', file('bad.xml', camt053({ id: 'CLI-2', iban: badIban, entries: [{ amount: '1.00', ref: 'X' }] })), '--json'], s.env);
    expect(bad.code).toBe(2);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'bank.bad_iban', field: expect.stringContaining('IBAN'), message: expect.stringContaining(badIban) } });
    const human = runCli(['import', 'bank', file('bad2.xml', camt053({ id: 'CLI-3', closingDelta: '2.00', entries: [{ amount: '1.00', ref: 'Y' }] }))], s.env);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/does not add up.*1003\.00/);

    const csv = runCli(['import', 'bank', file('x.csv', 'Datum;Betrag\n02.11.2026;5,00\n'), '--json'], s.env);
    expect(csv.json()).toMatchObject({ ok: false, error: { code: 'bank.csv_needs_mapping' } });
    expect(runCli(['import', 'bank', file('y.csv', 'a;b\n'), '--mapping', 'nope', '--json'], s.env).json()).toMatchObject({ error: { code: 'bank.unknown_mapping' } });

    // nothing of the refused files was stored: the corrected statement is new, the good file still all duplicates
    expect(runCli(['import', 'bank', file('fixed.xml', camt053({ id: 'CLI-3', entries: [{ amount: '1.00', ref: 'Y' }] })), '--json'], s.env).json()).toMatchObject({ statements: 1, entries: 1, duplicates: 0 });
    expect(runCli(['import', 'bank', stmt, '--json'], s.env).json()).toMatchObject({ statements: 0, entries: 0, duplicates: 3 });
  });
});
