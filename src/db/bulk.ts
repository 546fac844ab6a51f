import type pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import { finished, pipeline } from 'node:stream/promises';
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

/** A bulk load in progress: CSV lines go in as they are produced, with back-pressure. */
export interface CopyWriter {
  /** Queue complete CSV lines. Returns a promise only when the caller should wait before writing more. */
  write(csv: string): Promise<void> | undefined;
  /** Finish the load; resolves to the number of rows loaded. */
  end(): Promise<number>;
  /** Give up: nothing written by this writer stays (the server aborts the COPY; the caller rolls back). */
  abort(): Promise<void>;
}

/** Bytes sent to the server at a time / loaded by one COPY statement on PGlite. */
const SERVER_BATCH = 256 * 1024;
const EMBEDDED_BATCH = 4 * 1024 * 1024;

/** Lines are UTF-8-encoded straight into fixed buffers (no joined strings): `take` hands out the filled part. */
class LineBuffer {
  private buf = Buffer.allocUnsafe(SERVER_BATCH + 4096);
  private off = 0;
  get size(): number {
    return this.off;
  }
  put(line: string): void {
    if (this.off + line.length * 3 > this.buf.length) throw new Error('LineBuffer: full'); // callers take() first
    this.off += this.buf.write(line, this.off);
  }
  fits(line: string): boolean {
    return this.off + line.length * 3 <= this.buf.length;
  }
  take(): Buffer {
    const filled = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafe(SERVER_BATCH + 4096);
    this.off = 0;
    return filled;
  }
}

/**
 * Stream CSV into `table(columns)` while it is being produced.
 *
 * A server gets ONE `COPY … FROM STDIN` for the whole load on `conn`, inside its open transaction,
 * fed as the caller writes (the caller waits when the socket is full, so memory stays flat and
 * parsing overlaps loading).
 *
 * PGlite cannot resume a COPY across calls (stack-notes §1a), so there the text is cut into ~8 MB
 * blobs, each one `COPY … FROM '/dev/blob'`. With `conn`, each runs inside conn's transaction. With
 * `conn` null, each blob takes the one PGlite connection just for its COPY and gives it back, so
 * other requests are served between blobs (load a TEMP table that way, never a shared one).
 */
export function openCopy(store: Store, conn: Connection | null, table: string, columns: string[]): CopyWriter {
  if (!IDENT.test(table) || !columns.every((c) => IDENT.test(c))) throw new Error(`openCopy: bad identifier in ${table}(${columns.join(',')})`);
  const sql = `COPY ${table} (${columns.join(', ')}) FROM `;
  const lines = new LineBuffer();
  // a line goes into the current buffer; one longer than any buffer goes out alone
  const put = (csv: string, flush: (b: Buffer) => void) => {
    if (!lines.fits(csv)) {
      if (lines.size > 0) flush(lines.take());
      if (!lines.fits(csv)) {
        flush(Buffer.from(csv));
        return;
      }
    }
    lines.put(csv);
  };
  if (store.kind === 'embedded') {
    let rows = 0;
    let parts: Buffer[] = [];
    let size = 0;
    const keep = (b: Buffer) => {
      parts.push(b);
      size += b.length;
    };
    const load = async () => {
      if (lines.size > 0) keep(lines.take());
      if (size === 0) return;
      const blob = new Blob(parts);
      parts = [];
      size = 0;
      // PGlite has one session: a query straight to the engine runs in the transaction of whoever
      // holds the pool's client, so hold it (ours, or borrowed for this COPY)
      const borrowed = conn ? null : await store.pool.connect();
      try {
        const res = await store.lite!.query(`${sql}'/dev/blob' WITH (FORMAT csv)`, [], { blob });
        rows += res.affectedRows ?? 0;
      } finally {
        borrowed?.release();
      }
    };
    return {
      write(csv) {
        put(csv, keep);
        if (lines.size >= SERVER_BATCH) keep(lines.take());
        return size >= EMBEDDED_BATCH ? load() : undefined;
      },
      async end() {
        await load();
        return rows;
      },
      async abort() {
        lines.take();
        parts = [];
        size = 0;
      },
    };
  }
  if (!conn) throw new Error('openCopy: a server COPY needs a connection');
  const stream = conn.client.query(copyFrom(`${sql}STDIN WITH (FORMAT csv)`));
  let failure: Error | undefined;
  stream.on('error', (e: Error) => (failure ??= e));
  const drained = () =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('error', done);
        stream.off('close', done);
        if (failure) reject(failure);
        else resolve();
      };
      stream.on('drain', done);
      stream.on('error', done);
      stream.on('close', done);
    });
  let full = false;
  const send = (b: Buffer) => {
    if (!stream.write(b)) full = true;
  };
  const push = (): Promise<void> | undefined => {
    if (failure) return Promise.reject(failure);
    if (lines.size > 0) send(lines.take());
    if (!full) return undefined;
    full = false;
    return drained();
  };
  return {
    write(csv) {
      put(csv, send);
      return lines.size >= SERVER_BATCH || full ? push() : undefined;
    },
    async end() {
      await push();
      stream.end();
      await finished(stream);
      if (failure) throw failure;
      return Number(stream.rowCount ?? 0);
    },
    async abort() {
      lines.take();
      if (stream.destroyed || stream.writableFinished) return;
      stream.destroy(new Error('import rejected'));
      await finished(stream).catch(() => undefined);
    },
  };
}

/** Quote one value for CSV (RFC 4180); null → empty unquoted field, which COPY reads as NULL. */
export function csvField(v: string | number | bigint | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : String(v);
  return s === '' || /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
