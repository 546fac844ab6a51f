/**
 * The simulator's state as Partner Center JSON, awkward on purpose where the real API is:
 * PascalCase for some subscriptions, quantities as strings, `org:` prefixed customer ids in
 * listings, relationshipToPartner as an integer, service-request lists with integer severity and
 * status, the `0001-01-01T00:00:00` and `9999-…` sentinels, and amounts as strings in new-commerce
 * line items.
 */
import type { SimCustomer, SimInvoice, SimServiceRequest, SimState, SimSubscription } from './model.js';
import { billingEtagOf, etagOf } from './model.js';

export const NULL_DATE = '0001-01-01T00:00:00';
export const FAR_FUTURE = '9999-12-14T00:00:00Z';

const SR_SEVERITIES = ['unknown', 'critical', 'moderate', 'minimal'];
const SR_STATUSES = ['none', 'open', 'closed', 'attention_needed'];

type J = Record<string, unknown>;

const link = (uri: string, headers: { key: string; value: string }[] = []) => ({ uri, method: 'GET', headers });

/** Keys to PascalCase, deeply (the casing of the subscription samples in the docs). */
export function pascalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pascalize);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as J).map(([k, x]) => [k.charAt(0).toUpperCase() + k.slice(1), pascalize(x)]));
  }
  return v;
}

export function collection(items: unknown[], opts: { continuationToken?: string | null; selfUri: string; nextUri?: string | null; tokenInBody?: boolean } = { selfUri: '' }): J {
  const links: J = { self: link(opts.selfUri) };
  if (opts.nextUri) links.next = link(opts.nextUri, opts.continuationToken ? [{ key: 'MS-ContinuationToken', value: opts.continuationToken }] : []);
  const out: J = {};
  if (opts.continuationToken && opts.tokenInBody !== false) out.continuationToken = opts.continuationToken;
  out.totalCount = items.length;
  out.items = items;
  out.links = links;
  out.attributes = { objectType: 'Collection' };
  return out;
}

export function renderBillingProfile(c: SimCustomer): J {
  return {
    id: c.id.replace(/-/g, '').slice(0, 24),
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    culture: c.culture,
    language: c.language,
    companyName: c.companyName,
    defaultAddress: {
      country: c.address.country,
      region: c.address.region,
      city: c.address.city,
      addressLine1: c.address.addressLine1,
      postalCode: c.address.postalCode,
      firstName: c.firstName,
      lastName: c.lastName,
      phoneNumber: c.phoneNumber,
    },
    links: { self: link(`/customers/${c.id}/profiles/billing`) },
    attributes: { etag: billingEtagOf(c), objectType: 'CustomerBillingProfile' },
  };
}

export function renderCustomer(c: SimCustomer, opts: { inList: boolean }): J {
  const out: J = {
    id: opts.inList && c.quirks.orgPrefix ? `org:${c.id}` : c.id,
    commerceId: c.id,
    companyProfile: {
      tenantId: c.id,
      domain: c.domain,
      companyName: c.companyName,
      email: c.email,
      attributes: { objectType: 'CustomerCompanyProfile' },
    },
    billingProfile: renderBillingProfile(c),
    relationshipToPartner: c.quirks.integerRelationship ? 1 : 'reseller',
    allowDelegatedAccess: true,
  };
  if (c.resellerPartnerId) out.associatedPartnerId = c.resellerPartnerId;
  out.links = { self: link(`/customers/${c.id}`) };
  out.attributes = { objectType: 'Customer' };
  return out;
}

export function renderSubscription(s: SimSubscription): J {
  const productType = s.azurePlan
    ? { id: 'Azure', displayName: 'Azure' }
    : s.commerce === 'nce'
      ? { id: 'OnlineServicesNCE', displayName: 'OnlineServicesNCE' }
      : { id: 'OnlineServices', displayName: 'OnlineServices' };
  const [productId, skuId] = s.commerce === 'nce' ? s.offerId.split(':') : [null, null];
  const out: J = {
    id: s.id,
    offerId: s.offerId,
    offerName: s.offerName,
    friendlyName: s.friendlyName,
    quantity: s.quirks.quantityAsString ? String(s.quantity) : s.quantity,
    unitType: s.unitType,
    parentSubscriptionId: s.parentSubscriptionId,
    creationDate: s.creationDate,
    effectiveStartDate: s.effectiveStartDate,
    commitmentEndDate: s.commitmentEndDate ?? FAR_FUTURE,
    status: s.status,
    autoRenewEnabled: s.autoRenewEnabled,
    isTrial: false,
    billingType: s.billingType,
    billingCycle: s.billingCycle,
    termDuration: s.termDuration,
    hasPurchasableAddons: !s.parentSubscriptionId && !s.azurePlan,
    isMicrosoftProduct: true,
    publisherName: 'Microsoft Corporation',
    actions: s.status === 'active' ? ['edit', 'cancel'] : ['edit'],
    partnerId: s.resellerPartnerId ?? '',
    suspensionReasons: s.suspensionReasons,
    contractType: 'subscription',
    productType,
    links: {
      offer: link(`/offers/${s.offerId}`),
      ...(productId ? { product: link(`/products/${productId}`), sku: link(`/products/${productId}/skus/${skuId}`) } : {}),
      ...(s.parentSubscriptionId ? { parentSubscription: link(`/customers/${s.customerId}/subscriptions/${s.parentSubscriptionId}`) } : {}),
      self: link(`/customers/${s.customerId}/subscriptions/${s.id}`),
    },
    orderId: s.orderId,
    attributes: { etag: etagOf(s), objectType: 'Subscription' },
  };
  if (s.azurePlan) out.entitlementId = null;
  return s.quirks.pascalCase ? (pascalize(out) as J) : out;
}

export function renderAzureEntitlements(s: SimSubscription): J {
  return collection(
    s.azureEntitlements.map((e) => ({ id: e.id, friendlyName: e.friendlyName, status: e.status, subscriptionId: s.id, attributes: { objectType: 'AzureEntitlement' } })),
    { selfUri: `/customers/${s.customerId}/subscriptions/${s.id}/azureEntitlements` },
  );
}

const LINE_ITEM_KINDS: Record<string, { invoiceLineItemType: string; billingProvider: string; path: string }> = {
  'office/billinglineitems': { invoiceLineItemType: 'billing_line_items', billingProvider: 'office', path: 'Office/BillingLineItems' },
  'azure/billinglineitems': { invoiceLineItemType: 'billing_line_items', billingProvider: 'azure', path: 'Azure/BillingLineItems' },
  'azure/usagelineitems': { invoiceLineItemType: 'usage_line_items', billingProvider: 'azure', path: 'Azure/UsageLineItems' },
  'onetime/billinglineitems': { invoiceLineItemType: 'billing_line_items', billingProvider: 'one_time', path: 'OneTime/BillingLineItems' },
};

export function renderInvoice(inv: SimInvoice, opts: { inList: boolean }): J {
  const amount = (v: string) => (inv.quirks.amountsAsStrings ? v : Number(v));
  const prefix = inv.invoiceType === 'OneTime' ? 'OneTime' : 'Recurring';
  const out: J = {
    id: inv.id,
    invoiceDate: inv.invoiceDate,
    billingPeriodStartDate: inv.billingPeriodStartDate,
    billingPeriodEndDate: inv.billingPeriodEndDate,
    totalCharges: amount(inv.totalCharges),
    paidAmount: amount(inv.paidAmount),
    currencyCode: inv.currencyCode,
    currencySymbol: inv.currencySymbol,
  };
  if (!opts.inList) out.pdfDownloadLink = `/invoices/${inv.id}/documents/statement`;
  out.invoiceDetails = Object.keys(inv.lineItems)
    .filter((k) => LINE_ITEM_KINDS[k])
    .map((k) => {
      const kind = LINE_ITEM_KINDS[k]!;
      return {
        invoiceLineItemType: kind.invoiceLineItemType,
        billingProvider: kind.billingProvider,
        links: { self: link(`/invoices/${prefix}-${inv.id}/lineitems/${kind.path}`) },
        attributes: { objectType: 'InvoiceDetail' },
      };
    });
  out.documentType = inv.documentType;
  out.invoiceType = inv.invoiceType;
  out.links = { self: link(`/invoices/${prefix}-${inv.id}`) };
  out.attributes = { objectType: 'Invoice' };
  return out;
}

export function renderServiceRequest(sr: SimServiceRequest, state: SimState, opts: { inList: boolean }): J {
  const partner = state.partners.get(sr.partnerTenantId);
  const customer = sr.customerId ? state.customers.get(sr.customerId) : undefined;
  const sev = SR_SEVERITIES.indexOf(sr.severity);
  const st = SR_STATUSES.indexOf(sr.status);
  return {
    title: sr.title,
    description: sr.description,
    // list responses carry the enums as integers, as in customer-servicerequests_response.json
    severity: opts.inList && sev >= 0 ? sev : sr.severity,
    supportTopicId: sr.supportTopicId,
    supportTopicName: sr.supportTopicName,
    id: sr.id,
    status: opts.inList && st >= 0 ? st : sr.status,
    organization: customer ? { id: customer.id, name: customer.companyName } : { id: sr.partnerTenantId, name: partner?.name ?? null },
    primaryContact: customer ? { firstName: customer.firstName, lastName: customer.lastName, email: customer.email } : null,
    productName: sr.productName,
    createdDate: sr.createdDate,
    lastModifiedDate: sr.lastModifiedDate,
    lastClosedDate: sr.lastClosedDate ?? NULL_DATE,
    notes: sr.notes.map((n) => ({ createdByName: n.createdByName, createdDate: n.createdDate, text: n.text })),
    countryCode: sr.countryCode,
    attributes: { objectType: 'ServiceRequest' },
  };
}

export function pcError(code: string, description: string): J {
  return { code, description, data: [], source: 'PartnerCenterSimulator' };
}
