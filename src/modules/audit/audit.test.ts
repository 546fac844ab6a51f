import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../../../test/helpers/store.js';
import { makeUser, signIn, testApp } from '../../../test/helpers/http.js';

describe('audit log', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  beforeAll(async () => {
    deps = await createTestDeps();
    app = await testApp(deps);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  it('records who did what, with before and after, at the clock’s time', async () => {
    deps.clock.set('2026-10-05T12:00:00Z');
    const admin = await makeUser(deps, 'admin');
    const s = await signIn(app, admin.email);
    const viewer = await makeUser(deps, 'viewer');
    const r = await app.inject({ method: 'PATCH', url: `/api/users/${viewer.id}`, headers: s.headers, payload: { role: 'support' } });
    expect(r.statusCode).toBe(200);
    const log = (await app.inject({ method: 'GET', url: `/api/audit?entityType=user&entityId=${viewer.id}`, headers: { cookie: s.cookie } })).json();
    const change = log.items.find((i: { action: string }) => i.action === 'user.update');
    expect(change).toMatchObject({
      at: '2026-10-05T12:00:00.000Z',
      actorType: 'user',
      actorId: admin.id,
      actorLabel: admin.email,
      entityType: 'user',
      entityId: viewer.id,
      before: expect.objectContaining({ role: 'viewer' }),
      after: expect.objectContaining({ role: 'support' }),
    });
    expect(change.requestId).toBeTruthy();
    expect(JSON.stringify(log)).not.toMatch(/scrypt|password_hash/);
  });

  it('pages newest first', async () => {
    const s = await signIn(app, (await makeUser(deps, 'admin')).email);
    const first = (await app.inject({ method: 'GET', url: '/api/audit?limit=2', headers: { cookie: s.cookie } })).json();
    expect(first.items).toHaveLength(2);
    expect(BigInt(first.items[0].id)).toBeGreaterThan(BigInt(first.items[1].id));
    const next = (await app.inject({ method: 'GET', url: `/api/audit?limit=2&before=${first.nextBefore}`, headers: { cookie: s.cookie } })).json();
    expect(BigInt(next.items[0].id)).toBeLessThan(BigInt(first.items[1].id));
  });

  it('cannot be changed or deleted, even with SQL', async () => {
    await expect(deps.store.pool.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(deps.store.pool.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
    await expect(deps.store.pool.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    const n = await deps.db.selectFrom('audit_log').select(deps.db.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow();
    expect(n.n).toBeGreaterThan(0n);
  });

  it('offers no route that writes to it', async () => {
    const writes = app.routeAccess.filter((r) => r.url.startsWith('/api/audit') && r.method !== 'GET');
    expect(writes).toEqual([]);
  });
});
