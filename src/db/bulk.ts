import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { DB } from './types.js';
import type { Store } from './store.js';

/**
 * One pool connection held for a unit of work that needs both Kysely and the raw client (COPY).
 * `db` runs on that same connection, so a transaction begun here covers both.
 */
export interface Connection {
  client: pg.PoolClient;
  db: Kysely<DB>;
}

export async function withConnection<T>(store: Store, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const client = await store.pool.connect();
  // a "pool" of exactly this client: Kysely's release is a no-op, we release once at the end
  const borrowed = { query: client.query.bind(client), release: () => undefined };
  const single = { connect: async () => borrowed, end: async () => undefined };
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: single as unknown as pg.Pool }) });
  try {
    return await fn({ client, db });
  } finally {
    client.release();
  }
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/**
 * Bulk-load CSV text (no header, RFC 4180 quoting) into `table(columns)` on this connection, inside
 * whatever transaction it has open. The only bulk path in the desk:
 * - PGlite: `COPY … FROM '/dev/blob'` with the CSV as a Blob (streaming COPY FROM STDIN through the
 *   node-postgres adapter kills the WASM instance — stack-notes §1a);
 * - a server: `COPY … FROM STDIN` streamed through pg-copy-streams.
 * Returns the number of rows loaded.
 */
export async function bulkCopy(store: Store, conn: Connection, table: string, columns: string[], csv: string | Buffer): Promise<number> {
  if (!IDENT.test(table) || !columns.every((c) => IDENT.test(c))) throw new Error(`bulkCopy: bad identifier in ${table}(${columns.join(',')})`);
  const cols = columns.join(', ');
  if (store.kind === 'embedded') {
    // PGlite has one session: a query straight to the engine runs inside the transaction the
    // pool client opened
    const res = await store.lite!.query(`COPY ${table} (${cols}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
    return res.affectedRows ?? 0;
  }
  const stream = conn.client.query(copyFrom(`COPY ${table} (${cols}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from([typeof csv === 'string' ? Buffer.from(csv) : csv]), stream);
  return Number(stream.rowCount ?? 0);
}

/** Quote one value for CSV (RFC 4180); null → empty unquoted field, which COPY reads as NULL. */
export function csvField(v: string | number | bigint | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
