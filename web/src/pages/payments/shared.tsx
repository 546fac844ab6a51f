import { Icon } from '../../components/icons';
import { decimalInput, formatMoney, isNegative, isZero } from '../../components/money';
import { formatDay, localToday } from '../../components/payables';
import { Badge, cx } from '../../components/ui';
import { useI18n, type Formatter } from '../../i18n';
import { useRef, useState } from 'react';
import { newIdempotencyKey, type BankStatus, type Payment } from './api';
import './payments.css';

// Pieces the payment, bank and receivables pages share: amounts as money, the status badges, the
// method in words. Amounts are exact decimal strings ("1250.00"), never JS numbers.

/** An exact decimal amount ("1250.00") as money in the user's language (for messages). */
export function formatAmount(fmt: Pick<Formatter, 'locale'>, amount: string | null | undefined, currency: string): string {
  return formatMoney(fmt.locale, amount ?? '0', currency);
}

/** An exact decimal amount as money. */
export function Amount({ amount, currency, className }: { amount: string | null | undefined; currency: string; className?: string }) {
  const fmt = useI18n();
  return <span className={cx('money', className)}>{formatAmount(fmt, amount, currency)}</span>;
}

/** Whether an exact decimal amount is above zero. */
export const isPositive = (amount: string | null | undefined) => Boolean(amount) && !isZero(amount!) && !isNegative(amount!);

/**
 * What a person typed as an amount, as the API's decimal string, or undefined. Like decimalInput,
 * and also with thousands grouped by the other mark ("1.000,50" and "1,000.50" → "1000.50").
 */
export function amountInput(text: string): string | undefined {
  const s = text.trim();
  const dot = s.lastIndexOf('.');
  const comma = s.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) {
    const [group, dec] = dot > comma ? [',', '.'] : ['.', ','];
    const [int = '', frac] = s.split(dec);
    if (s.split(dec).length !== 2 || !/^-?\d{1,3}([.,\s\u00a0\u202f']\d{3})*$/.test(int) || int.includes(dec)) return undefined;
    return decimalInput(`${int.split(group).join('')}.${frac}`);
  }
  return decimalInput(s);
}

export function methodText(fmt: Formatter, method: string): string {
  return fmt.has(`web.payments.methods.${method}`) ? fmt.t(`web.payments.methods.${method}`) : method;
}

export function PaymentStatusBadge({ payment }: { payment: Pick<Payment, 'status' | 'flagged'> }) {
  const { t } = useI18n();
  if (payment.status === 'reversed')
    return (
      <Badge tone="danger">
        <Icon name="flag" size={12} />
        {t('web.payments.status.reversed')}
      </Badge>
    );
  return (
    <span className="status-cell">
      <Badge tone="success">
        <span className="badge-dot" aria-hidden="true" />
        {t('web.payments.status.posted')}
      </Badge>
      {payment.flagged && (
        <Badge tone="warning">
          <Icon name="flag" size={12} />
          {t('web.payments.flagged')}
        </Badge>
      )}
    </span>
  );
}

const BANK_TONES: Record<BankStatus, 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent'> = {
  matched: 'success',
  confirmed: 'success',
  suggested: 'warning',
  unmatched: 'info',
  ignored: 'neutral',
  error: 'danger',
};

export function BankStatusBadge({ status }: { status: BankStatus }) {
  const fmt = useI18n();
  const key = `web.bank.status.${status}`;
  return (
    <Badge tone={BANK_TONES[status] ?? 'neutral'}>
      <span className="badge-dot" aria-hidden="true" />
      {fmt.has(key) ? fmt.t(key) : status}
    </Badge>
  );
}

export { formatDay, localToday };

/** Days between two calendar days (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b.slice(0, 10)}T00:00:00Z`) - Date.parse(`${a.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
}

/** The first day of the month of a calendar day ("2026-03-17" → "2026-03-01"). */
export const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

/** A calendar day moved by whole days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day.slice(0, 10)}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** A submission that runs once at a time: busy state, error, and a guard against a second click (each submission has its own Idempotency-Key). */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const pending = useRef(false);
  async function run(work: (key: string) => Promise<void>) {
    if (pending.current) return;
    pending.current = true;
    setBusy(true);
    setError(null);
    try {
      await work(newIdempotencyKey());
    } catch (e) {
      setError(e);
    } finally {
      pending.current = false;
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
