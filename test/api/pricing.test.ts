import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createTestDeps, type TestDeps } from '../helpers/store.js';
import { makeUser, signIn, testApp, type Session } from '../helpers/http.js';
import { makeAccount, makeCustomer } from '../helpers/fixtures.js';
import { parseDecimal } from '../../src/core/money.js';
import { priceLine } from '../../src/modules/pricing/price.js';
import { loadPricing } from '../../src/modules/pricing/pricing.repo.js';

/** Price rules, exchange rates and the quote over HTTP, on both stores. */
describe('pricing API', () => {
  let deps: TestDeps;
  let app: FastifyInstance;
  let billing: Session;
  let viewer: Session;
  let usd: string; // segment smb, USD
  let eur: string; // segment enterprise, EUR
  let other: string; // segment smb, USD

  beforeAll(async () => {
    deps = await createTestDeps({ now: '2026-10-10T09:00:00Z' });
    app = await testApp(deps);
    billing = await signIn(app, (await makeUser(deps, 'billing')).email);
    viewer = await signIn(app, (await makeUser(deps, 'viewer')).email);
    const accountId = (await makeAccount(deps)).id;
    usd = await makeCustomer(deps, { accountId, companyName: 'Contoso Inc' });
    eur = await makeCustomer(deps, { accountId, companyName: 'Fabrikam GmbH' });
    other = await makeCustomer(deps, { accountId, companyName: 'Tailspin Ltd' });
    await deps.db.updateTable('customers').set({ segment: 'smb' }).where('id', 'in', [usd, other]).execute();
    await deps.db.updateTable('customers').set({ segment: 'enterprise', billing_currency: 'EUR' }).where('id', '=', eur).execute();
  });
  afterAll(async () => {
    await app.close();
    await deps.dispose();
  });

  const get = (url: string, s: Session = billing) => app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown, s: Session = billing) =>
    app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }), headers: s.headers });
  const line = { productId: 'CFQ7TTC0LH18', skuId: '0001', quantity: '10', unitPrice: '36.00', effectiveUnitPrice: '30.60', currency: 'USD' };
  const ruleCount = async () => Number((await deps.db.selectFrom('price_rules').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  let defaultId: string;

  it('creates a default rule (billing), audited; viewers read but cannot write', async () => {
    const res = await send('POST', '/api/pricing/rules', { method: 'markup', value: '15', note: 'standard markup' });
    expect(res.statusCode, res.body).toBe(201);
    const rule = res.json();
    defaultId = rule.id;
    expect(rule).toMatchObject({ method: 'markup', value: '15', pec: 'keep', rounding: 'half_even', level: 'default', active: true, customerId: null, currency: null });
    expect(rule.id).toMatch(/^prr_/);
    const audit = await deps.db.selectFrom('audit_log').selectAll().where('entity_id', '=', rule.id).execute();
    expect(audit.map((a) => a.action)).toEqual(['pricing.rule_create']);

    expect((await send('POST', '/api/pricing/rules', { method: 'markup', value: '10' }, viewer)).statusCode).toBe(403);
    const list = await get('/api/pricing/rules', viewer);
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(1);
  });

  it('refuses bad rules with the field named and changes nothing', async () => {
    const before = await ruleCount();
    const cases: [object, number, string, string][] = [
      [{ method: 'markup', value: '-150', segment: 'smb' }, 400, 'pricing.markup_below_cost', '/value'],
      [{ method: 'margin', value: '100', segment: 'smb' }, 400, 'pricing.margin_too_high', '/value'],
      [{ method: 'fixed', value: '10', segment: 'smb' }, 400, 'pricing.fixed_needs_currency', '/currency'],
      [{ method: 'markup', value: '10', customerId: usd, segment: 'smb' }, 400, 'pricing.customer_and_segment', '/segment'],
      [{ method: 'markup', value: '10', skuId: '0001' }, 400, 'pricing.sku_without_product', '/productId'],
      [{ method: 'markup', value: '10', customerId: 'cus_nope' }, 404, 'not_found', '/customerId'],
      [{ method: 'markup', value: '12' }, 409, 'pricing.duplicate_rule', '/validFrom'],
      [{ method: 'markup', value: 'ten' }, 400, 'validation_failed', '/value'],
      [{ method: 'fixed', value: '10', currency: 'EURO' }, 400, 'validation_failed', '/currency'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await send('POST', '/api/pricing/rules', body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json()).toMatchObject({ code, field });
      expect(res.json().title).toBeTruthy();
      expect(res.json().title).not.toContain('pricing.');
    }
    const beyond = await send('POST', '/api/pricing/rules', { method: 'markup', value: '-150', segment: 'smb' });
    expect(beyond.json().title).toBe('A markup of -150 % would price below zero; the lowest markup is −100 %.');
    expect(await ruleCount()).toBe(before);
  });

  it('the database refuses inconsistent rules too', async () => {
    const now = deps.clock.now();
    const base = { created_at: now, updated_at: now, method: 'markup' as const, value: '10' };
    await expect(deps.db.insertInto('price_rules').values({ ...base, id: 'prr_x1', method: 'margin', value: '100' }).execute()).rejects.toThrow(/price_rules_value/);
    await expect(deps.db.insertInto('price_rules').values({ ...base, id: 'prr_x2', value: '-100.5' }).execute()).rejects.toThrow(/price_rules_value/);
    await expect(deps.db.insertInto('price_rules').values({ ...base, id: 'prr_x3', method: 'fixed' }).execute()).rejects.toThrow(/price_rules_value/);
    await expect(deps.db.insertInto('price_rules').values({ ...base, id: 'prr_x4', customer_id: usd, segment: 'smb' }).execute()).rejects.toThrow(/price_rules_one_who/);
    await expect(deps.db.insertInto('price_rules').values({ ...base, id: 'prr_x5', product_id: 'P', category: 'azure' }).execute()).rejects.toThrow(/price_rules_one_what/);
    await expect(deps.db.insertInto('price_rules').values({ ...base, id: 'prr_x6', sku_id: '0001' }).execute()).rejects.toThrow(/price_rules_sku_needs_product/);
    await expect(deps.db.insertInto('price_rules').values({ ...base, id: 'prr_x7', valid_from: '2026-10-02', valid_to: '2026-10-01' }).execute()).rejects.toThrow(/price_rules_dates/);
  });

  it('quotes a line: default markup, keep PEC (from the list price)', async () => {
    const res = await send('POST', '/api/pricing/quote', { customerId: usd, ...line, date: '2026-10-05' }, viewer);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      currency: 'USD',
      category: 'm365',
      ruleId: defaultId,
      method: 'markup',
      level: 'default',
      unitPrice: '41.400000',
      amount: '41400',
      cost: '30600',
      margin: '10800',
      amountDecimal: '414.00',
      fx: null,
    });
  });

  let segmentRule: string;
  let overrideRule: string;

  it('segment and customer rules take precedence; PEC passed on; fixed price per SKU', async () => {
    const seg = await send('POST', '/api/pricing/rules', { segment: 'smb', category: 'm365', method: 'margin', value: '20', pec: 'pass_on' });
    expect(seg.statusCode, seg.body).toBe(201);
    segmentRule = seg.json().id;
    expect(seg.json().level).toBe('segment_category');
    const cus = await send('POST', '/api/pricing/rules', { customerId: usd, productId: 'cfq7ttc0lh18', method: 'fixed', value: '39.99', currency: 'USD', rounding: 'half_up' });
    expect(cus.statusCode, cus.body).toBe(201);
    overrideRule = cus.json().id;
    expect(cus.json()).toMatchObject({ level: 'customer_sku', productId: 'CFQ7TTC0LH18', customerName: 'Contoso Inc' });

    const q1 = (await send('POST', '/api/pricing/quote', { customerId: usd, ...line, date: '2026-10-05' })).json();
    expect(q1).toMatchObject({ ruleId: overrideRule, unitPrice: '39.990000', amount: '39990' });
    const q2 = (await send('POST', '/api/pricing/quote', { customerId: other, ...line, date: '2026-10-05' })).json();
    expect(q2).toMatchObject({ ruleId: segmentRule, method: 'margin', unitPrice: '38.250000', amount: '38250', cost: '30600' });
    // a product that is not m365 for the smb segment falls to the default rule
    const q3 = (await send('POST', '/api/pricing/quote', { customerId: other, ...line, productId: 'DZH318Z0BPS6', skuId: null, date: '2026-10-05' })).json();
    expect(q3).toMatchObject({ ruleId: defaultId, category: 'azure' });
    // pricing with a named rule
    const q4 = (await send('POST', '/api/pricing/quote', { customerId: usd, ...line, date: '2026-10-05', ruleId: defaultId })).json();
    expect(q4).toMatchObject({ ruleId: defaultId, amount: '41400' });

    const list = (await get('/api/pricing/rules')).json();
    expect(list.items.map((r: { id: string }) => r.id)).toEqual([overrideRule, segmentRule, defaultId]);
    expect((await get(`/api/pricing/rules?customerId=${usd}`)).json().total).toBe(1);
  });

  it('exchange rates: create, replace the same day, list by date; conversion and the missing-rate error', async () => {
    const noRate = await send('POST', '/api/pricing/quote', { customerId: eur, ...line, date: '2026-10-05' });
    expect(noRate.statusCode).toBe(422);
    expect(noRate.json()).toMatchObject({ code: 'pricing.no_rate', title: 'There is no exchange rate from USD to EUR on or before 2026-10-05.' });

    const a = await send('POST', '/api/pricing/rates', { from: 'USD', to: 'EUR', rate: '0.9', effectiveDate: '2026-09-01', source: 'ECB' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ from: 'USD', to: 'EUR', rate: '0.9000000000', effectiveDate: '2026-09-01', source: 'ECB' });
    const b = await send('POST', '/api/pricing/rates', { from: 'USD', to: 'EUR', rate: '0.91', effectiveDate: '2026-10-01' });
    expect(b.statusCode).toBe(201);
    const b2 = await send('POST', '/api/pricing/rates', { from: 'USD', to: 'EUR', rate: '0.92', effectiveDate: '2026-10-01' });
    expect(b2.statusCode).toBe(200);
    expect(b2.json()).toMatchObject({ id: b.json().id, rate: '0.9200000000', source: 'manual' });
    const audit = await deps.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'exchange_rate').orderBy('id').execute();
    expect(audit.map((x) => x.action)).toEqual(['pricing.rate_create', 'pricing.rate_create', 'pricing.rate_update']);

    expect((await get('/api/pricing/rates', viewer)).json().total).toBe(2);
    const onDay = (await get('/api/pricing/rates?date=2026-09-30')).json();
    expect(onDay.items.map((x: { rate: string }) => x.rate)).toEqual(['0.9000000000']);

    for (const [body, code, field] of [
      [{ from: 'EUR', to: 'EUR', rate: '1', effectiveDate: '2026-10-01' }, 'pricing.same_currency', '/to'],
      [{ from: 'USD', to: 'EUR', rate: '0', effectiveDate: '2026-10-01' }, 'pricing.bad_rate', '/rate'],
      [{ from: 'USD', to: 'EUR', rate: '-1', effectiveDate: '2026-10-01' }, 'validation_failed', '/rate'],
      [{ from: 'USD', to: 'XYZ', rate: '1', effectiveDate: '2026-10-01' }, 'validation_failed', '/to'],
      [{ from: 'USD', to: 'EUR', rate: '1', effectiveDate: '2026-13-01' }, 'validation_failed', '/effectiveDate'],
    ] as [object, string, string][]) {
      const res = await send('POST', '/api/pricing/rates', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code, field });
    }

    const q = (await send('POST', '/api/pricing/quote', { customerId: eur, ...line, date: '2026-10-05' })).json();
    expect(q).toMatchObject({ currency: 'EUR', ruleId: defaultId, unitPrice: '38.088000', amount: '38088', cost: '28152', fx: { from: 'USD', to: 'EUR', rate: '0.9200000000', effectiveDate: '2026-10-01' } });
    const sep = (await send('POST', '/api/pricing/quote', { customerId: eur, ...line, date: '2026-09-15' })).json();
    expect(sep).toMatchObject({ unitPrice: '37.260000', fx: { effectiveDate: '2026-09-01' } });

    const del = await send('DELETE', `/api/pricing/rates/${a.json().id}`);
    expect(del.statusCode).toBe(204);
    expect((await send('POST', '/api/pricing/quote', { customerId: eur, ...line, date: '2026-09-15' })).json().code).toBe('pricing.no_rate');
    expect((await send('DELETE', `/api/pricing/rates/${a.json().id}`)).statusCode).toBe(404);
  });

  it('updates and deactivates rules (audited); quotes follow', async () => {
    const bad = await send('PATCH', `/api/pricing/rules/${segmentRule}`, { value: '100' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'pricing.margin_too_high', field: '/value' });
    const upd = await send('PATCH', `/api/pricing/rules/${segmentRule}`, { method: 'markup', value: '5' });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ method: 'markup', value: '5', pec: 'pass_on' });
    expect((await send('POST', '/api/pricing/quote', { customerId: other, ...line, date: '2026-10-05' })).json()).toMatchObject({ ruleId: segmentRule, unitPrice: '32.130000' });

    const off = await send('POST', `/api/pricing/rules/${overrideRule}/deactivate`);
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await send('POST', '/api/pricing/quote', { customerId: usd, ...line, date: '2026-10-05' })).json().ruleId).toBe(segmentRule);
    expect((await get('/api/pricing/rules?active=false')).json().items.map((r: { id: string }) => r.id)).toEqual([overrideRule]);
    const audit = await deps.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('entity_id', '=', overrideRule).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['pricing.rule_create', 'pricing.rule_deactivate']);
    const segAudit = await deps.db.selectFrom('audit_log').select(['action', 'before', 'after']).where('entity_id', '=', segmentRule).where('action', '=', 'pricing.rule_update').execute();
    expect(segAudit).toHaveLength(1);
    expect(segAudit[0]!.before).toMatchObject({ method: 'margin', value: '20' });
    expect(segAudit[0]!.after).toMatchObject({ method: 'markup', value: '5' });
    expect((await send('PATCH', '/api/pricing/rules/prr_nope', { value: '1' })).statusCode).toBe(404);
  });

  it('loadPricing gives the pure function everything in a few queries', async () => {
    const p = await deps.db.transaction().execute((trx) => loadPricing(trx, { customerIds: [other], from: '2026-10-01', to: '2026-10-31' }));
    expect(p.customers.get(other)).toEqual({ id: other, segment: 'smb', currency: 'USD' });
    expect(p.customers.has(usd)).toBe(false);
    expect(p.rules.map((r) => r.id).sort()).toEqual([defaultId, segmentRule].sort());
    expect(p.rates.map((r) => r.effectiveDate)).toEqual(['2026-10-01']);
    const price = priceLine(p.book, p.customers.get(other)!, {
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      category: 'm365',
      date: '2026-10-05',
      quantity: parseDecimal('2'),
      unitPrice: parseDecimal('36'),
      effectiveUnitPrice: parseDecimal('30.6'),
      currency: 'USD',
    });
    expect(price).toMatchObject({ ruleId: segmentRule, amount: 6426n, cost: 6120n });
    const all = await loadPricing(deps.db, { date: '2026-09-15' });
    expect(all.customers.size).toBe(3);
    expect(all.rates).toEqual([]); // the September rate was deleted; October's is not in effect yet
  });

  it('quote errors: unknown customer, no rule', async () => {
    const res = await send('POST', '/api/pricing/quote', { customerId: 'cus_nope', ...line });
    expect(res.statusCode).toBe(404);
    expect(res.json().field).toBe('/customerId');
    await send('POST', `/api/pricing/rules/${defaultId}/deactivate`);
    await send('POST', `/api/pricing/rules/${segmentRule}/deactivate`);
    const none = await send('POST', '/api/pricing/quote', { customerId: usd, ...line, date: '2026-10-05' });
    expect(none.statusCode).toBe(422);
    expect(none.json().code).toBe('pricing.no_rule');
  });
});
