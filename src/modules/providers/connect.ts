import { AppError } from '../../core/errors.js';
import type { Deps } from '../../deps.js';
import type { ProviderAccount, ProviderAccountSecrets } from './accounts.repo.js';
import type { ProviderConnector } from './connector.js';
import { createPartnerCenterConnector } from './partner-center/client.js';

/** The connector for one provider account, with its secret decrypted just for this client. */
export function connectorForAccount(deps: Pick<Deps, 'secrets' | 'clock' | 'log'>, account: ProviderAccount & ProviderAccountSecrets): ProviderConnector {
  if (!account.secretEnc) throw new AppError('conflict', 'providers.no_secret', { account: account.name });
  return createPartnerCenterConnector(
    {
      apiBaseUrl: account.apiBaseUrl,
      tokenAuthority: account.tokenAuthority,
      scope: account.scope,
      partnerTenantId: account.partnerTenantId,
      appId: account.appId,
      secret: deps.secrets.decrypt(account.secretEnc),
    },
    { clock: deps.clock, log: deps.log },
  );
}
