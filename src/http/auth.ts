import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { negotiateLocale, type Formatter, type Locale } from '../core/i18n.js';
import type { Actor } from '../db/tx.js';
import type { Deps } from '../deps.js';
import { csrfMatches, resolveSession } from '../modules/users/sessions.js';
import { resolveToken } from '../modules/users/tokens.js';
import type { User } from '../modules/users/users.repo.js';
import type { CustomerScope } from '../modules/customers/customers.repo.js';
import type { Access } from './access.js';

export const SESSION_COOKIE = 'pd_session';
export const CSRF_COOKIE = 'pd_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function cookieOptions(deps: Deps) {
  return { path: '/', sameSite: 'lax' as const, secure: deps.config.cookieSecure };
}

/** The session cookie (httpOnly) and its CSRF twin (readable by the web app, echoed in X-CSRF-Token). */
export function setSessionCookies(reply: FastifyReply, deps: Deps, token: string, csrfToken: string, expires: Date): void {
  const base = cookieOptions(deps);
  reply.setCookie(SESSION_COOKIE, token, { ...base, httpOnly: true, expires });
  reply.setCookie(CSRF_COOKIE, csrfToken, { ...base, httpOnly: false, expires });
}

export interface Principal {
  user: User;
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
  tokenId?: string;
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api route with its declared access: the source of the access test matrix. */
    routeAccess: RouteAccess[];
  }
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
    locale: Locale;
    fmt: Formatter;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The actor recorded in the audit log for this request. */
export function actorOf(req: FastifyRequest): Actor {
  const p = req.principal;
  if (!p) return { type: 'system', id: null, label: 'anonymous', requestId: req.id };
  return { type: p.via === 'token' ? 'token' : 'user', id: p.user.id, label: p.user.email, requestId: req.id };
}

/** What data this caller may see: staff all customers, a customer user only their own (repos enforce it). */
export function scopeOf(req: FastifyRequest): CustomerScope {
  const u = requireUser(req);
  return u.kind === 'customer' ? { kind: 'customer', customerId: u.customerId! } : { kind: 'all' };
}

export function requireUser(req: FastifyRequest): User {
  if (!req.principal) throw new AppError('unauthenticated', 'auth.required');
  return req.principal.user;
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new AppError('unauthenticated', 'auth.bad_authorization_header');
  return m[1];
}

async function resolvePrincipal(deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<Principal | null> {
  const token = bearer(req);
  if (token) {
    const r = await resolveToken(deps.db, deps.clock, token);
    if (!r) throw new AppError('unauthenticated', 'auth.invalid_token');
    return { user: r.user, via: 'token', tokenId: r.token.id };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return null;
  const s = await resolveSession(deps.db, deps.clock, deps.config.sessionTtlHours, cookie);
  if (!s) return null;
  if (s.renewedUntil) setSessionCookies(reply, deps, cookie, s.csrfToken, s.renewedUntil); // sliding expiry
  return { user: s.user, via: 'session', sessionId: s.sessionId, csrfToken: s.csrfToken };
}

export function checkAccess(access: Access, p: Principal | null): void {
  if ('public' in access) return;
  if (!p) throw new AppError('unauthenticated', 'auth.required');
  if ('signedIn' in access) return;
  const u = p.user;
  if (u.kind === 'customer') {
    if (access.customer) return;
    throw new AppError('forbidden', 'forbidden');
  }
  if (!u.role || !access.staff.includes(u.role)) throw new AppError('forbidden', 'forbidden');
}

/**
 * Authentication (session cookie or bearer token), CSRF for cookie sessions, the request's
 * language, and the per-route access check, all before the body is even parsed.
 */
export function registerAuth(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('locale', 'en');
  app.decorateRequest('fmt', null as unknown as Formatter);

  app.decorate('routeAccess', [] as RouteAccess[]);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    if (!route.config?.access) throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') app.routeAccess.push({ method, url: route.url, access: route.config.access });
    }
  });

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    req.locale = negotiateLocale(req.headers['accept-language']);
    req.fmt = deps.i18n.formatter(req.locale);
    const access = req.routeOptions.config?.access;
    if (!access) return; // static files, docs, health
    const p = await resolvePrincipal(deps, req, reply);
    req.principal = p;
    if (p && !req.headers['accept-language']) {
      req.locale = p.user.locale;
      req.fmt = deps.i18n.formatter(req.locale);
    }
    checkAccess(access, p);
    if (p?.via === 'session' && !SAFE_METHODS.has(req.method)) {
      const given = req.headers[CSRF_HEADER];
      if (!csrfMatches(p.csrfToken!, Array.isArray(given) ? given[0] : given)) throw new AppError('forbidden', 'auth.csrf_failed');
    }
  });
}
