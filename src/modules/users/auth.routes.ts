import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { PUBLIC, SIGNED_IN } from '../../http/access.js';
import { CSRF_COOKIE, SESSION_COOKIE, cookieOptions, requireUser, setSessionCookies } from '../../http/auth.js';
import { DateTime, Problem } from '../../http/schemas.js';
import { LoginIn, UserOut } from './users.schema.js';
import { login, logout } from './sessions.js';

const SessionOut = z.object({ user: UserOut, csrfToken: z.string(), expiresAt: DateTime });

export function authRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cookieBase = cookieOptions(deps);

  r.post(
    '/api/auth/login',
    {
      config: { access: PUBLIC },
      schema: { tags: ['auth'], summary: 'Sign in with email and password', body: LoginIn, response: { 200: SessionOut, 400: Problem, 401: Problem, 429: Problem } },
    },
    async (req, reply) => {
      const res = await login({ ...deps, sessionTtlHours: deps.config.sessionTtlHours }, req.body.email, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] });
      setSessionCookies(reply, deps, res.token, res.csrfToken, res.expiresAt);
      return { user: res.user, csrfToken: res.csrfToken, expiresAt: res.expiresAt };
    },
  );

  r.post(
    '/api/auth/logout',
    { config: { access: SIGNED_IN }, schema: { tags: ['auth'], summary: 'End this session', response: { 204: z.null(), 401: Problem, 403: Problem } } },
    async (req, reply) => {
      const user = requireUser(req);
      const token = req.cookies[SESSION_COOKIE];
      if (token && req.principal?.via === 'session') await logout(deps, token, user);
      reply.clearCookie(SESSION_COOKIE, cookieBase).clearCookie(CSRF_COOKIE, cookieBase);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/auth/session',
    { config: { access: SIGNED_IN }, schema: { tags: ['auth'], summary: 'The current session', response: { 200: z.object({ user: UserOut, csrfToken: z.string().nullable(), via: z.enum(['session', 'token']) }), 401: Problem } } },
    async (req) => {
      const p = req.principal!;
      return { user: p.user, csrfToken: p.csrfToken ?? null, via: p.via };
    },
  );
}
