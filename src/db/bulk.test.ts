import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStore } from '../../test/helpers/store.js';
import { bulkCopy, csvField, withConnection } from './bulk.js';

describe('bulkCopy', () => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  beforeAll(async () => {
    store = await createTestStore();
    await store.pool.query('CREATE TABLE bulk_t (id int PRIMARY KEY, name text, amount bigint)');
  });
  afterAll(async () => store.dispose());

  const rows = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => [i + from, i % 7 === 0 ? 'with "quotes", commas\nand newline' : `name ${i}`, 10n ** 15n + BigInt(i)].map(csvField).join(',')).join('\n') + '\n';

  it('loads rows inside a transaction that can still roll back', async () => {
    await withConnection(store, async ({ client, db }) => {
      await client.query('BEGIN');
      expect(await bulkCopy(store, { client, db }, 'bulk_t', ['id', 'name', 'amount'], rows(5000))).toBe(5000);
      // Kysely on the same connection sees the uncommitted rows
      const n = await sql<{ n: string }>`SELECT count(*)::text AS n FROM bulk_t`.execute(db);
      expect(n.rows[0]!.n).toBe('5000');
      await client.query('ROLLBACK');
    });
    const { rows: r } = await store.pool.query('SELECT count(*)::int AS n FROM bulk_t');
    expect(r[0].n).toBe(0);
  });

  it('commits exactly what it loaded, quoting and big integers intact', async () => {
    await withConnection(store, async (conn) => {
      await conn.client.query('BEGIN');
      await bulkCopy(store, conn, 'bulk_t', ['id', 'name', 'amount'], rows(3000));
      await conn.client.query('COMMIT');
    });
    const { rows: r } = await store.pool.query('SELECT count(*)::int AS n, sum(amount)::text AS s FROM bulk_t');
    expect(r[0].n).toBe(3000);
    expect(BigInt(r[0].s)).toBe(3000n * 10n ** 15n + (2999n * 3000n) / 2n);
    const { rows: q } = await store.pool.query('SELECT name FROM bulk_t WHERE id = 7');
    expect(q[0].name).toBe('with "quotes", commas\nand newline');
  });

  it('fails the whole load on a bad row, leaving nothing', async () => {
    await expect(
      withConnection(store, async (conn) => {
        await conn.client.query('BEGIN');
        try {
          await bulkCopy(store, conn, 'bulk_t', ['id', 'name', 'amount'], rows(10, 100_000) + '999999,x,not-a-number\n');
          await conn.client.query('COMMIT');
        } catch (e) {
          await conn.client.query('ROLLBACK');
          throw e;
        }
      }),
    ).rejects.toThrow();
    const { rows: r } = await store.pool.query('SELECT count(*)::int AS n FROM bulk_t WHERE id >= 100000');
    expect(r[0].n).toBe(0);
  });

  it('refuses identifiers it would have to quote', async () => {
    await withConnection(store, async (conn) => {
      await expect(bulkCopy(store, conn, 'bulk_t; drop table x', ['id'], '1\n')).rejects.toThrow(/bad identifier/);
    });
  });
});
