import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { ROOT } from '../../src/paths.js';
import { migrationFiles } from '../../src/db/migrate.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServe, storeEnv } from '../helpers/processes.js';
import { testStoreKind } from '../helpers/env.js';

const COMMANDS = [
  [],
  ['serve'],
  ['worker'],
  ['migrate'],
  ['user'],
  ['user', 'create'],
  ['user', 'list'],
  ['user', 'set-password'],
  ['user', 'disable'],
  ['user', 'enable'],
  ['token'],
  ['token', 'create'],
  ['token', 'list'],
  ['token', 'revoke'],
  ['backup'],
  ['restore'],
  ['seed'],
  ['audit'],
  ['outbox'],
  ['invoice'],
  ['invoice', 'run'],
  ['ledger'],
  ['ledger', 'check'],
  ['import', 'bank'],
];

describe('partnerdesk CLI', () => {
  const s = storeEnv();
  afterAll(() => s.cleanup());

  it('has --help on every subcommand', () => {
    for (const c of COMMANDS) {
      const r = runCli([...c, '--help'], s.env);
      expect(r.code, c.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: partnerdesk/);
    }
    // ~21 process starts in a row: a busy 2-core machine needs more than the default minute
  }, 180_000);

  it('speaks the operator’s language (PARTNERDESK_LOCALE or LANG)', () => {
    const de = JSON.parse(readFileSync(join(ROOT, 'locales', 'de.json'), 'utf8'));
    const ru = JSON.parse(readFileSync(join(ROOT, 'locales', 'ru.json'), 'utf8'));
    const help = runCli(['user', 'create', '--help'], { ...s.env, PARTNERDESK_LOCALE: 'de' });
    expect(help.stdout).toContain(de.cli.user.create.description);
    const bad = runCli(['migrate'], { ...s.env, LANG: 'ru_RU.UTF-8', PARTNERDESK_DEMO: 'maybe' });
    expect(bad.stderr).toContain(ru.errors.config.invalid.split('{')[0].trim() || 'PARTNERDESK_DEMO');
    expect(bad.stderr).not.toContain('is not valid');
  });

  it('migrates with --json and reports nothing to do the second time', () => {
    const a = runCli(['migrate', '--json'], s.env);
    expect(a.code).toBe(0);
    expect(a.json()).toMatchObject({ ok: true, pending: [], applied: migrationFiles().map((f) => `${f.version}_${f.name}`) });
    const b = runCli(['migrate', '--json'], s.env);
    expect(b.json()).toMatchObject({ ok: true, appliedNow: [] });
    const status = runCli(['migrate', '--status'], s.env);
    expect(status.stdout).toMatch(/Up to date/);
  });

  it('creates the first admin and an API token, with JSON output and failures as JSON', () => {
    const u = runCli(['user', 'create', '--email', 'ops@example.com', '--role', 'admin', '--json'], s.env);
    expect(u.code).toBe(0);
    const created = u.json();
    expect(created).toMatchObject({ ok: true, user: { email: 'ops@example.com', role: 'admin' } });
    expect(String(created.password)).toMatch(/^[A-Za-z0-9]{5}(-[A-Za-z0-9]{5}){3}$/); // generated, shown once

    const dup = runCli(['user', 'create', '--email', 'OPS@example.com', '--role', 'admin', '--json'], s.env);
    expect(dup.code).not.toBe(0);
    expect(dup.json()).toMatchObject({ ok: false, error: { code: 'users.email_taken' } });

    const bad = runCli(['user', 'create', '--email', 'x@example.com', '--role', 'root'], s.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/root/);

    const t = runCli(['token', 'create', '--user', 'ops@example.com', '--name', 'deploy', '--json'], s.env);
    expect(t.code).toBe(0);
    expect(t.json()).toMatchObject({ ok: true, user: 'ops@example.com', name: 'deploy' });
    expect(String(t.json().token)).toMatch(/^pdt_/);
    const list = runCli(['token', 'list', '--user', 'ops@example.com', '--json'], s.env).json();
    expect(JSON.stringify(list)).not.toContain(String(t.json().token));

    const audit = runCli(['audit', '--json'], s.env).json() as { items: { action: string; actorType: string }[] };
    expect(audit.items.map((i) => i.action)).toEqual(expect.arrayContaining(['user.create', 'token.create']));
    expect(audit.items.every((i) => i.actorType === 'cli')).toBe(true);
  });

  it('explains bad configuration in one line and exits non-zero, creating nothing', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pd-bad-')), 'data');
    const r1 = runCli(['migrate'], { PARTNERDESK_DATA_DIR: dir, PARTNERDESK_DEMO: 'maybe' });
    expect(r1.code).toBe(2);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    expect(r1.stderr).toContain('PARTNERDESK_DEMO');
    const r2 = runCli(['migrate', '--json'], { PARTNERDESK_DATA_DIR: dir, PARTNERDESK_DATABSE: 'typo' });
    expect(r2.json()).toMatchObject({ ok: false, error: { code: 'config.unknown' } });
    const r3 = runCli(['migrate'], { DATABASE_URL: 'postgres://nobody:secret@127.0.0.1:1/none' });
    expect(r3.code).toBe(4);
    expect(r3.stderr.trim().split('\n')).toHaveLength(1);
    expect(r3.stderr).toMatch(/127\.0\.0\.1:1/);
    expect(r3.stderr).not.toContain('secret');
    expect(existsSync(dir)).toBe(false);
  });
});

describe('partnerdesk serve', () => {
  const s = storeEnv();
  let served: Awaited<ReturnType<typeof startServe>>;
  beforeAll(async () => {
    served = await startServe({ ...s.env, PARTNERDESK_DEMO: '1' });
  });
  afterAll(async () => {
    await served.stop('SIGKILL');
    await s.cleanup();
  });

  it('prints the URL and a first-run admin that can sign in', async () => {
    const m = /First-run admin: (\S+)\s+password: (\S+)/.exec(served.output());
    expect(m).toBeTruthy();
    const res = await fetch(`${served.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: m![1], password: m![2] }) });
    expect(res.status).toBe(200);
    expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
  });

  it.runIf(testStoreKind() === 'pglite')('refuses a second process on the same data directory, saying who holds it', () => {
    const r = runCli(['user', 'list'], s.env);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('serve');
    expect(r.stderr).toContain(served.url.replace('127.0.0.1', 'localhost'));
  });

  it('refuses a port in use with one clear line, creating nothing', () => {
    const port = new URL(served.url).port;
    const other = join(mkdtempSync(join(tmpdir(), 'pd-port-')), 'data');
    const r = runCli(['serve'], { PARTNERDESK_DATA_DIR: other, PORT: port });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(port);
    expect(existsSync(other)).toBe(false);
  });

  it('stops cleanly on SIGTERM, and its data survives a restart', async () => {
    const code = await served.stop('SIGTERM');
    expect(code).toBe(0);
    expect(served.output()).toContain('Stopped cleanly');
    if (testStoreKind() === 'pglite') expect(existsSync(join(s.env.PARTNERDESK_DATA_DIR!, 'partnerdesk.lock'))).toBe(false);
    const list = runCli(['user', 'list', '--json'], s.env);
    expect(list.code).toBe(0);
    expect((list.json().users as unknown[]).length).toBe(4); // the demo staff
    served = await startServe({ ...s.env, PARTNERDESK_DEMO: '1' });
    expect(served.output()).not.toContain('First-run admin'); // seeded once
  });

  it('works through an API token from the CLI', async () => {
    await served.stop('SIGTERM');
    const t = runCli(['token', 'create', '--user', 'admin@partnerdesk.example', '--json'], s.env).json();
    served = await startServe(s.env);
    const me = await fetch(`${served.url}/api/me`, { headers: { authorization: `Bearer ${t.token}` } });
    expect(((await me.json()) as { email: string }).email).toBe('admin@partnerdesk.example');
  });
});

describe.runIf(testStoreKind() === 'pglite')('backup and restore of the embedded store', () => {
  const s = storeEnv();
  afterAll(() => s.cleanup());

  it('backs up, restores (keeping the replaced database), and refuses what is not a backup', () => {
    expect(runCli(['user', 'create', '--email', 'before@example.com', '--role', 'viewer'], s.env).code).toBe(0);
    const file = join(s.dataDir, 'desk.tar.gz');
    const b = runCli(['backup', file, '--json'], s.env);
    expect(b.code).toBe(0);
    expect(b.json()).toMatchObject({ ok: true, file });
    expect(Number(b.json().bytes)).toBeGreaterThan(1000);

    expect(runCli(['user', 'create', '--email', 'after@example.com', '--role', 'viewer'], s.env).code).toBe(0);
    const refused = runCli(['restore', file, '--json'], s.env);
    expect(refused.code).toBe(3);
    expect(refused.json()).toMatchObject({ ok: false, error: { code: 'restore.target_not_empty' } });

    const junk = join(s.dataDir, 'junk.tar.gz');
    writeFileSync(junk, 'not a tarball');
    const bad = runCli(['restore', junk, '--force', '--json'], s.env);
    expect(bad.code).toBe(2);
    expect(bad.json()).toMatchObject({ ok: false, error: { code: 'restore.not_a_backup' } });
    expect(runCli(['user', 'list', '--json'], s.env).json().users).toHaveLength(2); // untouched

    const r = runCli(['restore', file, '--force', '--json'], s.env);
    expect(r.code).toBe(0);
    expect(existsSync(String(r.json().previous))).toBe(true);
    const users = runCli(['user', 'list', '--json'], s.env).json().users as { email: string }[];
    expect(users.map((u) => u.email)).toEqual(['before@example.com']);
  });
});

describe.runIf(testStoreKind() === 'postgres')('backup on a PostgreSQL server', () => {
  const s = storeEnv();
  afterAll(() => s.cleanup());
  it('points to pg_dump', () => {
    const r = runCli(['backup', '/tmp/x.tar.gz', '--json'], s.env);
    expect(r.code).toBe(2);
    expect(r.json()).toMatchObject({ ok: false, error: { code: 'backup.server_store' } });
    expect(String((r.json().error as { message: string }).message)).toContain('pg_dump');
  });
});
