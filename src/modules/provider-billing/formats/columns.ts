/**
 * Column dictionaries of Partner Center reconciliation files, by format.
 *
 * Canonical names are the doc's PascalCase column names (shared/reference/partner-center/
 * docs-reference/*.md). Files drift (MPNID / MpnId / PartnerMpnId, ResellerMPNID / Tier2MpnId,
 * Total / totalForCustomer, camelCase API exports), so headers are matched through an alias
 * table, case-insensitively and ignoring spaces, underscores, hyphens and dots — never by position.
 */

export const RECON_FORMATS = ['nce_invoice', 'nce_daily_usage', 'legacy_license', 'legacy_usage'] as const;
export type ReconFormat = (typeof RECON_FORMATS)[number];

export interface ColumnDef {
  /** Canonical (doc) name. */
  readonly name: string;
  /** The header must be present for the file to be this format. */
  readonly required: boolean;
  /** Other spellings seen in files and API exports (besides case/space/underscore variants). */
  readonly aliases: readonly string[];
  /** False for a column accepted although the doc page does not list it. */
  readonly documented: boolean;
}

/** Normalise a header for matching: lower case, no BOM, no spaces, underscores, hyphens or dots. */
export function headerKey(header: string): string {
  return header.replace(/^\uFEFF/, '').replace(/[\s_.\-]+/g, '').toLowerCase();
}

type Spec = string | [name: string, ...aliases: string[]];

// Aliases shared by several formats.
const A = {
  mpn: ['MPNID', 'MpnId', 'PartnerMpnId', 'PartnerMPNID'],
  reseller: ['ResellerMPNID', 'ResellerMpnId', 'Tier2MpnId', 'Tier2MPNID', 'IndirectResellerMpnId'],
  domain: ['CustomerDomainName', 'DomainName'],
  legacyDomain: ['DomainName', 'CustomerDomainName'],
  customerName: ['CustomerName', 'CustomerCompanyName'],
  customerId: ['CustomerId', 'CustomerTenantId', 'TenantId'],
  rate: ['PCToBCExchangeRate', 'PcToBcExchangeRate', 'PricingToBillingExchangeRate'],
} as const;

function define(required: readonly Spec[], optional: readonly Spec[], undocumented: readonly Spec[] = []): readonly ColumnDef[] {
  const mk = (spec: Spec, req: boolean, documented: boolean): ColumnDef => {
    const [name, ...aliases] = typeof spec === 'string' ? [spec] : spec;
    return { name, required: req, aliases, documented };
  };
  return [
    ...required.map((s) => mk(s, true, true)),
    ...optional.map((s) => mk(s, false, true)),
    ...undocumented.map((s) => mk(s, false, false)),
  ];
}

/** modern-invoice-reconciliation-file.md: new commerce invoice recon (billed and unbilled), 47 columns. */
const NCE_INVOICE = define(
  [
    [...A.customerId],
    'InvoiceNumber',
    'OrderId',
    'ProductId',
    'SkuId',
    'ChargeType',
    'UnitPrice',
    'Quantity',
    ['Subtotal', 'SubTotal', 'PreTaxTotal'],
    ['TaxTotal', 'Tax', 'TaxAmount'],
    ['Total', 'TotalForCustomer'],
    ['Currency', 'BillingCurrency'],
    'SubscriptionId',
    'ChargeStartDate',
    'ChargeEndDate',
    'EffectiveUnitPrice',
    'BillableQuantity',
    [...A.rate],
  ],
  [
    'PartnerId',
    [...A.customerName],
    [...A.domain],
    'CustomerCountry',
    [...A.mpn],
    [...A.reseller],
    'OrderDate',
    'AvailabilityId',
    'SkuName',
    'ProductName',
    'PriceAdjustmentDescription',
    'PublisherName',
    'PublisherId',
    'SubscriptionDescription',
    'TermAndBillingCycle',
    ['UnitType', 'UnitOfMeasure'],
    'AlternateId',
    'BillingFrequency',
    'PricingCurrency',
    'PCToBCExchangeRateDate',
    'MeterDescription',
    'ReservationOrderId',
    'CreditReasonCode',
    'SubscriptionStartDate',
    'SubscriptionEndDate',
    'ReferenceId',
    'ProductQualifiers',
    'PromotionId',
  ],
  // Seen in API exports of the same line items (unbilled-recon-lineitems samples).
  ['DiscountDetails', 'InvoiceLineItemType', 'BillingProvider', 'PartnerName', 'PartnerEarnedCreditPercentage'],
);

/** daily-rated-usage-recon-files.md: NCE daily rated usage, 55 columns. */
const NCE_DAILY_USAGE = define(
  [
    [...A.customerId],
    'InvoiceNumber',
    'SubscriptionId',
    'ChargeStartDate',
    'ChargeEndDate',
    'UsageDate',
    'MeterId',
    'ChargeType',
    'UnitPrice',
    'Quantity',
    'BillingPreTaxTotal',
    'BillingCurrency',
    'EffectiveUnitPrice',
    [...A.rate],
  ],
  [
    'PartnerId',
    'PartnerName',
    [...A.customerName],
    [...A.domain],
    'CustomerCountry',
    [...A.mpn],
    [...A.reseller],
    'ProductId',
    'SkuId',
    'AvailabilityId',
    'SkuName',
    'ProductName',
    'PublisherName',
    'PublisherId',
    'SubscriptionDescription',
    'MeterType',
    'MeterCategory',
    'MeterSubCategory',
    'MeterName',
    'MeterRegion',
    ['Unit', 'UnitOfMeasure'],
    'ResourceLocation',
    'ConsumedService',
    'ResourceGroup',
    ['ResourceURI', 'ResourceUri'],
    'UnitType',
    'PricingPreTaxTotal',
    'PricingCurrency',
    'ServiceInfo1',
    'ServiceInfo2',
    'Tags',
    'AdditionalInfo',
    'PCToBCExchangeRateDate',
    'EntitlementId',
    'EntitlementDescription',
    ['PartnerEarnedCreditPercentage', 'RateOfPartnerEarnedCredit', 'PECPercentage'],
    ['CreditPercentage', 'RateOfCredit'],
    'CreditType',
    'BenefitOrderId',
    'BenefitId',
    'BenefitType',
  ],
  ['InvoiceLineItemType', 'BillingProvider'],
);

/** license-based-recon-files.md: legacy license-based recon, 28 columns (no InvoiceNumber in the doc). */
const LEGACY_LICENSE = define(
  [
    [...A.customerId],
    'OrderId',
    'SubscriptionId',
    'SyndicationPartnerSubscriptionNumber',
    'DurableOfferId',
    'ChargeStartDate',
    'ChargeEndDate',
    'ChargeType',
    'UnitPrice',
    'Quantity',
    'Amount',
    'Subtotal',
    ['Tax', 'TaxAmount', 'TaxTotal'],
    ['TotalForCustomer', 'Total'],
    'Currency',
  ],
  [
    'PartnerId',
    [...A.customerName],
    [...A.mpn],
    [...A.reseller],
    'OfferId',
    'OfferName',
    'SubscriptionStartDate',
    'SubscriptionEndDate',
    'TotalOtherDiscount',
    [...A.legacyDomain],
    'SubscriptionName',
    'SubscriptionDescription',
    'BillingCycleType',
  ],
  ['InvoiceNumber', 'InvoiceLineItemType', 'BillingProvider'],
);

/** usage-based-recon-files.md: legacy usage-based recon, 42 columns. */
const LEGACY_USAGE = define(
  [
    [...A.customerId],
    'InvoiceNumber',
    'SubscriptionId',
    'ChargeStartDate',
    'ChargeEndDate',
    'ResourceGuid',
    'ConsumedQuantity',
    'OverageQuantity',
    'ListPrice',
    'PretaxCharges',
    ['TaxAmount', 'Tax'],
    ['PostTaxTotal', 'Total', 'TotalForCustomer'],
    'Currency',
    'ChargeType',
  ],
  [
    'PartnerId',
    'PartnerName',
    'PartnerBillableAccountId',
    ['CustomerCompanyName', 'CustomerName'],
    [...A.mpn],
    [...A.reseller],
    'SubscriptionName',
    'SubscriptionDescription',
    'OrderId',
    'ServiceName',
    'ServiceType',
    'ResourceName',
    'Region',
    'Sku',
    'DetailLineItemId',
    'IncludedQuantity',
    'PretaxEffectiveRate',
    'PostTaxEffectiveRate',
    [...A.legacyDomain],
    'BillingCycleType',
    ['Unit', 'UnitOfMeasure'],
    'CustomerBillableAccount',
    'UsageDate',
    'MeteredRegion',
    'MeteredService',
    'MeteredServiceType',
    'Project',
    'ServiceInfo',
  ],
  ['InvoiceLineItemType', 'BillingProvider'],
);

export const FORMAT_COLUMNS: Readonly<Record<ReconFormat, readonly ColumnDef[]>> = {
  nce_invoice: NCE_INVOICE,
  nce_daily_usage: NCE_DAILY_USAGE,
  legacy_license: LEGACY_LICENSE,
  legacy_usage: LEGACY_USAGE,
};

export function canonicalColumns(format: ReconFormat): string[] {
  return FORMAT_COLUMNS[format].map((c) => c.name);
}

export function requiredColumns(format: ReconFormat): string[] {
  return FORMAT_COLUMNS[format].filter((c) => c.required).map((c) => c.name);
}

const aliasTables = new Map<ReconFormat, Map<string, string>>();

/** headerKey(alias or canonical name) → canonical name, for one format. */
export function aliasTable(format: ReconFormat): ReadonlyMap<string, string> {
  let table = aliasTables.get(format);
  if (!table) {
    table = new Map();
    for (const col of FORMAT_COLUMNS[format]) {
      for (const spelling of [col.name, ...col.aliases]) {
        const key = headerKey(spelling);
        const prev = table.get(key);
        if (prev !== undefined && prev !== col.name) {
          throw new Error(`alias ${spelling} is ambiguous in ${format}: ${prev} / ${col.name}`);
        }
        table.set(key, col.name);
      }
    }
    aliasTables.set(format, table);
  }
  return table;
}

/** The canonical column a header names in `format`, or undefined. */
export function resolveHeader(format: ReconFormat, header: string): string | undefined {
  return aliasTable(format).get(headerKey(header));
}
