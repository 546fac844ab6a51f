import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import { ANY_STAFF, BILLING_WRITE, staff } from '../../http/access.js';
import { actorOf } from '../../http/auth.js';
import { problemResponses } from '../../http/schemas.js';
import { today } from '../provider-billing/provider-invoices.js';
import { deleteRate, upsertRate } from './manage-rates.js';
import { createRule, deactivateRule, updateRule } from './manage-rules.js';
import { levelOf } from './price.js';
import { findRule, listRates, listRules, type PriceRuleRecord } from './pricing.repo.js';
import { QuoteIn, QuoteOut, RateIn, RateOut, RateQueryIn, RuleIn, RuleOut, RulePatchIn, RuleQueryIn } from './pricing.schema.js';
import { quote } from './quote.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });

const out = (r: PriceRuleRecord) => ({ ...r, level: levelOf(r) });

export function pricingRoutes(app: FastifyInstance, deps: Deps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // staff of every role read (viewer included); admin and billing change; customers never see rules
  const read = { access: staff(ANY_STAFF) };
  const write = { access: staff(BILLING_WRITE) };
  const tags = ['pricing'];

  r.get(
    '/api/pricing/rules',
    { config: read, schema: { tags, summary: 'Price rules, most specific scope first, with filters', querystring: RuleQueryIn, response: { 200: z.object({ items: z.array(RuleOut), total: z.number().int() }), ...problemResponses } } },
    async (req) => {
      const res = await listRules(deps.db, req.query);
      return { items: res.items.map(out), total: res.total };
    },
  );

  r.get('/api/pricing/rules/:id', { config: read, schema: { tags, summary: 'One price rule', params: IdParams, response: { 200: RuleOut, ...problemResponses } } }, async (req) => {
    const rule = await findRule(deps.db, req.params.id);
    if (!rule) throw notFound('price_rule', req.params.id);
    return out(rule);
  });

  r.post(
    '/api/pricing/rules',
    { config: write, schema: { tags, summary: 'Create a price rule (scope, method, value, PEC, rounding, validity)', body: RuleIn, response: { 201: RuleOut, ...problemResponses } } },
    async (req, reply) => reply.code(201).send(out(await createRule(deps, actorOf(req), req.body))),
  );

  r.patch(
    '/api/pricing/rules/:id',
    { config: write, schema: { tags, summary: 'Change a price rule; charges already priced keep their price', params: IdParams, body: RulePatchIn, response: { 200: RuleOut, ...problemResponses } } },
    async (req) => out(await updateRule(deps, actorOf(req), req.params.id, req.body)),
  );

  r.post(
    '/api/pricing/rules/:id/deactivate',
    { config: write, schema: { tags, summary: 'Deactivate a price rule (kept for the charges it priced)', params: IdParams, response: { 200: RuleOut, ...problemResponses } } },
    async (req) => out(await deactivateRule(deps, actorOf(req), req.params.id)),
  );

  r.get(
    '/api/pricing/rates',
    { config: read, schema: { tags, summary: 'Exchange rates (date-effective), newest first per pair', querystring: RateQueryIn, response: { 200: z.object({ items: z.array(RateOut), total: z.number().int() }), ...problemResponses } } },
    async (req) => listRates(deps.db, { ...req.query, from: req.query.from?.toUpperCase(), to: req.query.to?.toUpperCase() }),
  );

  r.post(
    '/api/pricing/rates',
    { config: write, schema: { tags, summary: 'Enter an exchange rate; the same pair and day again replaces it', body: RateIn, response: { 200: RateOut, 201: RateOut, ...problemResponses } } },
    async (req, reply) => {
      const { rate, created } = await upsertRate(deps, actorOf(req), req.body);
      return reply.code(created ? 201 : 200).send(rate);
    },
  );

  r.delete(
    '/api/pricing/rates/:id',
    { config: write, schema: { tags, summary: 'Delete an exchange rate', params: IdParams, response: { 204: z.null(), ...problemResponses } } },
    async (req, reply) => {
      await deleteRate(deps, actorOf(req), req.params.id);
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/api/pricing/quote',
    { config: read, schema: { tags, summary: 'Price a hypothetical provider cost line for a customer with the stored rules and rates (changes nothing)', body: QuoteIn, response: { 200: QuoteOut, ...problemResponses } } },
    async (req) => quote(deps.db, { ...req.body, date: req.body.date ?? today(deps.clock.now(), deps.config.businessTimeZone) }),
  );
}
