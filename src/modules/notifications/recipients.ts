import type { Config } from '../../core/config.js';
import type { Locale } from '../../core/i18n.js';
import type { Executor } from '../../db/store.js';
import { listFinanceUsers } from '../users/users.repo.js';

export interface Recipient {
  email: string;
  locale: Locale;
}

/**
 * Who hears about money the partner owes: active staff users with role admin or billing (in their
 * own language), then the addresses in PARTNERDESK_FINANCE_EMAILS (in PARTNERDESK_MAIL_LOCALE),
 * without repeats (addresses compare case-insensitively; a user's own language wins). Pass the
 * use case's transaction when called inside one.
 */
export async function financeRecipients(db: Executor, config: Pick<Config, 'financeEmails' | 'mailLocale'>): Promise<Recipient[]> {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  const add = (email: string, locale: Locale) => {
    const k = email.toLowerCase();
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ email, locale });
  };
  for (const u of await listFinanceUsers(db)) add(u.email, u.locale);
  for (const e of config.financeEmails) add(e, config.mailLocale);
  return out;
}
