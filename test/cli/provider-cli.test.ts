import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync, storeEnv } from '../helpers/processes.js';
import { systemClock } from '../../src/core/clock.js';
import { startSimulator, type Simulator } from '../../src/modules/providers/simulator/server.js';

describe('partnerdesk provider-account and sync', () => {
  const s = storeEnv();
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, seed: 'demo', clock: systemClock });
  });
  afterAll(async () => {
    await sim.close();
    await s.cleanup();
  });

  it('adds an account with the secret from an environment variable, lists it, and syncs it', async () => {
    const p = sim.partners().find((x) => x.cloud === 'usgov')!;
    const add = runCli(
      ['provider-account', 'add', '--name', 'US Gov', '--cloud', 'usgov', '--tenant', p.tenantId, '--app-id', p.appId, '--secret-env', 'PC_SECRET', '--api-base-url', sim.url, '--token-authority', sim.url, '--json'],
      { ...s.env, PC_SECRET: p.secret },
    );
    expect(add.code).toBe(0);
    const account = (add.json().account as { id: string; payee: string; hasSecret: boolean });
    expect(account).toMatchObject({ payee: 'microsoft', hasSecret: true });
    expect(add.stdout).not.toContain(p.secret);

    const list = runCli(['provider-account', 'list', '--json'], s.env).json().accounts as { id: string }[];
    expect(list.map((a) => a.id)).toEqual([account.id]);

    // the simulator runs in this process: the CLI must not block it
    const sync = await runCliAsync(['sync', '--json'], s.env);
    expect(sync.code).toBe(0);
    const run = (sync.json().runs as { state: string; stats: { customersCreated: number } }[])[0]!;
    expect(run.state).toBe('done');
    expect(run.stats.customersCreated).toBe(sim.customers(p.tenantId).length);
    const again = ((await runCliAsync(['sync', '--account', account.id, '--json'], s.env)).json().runs as { stats: { customersCreated: number; customersUpdated: number } }[])[0]!;
    expect(again.stats).toMatchObject({ customersCreated: 0, customersUpdated: 0 });
  });

  it('explains bad options and a missing secret variable', () => {
    const bad = runCli(['provider-account', 'add', '--name', 'x', '--cloud', 'mars', '--tenant', 't', '--app-id', 'a', '--json'], s.env);
    expect(bad.code).toBe(2);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'cli.bad_option', field: 'cloud' } });
    const noSecret = runCli(['provider-account', 'add', '--name', 'x', '--cloud', 'global', '--tenant', 't', '--app-id', 'a', '--secret-env', 'NOPE_NOT_SET', '--json'], s.env);
    expect(noSecret.json()).toMatchObject({ ok: false, error: { code: 'providers.secret_env_empty' } });
  });
});
