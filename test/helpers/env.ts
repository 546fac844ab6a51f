/** The test leg and where its PostgreSQL server is (scripts/test.mjs sets these). */
export const TEST_DATABASE_URL = process.env.PARTNERDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function testStoreKind(): 'pglite' | 'postgres' {
  return process.env.PARTNERDESK_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';
}

export function testRunId(): string {
  return (process.env.PARTNERDESK_TEST_RUN ?? `${process.pid}`).replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 16);
}
