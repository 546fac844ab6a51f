import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { inject } from 'vitest';
import { TestClock } from '../../src/core/clock.js';
import { parseConfig, type Config } from '../../src/core/config.js';
import { migrate } from '../../src/db/migrate.js';
import { openStore, type Store } from '../../src/db/store.js';
import { makeDeps, type Deps } from '../../src/deps.js';
import { TEST_DATABASE_URL, testStoreKind } from './env.js';

export { testStoreKind };

export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

/** A unique schema name on the test server for this file's store. */
export function testSchema(): string {
  return `pdt_${inject('runId')}_${randomBytes(4).toString('hex')}`;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return parseConfig({ PARTNERDESK_LOG_LEVEL: 'silent', PARTNERDESK_DEMO: '0', PARTNERDESK_SECRET_KEY: TEST_SECRET_KEY, ...env }, '/tmp');
}

/** A fresh, migrated store for one test file: in-memory PGlite, or a new schema on the server. */
export async function createTestStore(): Promise<Store & { dispose(): Promise<void> }> {
  let store: Store;
  let schema: string | undefined;
  if (testStoreKind() === 'postgres') {
    schema = testSchema();
    store = await openStore(testConfig({ DATABASE_URL: TEST_DATABASE_URL, PARTNERDESK_DB_SCHEMA: schema, PARTNERDESK_DB_POOL_MAX: '4' }), {
      command: 'test',
      connectionTimeoutMillis: 5000,
    });
    await migrate(store.pool, store.schema);
  } else {
    const blob = new Blob([readFileSync(inject('pgliteTemplate'))]);
    store = await openStore(testConfig(), { command: 'test', loadDataDir: blob, connectionTimeoutMillis: 5000 });
  }
  return Object.assign(store, {
    async dispose() {
      if (schema) {
        await store.pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await store.pool.query(`DROP SCHEMA IF EXISTS ${store.bossSchema} CASCADE`);
      }
      await store.close();
    },
  });
}

export interface TestDeps extends Deps {
  clock: TestClock;
  store: Store & { dispose(): Promise<void> };
  dispose(): Promise<void>;
}

/** Deps over a fresh test store, with a controllable clock and a silent logger. */
export async function createTestDeps(opts: { now?: string; config?: Record<string, string> } = {}): Promise<TestDeps> {
  const store = await createTestStore();
  const clock = new TestClock(opts.now ?? '2026-10-01T09:00:00Z');
  const deps = makeDeps(testConfig(opts.config), store, { clock, log: pino({ level: 'silent' }) });
  return Object.assign(deps, { clock, store, dispose: () => store.dispose() });
}
