import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { sha256Hex } from '../core/ids.js';
import { AppError } from '../core/errors.js';
import { MIGRATIONS_DIR } from '../paths.js';

/**
 * Migrations are plain SQL files `NNNN_name.sql`, applied in order, each in its own transaction,
 * and recorded in `schema_migrations` with a checksum. An advisory lock lets many `serve`
 * processes start at once against one server: one migrates, the others wait and find nothing to do.
 */
export interface MigrationFile {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
}

export function migrationFiles(dir = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(join(dir, f), 'utf8');
      return { version: f.slice(0, 4), name: f.slice(5, -4), sql, checksum: sha256Hex(sql) };
    });
}

const ENSURE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

async function withLockedClient<T>(pool: pg.Pool, schema: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock(hashtext($1))', [`partnerdesk.migrate.${schema}`]);
    try {
      return await fn(c);
    } finally {
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [`partnerdesk.migrate.${schema}`]);
    }
  } finally {
    c.release();
  }
}

async function appliedRows(c: pg.PoolClient): Promise<Map<string, string>> {
  await c.query(ENSURE_TABLE);
  const { rows } = await c.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

function verify(files: MigrationFile[], applied: Map<string, string>): void {
  for (const f of files) {
    const sum = applied.get(f.version);
    if (sum && sum !== f.checksum) {
      throw new AppError('conflict', 'store.migration_changed', { version: f.version, name: f.name });
    }
  }
  const known = new Set(files.map((f) => f.version));
  for (const v of applied.keys()) {
    if (!known.has(v)) throw new AppError('conflict', 'store.migration_unknown', { version: v });
  }
}

/** Apply every pending migration; returns the versions applied now. */
export async function migrate(pool: pg.Pool, schema: string, files = migrationFiles()): Promise<string[]> {
  return withLockedClient(pool, schema, async (c) => {
    const applied = await appliedRows(c);
    verify(files, applied);
    const done: string[] = [];
    for (const f of files) {
      if (applied.has(f.version)) continue;
      await c.query('BEGIN');
      try {
        await c.query(f.sql);
        await c.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [f.version, f.name, f.checksum]);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw new AppError('internal', 'store.migration_failed', { version: f.version, name: f.name, reason: (e as Error).message }, { cause: e });
      }
      done.push(`${f.version}_${f.name}`);
    }
    return done;
  });
}

export async function migrationStatus(pool: pg.Pool, files = migrationFiles()): Promise<MigrationStatus> {
  const { rows } = await pool.query<{ version: string }>(
    `SELECT version FROM schema_migrations ORDER BY version`,
  ).catch((e: { code?: string }) => {
    if (e.code === '42P01') return { rows: [] as { version: string }[] }; // no table yet
    throw e;
  });
  const applied = new Set(rows.map((r) => r.version));
  return {
    applied: files.filter((f) => applied.has(f.version)).map((f) => `${f.version}_${f.name}`),
    pending: files.filter((f) => !applied.has(f.version)).map((f) => `${f.version}_${f.name}`),
  };
}
