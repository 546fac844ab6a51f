import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { migrationFiles } from '../../src/db/migrate.js';

/** Bad input is a 4xx problem+json with a stable code, a localized title and the offending field; never a 500. */
describe('problem details', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let admin: Session;

  beforeAll(async () => {
    deps = await createTestDeps({ config: { PARTNERDESK_BODY_LIMIT: '2048' } });
    app = await testApp(deps);
    admin = await signIn(app, (await makeUser(deps, 'admin')).email);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/users', payload, headers: { ...admin.headers, 'content-type': 'application/json', ...headers } });

  it('malformed JSON → 400 malformed_body', async () => {
    const res = await post('{"email": "a@b.c",');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, code: 'malformed_body', type: 'urn:partnerdesk:problem:malformed_body', instance: '/api/users' });
  });

  it('wrong types → 400 validation_failed naming the field', async () => {
    const res = await post(JSON.stringify({ email: 42, password: 'correct-horse-battery', role: 'admin' }));
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('validation_failed');
    expect(body.field).toBe('/email');
    expect(body.errors[0]).toMatchObject({ field: '/email', code: 'invalid_type' });
  });

  it('unknown fields → 400 naming the unknown field', async () => {
    const res = await post(JSON.stringify({ email: 'x@example.com', password: 'correct-horse-battery', role: 'admin', isRoot: true }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: '/isRoot', code: 'unknown_field' })]);
  });

  it('oversized bodies → 413', async () => {
    const res = await post(JSON.stringify({ email: 'x@example.com', password: 'x'.repeat(5000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe('too_large');
  });

  it('other content types → 415', async () => {
    const res = await post('email=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('unsupported_media');
  });

  it('bad query values → 400 naming the parameter', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/users?limit=zero', headers: { cookie: admin.cookie } });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('/querystring/limit');
  });

  it('a business rule → its own code and field', async () => {
    const res = await post(JSON.stringify({ email: 'both@example.com', password: 'correct-horse-battery', role: 'admin', customerId: 'cus_1' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'users.role_or_customer', field: '/customerId' });
  });

  it('localizes the title by Accept-Language', async () => {
    const titles = new Set<string>();
    for (const lang of ['en', 'de-DE', 'zh-CN', 'ru']) {
      const res = await app.inject({ method: 'GET', url: '/api/me', headers: { 'accept-language': lang } });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('auth.required');
      titles.add(res.json().title);
    }
    expect(titles.size).toBe(4);
  });

  it('unknown routes → 404 problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'route_not_found' });
  });

  it('a conflict → 409 with the field', async () => {
    const body = JSON.stringify({ email: 'dup@example.com', password: 'correct-horse-battery', role: 'viewer' });
    expect((await post(body)).statusCode).toBe(201);
    const res = await post(body.replace('dup@', 'DUP@'));
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'users.email_taken', field: '/email' });
  });

  it('serves OpenAPI 3 and the docs UI, and health endpoints', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/users', '/api/audit', '/api/me', '/healthz', '/readyz']));
    expect(spec.paths['/api/users'].post.requestBody).toBeDefined();
    const docs = await app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', migrations: migrationFiles().length });
  });
});
