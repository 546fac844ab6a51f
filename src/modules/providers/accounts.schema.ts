import { z } from 'zod';
import { isCurrency } from '../../core/currencies.js';
import { DateTime } from '../../http/schemas.js';
import { CLOUDS } from './connector.js';

export const Entitlement = z.strictObject({
  type: z.enum(['commercial', 'premier', 'advanced', 'signature']),
  contractId: z.string().trim().max(64).nullable().optional(),
});

const Currency = z.string().regex(/^[A-Z]{3}$/).refine(isCurrency, 'ISO 4217 code');
const HttpUrl = z.url({ protocol: /^https?$/ }).max(300);

export const CreateAccountIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  cloud: z.enum(CLOUDS),
  currency: Currency.optional(),
  partnerTenantId: z.string().trim().min(1).max(64),
  appId: z.string().trim().min(1).max(64),
  secret: z.string().min(1).max(500).optional(),
  certificateRef: z.string().trim().max(300).optional(),
  apiBaseUrl: HttpUrl.optional(),
  tokenAuthority: HttpUrl.optional(),
  scope: z.string().trim().max(300).optional(),
  supportEntitlements: z.array(Entitlement).max(10).default([]),
  paymentTermsDays: z.number().int().min(0).max(365).optional(),
  payableReminderDays: z.number().int().min(0).max(90).optional(),
});
export type CreateAccountInput = z.output<typeof CreateAccountIn>;

export const UpdateAccountIn = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  currency: Currency.optional(),
  appId: z.string().trim().min(1).max(64).optional(),
  secret: z.string().min(1).max(500).optional(),
  certificateRef: z.string().trim().max(300).nullable().optional(),
  apiBaseUrl: HttpUrl.optional(),
  tokenAuthority: HttpUrl.optional(),
  scope: z.string().trim().max(300).optional(),
  supportEntitlements: z.array(Entitlement).max(10).optional(),
  paymentTermsDays: z.number().int().min(0).max(365).optional(),
  payableReminderDays: z.number().int().min(0).max(90).optional(),
  status: z.enum(['active', 'disabled']).optional(),
});
export type UpdateAccountInput = z.output<typeof UpdateAccountIn>;

export const AccountOut = z.object({
  id: z.string(),
  name: z.string(),
  cloud: z.enum(CLOUDS),
  apiBaseUrl: z.string(),
  tokenAuthority: z.string(),
  scope: z.string(),
  payee: z.enum(['microsoft', '21vianet']),
  currency: z.string(),
  partnerTenantId: z.string(),
  appId: z.string(),
  hasSecret: z.boolean(),
  certificateRef: z.string().nullable(),
  supportEntitlements: z.array(z.object({ type: z.string(), contractId: z.string().nullable().optional() })),
  demo: z.boolean(),
  status: z.enum(['active', 'disabled']),
  lastSyncAt: DateTime.nullable(),
  lastSyncStatus: z.string().nullable(),
  paymentTermsDays: z.number().int(),
  payableReminderDays: z.number().int(),
  createdAt: DateTime,
  updatedAt: DateTime,
});
