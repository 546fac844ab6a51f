import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { ADMIN, SIGNED_IN } from '../../http/access.js';
import { actorOf, requireUser } from '../../http/auth.js';
import { Paging, problemResponses } from '../../http/schemas.js';
import { createUser, setPassword, updateUser } from './manage-users.js';
import { changePassword, updateProfile } from './me.js';
import { createToken, listTokens, revokeToken } from './tokens.js';
import { findUserById, listUsers } from './users.repo.js';
import { ChangePasswordIn, CreateUserIn, SetPasswordIn, TokenCreateIn, TokenOut, UpdateMeIn, UpdateUserIn, UserOut } from './users.schema.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const TokenCreated = z.object({ token: z.string().describe('Shown once; send as Authorization: Bearer …'), apiToken: TokenOut });

export function userRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // ---- the signed-in user
  r.get('/api/me', { config: { access: SIGNED_IN }, schema: { tags: ['me'], summary: 'Who am I', response: { 200: UserOut, ...problemResponses } } }, async (req) =>
    requireUser(req),
  );

  r.patch(
    '/api/me',
    { config: { access: SIGNED_IN }, schema: { tags: ['me'], summary: 'Change my name, language or time zone', body: UpdateMeIn, response: { 200: UserOut, ...problemResponses } } },
    async (req) => updateProfile(deps, actorOf(req), requireUser(req).id, req.body),
  );

  r.post(
    '/api/me/password',
    { config: { access: SIGNED_IN }, schema: { tags: ['me'], summary: 'Change my password', body: ChangePasswordIn, response: { 204: z.null(), ...problemResponses } } },
    async (req, reply) => {
      await changePassword(deps, actorOf(req), requireUser(req).id, req.body.currentPassword, req.body.newPassword, req.principal?.sessionId);
      return reply.code(204).send(null);
    },
  );

  r.get('/api/me/tokens', { config: { access: SIGNED_IN }, schema: { tags: ['me'], summary: 'My API tokens', response: { 200: z.object({ items: z.array(TokenOut) }), ...problemResponses } } }, async (req) => ({
    items: await listTokens(deps.db, requireUser(req).id),
  }));

  r.post(
    '/api/me/tokens',
    { config: { access: SIGNED_IN }, schema: { tags: ['me'], summary: 'Create an API token (shown once)', body: TokenCreateIn, response: { 201: TokenCreated, ...problemResponses } } },
    async (req, reply) => {
      const res = await createToken(deps, actorOf(req), requireUser(req).id, req.body);
      return reply.code(201).send(res);
    },
  );

  r.delete(
    '/api/me/tokens/:id',
    { config: { access: SIGNED_IN }, schema: { tags: ['me'], summary: 'Revoke one of my API tokens', params: IdParams, response: { 200: TokenOut, ...problemResponses } } },
    async (req) => revokeToken(deps, actorOf(req), req.params.id, requireUser(req).id),
  );

  // ---- user administration (admin)
  r.get(
    '/api/users',
    {
      config: { access: { staff: ADMIN } },
      schema: {
        tags: ['users'],
        summary: 'List users',
        querystring: Paging.extend({ kind: z.enum(['staff', 'customer']).optional(), customerId: z.string().max(64).optional() }),
        response: { 200: z.object({ items: z.array(UserOut), total: z.number().int() }), ...problemResponses },
      },
    },
    async (req) => listUsers(deps.db, req.query),
  );

  r.post(
    '/api/users',
    { config: { access: { staff: ADMIN } }, schema: { tags: ['users'], summary: 'Create a staff or customer user', body: CreateUserIn, response: { 201: UserOut, ...problemResponses } } },
    async (req, reply) => reply.code(201).send(await createUser(deps, actorOf(req), req.body)),
  );

  r.get('/api/users/:id', { config: { access: { staff: ADMIN } }, schema: { tags: ['users'], summary: 'One user', params: IdParams, response: { 200: UserOut, ...problemResponses } } }, async (req) => {
    const u = await findUserById(deps.db, req.params.id);
    if (!u) throw notFound('user', req.params.id);
    return u;
  });

  r.patch(
    '/api/users/:id',
    { config: { access: { staff: ADMIN } }, schema: { tags: ['users'], summary: 'Change role, status, name or language', params: IdParams, body: UpdateUserIn, response: { 200: UserOut, ...problemResponses } } },
    async (req) => updateUser(deps, actorOf(req), req.params.id, req.body),
  );

  r.post(
    '/api/users/:id/password',
    { config: { access: { staff: ADMIN } }, schema: { tags: ['users'], summary: "Reset a user's password (ends their sessions)", params: IdParams, body: SetPasswordIn, response: { 204: z.null(), ...problemResponses } } },
    async (req, reply) => {
      await setPassword(deps, actorOf(req), req.params.id, req.body.password);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/api/users/:id/tokens',
    { config: { access: { staff: ADMIN } }, schema: { tags: ['users'], summary: "A user's API tokens", params: IdParams, response: { 200: z.object({ items: z.array(TokenOut) }), ...problemResponses } } },
    async (req) => ({ items: await listTokens(deps.db, req.params.id) }),
  );

  r.post(
    '/api/users/:id/tokens',
    { config: { access: { staff: ADMIN } }, schema: { tags: ['users'], summary: 'Issue an API token for a user (shown once)', params: IdParams, body: TokenCreateIn, response: { 201: TokenCreated, ...problemResponses } } },
    async (req, reply) => reply.code(201).send(await createToken(deps, actorOf(req), req.params.id, req.body)),
  );

  r.delete(
    '/api/tokens/:id',
    { config: { access: { staff: ADMIN } }, schema: { tags: ['users'], summary: 'Revoke any API token', params: IdParams, response: { 200: TokenOut, ...problemResponses } } },
    async (req) => revokeToken(deps, actorOf(req), req.params.id),
  );
}
