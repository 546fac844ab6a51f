/**
 * Drift-tolerant parsing of Partner Center payloads into the connector's normalized shapes.
 * Pure functions, tested against every sample in reference/partner-center/docs-api-samples.
 *
 * Tolerated drift: PascalCase or camelCase keys; enums as strings (any case, `AttentionNeeded` or
 * `attention_needed`) or as integers (mapped by the documented order); numbers as strings;
 * `org:` prefixes on ids; date sentinels `0001-01-01T00:00:00` and `9999-…` (→ null); a leading
 * BOM; unknown fields (kept in `raw`); unknown enum values (kept, lower-cased).
 * Rejected: text that is not JSON, and objects without the fields nothing can do without (an id),
 * with ProviderError('provider.malformed_response') saying where and what.
 */
import {
  ProviderError,
  type BillingType,
  type Commerce,
  type PcAddress,
  type PcAzureEntitlement,
  type PcBillingProfile,
  type PcCustomer,
  type PcInvoice,
  type PcServiceRequest,
  type PcSubscription,
  type SubscriptionStatus,
} from '../connector.js';
import { JsonSyntaxError, parseStrictJson } from './json.js';

export type Json = Record<string, unknown>;

/* ------------------------------------------------------------------ documented enums */

export const SUBSCRIPTION_STATUSES = ['none', 'active', 'pending', 'suspended', 'expired', 'disabled', 'deleted'] as const;
export const BILLING_TYPES = ['none', 'usage', 'license', 'benefit'] as const;
export const BILLING_CYCLES = ['unknown', 'monthly', 'annual', 'none', 'one_time', 'triennial'] as const;
/** developer_service-request-resources.md: "unknown", "critical", "moderate", "minimal" (integers 0..3 in some payloads) */
export const SERVICE_REQUEST_SEVERITIES = ['unknown', 'critical', 'moderate', 'minimal'] as const;
/** developer_service-request-resources.md: "none", "open", "closed", "attention_needed" (integers 0..3 in some payloads) */
export const SERVICE_REQUEST_STATUSES = ['none', 'open', 'closed', 'attention_needed'] as const;
/** CustomerService.json Customer.relationshipToPartner */
export const RELATIONSHIPS_TO_PARTNER = ['unknown', 'reseller', 'advisor', 'syndication', 'microsoft_support', 'none'] as const;
export const INVOICE_TYPES = ['recurring', 'one_time'] as const;
export const DOCUMENT_TYPES = ['invoice', 'credit_note'] as const;

/* ------------------------------------------------------------------ errors */

export function malformed(source: string, what: string, cause?: unknown): ProviderError {
  return new ProviderError('provider.malformed_response', `${source}: ${what}`, { cause, retryable: false });
}

/** Strict JSON (BOM skipped) or ProviderError('provider.malformed_response') naming line and column. */
export function parseJsonText(text: string, source = 'response'): unknown {
  try {
    return parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      const lines = text.replace(/^\uFEFF/, '').split('\n');
      const excerpt = (lines[e.line - 1] ?? '').trim().slice(0, 80);
      throw malformed(source, `not valid JSON at line ${e.line}, column ${e.column}: ${e.reason}${excerpt ? ` (near: ${excerpt})` : ''}`, e);
    }
    throw e;
  }
}

/* ------------------------------------------------------------------ field access */

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first present value among `names`, matching keys case-insensitively (PascalCase or camelCase). */
export function field(o: Json | null | undefined, ...names: string[]): unknown {
  if (!o) return undefined;
  for (const name of names) {
    if (name in o && o[name] !== undefined) return o[name];
  }
  const wanted = names.map((n) => n.toLowerCase());
  for (const w of wanted) {
    for (const k of Object.keys(o)) {
      if (k.toLowerCase() === w && o[k] !== undefined) return o[k];
    }
  }
  return undefined;
}

export function objectField(o: Json | null | undefined, ...names: string[]): Json | null {
  const v = field(o, ...names);
  return isObject(v) ? v : null;
}

/** A non-empty string; numbers become their decimal text; anything else null. */
export function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return null;
}

export function stripOrgPrefix(id: string): string {
  return id.replace(/^org:/i, '');
}

export function idText(v: unknown): string | null {
  const s = text(v);
  return s === null ? null : stripOrgPrefix(s.trim()) || null;
}

export function numberValue(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) return Number(v);
  return null;
}

export function booleanValue(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  if (v === 1) return true;
  if (v === 0) return false;
  return null;
}

/**
 * An instant as ISO-8601 UTC, or null for absent values, the sentinels `0001-01-01…` and `9999-…`
 * and unreadable text. A time without a zone designator is taken as UTC (as Partner Center means it).
 */
export function normalizeDate(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === '' || /^0001-01-01/.test(s) || /^9999-/.test(s)) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(s);
  if (!m) return null;
  const frac = m[7] ? m[7].slice(0, 4).padEnd(4, '0') : '.000';
  const zone = m[8] ? (m[8].toUpperCase() === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')) : 'Z';
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${frac}${zone}`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  if (d.getUTCFullYear() >= 9999) return null;
  return d.toISOString();
}

/**
 * A documented enum: integers map by position in `known`; strings match `known` ignoring case,
 * `_`, `-` and spaces (`AttentionNeeded` → `attention_needed`); anything else is kept lower-cased.
 */
export function normalizeEnum(v: unknown, known: readonly string[]): string | null {
  if (typeof v === 'number' && Number.isInteger(v)) return known[v] ?? String(v);
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === '') return null;
  if (/^\d+$/.test(s)) return known[Number(s)] ?? s;
  const squash = (x: string) => x.toLowerCase().replace(/[\s_-]/g, '');
  const hit = known.find((k) => squash(k) === squash(s));
  return hit ?? s.toLowerCase();
}

/** Plain decimal text of a number, never in exponent notation. */
export function toDecimalString(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const digits = m[2]! + (m[3] ?? '');
  const point = m[2]!.length + Number(m[4]);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return m[1] + out;
}

/** An exact decimal string from a number or a numeric string ("2076.63", "-1000", "0.000882"). */
export function decimalText(v: unknown): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? toDecimalString(v) : null;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^[+-]?\d+(\.\d+)?$/.test(s)) return s.replace(/^\+/, '');
    if (/^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/.test(s)) return toDecimalString(Number(s));
  }
  return null;
}

function requireObject(raw: unknown, source: string, what: string): Json {
  if (!isObject(raw)) throw malformed(source, `expected ${what} object but got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
  return raw;
}

function requireId(o: Json, source: string, what: string, ...names: string[]): string {
  const id = idText(field(o, ...(names.length ? names : ['id'])));
  if (!id) throw malformed(source, `${what} without an id`);
  return id;
}

/* ------------------------------------------------------------------ collections */

export interface ParsedCollection {
  items: unknown[];
  totalCount: number | null;
  /** from the body's `continuationToken` or the MS-ContinuationToken header of links.next */
  continuationToken: string | null;
  nextUri: string | null;
  /** the `offset` query parameter of links.next, when it has a usable one */
  nextOffset: number | null;
}

export function parseCollection(raw: unknown, source = 'collection'): ParsedCollection {
  const o = requireObject(raw, source, 'a collection');
  const items = field(o, 'items');
  if (!Array.isArray(items)) throw malformed(source, `collection without an "items" array`);
  const links = objectField(o, 'links');
  const next = objectField(links, 'next');
  const nextUri = text(field(next, 'uri'));
  let token = text(field(o, 'continuationToken'));
  if (!token && next) {
    const headers = field(next, 'headers');
    if (Array.isArray(headers)) {
      for (const h of headers) {
        if (isObject(h) && String(field(h, 'key') ?? '').toLowerCase() === 'ms-continuationtoken') token = text(field(h, 'value'));
      }
    }
  }
  let nextOffset: number | null = null;
  if (nextUri) {
    const m = /[?&]offset=(\d+)(?:&|$)/i.exec(nextUri);
    if (m) nextOffset = Number(m[1]);
  }
  const total = numberValue(field(o, 'totalCount'));
  return { items, totalCount: total === null ? null : Math.trunc(total), continuationToken: token, nextUri, nextOffset };
}

/* ------------------------------------------------------------------ customers */

function parseAddress(raw: unknown): PcAddress | null {
  if (!isObject(raw)) return null;
  return {
    country: text(field(raw, 'country')),
    city: text(field(raw, 'city')),
    region: text(field(raw, 'region', 'state')),
    postalCode: text(field(raw, 'postalCode')),
    addressLine1: text(field(raw, 'addressLine1')),
  };
}

export function parseBillingProfile(raw: unknown, source = 'billing profile'): PcBillingProfile {
  const o = requireObject(raw, source, 'a billing profile');
  const address = objectField(o, 'defaultAddress', 'address');
  const attributes = objectField(o, 'attributes');
  return {
    email: text(field(o, 'email')) ?? text(field(address, 'emailAddress')),
    culture: text(field(o, 'culture')),
    language: text(field(o, 'language')),
    companyName: text(field(o, 'companyName')),
    firstName: text(field(o, 'firstName')) ?? text(field(address, 'firstName')),
    lastName: text(field(o, 'lastName')) ?? text(field(address, 'lastName')),
    phoneNumber: text(field(address, 'phoneNumber')) ?? text(field(o, 'phoneNumber')),
    address: parseAddress(address),
    etag: text(field(attributes, 'etag')) ?? text(field(o, 'etag')),
  };
}

export function parseCustomer(raw: unknown, source = 'customer'): PcCustomer {
  const o = requireObject(raw, source, 'a customer');
  const id = requireId(o, source, 'customer', 'id', 'customerId');
  const company = objectField(o, 'companyProfile');
  const billingRaw = objectField(o, 'billingProfile');
  const billingProfile = billingRaw ? parseBillingProfile(billingRaw, `${source} billingProfile`) : null;
  const reseller = idText(field(o, 'associatedPartnerId', 'resellerPartnerId'));
  const explicit = normalizeEnum(field(o, 'relationship'), ['direct', 'indirect']);
  const toPartner = normalizeEnum(field(o, 'relationshipToPartner'), RELATIONSHIPS_TO_PARTNER);
  let relationship: PcCustomer['relationship'];
  if (explicit) relationship = explicit;
  else if (reseller) relationship = 'indirect';
  else if (toPartner === null || toPartner === 'reseller' || toPartner === 'unknown' || toPartner === 'none') relationship = 'direct';
  else relationship = toPartner;
  return {
    id,
    tenantId: idText(field(company, 'tenantId')) ?? id,
    domain: text(field(company, 'domain')) ?? text(field(o, 'domain')),
    companyName: text(field(company, 'companyName')) ?? billingProfile?.companyName ?? text(field(o, 'companyName')),
    country: billingProfile?.address?.country ?? text(field(objectField(company, 'address'), 'country')) ?? text(field(o, 'country')),
    relationship,
    resellerPartnerId: reseller,
    billingProfile,
    raw: o,
  };
}

/* ------------------------------------------------------------------ subscriptions */

/** NCE offer ids are "productId:skuId:availabilityId"; legacy offer ids are GUIDs. */
const NCE_OFFER_RE = /^([A-Za-z0-9]{6,}):([A-Za-z0-9]{1,8}):([A-Za-z0-9]{6,})$/;

export function detectCommerce(o: Json): Commerce {
  const offerId = text(field(o, 'offerId'));
  if (offerId && NCE_OFFER_RE.test(offerId.trim())) return 'nce';
  const productType = field(o, 'productType');
  const pt = isObject(productType) ? `${text(field(productType, 'id')) ?? ''} ${text(field(productType, 'displayName')) ?? ''}` : (text(productType) ?? '');
  if (/nce|newcommerce/i.test(pt)) return 'nce';
  if (!offerId && /^P\d+[MY]$/i.test(text(field(o, 'termDuration')) ?? '')) return 'nce';
  return 'legacy';
}

export function parseSubscription(raw: unknown, ctx: { customerId?: string | null } = {}, source = 'subscription'): PcSubscription {
  const o = requireObject(raw, source, 'a subscription');
  const id = requireId(o, source, 'subscription');
  const offerId = text(field(o, 'offerId'))?.trim() ?? '';
  const commerce = detectCommerce(o);
  const nce = NCE_OFFER_RE.exec(offerId);
  const reasons = field(o, 'suspensionReasons');
  const attributes = objectField(o, 'attributes');
  const term = text(field(o, 'termDuration'));
  return {
    id,
    customerId: idText(field(o, 'customerId')) ?? (ctx.customerId ? stripOrgPrefix(ctx.customerId) : ''),
    offerId,
    offerName: text(field(o, 'offerName')),
    productId: nce ? nce[1]! : text(field(o, 'productId')),
    skuId: nce ? nce[2]! : text(field(o, 'skuId')),
    friendlyName: text(field(o, 'friendlyName')),
    quantity: numberValue(field(o, 'quantity')) ?? 0,
    unitType: text(field(o, 'unitType')),
    billingType: (normalizeEnum(field(o, 'billingType'), BILLING_TYPES) ?? 'none') as BillingType,
    billingCycle: normalizeEnum(field(o, 'billingCycle'), BILLING_CYCLES),
    termDuration: term ? term.toUpperCase() : null,
    commerce,
    status: (normalizeEnum(field(o, 'status'), SUBSCRIPTION_STATUSES) ?? 'none') as SubscriptionStatus,
    autoRenewEnabled: booleanValue(field(o, 'autoRenewEnabled')) ?? false,
    creationDate: normalizeDate(field(o, 'creationDate')),
    effectiveStartDate: normalizeDate(field(o, 'effectiveStartDate')),
    commitmentEndDate: normalizeDate(field(o, 'commitmentEndDate', 'commitmentEndDateTime')),
    parentSubscriptionId: idText(field(o, 'parentSubscriptionId')),
    suspensionReasons: Array.isArray(reasons) ? reasons.map(text).filter((r): r is string => r !== null) : typeof reasons === 'string' && reasons ? [reasons] : [],
    etag: text(field(attributes, 'etag')) ?? text(field(o, 'etag')),
    isAzurePlan: (text(field(objectField(o, 'productType'), 'id')) ?? '').toLowerCase() === 'azure',
    raw: o,
  };
}

/** One Azure subscription (entitlement) under an Azure plan: the id Azure usage lines carry. */
export function parseAzureEntitlement(raw: unknown, source = 'azureEntitlement'): PcAzureEntitlement {
  const o = requireObject(raw, source, 'an Azure entitlement');
  return { id: requireId(o, source, 'Azure entitlement').toLowerCase(), friendlyName: text(field(o, 'friendlyName')), status: text(field(o, 'status')) };
}

/* ------------------------------------------------------------------ invoices */

export function parseInvoice(raw: unknown, source = 'invoice'): PcInvoice {
  const o = requireObject(raw, source, 'an invoice');
  const id = requireId(o, source, 'invoice');
  return {
    id,
    invoiceDate: normalizeDate(field(o, 'invoiceDate')),
    billingPeriodStartDate: normalizeDate(field(o, 'billingPeriodStartDate')),
    billingPeriodEndDate: normalizeDate(field(o, 'billingPeriodEndDate')),
    totalCharges: decimalText(field(o, 'totalCharges')),
    paidAmount: decimalText(field(o, 'paidAmount')),
    currencyCode: text(field(o, 'currencyCode'))?.toUpperCase() ?? null,
    invoiceType: normalizeEnum(field(o, 'invoiceType'), INVOICE_TYPES),
    documentType: normalizeEnum(field(o, 'documentType'), DOCUMENT_TYPES),
    raw: o,
  };
}

/* ------------------------------------------------------------------ service requests */

export function parseServiceRequest(raw: unknown, source = 'service request'): PcServiceRequest {
  const o = requireObject(raw, source, 'a service request');
  const id = requireId(o, source, 'service request');
  const notesRaw = field(o, 'notes');
  const notes = Array.isArray(notesRaw)
    ? notesRaw.filter(isObject).map((n) => ({
        text: text(field(n, 'text')) ?? '',
        createdByName: text(field(n, 'createdByName')),
        createdDate: normalizeDate(field(n, 'createdDate')),
      }))
    : [];
  return {
    id,
    title: text(field(o, 'title')),
    description: text(field(o, 'description')),
    severity: normalizeEnum(field(o, 'severity'), SERVICE_REQUEST_SEVERITIES) ?? 'unknown',
    status: normalizeEnum(field(o, 'status'), SERVICE_REQUEST_STATUSES) ?? 'none',
    supportTopicId: text(field(o, 'supportTopicId')),
    supportTopicName: text(field(o, 'supportTopicName')),
    createdDate: normalizeDate(field(o, 'createdDate')),
    lastModifiedDate: normalizeDate(field(o, 'lastModifiedDate')),
    lastClosedDate: normalizeDate(field(o, 'lastClosedDate')),
    notes,
    raw: o,
  };
}

/* ------------------------------------------------------------------ webhooks */

/** One Partner Center webhook callback (partner-center-webhook-events.md). */
export interface PcWebhookEvent {
  eventName: string;
  resourceUri: string | null;
  resourceName: string | null;
  auditUri: string | null;
  resourceChangeUtcDate: string | null;
  raw: Json;
}

export function parseWebhookEvent(raw: unknown, source = 'webhook event'): PcWebhookEvent {
  const o = requireObject(raw, source, 'a webhook event');
  const eventName = text(field(o, 'eventName'));
  if (!eventName) throw malformed(source, 'webhook event without an EventName');
  return {
    eventName,
    resourceUri: text(field(o, 'resourceUri')),
    resourceName: text(field(o, 'resourceName')),
    auditUri: text(field(o, 'auditUri')),
    resourceChangeUtcDate: normalizeDate(field(o, 'resourceChangeUtcDate')),
    raw: o,
  };
}

/* ------------------------------------------------------------------ error bodies */

export interface PcErrorBody {
  code: string | null;
  description: string | null;
  data: unknown[];
  source: string | null;
}

/**
 * `{ code, description, data, source }` (developer_error-codes.md), or Microsoft Entra's token
 * error `{ error, error_description }`. Null when the text is not such a body.
 */
export function parseErrorBody(bodyText: string): PcErrorBody | null {
  if (!bodyText.trim()) return null;
  let raw: unknown;
  try {
    raw = parseStrictJson(bodyText);
  } catch {
    return null;
  }
  if (!isObject(raw)) return null;
  const nested = objectField(raw, 'error');
  if (nested && field(raw, 'code') === undefined) raw = nested; // { "error": { "code", "message" } }
  if (!isObject(raw)) return null;
  const code = text(field(raw, 'code', 'errorCode')) ?? text(field(raw, 'error'));
  const description = text(field(raw, 'description', 'message', 'errorMessage')) ?? text(field(raw, 'error_description'));
  if (code === null && description === null) return null;
  const data = field(raw, 'data');
  return { code, description, data: Array.isArray(data) ? data : [], source: text(field(raw, 'source')) };
}
