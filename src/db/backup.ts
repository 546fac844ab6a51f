import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { AppError } from '../core/errors.js';
import type { Config } from '../core/config.js';
import { acquireDirLock } from './lock.js';

/**
 * Backups of the embedded store: a gzip tarball of the PGlite data directory (`dumpDataDir`).
 * Taken while holding the directory lock, so no server writes meanwhile. For a PostgreSQL
 * server use pg_dump / pg_restore (docs/operations.md).
 */
export interface BackupResult {
  file: string;
  bytes: number;
}

function requireEmbedded(config: Config, what: 'backup' | 'restore'): void {
  if (config.databaseUrl) throw new AppError('bad_request', `${what}.server_store`);
}

export async function backupEmbedded(config: Config, file: string): Promise<BackupResult> {
  requireEmbedded(config, 'backup');
  const pgDir = join(config.dataDir, 'pg');
  if (!existsSync(pgDir)) throw new AppError('not_found', 'backup.no_store', { dir: config.dataDir });
  const target = resolve(file);
  if (!existsSync(dirname(target))) throw new AppError('bad_request', 'backup.no_target_dir', { dir: dirname(target) });
  const lock = acquireDirLock(config.dataDir, 'backup');
  try {
    const lite = await PGlite.create(pgDir);
    try {
      await lite.exec('CHECKPOINT');
      const blob = await lite.dumpDataDir('gzip');
      const bytes = Buffer.from(await blob.arrayBuffer());
      const tmp = `${target}.partial`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, target);
      return { file: target, bytes: bytes.length };
    } finally {
      await lite.close();
    }
  } finally {
    lock.release();
  }
}

export interface RestoreResult {
  file: string;
  dataDir: string;
  /** Where the replaced database was kept, if there was one. */
  previous: string | null;
}

export async function restoreEmbedded(config: Config, file: string, force: boolean, stamp: string): Promise<RestoreResult> {
  requireEmbedded(config, 'restore');
  const source = resolve(file);
  if (!existsSync(source) || !statSync(source).isFile()) throw new AppError('not_found', 'restore.no_file', { file: source });
  const blob = new Blob([readFileSync(source)]);
  const lock = acquireDirLock(config.dataDir, 'restore');
  try {
    // prove the file is a Partnerdesk backup before touching anything
    try {
      const probe = await PGlite.create({ loadDataDir: blob });
      try {
        await probe.query('SELECT count(*) FROM schema_migrations');
      } finally {
        await probe.close();
      }
    } catch (e) {
      throw new AppError('bad_request', 'restore.not_a_backup', { file: source, reason: (e as Error).message.slice(0, 200) }, { cause: e });
    }
    const pgDir = join(config.dataDir, 'pg');
    const occupied = existsSync(pgDir) && readdirSync(pgDir).length > 0;
    if (occupied && !force) throw new AppError('conflict', 'restore.target_not_empty', { dir: pgDir });
    const staging = join(config.dataDir, `pg.restoring-${stamp}`);
    rmSync(staging, { recursive: true, force: true });
    try {
      const lite = await PGlite.create(staging, { loadDataDir: blob });
      await lite.exec('CHECKPOINT');
      await lite.close();
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
    let previous: string | null = null;
    if (occupied) {
      previous = join(config.dataDir, `pg.before-restore-${stamp}`);
      renameSync(pgDir, previous);
    } else {
      rmSync(pgDir, { recursive: true, force: true });
    }
    renameSync(staging, pgDir);
    return { file: source, dataDir: config.dataDir, previous };
  } finally {
    lock.release();
  }
}
