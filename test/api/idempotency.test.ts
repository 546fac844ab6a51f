import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, PASSWORD, signIn, testApp, type Session } from '../helpers/http.js';

describe('Idempotency-Key on POST', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let admin: Session;
  beforeAll(async () => {
    deps = await createTestDeps();
    app = await testApp(deps);
    admin = await signIn(app, (await makeUser(deps, 'admin')).email);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const createUser = (key: string, email: string) =>
    app.inject({ method: 'POST', url: '/api/users', headers: { ...admin.headers, 'idempotency-key': key }, payload: { email, password: PASSWORD, role: 'viewer' } });
  const countUsers = async (email: string) => (await deps.db.selectFrom('users').select('id').where('email', '=', email).execute()).length;
  const countAudit = async () => Number((await deps.db.selectFrom('audit_log').select(deps.db.fn.countAll<bigint>().as('n')).where('action', '=', 'user.create').executeTakeFirstOrThrow()).n);

  it('same key and body: the same response, no second effect', async () => {
    const audits = await countAudit();
    const first = await createUser('k-1', 'once@example.com');
    const again = await createUser('k-1', 'once@example.com');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await countUsers('once@example.com')).toBe(1);
    expect(await countAudit()).toBe(audits + 1);
  });

  it('same key, different body: 422', async () => {
    await createUser('k-2', 'two@example.com');
    const res = await createUser('k-2', 'other@example.com');
    expect(res.statusCode).toBe(422);
    expect(res.json().code).toBe('idempotency.key_reused');
    expect(await countUsers('other@example.com')).toBe(0);
  });

  it('replays a recorded client error too, and frees nothing else', async () => {
    await createUser('k-3a', 'taken@example.com');
    const a = await createUser('k-3', 'taken@example.com');
    const b = await createUser('k-3', 'taken@example.com');
    expect([a.statusCode, b.statusCode]).toEqual([409, 409]);
    expect(b.headers['idempotent-replayed']).toBe('true');
  });

  it('keys belong to the caller', async () => {
    const other = await signIn(app, (await makeUser(deps, 'admin')).email);
    await createUser('k-4', 'mine@example.com');
    const res = await app.inject({ method: 'POST', url: '/api/users', headers: { ...other.headers, 'idempotency-key': 'k-4' }, payload: { email: 'theirs@example.com', password: PASSWORD, role: 'viewer' } });
    expect(res.statusCode).toBe(201);
  });

  it('a replayed token creation returns the same token and creates one', async () => {
    const headers = { ...admin.headers, 'idempotency-key': 'tok-1' };
    const a = await app.inject({ method: 'POST', url: '/api/me/tokens', headers, payload: { name: 'deploy' } });
    const b = await app.inject({ method: 'POST', url: '/api/me/tokens', headers, payload: { name: 'deploy' } });
    expect(b.json().token).toBe(a.json().token);
    const tokens = (await app.inject({ method: 'GET', url: '/api/me/tokens', headers: { cookie: admin.cookie } })).json().items;
    expect(tokens.filter((t: { name: string }) => t.name === 'deploy')).toHaveLength(1);
  });

  it('refuses malformed keys', async () => {
    const res = await createUser(' bad key ', 'x@example.com');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'idempotency.bad_key', field: 'Idempotency-Key' });
  });
});
