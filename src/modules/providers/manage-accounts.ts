import { AppError, notFound } from '../../core/errors.js';
import { newId, randomSecret } from '../../core/ids.js';
import type { SecretBox } from '../../core/secrets.js';
import { runUseCase, type Actor, type UseCaseDeps } from '../../db/tx.js';
import type { SupportEntitlement } from '../../db/types.js';
import { accountAuditView, findAccount, toAccount, type ProviderAccount } from './accounts.repo.js';
import type { CreateAccountInput, UpdateAccountInput } from './accounts.schema.js';
import { CLOUD_DEFAULTS, type Cloud } from './connector.js';

export interface AccountDeps extends UseCaseDeps {
  secrets: SecretBox;
}

const DEFAULT_CURRENCY: Record<Cloud, string> = { global: 'USD', usgov: 'USD', germany: 'EUR', china: 'CNY' };

/** Commercial support is every partner's entitlement; technical ones come on top. */
function withCommercial(list: SupportEntitlement[]): SupportEntitlement[] {
  const rest = list.filter((e) => e.type !== 'commercial');
  return [{ type: 'commercial', contractId: null }, ...rest.map((e) => ({ type: e.type, contractId: e.contractId ?? null }))];
}

export async function createAccount(deps: AccountDeps, actor: Actor, input: CreateAccountInput & { demo?: boolean }): Promise<ProviderAccount> {
  const d = CLOUD_DEFAULTS[input.cloud];
  const secretEnc = input.secret ? deps.secrets.encrypt(input.secret) : null;
  const webhookSecretEnc = deps.secrets.encrypt(randomSecret(24));
  return runUseCase(deps, actor, async (ctx) => {
    const dup = await ctx.trx
      .selectFrom('provider_accounts')
      .select('id')
      .where('cloud', '=', input.cloud)
      .where('partner_tenant_id', '=', input.partnerTenantId)
      .executeTakeFirst();
    if (dup) throw new AppError('conflict', 'providers.account_exists', { cloud: input.cloud, tenant: input.partnerTenantId }, { field: '/partnerTenantId' });
    const row = await ctx.trx
      .insertInto('provider_accounts')
      .values({
        id: newId('pra'),
        name: input.name,
        cloud: input.cloud,
        api_base_url: input.apiBaseUrl ?? d.apiBaseUrl,
        token_authority: input.tokenAuthority ?? d.tokenAuthority,
        scope: input.scope ?? d.scope,
        payee: d.payee,
        currency: input.currency ?? DEFAULT_CURRENCY[input.cloud],
        partner_tenant_id: input.partnerTenantId,
        app_id: input.appId,
        secret_enc: secretEnc,
        certificate_ref: input.certificateRef ?? null,
        webhook_secret_enc: webhookSecretEnc,
        support_entitlements: JSON.stringify(withCommercial(input.supportEntitlements)),
        demo: input.demo ?? false,
        ...(input.paymentTermsDays !== undefined && { payment_terms_days: input.paymentTermsDays }),
        ...(input.payableReminderDays !== undefined && { payable_reminder_days: input.payableReminderDays }),
        created_at: ctx.now,
        updated_at: ctx.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const account = toAccount(row);
    await ctx.audit({ action: 'provider_account.create', entityType: 'provider_account', entityId: account.id, after: accountAuditView(account) });
    return account;
  });
}

export async function updateAccount(deps: AccountDeps, actor: Actor, id: string, input: UpdateAccountInput): Promise<ProviderAccount> {
  const secretEnc = input.secret ? deps.secrets.encrypt(input.secret) : undefined;
  return runUseCase(deps, actor, async (ctx) => {
    const before = await findAccount(ctx.trx, id);
    if (!before) throw notFound('provider_account', id);
    const row = await ctx.trx
      .updateTable('provider_accounts')
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.currency !== undefined && { currency: input.currency }),
        ...(input.appId !== undefined && { app_id: input.appId }),
        ...(secretEnc !== undefined && { secret_enc: secretEnc }),
        ...(input.certificateRef !== undefined && { certificate_ref: input.certificateRef }),
        ...(input.apiBaseUrl !== undefined && { api_base_url: input.apiBaseUrl }),
        ...(input.tokenAuthority !== undefined && { token_authority: input.tokenAuthority }),
        ...(input.scope !== undefined && { scope: input.scope }),
        ...(input.supportEntitlements !== undefined && { support_entitlements: JSON.stringify(withCommercial(input.supportEntitlements)) }),
        ...(input.status !== undefined && { status: input.status }),
        ...(input.paymentTermsDays !== undefined && { payment_terms_days: input.paymentTermsDays }),
        ...(input.payableReminderDays !== undefined && { payable_reminder_days: input.payableReminderDays }),
        updated_at: ctx.now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = toAccount(row);
    await ctx.audit({
      action: 'provider_account.update',
      entityType: 'provider_account',
      entityId: id,
      before: accountAuditView(before),
      after: { ...accountAuditView(after), ...(secretEnc && { secretChanged: true }) },
    });
    return after;
  });
}
