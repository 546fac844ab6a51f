import { createHash } from 'node:crypto';
import { currencyExponent, isCurrency } from '../../../core/currencies.js';
import { pow10, type Scaled } from '../../../core/money.js';
import type { ReconFormat } from './columns.js';

/**
 * Normalize one data row of a reconciliation file into a CanonicalLine. Pure.
 *
 * Amounts: prices, quantities, rates and percentages stay scaled decimals with the scale the file
 * used; subtotal / tax / total become bigint minor units of the billing currency and a value with
 * more (non-zero) decimals than the currency allows is an error, never rounded silently.
 * Daily rated usage is the exception: BillingPreTaxTotal is unrounded by design (15 decimals in
 * Microsoft's samples), so it is kept as `preTaxExact` and `subtotal` is null.
 */

// ---------------------------------------------------------------------------------------------
// Charge types (recon-file-charge-types.md, plus the spellings of the worked examples)

export const CHARGE_TYPES = [
  // new commerce
  'new',
  'renew',
  'cycle_charge',
  'add_quantity',
  'remove_quantity',
  'move_quantity',
  'cancel_immediate',
  'convert',
  'change_billing_plan',
  'customer_credit',
  'extend_term',
  // legacy license-based
  'activation_fee',
  'cancel_fee',
  'cancel_instance_prorate',
  'cycle_fee',
  'cycle_instance_prorate',
  'convert_instance_prorate',
  'prorate_cancel',
  'prorate_convert_away',
  'prorate_convert_to',
  'new_purchase_cycle_fee',
  'prorate_purchase',
  'prorate_renew',
  'prorate_activate',
  // legacy usage-based, credits and discounts
  'usage_fee_cancel',
  'usage_fee_cycle',
  'offset_line_item',
  'activation_discount',
  'cycle_discount',
  'renew_discount',
  'cancel_discount',
  // generic
  'refund',
  'credit',
  'discount',
  'usage',
  'one_time',
  'other',
] as const;
export type ChargeType = (typeof CHARGE_TYPES)[number];

/** Key: lower case, letters and digits only, "fees" → "fee". */
function chargeKey(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/fees/g, 'fee');
}

const CHARGE_TYPE_KEYS: Record<string, ChargeType> = {
  new: 'new',
  renew: 'renew',
  cyclecharge: 'cycle_charge',
  addquantity: 'add_quantity',
  removequantity: 'remove_quantity',
  movequantity: 'move_quantity',
  cancelimmediate: 'cancel_immediate',
  convert: 'convert',
  changebillingplan: 'change_billing_plan',
  customercredit: 'customer_credit',
  extendterm: 'extend_term',
  activationfee: 'activation_fee',
  cancelfee: 'cancel_fee',
  cancelinstanceprorate: 'cancel_instance_prorate',
  cyclefee: 'cycle_fee',
  cycleinstanceprorate: 'cycle_instance_prorate',
  convertfrominstanceprorate: 'convert_instance_prorate',
  convertinstanceprorate: 'convert_instance_prorate',
  proratefeewhencancel: 'prorate_cancel',
  proratefeewhenconvertawayfromcurrentoffering: 'prorate_convert_away',
  proratefeewhenconverttoanewoffering: 'prorate_convert_to',
  newpurchasecyclefee: 'new_purchase_cycle_fee',
  proratefeewhenpurchase: 'prorate_purchase',
  proratefeewhenpurchased: 'prorate_purchase',
  proratefeewhenbuy: 'prorate_purchase',
  proratefeewhenrenew: 'prorate_renew',
  proratefeewhenactivate: 'prorate_activate',
  assessusagefeewhencancel: 'usage_fee_cancel',
  assessusagefeeforcurrentcycle: 'usage_fee_cycle',
  offsetalineitem: 'offset_line_item',
  offsetlineitem: 'offset_line_item',
  activationdiscount: 'activation_discount',
  cyclediscount: 'cycle_discount',
  renewdiscount: 'renew_discount',
  canceldiscount: 'cancel_discount',
  refund: 'refund',
  credit: 'credit',
  discount: 'discount',
  usage: 'usage',
  usagecharge: 'usage',
  onetime: 'one_time',
  onetimecharge: 'one_time',
  purchase: 'one_time',
};

export function normalizeChargeType(raw: string): ChargeType {
  return CHARGE_TYPE_KEYS[chargeKey(raw)] ?? 'other';
}

/** Charge types whose quantity may be negative: refunds, cancellations and credits. */
export const NEGATIVE_QUANTITY_ALLOWED: ReadonlySet<ChargeType> = new Set<ChargeType>([
  'refund',
  'credit',
  'customer_credit',
  'offset_line_item',
  'cancel_immediate',
  'cancel_fee',
  'cancel_instance_prorate',
  'prorate_cancel',
  'usage_fee_cancel',
  'cancel_discount',
]);

// ---------------------------------------------------------------------------------------------
// The canonical line

export interface CanonicalLine {
  format: ReconFormat;
  /** 1-based line of the row in the file. */
  line: number;
  /** Stable identity of the line within its file scope; see LINE_KEY_COLUMNS. */
  lineKey: string;
  invoiceNumber: string | null;
  /** Customer tenant id, `org:` prefix stripped, GUIDs lower-cased. */
  customerTenantId: string | null;
  customerName: string | null;
  customerDomain: string | null;
  subscriptionId: string | null;
  orderId: string | null;
  productId: string | null;
  skuId: string | null;
  availabilityId: string | null;
  skuName: string | null;
  productName: string | null;
  chargeType: ChargeType;
  /** ChargeType as written in the file. */
  chargeTypeRaw: string;
  /** YYYY-MM-DD (UTC calendar date). */
  chargeStart: string;
  chargeEnd: string;
  usageDate: string | null;
  quantity: Scaled;
  billableQuantity: Scaled;
  unitPrice: Scaled | null;
  effectiveUnitPrice: Scaled | null;
  pcToBcExchangeRate: Scaled | null;
  /** Billing currency (ISO 4217). */
  currency: string;
  pricingCurrency: string | null;
  /** Minor units of `currency`. */
  subtotal: bigint | null;
  tax: bigint | null;
  total: bigint | null;
  /** Legacy license: Amount and TotalOtherDiscount, minor units. */
  amount: bigint | null;
  totalOtherDiscount: bigint | null;
  /** Daily rated usage: BillingPreTaxTotal, unrounded. */
  preTaxExact: Scaled | null;
  /** e.g. 15 for 15 % PEC. */
  partnerEarnedCreditPercentage: Scaled | null;
  mpnId: string | null;
  resellerMpnId: string | null;
  /** Usage-based line (picks the subtotal formula). */
  isUsage: boolean;
}

export type NormalizeErrorCode =
  | 'recon.bad_decimal'
  | 'recon.bad_date'
  | 'recon.unknown_currency'
  | 'recon.negative_quantity'
  | 'recon.too_many_decimals'
  | 'recon.missing_value';

export interface NormalizeError {
  line: number;
  column: string;
  value: string;
  code: NormalizeErrorCode;
  message: string;
}

export type NormalizeResult = { ok: true; line: CanonicalLine } | { ok: false; errors: NormalizeError[] };

// ---------------------------------------------------------------------------------------------
// Value parsers (exported for tests and for other importers)

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

/** Exact decimal, scale kept; accepts a leading "+", ".5" and exponent notation (Excel writes 1.5E-05). */
export function parseDecimalText(text: string): Scaled | null {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return null;
  const int = m[2] ?? '';
  const frac = m[3] ?? '';
  if (int.length + frac.length === 0) return null;
  const e = m[4] === undefined ? 0 : Number(m[4]);
  if (Math.abs(e) > 40) return null;
  let value = BigInt(int + frac || '0');
  let scale = frac.length - e;
  if (scale < 0) {
    value *= pow10(-scale);
    scale = 0;
  }
  return { value: m[1] === '-' ? -value : value, scale };
}

/** Convert to minor units of a currency exponent; null when non-zero digits would be lost. */
export function toMinorUnits(x: Scaled, exponent: number): bigint | null {
  if (x.scale <= exponent) return x.value * pow10(exponent - x.scale);
  const div = pow10(x.scale - exponent);
  return x.value % div === 0n ? x.value / div : null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?)?$/;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function validDate(y: number, mo: number, d: number): boolean {
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * A UTC calendar date "YYYY-MM-DD" from ISO dates and date-times ("2021-05-20T18:30:06.6045692Z";
 * an offset is converted to UTC) or Partner Center's US format "9/1/2020" / "2/28/2019 23:59".
 */
export function parseReconDate(text: string): string | null {
  const s = text.trim();
  let m = ISO_DATE.exec(s);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) return null;
    const h = Number(m[4] ?? 0);
    const mi = Number(m[5] ?? 0);
    const sec = Number(m[6] ?? 0);
    if (h > 23 || mi > 59 || sec > 59) return null;
    const zone = m[7];
    if (zone && zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
      const t = new Date(Date.UTC(y, mo - 1, d, h, mi - offsetMin));
      return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
    }
    return `${m[1]}-${m[2]}-${m[3]}`;
  }
  m = US_DATE.exec(s);
  if (m) {
    const [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (!validDate(y, mo, d)) return null;
    const h = Number(m[4] ?? 0);
    const limit = m[7] ? 12 : 23;
    if (h > limit || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) return null;
    return `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
  }
  return null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function normalizeTenantId(raw: string): string | null {
  const s = raw.trim().replace(/^org:/i, '');
  if (s === '') return null;
  return GUID.test(s) ? s.toLowerCase() : s;
}

// ---------------------------------------------------------------------------------------------
// Line keys

/**
 * Columns whose values identify a line within its file scope (billed: the invoice; unbilled: the
 * billing period). Values are trimmed and lower-cased, dates normalized to YYYY-MM-DD, ChargeType
 * by its letters and digits. The sign of the line's amount (subtotal, or Amount, or
 * BillingPreTaxTotal) is added as a "direction" part, because a seat change is one refund line
 * and one charge line with the same ids and dates (common-billing-scenarios-onetime-recurring.md,
 * "How are licenses (seats) added or removed?"). Amounts and quantities are NOT part of the key:
 * a re-issued file that corrects a line keeps its key and replaces it. The importer replaces the
 * whole scope: keys present are upserted, keys no longer present are removed. Genuinely
 * identical rows get an occurrence suffix through `LineKeyCounter`.
 */
export const LINE_KEY_COLUMNS: Readonly<Record<ReconFormat, readonly string[]>> = {
  nce_invoice: [
    'InvoiceNumber',
    'OrderId',
    'SubscriptionId',
    'ProductId',
    'SkuId',
    'AvailabilityId',
    'ChargeType',
    'ChargeStartDate',
    'ChargeEndDate',
    'ReferenceId',
    'MeterDescription',
    'ReservationOrderId',
  ],
  nce_daily_usage: [
    'InvoiceNumber',
    'SubscriptionId',
    'EntitlementId',
    'UsageDate',
    'MeterId',
    'ResourceURI',
    'ResourceLocation',
    'ConsumedService',
    'ProductId',
    'SkuId',
    'AvailabilityId',
    'ChargeType',
    'BenefitOrderId',
    'AdditionalInfo',
  ],
  legacy_license: [
    'InvoiceNumber',
    'OrderId',
    'SubscriptionId',
    'SyndicationPartnerSubscriptionNumber',
    'DurableOfferId',
    'ChargeType',
    'ChargeStartDate',
    'ChargeEndDate',
  ],
  legacy_usage: [
    'InvoiceNumber',
    'SubscriptionId',
    'OrderId',
    'ResourceGuid',
    'Region',
    'Sku',
    'DetailLineItemId',
    'ChargeType',
    'ChargeStartDate',
    'ChargeEndDate',
    'UsageDate',
    'MeteredRegion',
    'MeteredService',
    'MeteredServiceType',
    'Project',
  ],
};

const DATE_COLUMNS = new Set(['ChargeStartDate', 'ChargeEndDate', 'UsageDate']);

export function computeLineKey(format: ReconFormat, value: (column: string) => string, direction: '+' | '-' | '0'): string {
  const parts: string[] = [format];
  for (const col of LINE_KEY_COLUMNS[format]) {
    const raw = value(col).trim();
    if (col === 'ChargeType') parts.push(chargeKey(raw));
    else if (DATE_COLUMNS.has(col)) parts.push(parseReconDate(raw) ?? raw.toLowerCase());
    else if (col === 'SubscriptionId' || col === 'CustomerId') parts.push((normalizeTenantId(raw) ?? '').toLowerCase());
    else parts.push(raw.toLowerCase());
  }
  parts.push(direction);
  return `${format}:${createHash('sha256').update(JSON.stringify(parts)).digest('hex')}`;
}

/** Gives the 2nd, 3rd… occurrence of a key in one file a "#2", "#3"… suffix, in file order. */
export class LineKeyCounter {
  private readonly seen = new Map<string, number>();
  next(key: string): string {
    const n = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, n);
    return n === 1 ? key : `${key}#${n}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Per-format field sources

interface Sources {
  quantity: string;
  billableQuantity: string;
  unitPrice: string | null;
  effectiveUnitPrice: string | null;
  currency: string;
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  customerName: string;
  customerDomain: string;
  productId: string | null;
  productName: string | null;
  skuName: string | null;
}

const SOURCES: Record<ReconFormat, Sources> = {
  nce_invoice: {
    quantity: 'Quantity',
    billableQuantity: 'BillableQuantity',
    unitPrice: 'UnitPrice',
    effectiveUnitPrice: 'EffectiveUnitPrice',
    currency: 'Currency',
    subtotal: 'Subtotal',
    tax: 'TaxTotal',
    total: 'Total',
    customerName: 'CustomerName',
    customerDomain: 'CustomerDomainName',
    productId: 'ProductId',
    productName: 'ProductName',
    skuName: 'SkuName',
  },
  nce_daily_usage: {
    quantity: 'Quantity',
    billableQuantity: 'Quantity',
    unitPrice: 'UnitPrice',
    effectiveUnitPrice: 'EffectiveUnitPrice',
    currency: 'BillingCurrency',
    subtotal: null,
    tax: null,
    total: null,
    customerName: 'CustomerName',
    customerDomain: 'CustomerDomainName',
    productId: 'ProductId',
    productName: 'ProductName',
    skuName: 'SkuName',
  },
  legacy_license: {
    quantity: 'Quantity',
    billableQuantity: 'Quantity',
    unitPrice: 'UnitPrice',
    effectiveUnitPrice: null,
    currency: 'Currency',
    subtotal: 'Subtotal',
    tax: 'Tax',
    total: 'TotalForCustomer',
    customerName: 'CustomerName',
    customerDomain: 'DomainName',
    productId: 'DurableOfferId',
    productName: 'OfferName',
    skuName: 'SubscriptionDescription',
  },
  legacy_usage: {
    quantity: 'ConsumedQuantity',
    billableQuantity: 'OverageQuantity',
    unitPrice: 'ListPrice',
    effectiveUnitPrice: 'PretaxEffectiveRate',
    currency: 'Currency',
    subtotal: 'PretaxCharges',
    tax: 'TaxAmount',
    total: 'PostTaxTotal',
    customerName: 'CustomerCompanyName',
    customerDomain: 'DomainName',
    productId: 'Sku',
    productName: 'ServiceName',
    skuName: 'ResourceName',
  },
};

const PEC_TEXT = /(\d+(?:\.\d+)?)\s*%\s*partner earned credit/i;

// ---------------------------------------------------------------------------------------------

export function normalizeRow(
  format: ReconFormat,
  mapping: Readonly<Record<string, number>>,
  cells: readonly string[],
  line: number,
): NormalizeResult {
  const errors: NormalizeError[] = [];
  const src = SOURCES[format];
  const value = (column: string): string => {
    const i = mapping[column];
    return i === undefined ? '' : (cells[i] ?? '').trim();
  };
  const text = (column: string | null): string | null => {
    if (column === null) return null;
    const v = value(column);
    return v === '' ? null : v;
  };
  const fail = (column: string, v: string, code: NormalizeErrorCode, message: string) => {
    errors.push({ line, column, value: v, code, message });
  };
  const missing = (column: string) => fail(column, '', 'recon.missing_value', `Line ${line}: ${column} is empty.`);

  const decimal = (column: string | null, required: boolean): Scaled | null => {
    if (column === null) return null;
    const v = value(column);
    if (v === '') {
      if (required) missing(column);
      return null;
    }
    const x = parseDecimalText(v);
    if (!x) fail(column, v, 'recon.bad_decimal', `Line ${line}: ${column} "${v}" is not a decimal number.`);
    return x;
  };
  const date = (column: string, required: boolean): string | null => {
    const v = value(column);
    if (v === '') {
      if (required) missing(column);
      return null;
    }
    const d = parseReconDate(v);
    if (!d) fail(column, v, 'recon.bad_date', `Line ${line}: ${column} "${v}" is not a date.`);
    return d;
  };
  const currencyOf = (column: string, required: boolean): string | null => {
    const v = value(column).toUpperCase();
    if (v === '') {
      if (required) missing(column);
      return null;
    }
    if (!isCurrency(v)) {
      fail(column, value(column), 'recon.unknown_currency', `Line ${line}: ${column} "${value(column)}" is not an ISO 4217 currency code.`);
      return null;
    }
    return v;
  };

  // Charge type
  const chargeTypeRaw = value('ChargeType');
  if (chargeTypeRaw === '') missing('ChargeType');
  const chargeType = normalizeChargeType(chargeTypeRaw);

  // Dates
  const chargeStart = date('ChargeStartDate', true);
  const chargeEnd = date('ChargeEndDate', true);
  const usageDate = date('UsageDate', format === 'nce_daily_usage');

  // Quantities
  const quantity = decimal(src.quantity, true);
  const billableQuantity = src.billableQuantity === src.quantity ? quantity : decimal(src.billableQuantity, true);
  if (!NEGATIVE_QUANTITY_ALLOWED.has(chargeType)) {
    for (const [col, q] of [
      [src.quantity, quantity],
      ...(src.billableQuantity === src.quantity ? [] : [[src.billableQuantity, billableQuantity] as const]),
    ] as const) {
      if (q && q.value < 0n) {
        fail(col, value(col), 'recon.negative_quantity', `Line ${line}: ${col} is negative, which charge type "${chargeTypeRaw}" does not allow.`);
      }
    }
  }

  // Prices and rates
  const isNce = format === 'nce_invoice' || format === 'nce_daily_usage';
  const unitPrice = decimal(src.unitPrice, format !== 'legacy_usage');
  const effectiveUnitPrice = decimal(src.effectiveUnitPrice, isNce);
  const pcToBcExchangeRate = isNce ? decimal('PCToBCExchangeRate', true) : null;

  // Currencies
  const currency = currencyOf(src.currency, true);
  const pricingCurrency = isNce ? currencyOf('PricingCurrency', false) : null;

  // Money in minor units
  const exponent = currency ? currencyExponent(currency) : null;
  const minor = (column: string | null, required: boolean): bigint | null => {
    const x = decimal(column, required);
    if (!x || exponent === null || column === null) return null;
    const m = toMinorUnits(x, exponent);
    if (m === null) {
      fail(column, value(column), 'recon.too_many_decimals', `Line ${line}: ${column} "${value(column)}" has more than ${exponent} decimals for ${currency}.`);
    }
    return m;
  };
  const subtotal = minor(src.subtotal, true);
  const tax = minor(src.tax, false); // blank tax is null, not an error
  const total = minor(src.total, true);
  const amount = format === 'legacy_license' ? minor('Amount', true) : null;
  const totalOtherDiscount = format === 'legacy_license' ? minor('TotalOtherDiscount', false) : null;
  const preTaxExact = format === 'nce_daily_usage' ? decimal('BillingPreTaxTotal', true) : null;

  // Partner earned credit
  let partnerEarnedCreditPercentage = decimal(isNce ? 'PartnerEarnedCreditPercentage' : null, false);
  if (!partnerEarnedCreditPercentage && format === 'nce_invoice') {
    const m = PEC_TEXT.exec(value('PriceAdjustmentDescription'));
    if (m) partnerEarnedCreditPercentage = parseDecimalText(m[1]!);
  }

  if (errors.length > 0 || !currency || !chargeStart || !chargeEnd || !quantity || !billableQuantity) {
    return { ok: false, errors };
  }

  const signed = subtotal ?? amount ?? preTaxExact?.value ?? total ?? 0n;
  const direction = signed > 0n ? '+' : signed < 0n ? '-' : '0';
  const meter = value('MeterDescription');

  return {
    ok: true,
    line: {
      format,
      line,
      lineKey: computeLineKey(format, value, direction),
      invoiceNumber: text('InvoiceNumber'),
      customerTenantId: normalizeTenantId(value('CustomerId')),
      customerName: text(src.customerName),
      customerDomain: text(src.customerDomain),
      subscriptionId: text(format === 'legacy_license' ? 'SyndicationPartnerSubscriptionNumber' : 'SubscriptionId') ?? text('SubscriptionId'),
      orderId: text('OrderId'),
      productId: text(src.productId),
      skuId: text('SkuId'),
      availabilityId: text('AvailabilityId'),
      skuName: text(src.skuName),
      productName: text(src.productName),
      chargeType,
      chargeTypeRaw,
      chargeStart,
      chargeEnd,
      usageDate,
      quantity,
      billableQuantity,
      unitPrice,
      effectiveUnitPrice,
      pcToBcExchangeRate,
      currency,
      pricingCurrency,
      subtotal,
      tax,
      total,
      amount,
      totalOtherDiscount,
      preTaxExact,
      partnerEarnedCreditPercentage,
      mpnId: text('MPNID'),
      resellerMpnId: text('ResellerMPNID'),
      isUsage:
        format === 'nce_daily_usage' ||
        format === 'legacy_usage' ||
        (format === 'nce_invoice' && (meter !== '' || chargeType === 'usage')),
    },
  };
}
