import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { ADMIN, ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import { syncAccount, syncAll } from '../customers/sync-customers.js';
import { findAccount, listAccounts, toPublic } from './accounts.repo.js';
import { AccountOut, CreateAccountIn, UpdateAccountIn } from './accounts.schema.js';
import { createAccount, updateAccount } from './manage-accounts.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const SyncOut = z.object({
  runId: z.string(),
  accountId: z.string(),
  state: z.enum(['done', 'partial', 'failed']),
  stats: z.object({
    customersSeen: z.number(),
    customersCreated: z.number(),
    customersUpdated: z.number(),
    customersRemoved: z.number(),
    subscriptionsSeen: z.number(),
    subscriptionsCreated: z.number(),
    subscriptionsUpdated: z.number(),
    subscriptionsRemoved: z.number(),
    failed: z.number(),
  }),
  errors: z.array(z.object({ customer: z.string().optional(), code: z.string(), providerCode: z.string().nullable().optional(), message: z.string() })),
});

export function providerAccountRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/provider-accounts', { config: { access: staff(ANY_STAFF) }, schema: { tags: ['providers'], summary: 'Provider accounts (one per cloud the partner transacts in)', response: { 200: z.object({ items: z.array(AccountOut) }), ...problemResponses } } }, async () => ({
    items: await listAccounts(deps.db),
  }));

  r.get('/api/provider-accounts/:id', { config: { access: staff(ANY_STAFF) }, schema: { tags: ['providers'], summary: 'One provider account (never its secret)', params: IdParams, response: { 200: AccountOut, ...problemResponses } } }, async (req) => {
    const a = await findAccount(deps.db, req.params.id);
    if (!a) throw notFound('provider_account', req.params.id);
    return toPublic(a);
  });

  r.post(
    '/api/provider-accounts',
    { config: { access: staff(ADMIN) }, schema: { tags: ['providers'], summary: 'Add a provider account; cloud defaults fill endpoints and payee', body: CreateAccountIn, response: { 201: AccountOut, ...problemResponses } } },
    async (req, reply) => reply.code(201).send(await createAccount(deps, actorOf(req), req.body)),
  );

  r.patch(
    '/api/provider-accounts/:id',
    { config: { access: staff(ADMIN) }, schema: { tags: ['providers'], summary: 'Change a provider account (a new secret replaces the old one)', params: IdParams, body: UpdateAccountIn, response: { 200: AccountOut, ...problemResponses } } },
    async (req) => updateAccount(deps, actorOf(req), req.params.id, req.body),
  );

  r.get(
    '/api/provider-accounts/:id/webhook',
    { config: { access: staff(ADMIN) }, schema: { tags: ['providers'], summary: 'The webhook URL to register in Partner Center (it carries this account’s key)', params: IdParams, response: { 200: z.object({ url: z.string() }), ...problemResponses } } },
    async (req) => {
      const a = await findAccount(deps.db, req.params.id);
      if (!a) throw notFound('provider_account', req.params.id);
      return { url: webhookUrl(deps, a.id, deps.secrets.decrypt(a.webhookSecretEnc!)) };
    },
  );

  r.post(
    '/api/provider-accounts/:id/sync',
    { config: { access: staff(BILLING_WRITE) }, schema: { tags: ['providers'], summary: 'Sync customers and subscriptions of one account now', params: IdParams, response: { 200: SyncOut, ...problemResponses } } },
    async (req) => syncAccount(deps, actorOf(req), req.params.id, { trigger: 'api' }),
  );

  r.post(
    '/api/sync',
    {
      config: { access: staff(BILLING_WRITE) },
      schema: {
        tags: ['providers'],
        summary: 'Sync every active provider account now (accounts already syncing are listed as skipped)',
        response: { 200: z.object({ runs: z.array(SyncOut), skipped: z.array(z.object({ accountId: z.string(), code: z.string() })) }), ...problemResponses },
      },
    },
    async (req) => syncAll(deps, actorOf(req), 'api'),
  );
}

export function webhookUrl(deps: Pick<Deps, 'config'>, accountId: string, key: string): string {
  return `${deps.config.publicUrl}/api/provider/webhooks/${accountId}?key=${encodeURIComponent(key)}`;
}
