import { ApiError, type PayableStatus, type ProviderAccount, type ProviderInvoice } from '../api';
import { useI18n, type Formatter } from '../i18n';
import { CloudBadge, PAYEE_NAMES } from './commerce';
import { formatMoney } from './money';
import { Badge, cx } from './ui';
import './payables.css';

// Shared pieces of the provider-invoice pages and the dashboard card: the status badge, the due
// note, amounts, and dates that are calendar days (YYYY-MM-DD) rather than instants.

type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

const STATUS_TONES: Record<PayableStatus, Tone> = { open: 'info', scheduled: 'accent', paid: 'success', overdue: 'danger', credit: 'neutral' };

export function PayableStatusBadge({ status }: { status: PayableStatus }) {
  const { t } = useI18n();
  return (
    <Badge tone={STATUS_TONES[status] ?? 'neutral'}>
      <span className="badge-dot" aria-hidden="true" />
      {t(`web.payables.status.${status}`)}
    </Badge>
  );
}

/** A calendar day from the API ("2026-11-10") in the user's language; it is a date, not an instant, so no time zone shifts it. */
export function formatDay(fmt: Pick<Formatter, 'date'>, day: string | null | undefined): string {
  if (!day) return '';
  return fmt.date(`${day.slice(0, 10)}T00:00:00Z`, { timeZone: 'UTC' });
}

/** "3 days overdue", "Due in 5 days", "Due today", or '' when nothing is owed. */
export function dueText(fmt: Formatter, i: Pick<ProviderInvoice, 'status' | 'daysOverdue' | 'daysUntilDue'>): string {
  if (i.status === 'overdue') return fmt.t('web.payables.days_overdue', { count: i.daysOverdue });
  if (i.status === 'open' || i.status === 'scheduled') return i.daysUntilDue === 0 ? fmt.t('web.payables.due_today') : fmt.t('web.payables.due_in', { count: i.daysUntilDue });
  return '';
}

/** The status badge with how soon it falls due and the planned payment date under it. */
export function PayableState({ invoice: i }: { invoice: ProviderInvoice }) {
  const fmt = useI18n();
  const due = dueText(fmt, i);
  return (
    <span className="payable-state">
      <PayableStatusBadge status={i.status} />
      {due && <span className={cx('sub', i.status === 'overdue' && 'text-danger')}>{due}</span>}
      {i.status === 'scheduled' && i.scheduledFor && <span className="sub">{fmt.t('web.payables.scheduled_for', { date: formatDay(fmt, i.scheduledFor) })}</span>}
    </span>
  );
}

/** An exact amount in the user's language. */
export function Money({ amount, currency, className }: { amount: string; currency: string; className?: string }) {
  const { locale } = useI18n();
  return <span className={cx('money', className)}>{formatMoney(locale, amount, currency)}</span>;
}

/** The server's calendar day, read off an invoice: due date − days until due. */
export function serverToday(i: Pick<ProviderInvoice, 'dueDate' | 'daysUntilDue'>): string {
  const ms = Date.parse(`${i.dueDate}T00:00:00Z`) - i.daysUntilDue * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/** Today in the user's time zone (YYYY-MM-DD), when the server's day is not known. */
export function localToday(timeZone?: string): string {
  try {
    // en-CA formats a date as YYYY-MM-DD
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** A provider account as an option label: name · cloud. */
export function accountLabel(fmt: Pick<Formatter, 't'>, a: ProviderAccount): string {
  return `${a.name} · ${fmt.t(`web.clouds.${a.cloud}`)}`;
}

/** Name, cloud and payee of a provider account, in one line. */
/** The provider-account filter of the payables pages ("any account" or one). */
export function AccountFilter({ accounts, value, onChange }: { accounts: ProviderAccount[] | undefined; value: string; onChange: (id: string) => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  return (
    <label className="select-inline">
      <span className="sr-only">{t('web.provider_invoices.filter_account')}</span>
      <select aria-label={t('web.provider_invoices.filter_account')} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('web.provider_invoices.any_account')}</option>
        {(accounts ?? []).map((a) => (
          <option key={a.id} value={a.id}>
            {accountLabel(fmt, a)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function AccountLine({ account, name, payee }: { account?: ProviderAccount | undefined; name: string; payee: string }) {
  return (
    <>
      <span>{name}</span>
      <span className="account-meta">
        {account && <CloudBadge cloud={account.cloud} />}
        <span>{PAYEE_NAMES[payee] ?? payee}</span>
      </span>
    </>
  );
}

/**
 * A failed form submission split for display: messages per visible field (a problem that names
 * one field shows its localized title there), and whether anything is left for the form's alert.
 */
export function formProblem(error: unknown, visible: readonly string[]): { fields: Record<string, string>; rest: boolean } {
  if (!(error instanceof ApiError)) return { fields: {}, rest: Boolean(error) };
  const all = error.fieldErrors();
  const named = (error.problem.field ?? '').replace(/^\//, '');
  if (named && all[named] === '') all[named] = error.problem.title;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (visible.includes(k)) fields[k] = v;
  const unshown = Object.keys(all).filter((k) => !visible.includes(k));
  return { fields, rest: Object.keys(fields).length === 0 || unshown.length > 0 };
}
