/** Creating simulator entities with sensible defaults (used by the programmatic API and the demo seed). */
import type { Cloud, Commerce } from '../connector.js';
import {
  addTerm,
  DAY_MS,
  guidFrom,
  type SimAddress,
  type SimAzureEntitlement,
  type SimCustomer,
  type SimInvoice,
  type SimNote,
  type SimPartner,
  type SimServiceRequest,
  type SimState,
  type SimSubscription,
} from './model.js';

export const CURRENCY_OF_CLOUD: Record<Cloud, string> = { global: 'USD', usgov: 'USD', germany: 'EUR', china: 'CNY' };
export const CURRENCY_SYMBOL: Record<string, string> = { USD: '$', EUR: '€', CNY: '¥', GBP: '£', RUB: '₽' };

const NCE_OFFER_RE = /^[A-Za-z0-9]{6,}:[A-Za-z0-9]{1,8}:[A-Za-z0-9]{6,}$/;

export interface NewPartner {
  tenantId?: string;
  appId?: string;
  secret?: string;
  cloud?: Cloud;
  name?: string;
  mpnId?: string;
  currency?: string;
  resellers?: { mpnId: string; name: string }[];
}

export function buildPartner(state: SimState, rand: () => number, input: NewPartner): SimPartner {
  const cloud = input.cloud ?? 'global';
  const p: SimPartner = {
    tenantId: (input.tenantId ?? guidFrom(rand)).toLowerCase(),
    appId: input.appId ?? guidFrom(rand),
    secret: input.secret ?? `sim-${guidFrom(rand).replace(/-/g, '')}`,
    cloud,
    name: input.name ?? `Simulated partner (${cloud})`,
    mpnId: input.mpnId ?? String(1_000_000 + Math.floor(rand() * 8_999_999)),
    currency: input.currency ?? CURRENCY_OF_CLOUD[cloud],
    resellers: input.resellers ?? [],
  };
  if (state.partners.has(p.tenantId)) throw new Error(`partner tenant ${p.tenantId} exists already`);
  state.partners.set(p.tenantId, p);
  return p;
}

export interface NewCustomer {
  id?: string;
  companyName: string;
  domain?: string;
  culture?: string;
  language?: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  phoneNumber?: string | null;
  address?: Partial<SimAddress>;
  /** MPN id of the indirect reseller; makes the customer indirect */
  resellerPartnerId?: string | null;
  quirks?: SimCustomer['quirks'];
}

export function buildCustomer(state: SimState, rand: () => number, tenantId: string, input: NewCustomer): SimCustomer {
  if (!state.partners.has(tenantId)) throw new Error(`unknown partner tenant ${tenantId}`);
  const culture = input.culture ?? 'en-US';
  const slug = input.companyName.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 20) || 'customer';
  const c: SimCustomer = {
    id: (input.id ?? guidFrom(rand)).toLowerCase(),
    partnerTenantId: tenantId,
    domain: input.domain ?? `${slug}.onmicrosoft.com`,
    companyName: input.companyName,
    culture,
    language: input.language ?? culture.split('-')[0]!,
    email: input.email ?? `billing@${slug}.example`,
    firstName: input.firstName ?? 'Alex',
    lastName: input.lastName ?? 'Doe',
    phoneNumber: input.phoneNumber ?? null,
    address: {
      country: input.address?.country ?? (culture.split('-')[1] ?? 'US'),
      region: input.address?.region ?? null,
      city: input.address?.city ?? 'Redmond',
      postalCode: input.address?.postalCode ?? '98052',
      addressLine1: input.address?.addressLine1 ?? '1 Main St',
    },
    resellerPartnerId: input.resellerPartnerId ?? null,
    billingVersion: 1,
    quirks: input.quirks ?? {},
  };
  if (state.customers.has(c.id)) throw new Error(`customer ${c.id} exists already`);
  state.customers.set(c.id, c);
  return c;
}

export interface NewSubscription {
  id?: string;
  offerId?: string;
  offerName?: string;
  friendlyName?: string;
  commerce?: Commerce;
  quantity?: number;
  unitType?: string;
  billingType?: string;
  billingCycle?: string;
  /** P1M | P1Y | P3Y; null for no term (Azure plan) */
  termDuration?: string | null;
  status?: string;
  autoRenewEnabled?: boolean;
  effectiveStartDate?: string;
  /** the current term's end; null = no term; default: the first term end more than two days ahead */
  commitmentEndDate?: string | null;
  parentSubscriptionId?: string | null;
  azurePlan?: boolean;
  azureEntitlements?: { id?: string; friendlyName?: string; status?: string }[];
  renewalInProgress?: boolean;
  unitPrice?: string;
  quirks?: SimSubscription['quirks'];
}

/** The first term end after `now + lead`, stepping from `start` by the term. */
export function nextTermEnd(start: string, term: string | null, now: Date, leadMs = 2 * DAY_MS): string {
  let end = addTerm(start, term);
  let guard = 0;
  while (new Date(end).getTime() <= now.getTime() + leadMs && guard++ < 1000) end = addTerm(end, term);
  return end;
}

export function startOfDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function buildSubscription(state: SimState, rand: () => number, now: Date, customerId: string, input: NewSubscription): SimSubscription {
  const customer = state.customers.get(customerId);
  if (!customer) throw new Error(`unknown customer ${customerId}`);
  const parent = input.parentSubscriptionId ? state.subscriptions.get(input.parentSubscriptionId) : undefined;
  if (input.parentSubscriptionId && !parent) throw new Error(`unknown base subscription ${input.parentSubscriptionId}`);
  const azurePlan = input.azurePlan ?? false;
  const commerce: Commerce = input.commerce ?? (input.offerId ? (NCE_OFFER_RE.test(input.offerId) ? 'nce' : 'legacy') : 'nce');
  const offerId =
    input.offerId ??
    (azurePlan ? 'DZH318Z0BPS6:0001:DZH318Z0BNR5' : commerce === 'nce' ? 'CFQ7TTC0LFLZ:0001:CFQ7TTC0K5DJ' : '796B6B5F-613C-4E24-A17C-EBA730D49C02');
  const offerName = input.offerName ?? (azurePlan ? 'Azure plan' : commerce === 'nce' ? 'Microsoft 365 E3' : 'Office 365 E3');
  const termDuration = input.termDuration !== undefined ? input.termDuration : azurePlan ? null : (parent?.termDuration ?? 'P1Y');
  const start = input.effectiveStartDate ?? parent?.effectiveStartDate ?? startOfDay(new Date(now.getTime() - 60 * DAY_MS)).toISOString();
  const end =
    input.commitmentEndDate !== undefined ? input.commitmentEndDate : azurePlan ? null : (parent?.commitmentEndDate ?? nextTermEnd(start, termDuration, now));
  const status = input.status ?? 'active';
  const entitlements: SimAzureEntitlement[] = (input.azureEntitlements ?? (azurePlan ? [{}] : [])).map((e, i) => ({
    id: (e.id ?? guidFrom(rand)).toLowerCase(),
    friendlyName: e.friendlyName ?? `Azure subscription ${i + 1}`,
    status: e.status ?? 'active',
  }));
  const s: SimSubscription = {
    id: (input.id ?? guidFrom(rand)).toLowerCase(),
    customerId,
    partnerTenantId: customer.partnerTenantId,
    offerId,
    offerName,
    friendlyName: input.friendlyName ?? offerName,
    commerce,
    quantity: input.quantity ?? (azurePlan ? 1 : 10),
    unitType: input.unitType ?? (azurePlan ? 'Usage-based' : 'Licenses'),
    billingType: input.billingType ?? (azurePlan ? 'usage' : 'license'),
    billingCycle: input.billingCycle ?? 'monthly',
    termDuration,
    status,
    autoRenewEnabled: input.autoRenewEnabled ?? (status === 'active' && !azurePlan),
    creationDate: start,
    effectiveStartDate: start,
    commitmentEndDate: end,
    parentSubscriptionId: parent?.id ?? null,
    suspensionReasons: status === 'suspended' ? ['PartnerInitiated'] : [],
    orderId: guidFrom(rand).replace(/-/g, '').slice(0, 12),
    resellerPartnerId: customer.resellerPartnerId,
    azurePlan,
    azureEntitlements: entitlements,
    renewalInProgress: input.renewalInProgress ?? false,
    partnerBilled: status === 'active' || (status === 'suspended' && commerce === 'nce'),
    version: 1,
    followedParent: null,
    unitPrice: input.unitPrice ?? '20.00',
    quirks: input.quirks ?? {},
    history: [{ at: now.toISOString(), change: `created (${status})` }],
  };
  if (state.subscriptions.has(s.id)) throw new Error(`subscription ${s.id} exists already`);
  state.subscriptions.set(s.id, s);
  return s;
}

export interface NewInvoice {
  id?: string;
  invoiceType?: 'Recurring' | 'OneTime';
  documentType?: string;
  invoiceDate?: string;
  billingPeriodStartDate?: string;
  billingPeriodEndDate?: string;
  /** decimal text; default: the sum of the line items' totals */
  totalCharges?: string;
  paidAmount?: string;
  currencyCode?: string;
  lineItems?: Record<string, Record<string, unknown>[]>;
  quirks?: SimInvoice['quirks'];
}

/** Sum of decimal strings, exactly (scaled integers). */
export function sumDecimals(values: string[]): string {
  let scale = 0;
  for (const v of values) scale = Math.max(scale, (v.split('.')[1] ?? '').length);
  let total = 0n;
  for (const v of values) {
    const neg = v.startsWith('-');
    const [i, f = ''] = v.replace(/^[-+]/, '').split('.');
    const n = BigInt((i || '0') + f.padEnd(scale, '0'));
    total += neg ? -n : n;
  }
  const neg = total < 0n;
  const digits = (neg ? -total : total).toString().padStart(scale + 1, '0');
  const out = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return (neg ? '-' : '') + out;
}

function lineTotal(li: Record<string, unknown>): string | null {
  const v = li.totalForCustomer ?? li.postTaxTotal ?? li.subtotal;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return v;
  return null;
}

export function buildInvoice(state: SimState, rand: () => number, now: Date, tenantId: string, input: NewInvoice): SimInvoice {
  const partner = state.partners.get(tenantId);
  if (!partner) throw new Error(`unknown partner tenant ${tenantId}`);
  const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const periodEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0));
  const lineItems = input.lineItems ?? {};
  const totals = Object.values(lineItems)
    .flat()
    .map(lineTotal)
    .filter((x): x is string => x !== null);
  const currency = input.currencyCode ?? partner.currency;
  const inv: SimInvoice = {
    id: input.id ?? `G0${String(Math.floor(rand() * 99_999_999)).padStart(8, '0')}`,
    partnerTenantId: tenantId,
    invoiceDate: input.invoiceDate ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 8)).toISOString(),
    billingPeriodStartDate: input.billingPeriodStartDate ?? periodStart.toISOString(),
    billingPeriodEndDate: input.billingPeriodEndDate ?? periodEnd.toISOString(),
    totalCharges: input.totalCharges ?? (totals.length ? sumDecimals(totals) : '0'),
    paidAmount: input.paidAmount ?? '0',
    currencyCode: currency,
    currencySymbol: CURRENCY_SYMBOL[currency] ?? currency,
    invoiceType: input.invoiceType ?? 'Recurring',
    documentType: input.documentType ?? 'invoice',
    lineItems,
    quirks: input.quirks ?? {},
  };
  if (state.invoices.some((i) => i.partnerTenantId === tenantId && i.id === inv.id)) throw new Error(`invoice ${inv.id} exists already`);
  state.invoices.push(inv);
  return inv;
}

export interface NewServiceRequest {
  id?: string;
  customerId?: string | null;
  title: string;
  description?: string;
  severity?: string;
  status?: string;
  supportTopicId?: string;
  supportTopicName?: string;
  productName?: string | null;
  createdDate?: string;
  countryCode?: string;
  notes?: { text: string; createdByName?: string | null; createdDate?: string }[];
}

export function buildServiceRequest(state: SimState, rand: () => number, now: Date, tenantId: string, input: NewServiceRequest): SimServiceRequest {
  if (!state.partners.has(tenantId)) throw new Error(`unknown partner tenant ${tenantId}`);
  const created = input.createdDate ?? new Date(now.getTime() - 3 * DAY_MS).toISOString();
  const notes: SimNote[] = (input.notes ?? []).map((n) => ({ text: n.text, createdByName: n.createdByName ?? null, createdDate: n.createdDate ?? created }));
  const status = input.status ?? 'open';
  const sr: SimServiceRequest = {
    id: input.id ?? String(610_000_000_000_000 + Math.floor(rand() * 9_000_000_000_000)),
    partnerTenantId: tenantId,
    customerId: input.customerId ?? null,
    title: input.title,
    description: input.description ?? input.title,
    severity: input.severity ?? 'minimal',
    status,
    supportTopicId: input.supportTopicId ?? '32444671',
    supportTopicName: input.supportTopicName ?? 'Cannot manage my profile',
    productName: input.productName ?? null,
    createdDate: created,
    lastModifiedDate: notes.at(-1)?.createdDate ?? created,
    lastClosedDate: status === 'closed' ? (notes.at(-1)?.createdDate ?? created) : null,
    countryCode: input.countryCode ?? 'US',
    notes,
  };
  if (state.serviceRequests.has(sr.id)) throw new Error(`service request ${sr.id} exists already`);
  state.serviceRequests.set(sr.id, sr);
  return sr;
}
