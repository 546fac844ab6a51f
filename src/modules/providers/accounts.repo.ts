import type { Executor } from '../../db/store.js';
import type { SupportEntitlement } from '../../db/types.js';
import type { Cloud } from './connector.js';

/** A provider account as the desk sees it: credentials stay encrypted, the secret never leaves. */
export interface ProviderAccount {
  id: string;
  name: string;
  cloud: Cloud;
  apiBaseUrl: string;
  tokenAuthority: string;
  scope: string;
  payee: 'microsoft' | '21vianet';
  currency: string;
  partnerTenantId: string;
  appId: string;
  hasSecret: boolean;
  certificateRef: string | null;
  supportEntitlements: SupportEntitlement[];
  demo: boolean;
  status: 'active' | 'disabled';
  lastSyncAt: Date | null;
  lastSyncStatus: string | null;
  /** provider payment terms: due date = invoice date + these days */
  paymentTermsDays: number;
  /** finance users are reminded this many days before a provider invoice is due */
  payableReminderDays: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProviderAccountSecrets {
  secretEnc: string | null;
  webhookSecretEnc: string | null;
}

type Row = Awaited<ReturnType<typeof selectAll>>[number];
const selectAll = (db: Executor) => db.selectFrom('provider_accounts').selectAll().execute();

export function toAccount(r: Row): ProviderAccount {
  return {
    id: r.id,
    name: r.name,
    cloud: r.cloud,
    apiBaseUrl: r.api_base_url,
    tokenAuthority: r.token_authority,
    scope: r.scope,
    payee: r.payee,
    currency: r.currency,
    partnerTenantId: r.partner_tenant_id,
    appId: r.app_id,
    hasSecret: r.secret_enc !== null,
    certificateRef: r.certificate_ref,
    supportEntitlements: r.support_entitlements,
    demo: r.demo,
    status: r.status,
    lastSyncAt: r.last_sync_at,
    lastSyncStatus: r.last_sync_status,
    paymentTermsDays: r.payment_terms_days,
    payableReminderDays: r.payable_reminder_days,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function listAccounts(db: Executor): Promise<ProviderAccount[]> {
  const rows = await db.selectFrom('provider_accounts').selectAll().orderBy('name').execute();
  return rows.map(toAccount);
}

export async function findAccount(db: Executor, id: string): Promise<(ProviderAccount & ProviderAccountSecrets) | undefined> {
  const r = await db.selectFrom('provider_accounts').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? { ...toAccount(r), secretEnc: r.secret_enc, webhookSecretEnc: r.webhook_secret_enc } : undefined;
}

/** Drop the encrypted secrets before anything leaves the module. */
export function toPublic(a: ProviderAccount & Partial<ProviderAccountSecrets>): ProviderAccount {
  const { secretEnc: _s, webhookSecretEnc: _w, ...rest } = a;
  return rest;
}

/** The audit view: what changed, never a secret. */
export function accountAuditView(a: ProviderAccount): Record<string, unknown> {
  return {
    name: a.name,
    cloud: a.cloud,
    apiBaseUrl: a.apiBaseUrl,
    tokenAuthority: a.tokenAuthority,
    payee: a.payee,
    currency: a.currency,
    partnerTenantId: a.partnerTenantId,
    appId: a.appId,
    hasSecret: a.hasSecret,
    certificateRef: a.certificateRef,
    supportEntitlements: a.supportEntitlements,
    paymentTermsDays: a.paymentTermsDays,
    payableReminderDays: a.payableReminderDays,
    status: a.status,
  };
}
