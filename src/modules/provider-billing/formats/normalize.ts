import { currencyExponent, isCurrency } from '../../../core/currencies.js';
import { formatScaled, pow10, type Scaled } from '../../../core/money.js';
import { canonicalColumns, type ReconFormat } from './columns.js';
import { Hash128Builder } from './hash128.js';

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
  | 'recon.missing_value'
  | 'recon.nul_char'
  | 'recon.out_of_range';

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
 * identical rows get an occurrence suffix ("#2", "#3"…, in file order) from the importer.
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

/**
 * `format:` + 22 base64url characters: the 128-bit MurmurHash3 (hash128.ts) of the normalized key
 * parts, each written as `length:text` (so no two part lists give the same input), and the
 * direction. Short keys keep the unique index small. Repeats of one key within a file get "#2",
 * "#3"… in file order, assigned by the importer in SQL.
 */
export function lineKeyOf(format: ReconFormat, parts: readonly string[]): string {
  for (const p of parts) keyHash.addPart(p);
  return `${format}:${keyHash.digest()}`;
}

const keyHash = new Hash128Builder();

export function computeLineKey(format: ReconFormat, value: (column: string) => string, direction: '+' | '-' | '0'): string {
  const parts: string[] = [format];
  for (const col of LINE_KEY_COLUMNS[format]) parts.push(keyPart(col, value(col).trim()));
  parts.push(direction);
  return lineKeyOf(format, parts);
}

function keyPart(col: string, raw: string): string {
  if (col === 'ChargeType') return chargeKeyCache.get(raw);
  if (DATE_COLUMNS.has(col)) return cachedDate(raw) ?? raw.toLowerCase();
  if (col === 'SubscriptionId' || col === 'CustomerId') return (normalizeTenantId(raw) ?? '').toLowerCase();
  return raw.toLowerCase();
}

// Values repeat heavily within a file (dates, currencies, charge types, customers): parse each
// distinct text once. Bounded, so a file of distinct values cannot grow them.
class SmallCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly compute: (text: string) => V) {}
  get(text: string): V {
    let v = this.map.get(text);
    if (v === undefined && !this.map.has(text)) {
      if (this.map.size >= 4096) this.map.clear();
      v = this.compute(text);
      this.map.set(text, v);
    }
    return v as V;
  }
}
const dateCache = new SmallCache(parseReconDate);
const chargeCache = new SmallCache(normalizeChargeType);
const chargeKeyCache = new SmallCache(chargeKey);
const currencyCache = new SmallCache((v: string) => (isCurrency(v.toUpperCase()) ? v.toUpperCase() : null));
const cachedDate = (t: string) => dateCache.get(t);

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
// Row normalization

/**
 * A validated row as exact text, ready for COPY: decimals as written (a plain "-12.3400" is kept,
 * other spellings such as "1.5E-05" are rewritten exactly), money as integer minor units. The
 * importer stages these strings without building numbers; `normalizeRow` turns them into a
 * CanonicalLine.
 */
type AsText<T> = T extends Scaled | bigint ? string : T;
/** CanonicalLine with every number (decimals, minor units) as its exact text. */
export type LineText = { [K in keyof CanonicalLine]: AsText<CanonicalLine[K]> };

const PLAIN_DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;
const PLAIN_MONEY = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** Exact decimal text for `text`, or null when it is not a decimal. */
function decimalText(text: string): string | null {
  if (PLAIN_DECIMAL.test(text)) return text;
  const x = parseDecimalText(text);
  return x ? formatScaled(x) : null;
}

/** Minor units as integer text; undefined: not a decimal; null: non-zero digits beyond the exponent. */
function minorText(text: string, exponent: number): string | null | undefined {
  const m = PLAIN_MONEY.exec(text);
  if (m && (m[2]!.length > 0 || (m[3]?.length ?? 0) > 0)) {
    const frac = m[3] ?? '';
    if (frac.length > exponent && !/^0*$/.test(frac.slice(exponent))) return null;
    const digits = (m[2]! + frac.slice(0, exponent).padEnd(exponent, '0')).replace(/^0+/, '');
    return digits === '' ? '0' : m[1] === '-' ? '-' + digits : digits;
  }
  const x = parseDecimalText(text);
  if (!x) return undefined;
  const v = toMinorUnits(x, exponent);
  return v === null ? null : String(v);
}

const INT64_MAX = 2n ** 63n - 1n;

const signOf = (minor: string): '+' | '-' | '0' => (minor === '0' ? '0' : minor.charCodeAt(0) === 45 ? '-' : '+');

/**
 * Normalizes the rows of one file (one format and header mapping). Column positions are looked up
 * once; repeated values (dates, currencies, charge types, tenant ids) are parsed once per file.
 * `run` returns the row as LineText, or null after pushing its errors.
 */
export class RowNormalizer {
  private readonly src: Sources;
  /** every column of the format → its cell index, -1 when the file lacks it */
  private readonly ix: Record<string, number>;
  private readonly keyCols: { col: string; index: number }[];
  private readonly isNce: boolean;
  // per-row state (one row at a time)
  private cells: readonly string[] = [];
  private line = 0;
  private errors: NormalizeError[] = [];

  constructor(
    readonly format: ReconFormat,
    mapping: Readonly<Record<string, number>>,
  ) {
    this.src = SOURCES[format];
    this.ix = {};
    for (const c of canonicalColumns(format)) this.ix[c] = mapping[c] ?? -1;
    this.keyCols = LINE_KEY_COLUMNS[format].map((col) => ({ col, index: mapping[col] ?? -1 }));
    this.isNce = format === 'nce_invoice' || format === 'nce_daily_usage';
  }

  private value(column: string | null): string {
    if (column === null) return '';
    const i = this.ix[column] ?? -1;
    return i < 0 ? '' : (this.cells[i] ?? '').trim();
  }

  private text(column: string | null): string | null {
    const v = this.value(column);
    if (v === '') return null;
    if (v.includes('\u0000')) {
      // PostgreSQL text cannot hold NUL
      this.fail(column!, v, 'recon.nul_char', `Line ${this.line}: ${column} contains a NUL character.`);
      return null;
    }
    return v;
  }

  private fail(column: string, v: string, code: NormalizeErrorCode, message: string): void {
    this.errors.push({ line: this.line, column, value: v, code, message });
  }

  private missing(column: string): void {
    this.fail(column, '', 'recon.missing_value', `Line ${this.line}: ${column} is empty.`);
  }

  private decimal(column: string | null, required: boolean): string | null {
    if (column === null) return null;
    const v = this.value(column);
    if (v === '') {
      if (required) this.missing(column);
      return null;
    }
    const x = decimalText(v);
    if (x === null) this.fail(column, v, 'recon.bad_decimal', `Line ${this.line}: ${column} "${v}" is not a decimal number.`);
    return x;
  }

  private date(column: string, required: boolean): string | null {
    const v = this.value(column);
    if (v === '') {
      if (required) this.missing(column);
      return null;
    }
    const d = cachedDate(v);
    if (!d) this.fail(column, v, 'recon.bad_date', `Line ${this.line}: ${column} "${v}" is not a date.`);
    return d;
  }

  private currencyOf(column: string, required: boolean): string | null {
    const v = this.value(column);
    if (v === '') {
      if (required) this.missing(column);
      return null;
    }
    const c = currencyCache.get(v);
    if (c === null) this.fail(column, v, 'recon.unknown_currency', `Line ${this.line}: ${column} "${v}" is not an ISO 4217 currency code.`);
    return c;
  }

  private minor(column: string | null, required: boolean, currency: string | null, exponent: number | null): string | null {
    if (column === null) return null;
    const v = this.value(column);
    if (v === '') {
      if (required) this.missing(column);
      return null;
    }
    if (exponent === null) {
      // the currency is bad or missing (already reported): still check the number itself
      if (decimalText(v) === null) this.fail(column, v, 'recon.bad_decimal', `Line ${this.line}: ${column} "${v}" is not a decimal number.`);
      return null;
    }
    const m = minorText(v, exponent);
    if (m === undefined) this.fail(column, v, 'recon.bad_decimal', `Line ${this.line}: ${column} "${v}" is not a decimal number.`);
    else if (m === null) this.fail(column, v, 'recon.too_many_decimals', `Line ${this.line}: ${column} "${v}" has more than ${exponent} decimals for ${currency}.`);
    else if (m.length > 18 && (BigInt(m) > INT64_MAX || BigInt(m) < -INT64_MAX)) {
      // amounts are bigint minor units
      this.fail(column, v, 'recon.out_of_range', `Line ${this.line}: ${column} "${v}" is too large an amount.`);
      return null;
    }
    return m ?? null;
  }

  private negative(column: string, q: string | null, chargeTypeRaw: string): void {
    if (q !== null && q.charCodeAt(0) === 45 && /[1-9]/.test(q.replace(/[eE].*$/, ''))) {
      this.fail(column, this.value(column), 'recon.negative_quantity', `Line ${this.line}: ${column} is negative, which charge type "${chargeTypeRaw}" does not allow.`);
    }
  }

  run(cells: readonly string[], line: number, errors: NormalizeError[]): LineText | null {
    this.cells = cells;
    this.line = line;
    this.errors = errors;
    const before = errors.length;
    const { format, src, isNce } = this;

    const chargeTypeRaw = this.text('ChargeType') ?? '';
    if (chargeTypeRaw === '' && this.value('ChargeType') === '') this.missing('ChargeType');
    const chargeType = chargeCache.get(chargeTypeRaw);

    const chargeStart = this.date('ChargeStartDate', true);
    const chargeEnd = this.date('ChargeEndDate', true);
    const usageDate = this.date('UsageDate', format === 'nce_daily_usage');

    const sameQuantity = src.billableQuantity === src.quantity;
    const quantity = this.decimal(src.quantity, true);
    const billableQuantity = sameQuantity ? quantity : this.decimal(src.billableQuantity, true);
    if (!NEGATIVE_QUANTITY_ALLOWED.has(chargeType)) {
      this.negative(src.quantity, quantity, chargeTypeRaw);
      if (!sameQuantity) this.negative(src.billableQuantity, billableQuantity, chargeTypeRaw);
    }

    const unitPrice = this.decimal(src.unitPrice, format !== 'legacy_usage');
    const effectiveUnitPrice = this.decimal(src.effectiveUnitPrice, isNce);
    const pcToBcExchangeRate = isNce ? this.decimal('PCToBCExchangeRate', true) : null;

    const currency = this.currencyOf(src.currency, true);
    const pricingCurrency = isNce ? this.currencyOf('PricingCurrency', false) : null;

    const exponent = currency ? currencyExponent(currency) : null;
    const subtotal = this.minor(src.subtotal, true, currency, exponent);
    const tax = this.minor(src.tax, false, currency, exponent); // blank tax is null, not an error
    const total = this.minor(src.total, true, currency, exponent);
    const amount = format === 'legacy_license' ? this.minor('Amount', true, currency, exponent) : null;
    const totalOtherDiscount = format === 'legacy_license' ? this.minor('TotalOtherDiscount', false, currency, exponent) : null;
    const preTaxExact = format === 'nce_daily_usage' ? this.decimal('BillingPreTaxTotal', true) : null;

    let partnerEarnedCreditPercentage = this.decimal(isNce ? 'PartnerEarnedCreditPercentage' : null, false);
    if (!partnerEarnedCreditPercentage && format === 'nce_invoice') {
      const m = PEC_TEXT.exec(this.value('PriceAdjustmentDescription'));
      if (m) partnerEarnedCreditPercentage = m[1]!;
    }

    // text columns (checked like the rest: a NUL rejects the row)
    const invoiceNumber = this.text('InvoiceNumber');
    const customerTenantId = normalizeTenantId(this.text('CustomerId') ?? '');
    const customerName = this.text(src.customerName);
    const customerDomain = this.text(src.customerDomain);
    const subscriptionId = this.text(format === 'legacy_license' ? 'SyndicationPartnerSubscriptionNumber' : 'SubscriptionId') ?? (format === 'legacy_license' ? this.text('SubscriptionId') : null);
    const orderId = this.text('OrderId');
    const productId = this.text(src.productId);
    const skuId = this.text('SkuId');
    const availabilityId = this.text('AvailabilityId');
    const skuName = this.text(src.skuName);
    const productName = this.text(src.productName);
    const mpnId = this.text('MPNID');
    const resellerMpnId = this.text('ResellerMPNID');

    if (errors.length > before || !currency || !chargeStart || !chargeEnd || quantity === null || billableQuantity === null) return null;

    const signedMinor = subtotal ?? amount;
    const direction = signedMinor !== null ? signOf(signedMinor) : preTaxExact !== null ? decimalSign(preTaxExact) : total !== null ? signOf(total) : '0';
    // the key, as lineKeyOf computes it, without an array of parts
    keyHash.addPart(format);
    for (const k of this.keyCols) keyHash.addPart(keyPart(k.col, k.index < 0 ? '' : (cells[k.index] ?? '').trim()));
    keyHash.addPart(direction);
    const meter = this.value('MeterDescription');

    return {
      format,
      line,
      lineKey: `${format}:${keyHash.digest()}`,
      invoiceNumber,
      customerTenantId,
      customerName,
      customerDomain,
      subscriptionId,
      orderId,
      productId,
      skuId,
      availabilityId,
      skuName,
      productName,
      mpnId,
      resellerMpnId,
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
      isUsage: format === 'nce_daily_usage' || format === 'legacy_usage' || (format === 'nce_invoice' && (meter !== '' || chargeType === 'usage')),
    };
  }
}

function decimalSign(text: string): '+' | '-' | '0' {
  const x = parseDecimalText(text)!;
  return x.value > 0n ? '+' : x.value < 0n ? '-' : '0';
}

const scaled = (t: string | null): Scaled | null => (t === null ? null : parseDecimalText(t));
const big = (t: string | null): bigint | null => (t === null ? null : BigInt(t));

/** Normalize one data row into a CanonicalLine (exact numbers). Pure. */
export function normalizeRow(
  format: ReconFormat,
  mapping: Readonly<Record<string, number>>,
  cells: readonly string[],
  line: number,
): NormalizeResult {
  const errors: NormalizeError[] = [];
  const t = new RowNormalizer(format, mapping).run(cells, line, errors);
  if (!t) return { ok: false, errors };
  return {
    ok: true,
    line: {
      ...t,
      quantity: scaled(t.quantity)!,
      billableQuantity: scaled(t.billableQuantity)!,
      unitPrice: scaled(t.unitPrice),
      effectiveUnitPrice: scaled(t.effectiveUnitPrice),
      pcToBcExchangeRate: scaled(t.pcToBcExchangeRate),
      subtotal: big(t.subtotal),
      tax: big(t.tax),
      total: big(t.total),
      amount: big(t.amount),
      totalOtherDiscount: big(t.totalOtherDiscount),
      preTaxExact: scaled(t.preTaxExact),
      partnerEarnedCreditPercentage: scaled(t.partnerEarnedCreditPercentage),
    },
  };
}
