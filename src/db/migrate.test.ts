import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, copyFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore } from '../../test/helpers/store.js';
import { MIGRATIONS_DIR } from '../paths.js';
import { migrate, migrationFiles, migrationStatus } from './migrate.js';

describe('migrations', () => {
  let store: Awaited<ReturnType<typeof createTestStore>>;
  beforeAll(async () => {
    store = await createTestStore();
  });
  afterAll(async () => store.dispose());

  it('are applied in order and recorded with checksums', async () => {
    const status = await migrationStatus(store.pool);
    expect(status.pending).toEqual([]);
    expect(status.applied).toEqual(migrationFiles().map((f) => `${f.version}_${f.name}`));
    const { rows } = await store.pool.query('SELECT version, checksum FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.checksum)).toEqual(migrationFiles().map((f) => f.checksum));
  });

  it('do nothing the second time', async () => {
    expect(await migrate(store.pool, store.schema)).toEqual([]);
  });

  it('apply a new file, and refuse an applied file that was changed afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-mig-'));
    for (const f of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
    writeFileSync(join(dir, '9001_extra.sql'), 'CREATE TABLE extra_things (id int PRIMARY KEY);');
    expect(await migrate(store.pool, store.schema, migrationFiles(dir))).toEqual(['9001_extra']);
    await store.pool.query('INSERT INTO extra_things VALUES (1)');

    writeFileSync(join(dir, '9001_extra.sql'), 'CREATE TABLE extra_things (id bigint PRIMARY KEY);');
    await expect(migrate(store.pool, store.schema, migrationFiles(dir))).rejects.toMatchObject({ code: 'store.migration_changed' });
    // a database that is ahead of the code is refused too
    await expect(migrate(store.pool, store.schema, migrationFiles())).rejects.toMatchObject({ code: 'store.migration_unknown' });
  });

  it('roll a failing migration back whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pd-mig-'));
    for (const f of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, f), join(dir, f));
    writeFileSync(join(dir, '9001_extra.sql'), 'CREATE TABLE extra_things (id int PRIMARY KEY);'); // as applied above
    writeFileSync(join(dir, '9002_broken.sql'), 'CREATE TABLE half_done (id int); SELECT no_such_function();');
    await expect(migrate(store.pool, store.schema, migrationFiles(dir))).rejects.toMatchObject({ code: 'store.migration_failed' });
    const { rows } = await store.pool.query(`SELECT to_regclass('half_done') AS t`);
    expect(rows[0].t).toBeNull();
    expect((await migrationStatus(store.pool, migrationFiles(dir))).pending).toEqual(['9002_broken']);
  });
});
