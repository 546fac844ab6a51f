import { mulScaled, rescale, type Scaled } from '../../../core/money.js';
import type { CanonicalLine } from './normalize.js';
import { currencyExponent } from '../../../core/currencies.js';

/**
 * Microsoft's subtotal formulas for new commerce (modern-invoice-reconciliation-file.md,
 * column "Subtotal"), exact, with the rounding named: Excel ROUNDDOWN = 'down' (toward zero).
 *
 *   usage-based:   ROUNDDOWN(ROUNDDOWN(EffectiveUnitPrice × BillableQuantity, 2) × PCToBCExchangeRate, 2)
 *   license-based: ROUNDDOWN(EffectiveUnitPrice × PCToBCExchangeRate, 2) × BillableQuantity
 *
 * Generalised from "2": the inner product of the usage formula is in the pricing currency and is
 * cut to the pricing currency's exponent; everything in the billing currency is cut to the
 * billing currency's exponent (JPY 0, EUR 2, KWD 3). Results are bigint minor units of the
 * billing currency. No JS number touches an amount.
 */
export interface Exponents {
  /** ISO 4217 exponent of the billing currency (the result's minor unit). */
  billing: number;
  /** ISO 4217 exponent of the pricing currency; defaults to `billing`. */
  pricing?: number;
}

export const ONE: Scaled = { value: 1n, scale: 0 };

export function usageSubtotal(effectiveUnitPrice: Scaled, billableQuantity: Scaled, rate: Scaled, exp: Exponents): bigint {
  const pricing = rescale(mulScaled(effectiveUnitPrice, billableQuantity), exp.pricing ?? exp.billing, 'down');
  return rescale(mulScaled(pricing, rate), exp.billing, 'down').value;
}

/**
 * License-based. The doc multiplies the rounded unit price by the quantity without a final
 * rounding; seat counts are whole, so the product is already in minor units. A fractional
 * quantity would leave extra digits: they are cut with ROUNDDOWN too.
 */
export function licenseSubtotal(effectiveUnitPrice: Scaled, billableQuantity: Scaled, rate: Scaled, exp: Exponents): bigint {
  const unit = rescale(mulScaled(effectiveUnitPrice, rate), exp.billing, 'down');
  return rescale(mulScaled(unit, billableQuantity), exp.billing, 'down').value;
}

export type FormulaName = 'nce_usage' | 'nce_license' | 'legacy_license_amount' | 'legacy_usage_pretax';

export type LineCheck =
  | {
      checked: true;
      formula: FormulaName;
      /** Subtotal recomputed from the line's prices and quantities, minor units. */
      expected: bigint;
      /** Subtotal stated in the file, minor units. */
      actual: bigint;
      /** actual − expected, minor units; 0n when the line agrees. */
      difference: bigint;
      /**
       * When the stated subtotal disagrees with the formula for the line's kind but equals the
       * other NCE formula, its name (the docs' own worked examples use the usage-style rounding
       * for seat changes: 9.408 × 12 = 112.89).
       */
      matchesAlternative?: FormulaName;
      /** Legacy license files: Subtotal − (Amount − TotalOtherDiscount); Total − (Subtotal + Tax). */
      totalDifference?: bigint;
    }
  | { checked: false; reason: string };

function exponentsOf(line: CanonicalLine): Exponents {
  const billing = currencyExponent(line.currency);
  const pricing = line.pricingCurrency ? currencyExponent(line.pricingCurrency) : billing;
  return { billing, pricing };
}

/** Recompute a line's subtotal with the formula that applies to its format and kind. */
export function checkLine(line: CanonicalLine): LineCheck {
  const exp = exponentsOf(line);
  const totalDifference =
    line.subtotal !== null && line.tax !== null && line.total !== null ? line.total - (line.subtotal + line.tax) : undefined;
  switch (line.format) {
    case 'nce_invoice': {
      if (line.subtotal === null || line.effectiveUnitPrice === null) return { checked: false, reason: 'no subtotal or effective unit price' };
      const rate = line.pcToBcExchangeRate ?? ONE;
      const usage = usageSubtotal(line.effectiveUnitPrice, line.billableQuantity, rate, exp);
      const license = licenseSubtotal(line.effectiveUnitPrice, line.billableQuantity, rate, exp);
      const [formula, expected, altName, alt]: [FormulaName, bigint, FormulaName, bigint] = line.isUsage
        ? ['nce_usage', usage, 'nce_license', license]
        : ['nce_license', license, 'nce_usage', usage];
      const difference = line.subtotal - expected;
      return {
        checked: true,
        formula,
        expected,
        actual: line.subtotal,
        difference,
        ...(difference !== 0n && alt === line.subtotal ? { matchesAlternative: altName } : {}),
        ...(totalDifference !== undefined ? { totalDifference } : {}),
      };
    }
    case 'legacy_license': {
      // license-based-recon-files.md: Amount − TotalOtherDiscount = Subtotal (13.32 − 2.32 = 11).
      if (line.subtotal === null || line.amount === null) return { checked: false, reason: 'no subtotal or amount' };
      const expected = line.amount - (line.totalOtherDiscount ?? 0n);
      return {
        checked: true,
        formula: 'legacy_license_amount',
        expected,
        actual: line.subtotal,
        difference: line.subtotal - expected,
        ...(totalDifference !== undefined ? { totalDifference } : {}),
      };
    }
    case 'legacy_usage': {
      // usage-based-recon-files.md: PretaxCharges = ListPrice × OverageQuantity, rounded to the nearest cent.
      if (line.subtotal === null || line.unitPrice === null) return { checked: false, reason: 'no pretax charges or list price' };
      const expected = rescale(mulScaled(line.unitPrice, line.billableQuantity), exp.billing, 'half_up').value;
      return {
        checked: true,
        formula: 'legacy_usage_pretax',
        expected,
        actual: line.subtotal,
        difference: line.subtotal - expected,
        ...(totalDifference !== undefined ? { totalDifference } : {}),
      };
    }
    case 'nce_daily_usage':
      return { checked: false, reason: 'daily rated usage carries unrounded pre-tax totals; the subtotal formula applies to the monthly invoice line' };
  }
}
