import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf, scopeOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import { findCustomer, listCustomers } from './customers.repo.js';
import {
  CustomerOut,
  CustomerQueryIn,
  FraudReviewIn,
  OperationOut,
  ReactivateIn,
  SubscriptionOut,
  SubscriptionQueryIn,
  SuspendIn,
  UpdateCustomerIn,
} from './customers.schema.js';
import { explainOperation, listOperations, requestStatusChange } from './subscription-status.js';
import { findSubscription, listDrift, listSubscriptions } from './subscriptions.repo.js';
import { setFraudReview, updateCustomer } from './update-customer.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

export function customerRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // staff of every role read; a customer user reads their own customer only (scope in the repo)
  const read = { access: staff(ANY_STAFF, true) };
  const write = { access: staff(BILLING_WRITE) };

  r.get(
    '/api/customers',
    { config: read, schema: { tags: ['customers'], summary: 'Customers, with search and filters', querystring: CustomerQueryIn, response: { 200: z.object({ items: z.array(CustomerOut), total: z.number().int() }), ...problemResponses } } },
    async (req) => listCustomers(deps.db, req.query, scopeOf(req)),
  );

  r.get('/api/customers/:id', { config: read, schema: { tags: ['customers'], summary: 'One customer', params: IdParams, response: { 200: CustomerOut, ...problemResponses } } }, async (req) => {
    const c = await findCustomer(deps.db, req.params.id, scopeOf(req));
    if (!c) throw notFound('customer', req.params.id);
    return c;
  });

  r.patch(
    '/api/customers/:id',
    { config: write, schema: { tags: ['customers'], summary: 'Change local fields: language, currency, payment terms, segment, tax', params: IdParams, body: UpdateCustomerIn, response: { 200: CustomerOut, ...problemResponses } } },
    async (req) => updateCustomer(deps, actorOf(req), req.params.id, req.body),
  );

  r.post(
    '/api/customers/:id/fraud-review',
    { config: write, schema: { tags: ['customers'], summary: 'Flag a customer for fraud review (note), or clear the flag (null)', params: IdParams, body: FraudReviewIn, response: { 200: CustomerOut, ...problemResponses } } },
    async (req) => setFraudReview(deps, actorOf(req), req.params.id, req.body.note),
  );

  r.get(
    '/api/subscriptions',
    { config: read, schema: { tags: ['subscriptions'], summary: 'Subscriptions, with filters', querystring: SubscriptionQueryIn, response: { 200: z.object({ items: z.array(SubscriptionOut), total: z.number().int() }), ...problemResponses } } },
    async (req) => listSubscriptions(deps.db, req.query, scopeOf(req)),
  );

  r.get(
    '/api/subscriptions/drift',
    {
      config: { access: staff(ANY_STAFF) },
      schema: {
        tags: ['subscriptions'],
        summary: 'Subscriptions whose provider status differs from what the desk asked for, or that vanished upstream',
        response: {
          200: z.object({ items: z.array(z.object({ subscription: SubscriptionOut, customerName: z.string(), kind: z.enum(['status', 'removed_upstream']), expected: z.string().nullable(), actual: z.string() })) }),
          ...problemResponses,
        },
      },
    },
    async (req) => ({ items: await listDrift(deps.db, scopeOf(req)) }),
  );

  r.get('/api/subscriptions/:id', { config: read, schema: { tags: ['subscriptions'], summary: 'One subscription', params: IdParams, response: { 200: SubscriptionOut, ...problemResponses } } }, async (req) => {
    const s = await findSubscription(deps.db, req.params.id, scopeOf(req));
    if (!s) throw notFound('subscription', req.params.id);
    return s;
  });

  r.get(
    '/api/subscriptions/:id/operations',
    { config: { access: staff(ANY_STAFF) }, schema: { tags: ['subscriptions'], summary: 'Suspend/reactivate operations and what the provider said', params: IdParams, response: { 200: z.object({ items: z.array(OperationOut) }), ...problemResponses } } },
    async (req) => ({ items: (await listOperations(deps, req.params.id, scopeOf(req))).map((op) => ({ ...op, explanation: explainOperation(op, req.fmt) })) }),
  );

  r.post(
    '/api/subscriptions/:id/suspend',
    { config: write, schema: { tags: ['subscriptions'], summary: 'Suspend through the provider (queued; see operations)', params: IdParams, body: SuspendIn, response: { 202: OperationOut, ...problemResponses } } },
    async (req, reply) => reply.code(202).send(await requestStatusChange(deps, actorOf(req), req.params.id, 'suspend', req.body.reason)),
  );

  r.post(
    '/api/subscriptions/:id/reactivate',
    { config: write, schema: { tags: ['subscriptions'], summary: 'Reactivate through the provider (queued; see operations)', params: IdParams, body: ReactivateIn, response: { 202: OperationOut, ...problemResponses } } },
    async (req, reply) => reply.code(202).send(await requestStatusChange(deps, actorOf(req), req.params.id, 'reactivate', req.body.reason)),
  );
}
