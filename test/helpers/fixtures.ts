import { newId } from '../../src/core/ids.js';
import { cliActor } from '../../src/db/tx.js';
import type { Deps } from '../../src/deps.js';
import type { ProviderAccount } from '../../src/modules/providers/accounts.repo.js';
import type { Cloud } from '../../src/modules/providers/connector.js';
import { createAccount } from '../../src/modules/providers/manage-accounts.js';

let n = 0;

/** A provider account row (pointing nowhere unless `apiBaseUrl` is given). */
export async function makeAccount(deps: Deps, opts: { cloud?: Cloud; apiBaseUrl?: string; tenantId?: string; appId?: string; secret?: string } = {}): Promise<ProviderAccount> {
  n++;
  return createAccount(deps, cliActor('test'), {
    name: `Account ${n}`,
    cloud: opts.cloud ?? 'global',
    partnerTenantId: opts.tenantId ?? `partner-tenant-${n}-${Date.now()}`,
    appId: opts.appId ?? 'app',
    secret: opts.secret ?? 'secret',
    ...(opts.apiBaseUrl && { apiBaseUrl: opts.apiBaseUrl, tokenAuthority: opts.apiBaseUrl }),
    supportEntitlements: [],
  });
}

/** A customer row inserted directly (fixtures for tests that are not about sync). */
export async function makeCustomer(deps: Deps, opts: { accountId?: string; companyName?: string } = {}): Promise<string> {
  const accountId = opts.accountId ?? (await makeAccount(deps)).id;
  const id = newId('cus');
  const now = deps.clock.now();
  await deps.db
    .insertInto('customers')
    .values({ id, provider_account_id: accountId, tenant_id: newId('t'), company_name: opts.companyName ?? `Customer ${++n}`, billing_currency: 'USD', created_at: now, updated_at: now })
    .execute();
  return id;
}

/** A subscription row inserted directly. */
export async function makeSubscription(
  deps: Deps,
  customerId: string,
  opts: { providerId?: string; status?: string; commerce?: 'legacy' | 'nce'; autoRenew?: boolean } = {},
): Promise<string> {
  const id = newId('sub');
  const now = deps.clock.now();
  await deps.db
    .insertInto('subscriptions')
    .values({
      id,
      customer_id: customerId,
      provider_subscription_id: opts.providerId ?? newId('ps'),
      offer_id: 'CFQ7TTC0LH18:0001:CFQ7TTC0K59S',
      offer_name: 'Microsoft 365 E3',
      billing_type: 'license',
      commerce: opts.commerce ?? 'nce',
      status: opts.status ?? 'active',
      auto_renew: opts.autoRenew ?? true,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}
