import type { Deps } from '../deps.js';
import { systemActor } from '../db/tx.js';
import { webhookUrl } from '../modules/providers/accounts.routes.js';
import { findAccount } from '../modules/providers/accounts.repo.js';
import type { Cloud } from '../modules/providers/connector.js';
import { createAccount, updateAccount } from '../modules/providers/manage-accounts.js';
import { createPartnerCenterConnector } from '../modules/providers/partner-center/client.js';
import { startSimulator, type Simulator } from '../modules/providers/simulator/server.js';

/**
 * Demo mode: the Partner Center simulator runs in-process, one demo provider account per cloud
 * points at it (created once, re-pointed at each start since the port changes), webhooks are
 * registered, and a first sync fills customers and subscriptions. The simulator's state lives in
 * memory: changes made there (suspensions) are gone after a restart, which the desk then shows as
 * drift.
 */
export const WEBHOOK_EVENTS = ['subscription-updated', 'invoice-ready', 'azure-fraud-event-detected', 'usagerecords-thresholdExceeded', 'test-created'];

const NAMES: Record<Cloud, string> = {
  global: 'Microsoft (global cloud)',
  usgov: 'Microsoft (US Government)',
  germany: 'Microsoft (Germany)',
  china: '21Vianet (China)',
};

export interface DemoProvider {
  simulator: Simulator;
  accountIds: string[];
}

export async function startDemoProvider(deps: Deps): Promise<DemoProvider> {
  const simulator = await startSimulator({ port: 0, seed: 'demo', clock: deps.clock, log: deps.log.child({ part: 'simulator' }) });
  const accountIds: string[] = [];
  try {
    for (const p of simulator.partners()) {
      const existing = await deps.db
        .selectFrom('provider_accounts')
        .select('id')
        .where('cloud', '=', p.cloud)
        .where('partner_tenant_id', '=', p.tenantId)
        .executeTakeFirst();
      let id: string;
      if (!existing) {
        id = (
          await createAccount(deps, systemActor, {
            name: NAMES[p.cloud],
            cloud: p.cloud,
            partnerTenantId: p.tenantId,
            appId: p.appId,
            secret: p.secret,
            apiBaseUrl: simulator.url,
            tokenAuthority: simulator.url,
            supportEntitlements: p.cloud === 'global' ? [{ type: 'advanced', contractId: 'ASP-DEMO-0001' }] : [],
            demo: true,
          })
        ).id;
      } else {
        id = existing.id;
        const a = (await findAccount(deps.db, id))!;
        if (!a.demo) continue; // a real account for the same tenant: leave it alone
        if (a.apiBaseUrl !== simulator.url) await updateAccount(deps, systemActor, id, { apiBaseUrl: simulator.url, tokenAuthority: simulator.url, secret: p.secret });
      }
      accountIds.push(id);
      const account = (await findAccount(deps.db, id))!;
      const connector = createPartnerCenterConnector(
        { apiBaseUrl: simulator.url, tokenAuthority: simulator.url, scope: account.scope, partnerTenantId: p.tenantId, appId: p.appId, secret: p.secret },
        { clock: deps.clock },
      );
      await connector.registerWebhooks(webhookUrl(deps, id, deps.secrets.decrypt(account.webhookSecretEnc!)), WEBHOOK_EVENTS);
    }
  } catch (e) {
    await simulator.close();
    throw e;
  }
  return { simulator, accountIds };
}
