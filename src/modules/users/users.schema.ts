import { z } from 'zod';
import { DateTime } from '../../http/schemas.js';
import { LOCALES } from '../../core/i18n.js';
import { MIN_PASSWORD_LENGTH } from './passwords.js';
import { STAFF_ROLES } from './users.repo.js';

export const Email = z.string().trim().max(254).regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: 'email' });
export const Password = z.string().min(MIN_PASSWORD_LENGTH).max(200);
export const LocaleSchema = z.enum(LOCALES);
export const RoleSchema = z.enum(STAFF_ROLES as [string, ...string[]]).transform((v) => v as (typeof STAFF_ROLES)[number]);
export const TimeZone = z
  .string()
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'time_zone');

export const UserOut = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  kind: z.enum(['staff', 'customer']),
  role: z.enum(['admin', 'billing', 'support', 'viewer']).nullable(),
  customerId: z.string().nullable(),
  locale: LocaleSchema,
  timeZone: z.string(),
  status: z.enum(['active', 'disabled']),
  createdAt: DateTime,
  updatedAt: DateTime,
  lastLoginAt: DateTime.nullable(),
});

export const CreateUserIn = z.strictObject({
  email: Email,
  name: z.string().trim().max(200).default(''),
  role: z.enum(['admin', 'billing', 'support', 'viewer']).optional(),
  customerId: z.string().trim().min(1).max(64).optional(),
  locale: LocaleSchema.default('en'),
  timeZone: TimeZone.default('UTC'),
  password: Password,
});
export type CreateUserInput = z.input<typeof CreateUserIn>;

export const UpdateUserIn = z.strictObject({
  name: z.string().trim().max(200).optional(),
  role: z.enum(['admin', 'billing', 'support', 'viewer']).optional(),
  status: z.enum(['active', 'disabled']).optional(),
  locale: LocaleSchema.optional(),
  timeZone: TimeZone.optional(),
});

export const UpdateMeIn = z.strictObject({
  name: z.string().trim().max(200).optional(),
  locale: LocaleSchema.optional(),
  timeZone: TimeZone.optional(),
});

export const ChangePasswordIn = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: Password,
});

export const SetPasswordIn = z.strictObject({ password: Password });

export const LoginIn = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(200),
});

export const TokenCreateIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const TokenOut = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: DateTime,
  expiresAt: DateTime.nullable(),
  lastUsedAt: DateTime.nullable(),
  revokedAt: DateTime.nullable(),
});
