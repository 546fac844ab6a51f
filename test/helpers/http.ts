import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import type { Deps } from '../../src/deps.js';
import { cliActor } from '../../src/db/tx.js';
import { createUser } from '../../src/modules/users/manage-users.js';
import type { StaffRole, User } from '../../src/modules/users/users.repo.js';

export async function testApp(deps: Deps): Promise<FastifyInstance> {
  const app = await buildApp(deps, { webDir: '/nonexistent' });
  await app.ready();
  return app;
}

export const PASSWORD = 'correct-horse-battery';

let n = 0;
export async function makeUser(deps: Deps, role: StaffRole | { customerId: string }, email?: string): Promise<User> {
  n++;
  return createUser(deps, cliActor('test'), {
    email: email ?? `${typeof role === 'string' ? role : 'customer'}${n}@example.com`,
    password: PASSWORD,
    ...(typeof role === 'string' ? { role } : { customerId: role.customerId }),
  });
}

export interface Session {
  cookie: string;
  csrf: string;
  /** headers for a state-changing request in this session */
  headers: Record<string, string>;
}

export function cookiesOf(res: LightMyRequestResponse): Record<string, { value: string; httpOnly?: boolean; sameSite?: string; path?: string }> {
  return Object.fromEntries(res.cookies.map((c) => [c.name, c as { name: string; value: string; httpOnly?: boolean; sameSite?: string; path?: string }]));
}

export async function signIn(app: FastifyInstance, email: string, password = PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
  const c = cookiesOf(res);
  const cookie = `pd_session=${c.pd_session!.value}; pd_csrf=${c.pd_csrf!.value}`;
  return { cookie, csrf: c.pd_csrf!.value, headers: { cookie, 'x-csrf-token': c.pd_csrf!.value } };
}
