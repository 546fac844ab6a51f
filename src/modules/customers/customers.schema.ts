import { z } from 'zod';
import { isCurrency } from '../../core/currencies.js';
import { LOCALES } from '../../core/i18n.js';
import { DateTime, Paging } from '../../http/schemas.js';
import { CLOUDS } from '../providers/connector.js';
import { SUSPEND_REASONS } from './subscription-status.js';

export const TaxSettingsSchema = z.strictObject({
  mode: z.enum(['standard', 'reverse_charge', 'zero_rated', 'exempt']),
  vatId: z.string().trim().max(40).nullable().optional(),
  rate: z
    .string()
    .regex(/^\d{1,2}(\.\d{1,4})?$/)
    .nullable()
    .optional()
    .describe('percent as a decimal string; absent: the country rate'),
});

export const CustomerOut = z.object({
  id: z.string(),
  providerAccountId: z.string(),
  cloud: z.string(),
  tenantId: z.string(),
  domain: z.string().nullable(),
  companyName: z.string(),
  country: z.string().nullable(),
  relationship: z.string(),
  resellerPartnerId: z.string().nullable(),
  billingEmail: z.string().nullable(),
  billingCulture: z.string().nullable(),
  billingLanguage: z.string().nullable(),
  locale: z.enum(LOCALES),
  localeOverride: z.enum(LOCALES).nullable(),
  billingCurrency: z.string(),
  paymentTermsDays: z.number().int(),
  paymentReference: z.string().nullable(),
  segment: z.string(),
  taxSettings: z.object({ mode: z.string(), vatId: z.string().nullable().optional(), rate: z.string().nullable().optional() }),
  status: z.enum(['active', 'removed_upstream']),
  fraudReviewAt: DateTime.nullable(),
  fraudReviewNote: z.string().nullable(),
  syncedAt: DateTime.nullable(),
  removedUpstreamAt: DateTime.nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
  subscriptionCount: z.number().int().optional(),
});

export const CustomerQueryIn = Paging.extend({
  q: z.string().trim().max(100).optional(),
  cloud: z.enum(CLOUDS).optional(),
  status: z.enum(['active', 'removed_upstream']).optional(),
  segment: z.string().trim().max(40).optional(),
  providerAccountId: z.string().max(64).optional(),
  fraudReview: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const UpdateCustomerIn = z.strictObject({
  localeOverride: z.enum(LOCALES).nullable().optional(),
  billingCurrency: z.string().regex(/^[A-Z]{3}$/).refine(isCurrency, 'ISO 4217 code').optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional(),
  /** what the customer quotes when paying (letters, digits, dashes); null removes it */
  paymentReference: z.string().trim().toUpperCase().regex(/^[A-Z0-9][A-Z0-9-]{2,34}$/).nullable().optional(),
  segment: z.string().trim().min(1).max(40).regex(/^[a-z0-9_-]+$/).optional(),
  taxSettings: TaxSettingsSchema.optional(),
});

export const FraudReviewIn = z.strictObject({ note: z.string().trim().min(1).max(500).nullable() });

export const SubscriptionOut = z.object({
  id: z.string(),
  customerId: z.string(),
  customerName: z.string().optional(),
  providerSubscriptionId: z.string(),
  offerId: z.string(),
  offerName: z.string().nullable(),
  productId: z.string().nullable(),
  skuId: z.string().nullable(),
  friendlyName: z.string().nullable(),
  quantity: z.number().int(),
  unitType: z.string().nullable(),
  billingType: z.string(),
  billingCycle: z.string().nullable(),
  termDuration: z.string().nullable(),
  commerce: z.enum(['legacy', 'nce']),
  status: z.string(),
  autoRenew: z.boolean(),
  creationDate: DateTime.nullable(),
  effectiveStartDate: DateTime.nullable(),
  commitmentEndDate: DateTime.nullable(),
  parentProviderSubscriptionId: z.string().nullable(),
  suspensionReasons: z.array(z.string()),
  expectedStatus: z.string().nullable(),
  billedWhileSuspended: z.boolean(),
  autoRenewBeforeSuspend: z.boolean().nullable(),
  syncedAt: DateTime.nullable(),
  removedUpstreamAt: DateTime.nullable(),
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const SubscriptionQueryIn = Paging.extend({
  customerId: z.string().max(64).optional(),
  status: z.string().max(40).optional(),
  commerce: z.enum(['legacy', 'nce']).optional(),
  billingType: z.string().max(40).optional(),
  includeRemoved: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const OperationOut = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  customerId: z.string(),
  action: z.enum(['suspend', 'reactivate']),
  reason: z.string(),
  state: z.enum(['requested', 'confirmed', 'retrying', 'failed']),
  requestId: z.string(),
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  providerCode: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  errorMessage: z.string().nullable(),
  explanation: z.string().nullable().optional().describe('the error explained in the caller’s language'),
  requestedBy: z.string(),
  requestedAt: DateTime,
  completedAt: DateTime.nullable(),
});

export const SuspendIn = z.strictObject({ reason: z.enum(SUSPEND_REASONS) });
export const ReactivateIn = z.strictObject({ reason: z.string().trim().min(1).max(200).default('paid') });
