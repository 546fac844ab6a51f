import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../../../test/helpers/store.js';
import { cookiesOf, makeUser, PASSWORD, signIn, testApp } from '../../../test/helpers/http.js';
import { sha256Hex } from '../../core/ids.js';
import { MAX_FAILURES_PER_EMAIL } from './sessions.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { makeCustomer } from '../../../test/helpers/fixtures.js';

describe('passwords', () => {
  it('are scrypt hashes that verify only the right password', async () => {
    const h = await hashPassword('correct-horse-battery');
    expect(h).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(h).not.toContain('correct-horse-battery');
    expect(await verifyPassword('correct-horse-battery', h)).toBe(true);
    expect(await verifyPassword('correct-horse-batterY', h)).toBe(false);
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await hashPassword('same')).not.toBe(await hashPassword('same')); // salted
  });
});

describe('sign-in, sessions and tokens', () => {
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

  it('sets an httpOnly SameSite session cookie and a readable CSRF cookie', async () => {
    const u = await makeUser(deps, 'billing');
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email.toUpperCase(), password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const c = cookiesOf(res);
    expect(c.pd_session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(c.pd_csrf!.httpOnly).toBeFalsy();
    expect(res.json().user).toMatchObject({ email: u.email, role: 'billing' });
    expect(res.json().user.passwordHash).toBeUndefined();
    // only a hash of the cookie is stored
    const rows = await deps.db.selectFrom('sessions').select('id').where('user_id', '=', u.id).execute();
    expect(rows.map((r) => r.id)).toEqual([sha256Hex(c.pd_session!.value)]);
  });

  it('refuses wrong passwords and unknown users alike', async () => {
    const u = await makeUser(deps, 'viewer');
    const a = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: 'wrong-password-123' } });
    const b = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@example.com', password: 'wrong-password-123' } });
    expect([a.statusCode, b.statusCode]).toEqual([401, 401]);
    expect(a.json().code).toBe('auth.invalid_credentials');
    expect(b.json().code).toBe('auth.invalid_credentials');
  });

  it('needs the CSRF header on state-changing requests made with the session cookie', async () => {
    const u = await makeUser(deps, 'support');
    const s = await signIn(app, u.email);
    const without = await app.inject({ method: 'PATCH', url: '/api/me', headers: { cookie: s.cookie }, payload: { locale: 'de' } });
    expect(without.statusCode).toBe(403);
    expect(without.json().code).toBe('auth.csrf_failed');
    const wrong = await app.inject({ method: 'PATCH', url: '/api/me', headers: { cookie: s.cookie, 'x-csrf-token': 'nope' }, payload: { locale: 'de' } });
    expect(wrong.statusCode).toBe(403);
    const ok = await app.inject({ method: 'PATCH', url: '/api/me', headers: s.headers, payload: { locale: 'de' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().locale).toBe('de');
    // reads need no CSRF token
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).json().locale).toBe('de');
  });

  it('logs out: the cookie stops working', async () => {
    const u = await makeUser(deps, 'viewer');
    const s = await signIn(app, u.email);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: s.headers })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('slides the session and re-issues its cookie while in use', async () => {
    const u = await makeUser(deps, 'viewer');
    const s = await signIn(app, u.email);
    deps.clock.advance({ hours: deps.config.sessionTtlHours - 1 });
    const res = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } });
    expect(res.statusCode).toBe(200);
    const renewed = cookiesOf(res).pd_session as { value: string; expires?: Date };
    expect(renewed.value).toBe(s.cookie.split(';')[0]!.split('=')[1]);
    expect(renewed.expires!.getTime()).toBe(deps.clock.now().getTime() + deps.config.sessionTtlHours * 3_600_000);
    deps.clock.advance({ hours: 2 }); // past the first expiry, within the renewed one
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(200);
  });

  it('expires sessions with the clock', async () => {
    const u = await makeUser(deps, 'viewer');
    const s = await signIn(app, u.email);
    deps.clock.advance({ hours: deps.config.sessionTtlHours + 1 });
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('rate-limits failed sign-ins per email, with Retry-After, and lets the window pass', async () => {
    const u = await makeUser(deps, 'viewer');
    for (let i = 0; i < MAX_FAILURES_PER_EMAIL; i++) {
      const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: `wrong-${i}-password` } });
      expect(r.statusCode).toBe(401);
    }
    const locked = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: PASSWORD } });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('auth.too_many_attempts');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    deps.clock.advance({ minutes: 16 });
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: PASSWORD } })).statusCode).toBe(200);
  });

  it('issues API tokens shown once, stored hashed, usable as Bearer, and revocable', async () => {
    const u = await makeUser(deps, 'billing');
    const s = await signIn(app, u.email);
    const created = await app.inject({ method: 'POST', url: '/api/me/tokens', headers: s.headers, payload: { name: 'ci script', expiresInDays: 30 } });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json();
    expect(token).toMatch(/^pdt_/);
    const stored = await deps.db.selectFrom('api_tokens').selectAll().where('id', '=', apiToken.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const list = (await app.inject({ method: 'GET', url: '/api/me/tokens', headers: { cookie: s.cookie } })).json();
    expect(JSON.stringify(list)).not.toContain(token);

    const me = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.json().email).toBe(u.email);
    // bearer calls need no CSRF token
    expect((await app.inject({ method: 'PATCH', url: '/api/me', headers: { authorization: `Bearer ${token}` }, payload: { name: 'Bea' } })).statusCode).toBe(200);

    expect((await app.inject({ method: 'DELETE', url: `/api/me/tokens/${apiToken.id}`, headers: s.headers })).statusCode).toBe(200);
    const after = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('auth.invalid_token');
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Basic abc' } })).json().code).toBe('auth.bad_authorization_header');
  });

  it('ends every session of a disabled user, and keeps the last admin', async () => {
    const admin = await makeUser(deps, 'admin');
    const sa = await signIn(app, admin.email);
    const u = await makeUser(deps, 'support');
    const su = await signIn(app, u.email);
    const r = await app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: sa.headers, payload: { status: 'disabled' } });
    expect(r.json().status).toBe('disabled');
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: su.cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: PASSWORD } })).statusCode).toBe(401);

    const admins = await deps.db.selectFrom('users').select('id').where('role', '=', 'admin').where('status', '=', 'active').execute();
    for (const a of admins.filter((x) => x.id !== admin.id)) {
      await app.inject({ method: 'PATCH', url: `/api/users/${a.id}`, headers: sa.headers, payload: { status: 'disabled' } });
    }
    const last = await app.inject({ method: 'PATCH', url: `/api/users/${admin.id}`, headers: sa.headers, payload: { role: 'viewer' } });
    expect(last.statusCode).toBe(409);
    expect(last.json().code).toBe('users.last_admin');
  });

  it('changes one’s own password, ending other sessions', async () => {
    const u = await makeUser(deps, 'viewer');
    const s1 = await signIn(app, u.email);
    const s2 = await signIn(app, u.email);
    const bad = await app.inject({ method: 'POST', url: '/api/me/password', headers: s1.headers, payload: { currentPassword: 'nope', newPassword: 'another-good-password' } });
    expect(bad.json()).toMatchObject({ code: 'auth.wrong_current_password', field: '/currentPassword' });
    const ok = await app.inject({ method: 'POST', url: '/api/me/password', headers: s1.headers, payload: { currentPassword: PASSWORD, newPassword: 'another-good-password' } });
    expect(ok.statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s1.cookie } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie: s2.cookie } })).statusCode).toBe(401);
    await signIn(app, u.email, 'another-good-password');
  });

  it('binds customer users to one customer', async () => {
    const admin = await signIn(app, (await makeUser(deps, 'admin')).email);
    const contoso = await makeCustomer(deps, { companyName: 'Contoso' });
    const unknown = await app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email: 'x@contoso.example', password: PASSWORD, customerId: 'cus_nope' } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'not_found', field: '/customerId' });
    const r = await app.inject({ method: 'POST', url: '/api/users', headers: admin.headers, payload: { email: 'cfo@contoso.example', password: PASSWORD, customerId: contoso, locale: 'ru' } });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ kind: 'customer', role: null, customerId: contoso, locale: 'ru' });
    const s = await signIn(app, 'cfo@contoso.example');
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: { cookie: s.cookie } })).statusCode).toBe(403);
    const roleForCustomer = await app.inject({ method: 'PATCH', url: `/api/users/${r.json().id}`, headers: admin.headers, payload: { role: 'admin' } });
    expect(roleForCustomer.json().code).toBe('users.customer_has_no_role');
  });
});
