/**
 * The desk's hands on the provider. One interface, two implementations over HTTP: the Partner
 * Center REST client (partner-center/client.ts) talking to Microsoft, 21Vianet or the local
 * simulator (simulator/), which speaks the same documented API. Tests never mock this: they run
 * the client against the simulator.
 *
 * Everything here is normalized and drift-tolerant: ids without `org:` prefixes, enums as the
 * documented lower-case strings (unknown values kept as they came), numbers as numbers, date
 * sentinels (`0001-01-01T00:00:00`, `9999-…`) as null. `raw` keeps the provider's own object.
 */
export const CLOUDS = ['global', 'usgov', 'germany', 'china'] as const;
export type Cloud = (typeof CLOUDS)[number];

export interface CloudDefaults {
  apiBaseUrl: string;
  tokenAuthority: string;
  /** OAuth2 resource / scope of the Partner Center API in that cloud */
  scope: string;
  payee: 'microsoft' | '21vianet';
  /** days after suspension before the provider deletes the customer's data */
  dataDeletionDays: number;
}

export const CLOUD_DEFAULTS: Record<Cloud, CloudDefaults> = {
  global: {
    apiBaseUrl: 'https://api.partnercenter.microsoft.com',
    tokenAuthority: 'https://login.microsoftonline.com',
    scope: 'https://api.partnercenter.microsoft.com/.default',
    payee: 'microsoft',
    dataDeletionDays: 90,
  },
  usgov: {
    apiBaseUrl: 'https://api.partnercenter.microsoft.com',
    tokenAuthority: 'https://login.microsoftonline.com',
    scope: 'https://api.partnercenter.microsoft.com/.default',
    payee: 'microsoft',
    dataDeletionDays: 90,
  },
  germany: {
    apiBaseUrl: 'https://api.partnercenter.microsoft.com',
    tokenAuthority: 'https://login.microsoftonline.de',
    scope: 'https://api.partnercenter.microsoft.com/.default',
    payee: 'microsoft',
    dataDeletionDays: 90,
  },
  china: {
    apiBaseUrl: 'https://partner.partnercenterapi.microsoftonline.cn',
    tokenAuthority: 'https://login.chinacloudapi.cn',
    scope: 'https://partner.partnercenterapi.microsoftonline.cn/.default',
    payee: '21vianet',
    dataDeletionDays: 60,
  },
};

/** How to reach one provider account (one partner tenant in one cloud). */
export interface ConnectorConfig {
  apiBaseUrl: string;
  tokenAuthority: string;
  scope: string;
  partnerTenantId: string;
  appId: string;
  /** client secret (decrypted just before use; never logged) */
  secret: string;
  /** MS-Contract-Version header */
  contractVersion?: string;
  /** per-request timeout, ms (default 30 000) */
  timeoutMs?: number;
  /** attempts for 429/503/timeouts, including the first (default 5) */
  maxAttempts?: number;
  /** client-side limit per tenant (default 500 per 60 s) */
  rateLimit?: { requests: number; perMs: number };
}

export type SubscriptionStatus = 'none' | 'active' | 'pending' | 'suspended' | 'expired' | 'disabled' | 'deleted' | (string & {});
export type BillingType = 'none' | 'usage' | 'license' | 'benefit' | (string & {});
export type Commerce = 'legacy' | 'nce';

export interface PcAddress {
  country: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  addressLine1: string | null;
}

export interface PcBillingProfile {
  email: string | null;
  culture: string | null; // e.g. "de-DE"
  language: string | null; // e.g. "de"
  companyName: string | null;
  firstName: string | null;
  lastName: string | null;
  phoneNumber: string | null;
  address: PcAddress | null;
  etag: string | null;
}

export interface PcCustomer {
  id: string; // the customer's tenant id, without "org:"
  tenantId: string;
  domain: string | null;
  companyName: string | null;
  country: string | null;
  /** "direct" (partner is the reseller) or "indirect" (through an indirect reseller); unknown kept as-is */
  relationship: 'direct' | 'indirect' | (string & {});
  /** MPN id of the indirect reseller of record, if any */
  resellerPartnerId: string | null;
  billingProfile: PcBillingProfile | null;
  raw: Record<string, unknown>;
}

export interface PcSubscription {
  id: string;
  customerId: string;
  offerId: string;
  offerName: string | null;
  /** NCE offer ids are "productId:skuId:availabilityId"; legacy ids are GUIDs */
  productId: string | null;
  skuId: string | null;
  friendlyName: string | null;
  quantity: number;
  unitType: string | null;
  billingType: BillingType;
  billingCycle: string | null; // monthly | annual | triennial | none | oneTime …
  termDuration: string | null; // P1M | P1Y | P3Y
  commerce: Commerce;
  status: SubscriptionStatus;
  autoRenewEnabled: boolean;
  creationDate: string | null; // ISO instants
  effectiveStartDate: string | null;
  commitmentEndDate: string | null;
  parentSubscriptionId: string | null;
  suspensionReasons: string[];
  etag: string | null;
  /** an Azure plan: its Azure subscriptions (entitlements) are listed separately */
  isAzurePlan: boolean;
  raw: Record<string, unknown>;
}

export interface PcAzureEntitlement {
  /** the Azure subscription id (lower case), as in Azure usage and fraud events */
  id: string;
  friendlyName: string | null;
  status: string | null;
}

export interface Page<T> {
  items: T[];
  /** continuation token for the next page, or null at the end */
  continuationToken: string | null;
  totalCount: number | null;
}

export interface PcInvoice {
  id: string;
  invoiceDate: string | null;
  billingPeriodStartDate: string | null;
  billingPeriodEndDate: string | null;
  totalCharges: string | null; // decimal string, exact
  paidAmount: string | null;
  currencyCode: string | null;
  invoiceType: string | null;
  documentType: string | null;
  raw: Record<string, unknown>;
}

export interface PcServiceRequest {
  id: string;
  title: string | null;
  description: string | null;
  severity: 'unknown' | 'critical' | 'moderate' | 'minimal' | (string & {}); // integers 0..3 in some payloads
  status: 'none' | 'open' | 'closed' | 'attention_needed' | (string & {}); // integers in some payloads
  supportTopicId: string | null;
  supportTopicName: string | null;
  createdDate: string | null;
  lastModifiedDate: string | null;
  lastClosedDate: string | null; // "0001-01-01T00:00:00" → null
  notes: { text: string; createdByName: string | null; createdDate: string | null }[];
  raw: Record<string, unknown>;
}

/** What the provider answered to a state change (kept on the desk's record of the operation). */
export interface SubscriptionChange {
  before: PcSubscription;
  after: PcSubscription;
  /** MS-RequestId used (reused on every retry of the same logical call) */
  requestId: string;
  /** MS-CorrelationId the provider echoed, if any */
  correlationId: string | null;
  /** how many HTTP attempts it took, 412 re-reads included */
  attempts: number;
}

export interface CallOptions {
  /** MS-RequestId for this logical call; the client generates one if absent and reuses it on retries */
  requestId?: string;
  correlationId?: string;
  signal?: AbortSignal;
}

export interface ProviderConnector {
  listCustomers(opts?: CallOptions & { continuationToken?: string | null; size?: number }): Promise<Page<PcCustomer>>;
  getCustomer(customerId: string, opts?: CallOptions): Promise<PcCustomer>;
  getBillingProfile(customerId: string, opts?: CallOptions): Promise<PcBillingProfile>;
  /** all pages */
  listSubscriptions(customerId: string, opts?: CallOptions): Promise<PcSubscription[]>;
  getSubscription(customerId: string, subscriptionId: string, opts?: CallOptions): Promise<PcSubscription>;
  /**
   * GET, then PATCH the full resource with `status` and If-Match; on 412 re-read and retry once.
   * A 409 during renewal processing surfaces as ProviderError (retryable: true, code from the provider).
   */
  /** the Azure subscriptions under an Azure plan subscription */
  listAzureEntitlements(customerId: string, subscriptionId: string, opts?: CallOptions): Promise<PcAzureEntitlement[]>;
  setSubscriptionStatus(customerId: string, subscriptionId: string, status: 'suspended' | 'active', opts?: CallOptions & { autoRenewEnabled?: boolean }): Promise<SubscriptionChange>;
  listInvoices(opts?: CallOptions): Promise<PcInvoice[]>;
  /** raw line items of one invoice, all pages (offset or continuation-token style) */
  listInvoiceLineItems(invoiceId: string, provider: 'office' | 'azure' | 'onetime', type: 'billinglineitems' | 'usagelineitems', opts?: CallOptions): Promise<Record<string, unknown>[]>;
  listServiceRequests(customerId?: string, opts?: CallOptions): Promise<PcServiceRequest[]>;
  getServiceRequest(serviceRequestId: string, opts?: CallOptions): Promise<PcServiceRequest>;
  addServiceRequestNote(serviceRequestId: string, text: string, opts?: CallOptions): Promise<PcServiceRequest>;
}

/**
 * Every provider failure. `providerCode` is Partner Center's error code (800091, 2001, …) when it
 * gave one; `code` is the desk's stable code (a message-catalog key under errors.provider.*).
 */
export type ProviderErrorCode =
  | 'provider.unreachable' // DNS, connection refused, TLS
  | 'provider.timeout'
  | 'provider.rate_limited' // 429 after all retries
  | 'provider.unavailable' // 5xx after all retries
  | 'provider.auth_failed' // token endpoint refused the credentials / 401
  | 'provider.forbidden' // 403
  | 'provider.not_found' // 404
  | 'provider.conflict' // 409 (e.g. renewal in progress): retry later
  | 'provider.precondition_failed' // 412 after the one re-read
  | 'provider.rejected' // other 4xx with a provider error code
  | 'provider.malformed_response'; // not JSON, or not the documented shape

export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly status: number | null;
  readonly providerCode: string | null;
  readonly providerDescription: string | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly requestId: string | null;
  constructor(
    code: ProviderErrorCode,
    message: string,
    opts: {
      status?: number | null;
      providerCode?: string | null;
      providerDescription?: string | null;
      retryable?: boolean;
      retryAfterMs?: number | null;
      requestId?: string | null;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'ProviderError';
    this.code = code;
    this.status = opts.status ?? null;
    this.providerCode = opts.providerCode ?? null;
    this.providerDescription = opts.providerDescription ?? null;
    this.retryable = opts.retryable ?? false;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    this.requestId = opts.requestId ?? null;
  }
}
