import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { AppError } from '../core/errors.js';
import { redactUrl, type Config } from '../core/config.js';
import { acquireDirLock, type DirLock } from './lock.js';
import type { DB } from './types.js';

export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** Either the root handle or a transaction: repos accept both, use cases pass the transaction. */
export type Executor = Db | Tx;

export interface Store {
  readonly kind: 'embedded' | 'postgres';
  readonly pool: pg.Pool;
  readonly db: Db;
  /** Schema the desk's tables live in (search_path). */
  readonly schema: string;
  /** Schema pg-boss keeps its queues in. */
  readonly bossSchema: string;
  /** The embedded engine, when kind = embedded. */
  readonly lite: PGlite | undefined;
  readonly lock: DirLock | undefined;
  /** Human description for logs and messages, without secrets. */
  readonly description: string;
  checkpoint(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Type parsers: int8 → bigint (money is bigint minor units), date → 'YYYY-MM-DD' string
 * (never a JS Date at local midnight). numeric stays a string (exact).
 */
const appTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => BigInt(v);
    if (oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

function makeDb(pool: pg.Pool): Db {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

export interface OpenOptions {
  /** What the opener is, written into the embedded lock file (`serve`, `migrate`, …). */
  command: string;
  /** Test stores: an in-memory PGlite loaded from a prepared data-dir dump. */
  loadDataDir?: Blob;
  inMemory?: boolean;
  /** Tests skip the directory lock of an in-memory store. */
  connectionTimeoutMillis?: number;
}

/**
 * The embedded server's buffer cache: PGlite's WebAssembly memory never shrinks, and the default
 * 128 MB cache is what pushed a 1M-line import past 500 MB. 32 MB keeps a large import under it
 * (measured in bench/import.mjs) at no measurable cost for the desk's working set.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=32MB'];

export async function openStore(config: Config, opts: OpenOptions): Promise<Store> {
  return config.databaseUrl ? openServer(config, opts) : openEmbedded(config, opts);
}

async function openServer(config: Config, opts: OpenOptions): Promise<Store> {
  const url = config.databaseUrl!;
  const schema = config.dbSchema;
  const pool = new pg.Pool({
    connectionString: url,
    max: config.poolMax,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 10_000,
    options: `-c search_path=${schema}`,
    types: appTypes,
    application_name: `partnerdesk-${opts.command}`,
  });
  pool.on('error', () => {
    /* idle client errors surface on the next query */
  });
  try {
    const c = await pool.connect();
    try {
      if (schema !== 'public') await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    const err = e as NodeJS.ErrnoException & { code?: string };
    throw new AppError('unavailable', 'store.unreachable', { target: redactUrl(url), reason: err.code ?? err.message }, { cause: e });
  }
  const u = new URL(url);
  return {
    kind: 'postgres',
    pool,
    db: makeDb(pool),
    schema,
    bossSchema: schema === 'public' ? 'pgboss' : `${schema}_jobs`,
    lite: undefined,
    lock: undefined,
    description: `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}${schema === 'public' ? '' : ` (schema ${schema})`}`,
    checkpoint: async () => undefined,
    close: async () => {
      await pool.end();
    },
  };
}

async function openEmbedded(config: Config, opts: OpenOptions): Promise<Store> {
  let lite: PGlite;
  let lock: DirLock | undefined;
  const pgDir = join(config.dataDir, 'pg');
  let createdDir = false;
  if (opts.inMemory || opts.loadDataDir) {
    lite = await PGlite.create(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {});
  } else {
    createdDir = !existsSync(config.dataDir);
    lock = acquireDirLock(config.dataDir, opts.command);
    try {
      mkdirSync(pgDir, { recursive: true });
      lite = await PGlite.create(pgDir, { startParams: [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS] });
    } catch (e) {
      lock.release();
      if (createdDir) rmSync(config.dataDir, { recursive: true, force: true });
      throw new AppError('unavailable', 'store.embedded_failed', { dir: pgDir, reason: (e as Error).message }, { cause: e });
    }
  }
  const pool = new pg.Pool({
    ...createPgConfig(lite),
    max: 1,
    // PGlite has one connection: a query on the pool inside an open transaction would wait forever.
    // The timeout turns that bug into a loud error.
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 30_000,
    types: appTypes,
  } as pg.PoolConfig);
  let closed = false;
  return {
    kind: 'embedded',
    pool,
    db: makeDb(pool),
    schema: 'public',
    bossSchema: 'pgboss',
    lite,
    lock,
    description: opts.inMemory || opts.loadDataDir ? 'embedded PGlite (memory)' : `embedded PGlite ${pgDir}`,
    checkpoint: async () => {
      await lite.exec('CHECKPOINT');
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
      if (!lite.closed) {
        await lite.exec('CHECKPOINT').catch(() => undefined);
        await lite.close();
      }
      lock?.release();
    },
  };
}
