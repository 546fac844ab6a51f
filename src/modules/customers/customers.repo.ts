import { sql } from 'kysely';
import type { Executor } from '../../db/store.js';
import type { TaxSettings } from '../../db/types.js';
import type { Locale } from '../../core/i18n.js';

export interface Customer {
  id: string;
  providerAccountId: string;
  cloud: string;
  tenantId: string;
  domain: string | null;
  companyName: string;
  country: string | null;
  relationship: string;
  resellerPartnerId: string | null;
  billingEmail: string | null;
  billingCulture: string | null;
  billingLanguage: string | null;
  /** the effective locale: the local override, else the one derived from the billing profile */
  locale: Locale;
  localeOverride: Locale | null;
  billingCurrency: string;
  paymentTermsDays: number;
  /** quoted by the customer when paying; bank matching looks for it */
  paymentReference: string | null;
  segment: string;
  taxSettings: TaxSettings;
  status: 'active' | 'removed_upstream';
  fraudReviewAt: Date | null;
  fraudReviewNote: string | null;
  syncedAt: Date | null;
  removedUpstreamAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  subscriptionCount?: number;
}

/** Who is asking: staff see all customers, a customer user only their own. Enforced here, in the repo. */
export type CustomerScope = { kind: 'all' } | { kind: 'customer'; customerId: string };
export const ALL: CustomerScope = { kind: 'all' };

const base = (db: Executor) =>
  db
    .selectFrom('customers as c')
    .innerJoin('provider_accounts as a', 'a.id', 'c.provider_account_id')
    .selectAll('c')
    .select('a.cloud');

type Row = Awaited<ReturnType<ReturnType<typeof base>['execute']>>[number];

export function toCustomer(r: Row & { subscription_count?: bigint | number | null }): Customer {
  return {
    id: r.id,
    providerAccountId: r.provider_account_id,
    cloud: r.cloud,
    tenantId: r.tenant_id,
    domain: r.domain,
    companyName: r.company_name,
    country: r.country,
    relationship: r.relationship,
    resellerPartnerId: r.reseller_partner_id,
    billingEmail: r.billing_email,
    billingCulture: r.billing_culture,
    billingLanguage: r.billing_language,
    locale: (r.locale_override ?? r.locale) as Locale,
    localeOverride: r.locale_override as Locale | null,
    billingCurrency: r.billing_currency,
    paymentTermsDays: r.payment_terms_days,
    paymentReference: r.payment_reference,
    segment: r.segment,
    taxSettings: r.tax_settings,
    status: r.status,
    fraudReviewAt: r.fraud_review_at,
    fraudReviewNote: r.fraud_review_note,
    syncedAt: r.synced_at,
    removedUpstreamAt: r.removed_upstream_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.subscription_count !== undefined && r.subscription_count !== null && { subscriptionCount: Number(r.subscription_count) }),
  };
}

export async function findCustomer(db: Executor, id: string, scope: CustomerScope = ALL): Promise<Customer | undefined> {
  if (scope.kind === 'customer' && scope.customerId !== id) return undefined;
  const r = await base(db).where('c.id', '=', id).executeTakeFirst();
  return r ? toCustomer(r) : undefined;
}

export interface CustomerQuery {
  q?: string | undefined;
  cloud?: string | undefined;
  status?: 'active' | 'removed_upstream' | undefined;
  segment?: string | undefined;
  providerAccountId?: string | undefined;
  fraudReview?: boolean | undefined;
  limit: number;
  offset: number;
}

export async function listCustomers(db: Executor, q: CustomerQuery, scope: CustomerScope = ALL): Promise<{ items: Customer[]; total: number }> {
  let sel = base(db);
  if (scope.kind === 'customer') sel = sel.where('c.id', '=', scope.customerId);
  if (q.q) {
    const like = `%${q.q.toLowerCase().replace(/[\\%_]/g, (m) => '\\' + m)}%`;
    sel = sel.where((eb) =>
      eb.or([eb(sql`lower(c.company_name)`, 'like', like), eb(sql`lower(coalesce(c.domain, ''))`, 'like', like), eb('c.tenant_id', '=', q.q!), eb('c.id', '=', q.q!)]),
    );
  }
  if (q.cloud) sel = sel.where('a.cloud', '=', q.cloud as 'global');
  if (q.status) sel = sel.where('c.status', '=', q.status);
  if (q.segment) sel = sel.where('c.segment', '=', q.segment);
  if (q.providerAccountId) sel = sel.where('c.provider_account_id', '=', q.providerAccountId);
  if (q.fraudReview !== undefined) sel = sel.where('c.fraud_review_at', q.fraudReview ? 'is not' : 'is', null);
  const [rows, count] = await Promise.all([
    sel
      .select((eb) =>
        eb
          .selectFrom('subscriptions as s')
          .select(eb.fn.countAll<bigint>().as('n'))
          .whereRef('s.customer_id', '=', 'c.id')
          .where('s.removed_upstream_at', 'is', null)
          .as('subscription_count'),
      )
      .orderBy(sql`lower(c.company_name)`)
      .orderBy('c.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    sel.clearSelect().select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toCustomer), total: Number(count.n) };
}

export function customerAuditView(c: Customer): Record<string, unknown> {
  return {
    companyName: c.companyName,
    domain: c.domain,
    country: c.country,
    relationship: c.relationship,
    billingEmail: c.billingEmail,
    billingLanguage: c.billingLanguage,
    locale: c.locale,
    localeOverride: c.localeOverride,
    billingCurrency: c.billingCurrency,
    paymentTermsDays: c.paymentTermsDays,
    paymentReference: c.paymentReference,
    segment: c.segment,
    taxSettings: c.taxSettings,
    status: c.status,
    fraudReviewAt: c.fraudReviewAt,
  };
}
