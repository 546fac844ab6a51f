import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStore } from '../../test/helpers/store.js';
import { bulkCopy, csvField, openCopy, withConnection } from './bulk.js';

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

describe('openCopy', () => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  beforeAll(async () => {
    store = await createTestStore();
    await store.pool.query('CREATE TABLE copy_t (id int PRIMARY KEY, name text)');
  });
  afterAll(async () => store.dispose());

  const line = (i: number, name: string) => `${i},${csvField(name)}\n`;

  it('streams lines in one load, with back-pressure, including a line longer than a buffer, and rolls back', async () => {
    const long = 'ü'.repeat(400_000); // 800 KB in UTF-8: more than a buffer holds
    const n = 60_000;
    await withConnection(store, async (conn) => {
      await conn.client.query('BEGIN');
      const w = openCopy(store, conn, 'copy_t', ['id', 'name']);
      for (let i = 0; i < n; i++) {
        const wait = w.write(line(i, i === 123 ? long : `name "${i}", 中文`));
        if (wait) await wait;
      }
      expect(await w.end()).toBe(n);
      const { rows } = await conn.client.query('SELECT count(*)::int AS n, max(length(name))::int AS l FROM copy_t');
      expect(rows[0]).toEqual({ n, l: 400_000 });
      const { rows: one } = await conn.client.query('SELECT name FROM copy_t WHERE id = 7');
      expect(one[0].name).toBe('name "7", 中文');
      await conn.client.query('ROLLBACK');
    });
    expect((await store.pool.query('SELECT count(*)::int AS n FROM copy_t')).rows[0].n).toBe(0);
  });

  it('abandons a load without leaving rows or a stuck connection', async () => {
    await withConnection(store, async (conn) => {
      await conn.client.query('BEGIN');
      const w = openCopy(store, conn, 'copy_t', ['id', 'name']);
      for (let i = 0; i < 20_000; i++) await w.write(line(i, 'x'));
      await w.abort();
      await conn.client.query('ROLLBACK');
    });
    expect((await store.pool.query('SELECT count(*)::int AS n FROM copy_t')).rows[0].n).toBe(0);
  });
});
