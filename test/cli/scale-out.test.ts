import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { childEnv, runCli, startServe, storeEnv, type Served } from '../helpers/processes.js';
import { testStoreKind } from '../helpers/env.js';
import { ROOT } from '../../src/paths.js';
import { migrationFiles } from '../../src/db/migrate.js';

/**
 * On a PostgreSQL server any number of `serve` and `worker` processes share one database:
 * concurrent starts migrate and seed once (advisory locks), and a worker runs on its own.
 * (That concurrent dispatchers perform each effect once is shown in src/jobs/outbox.test.ts.)
 */
describe.runIf(testStoreKind() === 'postgres')('scale-out on PostgreSQL', () => {
  const s = storeEnv();
  const procs: Served[] = [];
  afterAll(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    await s.cleanup();
  });

  it('starts two serve processes and a worker at once on one schema', async () => {
    const [a, b] = await Promise.all([startServe({ ...s.env, PARTNERDESK_WORKER: '0' }), startServe({ ...s.env, PARTNERDESK_WORKER: '0' })]);
    procs.push(a!, b!);
    for (const p of [a!, b!]) expect(((await (await fetch(`${p.url}/readyz`)).json()) as { status: string }).status).toBe('ready');
    const c = new pg.Client({ connectionString: s.env.DATABASE_URL });
    await c.connect();
    const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${s.env.PARTNERDESK_DB_SCHEMA}.schema_migrations`);
    await c.end();
    expect(rows[0].n).toBe(migrationFiles().length); // each applied once

    // a worker process alone, then a clean stop
    const worker = spawn(process.execPath, [join(ROOT, 'bin', 'partnerdesk.js'), 'worker'], { env: childEnv(s.env) });
    let out = '';
    worker.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 60_000);
      worker.stdout.on('data', () => out.includes('Ctrl+C') && (clearTimeout(t), resolve()));
    });
    const exited = new Promise<number | null>((r) => worker.once('exit', r));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('Stopped cleanly');
  });

  it('lets the CLI work while servers run', () => {
    const r = runCli(['user', 'list', '--json'], s.env);
    expect(r.code).toBe(0);
  });
});
