import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { makeCustomer } from '../helpers/fixtures.js';
import { ANY_STAFF } from '../../src/http/access.js';
import type { StaffRole } from '../../src/modules/users/users.repo.js';

/**
 * Every /api route, against every kind of caller: anonymous → 401 (unless public), a staff role
 * the route does not name → 403, a customer user on a staff-only route → 403. The route list is
 * the app's own, so a new route is covered the moment it is added.
 */
describe('access matrix', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  const sessions = {} as Record<StaffRole | 'customer', Session>;

  beforeAll(async () => {
    deps = await createTestDeps();
    app = await testApp(deps);
    for (const role of ANY_STAFF) sessions[role] = await signIn(app, (await makeUser(deps, role)).email);
    sessions.customer = await signIn(app, (await makeUser(deps, { customerId: await makeCustomer(deps) })).email);
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const url = (u: string) => u.replace(/:[a-zA-Z]+/g, 'nonexistent');

  it('declares access on every API route', () => {
    expect(app.routeAccess.length).toBeGreaterThanOrEqual(15);
    for (const r of app.routeAccess) expect(r.access, `${r.method} ${r.url}`).toBeDefined();
  });

  it('refuses anonymous callers on every non-public route', async () => {
    for (const r of app.routeAccess) {
      if ('public' in r.access) continue;
      const res = await app.inject({ method: r.method as 'GET', url: url(r.url), payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('auth.required');
    }
  });

  it('refuses staff roles and customer users the route does not name', async () => {
    let checked = 0;
    for (const r of app.routeAccess) {
      if (!('staff' in r.access)) continue;
      const callers: (StaffRole | 'customer')[] = [...ANY_STAFF.filter((role) => !(r.access as { staff: readonly StaffRole[] }).staff.includes(role))];
      if (!r.access.customer) callers.push('customer');
      for (const who of callers) {
        const s = sessions[who];
        const res = await app.inject({
          method: r.method as 'GET',
          url: url(r.url),
          headers: s.headers,
          payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
        });
        expect(res.statusCode, `${who} ${r.method} ${r.url}`).toBe(403);
        expect(res.json().code).toBe('forbidden');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('lets the named roles through the access check', async () => {
    for (const r of app.routeAccess) {
      if (!('staff' in r.access) || r.method !== 'GET') continue;
      for (const role of r.access.staff) {
        const res = await app.inject({ method: 'GET', url: url(r.url), headers: { cookie: sessions[role].cookie } });
        expect([200, 404], `${role} GET ${r.url}: ${res.body}`).toContain(res.statusCode);
      }
    }
  });
});
