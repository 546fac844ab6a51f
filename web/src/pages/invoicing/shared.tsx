import type { ReactNode } from 'react';
import { formatDay, Money } from '../../components/payables';
import { Badge, Button } from '../../components/ui';
import { useI18n, type Formatter } from '../../i18n';
import type { CurrencyTotal, Invoice, InvoiceStatus, RunState } from './api';
import './invoicing.css';

// Pieces the invoicing pages share: status badges, the hold reason in words, totals per currency.

type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

const RUN_TONES: Record<RunState, Tone> = { drafting: 'info', draft: 'warning', issuing: 'info', issued: 'success', cancelled: 'neutral' };
const STATUS_TONES: Record<InvoiceStatus, Tone> = { draft: 'warning', issued: 'success', void: 'neutral' };
const DELIVERY_TONES: Record<string, Tone> = { queued: 'info', sent: 'success', retrying: 'warning', bounced: 'danger', failed: 'danger', none: 'neutral' };

export function RunStateBadge({ state }: { state: RunState }) {
  const { t } = useI18n();
  return (
    <Badge tone={RUN_TONES[state] ?? 'neutral'}>
      <span className="badge-dot" aria-hidden="true" />
      {t(`web.invoicing.run_state.${state}`)}
    </Badge>
  );
}

export function InvoiceStatusBadge({ status }: { status: InvoiceStatus }) {
  const { t } = useI18n();
  return (
    <Badge tone={STATUS_TONES[status] ?? 'neutral'}>
      <span className="badge-dot" aria-hidden="true" />
      {t(`web.invoicing.status.${status}`)}
    </Badge>
  );
}

/** A delivery status (queued, sent, retrying, bounced, failed) in words; unknown ones verbatim. */
export function deliveryText(fmt: Formatter, status: string): string {
  return fmt.has(`web.invoicing.delivery.status.${status}`) ? fmt.t(`web.invoicing.delivery.status.${status}`) : status;
}

export function DeliveryBadge({ status }: { status: string }) {
  const fmt = useI18n();
  return <Badge tone={DELIVERY_TONES[status] ?? 'neutral'}>{deliveryText(fmt, status)}</Badge>;
}

/**
 * Why a draft is held, in the user's language: the desk's reason from the catalog (errors.invoicing.hold.*,
 * with its arguments), and the text staff typed for a manual hold or the error of a failed issue.
 */
export function holdText(fmt: Formatter, inv: Pick<Invoice, 'holdCode' | 'holdParams' | 'holdReason'>): string {
  if (!inv.holdCode) return '';
  const key = `errors.${inv.holdCode}`;
  const reason = inv.holdReason?.trim();
  if (inv.holdCode === 'invoicing.hold.manual') return reason ? fmt.t('web.invoicing.hold.manual', { reason }) : fmt.t(key);
  const text = fmt.has(key) ? fmt.t(key, inv.holdParams ?? {}) : inv.holdCode;
  return reason && inv.holdCode === 'invoicing.hold.issue_failed' ? `${text} (${reason})` : text;
}

export function HoldBadge({ invoice }: { invoice: Pick<Invoice, 'holdCode' | 'holdParams' | 'holdReason'> }) {
  const fmt = useI18n();
  if (!invoice.holdCode) return null;
  return (
    <span className="hold-badge">
      <Badge tone="danger">{fmt.t('web.invoicing.hold.badge')}</Badge>
      <span className="sub">{holdText(fmt, invoice)}</span>
    </span>
  );
}

/** The document's name: its number, or "Draft" before it is issued. */
export function invoiceTitle(fmt: Formatter, inv: Pick<Invoice, 'number' | 'kind'>): string {
  if (inv.number) return inv.number;
  return fmt.t(inv.kind === 'credit_note' ? 'web.invoicing.draft_credit_note' : 'web.invoicing.draft');
}

/** "October 2026" for a billing period "2026-10". */
export function periodText(fmt: Formatter, period: string | null): string {
  if (!period) return '';
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m) return period;
  return new Intl.DateTimeFormat(fmt.locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
}

export function dayRange(fmt: Formatter, start: string | null, end: string | null): string {
  if (!start && !end) return '';
  return fmt.t('web.invoicing.day_range', { start: formatDay(fmt, start), end: formatDay(fmt, end) });
}

/** Net / tax / gross per currency, one line each. */
export function Totals({ totals, empty }: { totals: CurrencyTotal[]; empty?: ReactNode }) {
  const { t } = useI18n();
  if (totals.length === 0) return <>{empty ?? '—'}</>;
  return (
    <ul className="plain-list totals-list">
      {totals.map((x) => (
        <li key={x.currency}>
          <Money amount={x.gross} currency={x.currency} className="strong" />
          <span className="sub">
            {t('web.invoicing.net')} <Money amount={x.net} currency={x.currency} /> · {t('web.invoicing.tax')} <Money amount={x.tax} currency={x.currency} />
          </span>
        </li>
      ))}
    </ul>
  );
}

/** The previous calendar month of a day ("2026-12-04" → "2026-11"). */
export function previousPeriod(today: Date = new Date()): string {
  const y = today.getFullYear();
  const m = today.getMonth(); // 0-based: this is already "previous" in 1-based terms
  return m === 0 ? `${y - 1}-12` : `${y}-${String(m).padStart(2, '0')}`;
}

/** The first and last day of a period "2026-11". */
export function periodDays(period: string): { start: string; end: string } {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { start: `${period}-01`, end: `${period}-${String(last).padStart(2, '0')}` };
}

/**
 * A unit price: it keeps up to 6 decimals ("150.000000", "0.123400"); trailing zeros past the
 * cents are dropped ("€150.00", "€0.1234") without ever turning the string into a number.
 */
export function UnitPrice({ amount, currency }: { amount: string; currency: string }) {
  return <Money amount={amount.replace(/^(-?\d+\.\d{2}\d*?)0+$/, '$1')} currency={currency} />;
}

export { formatDay, Money };

/** "1–50 of 120" with previous/next buttons; nothing when everything fits on one page. */
export function Pager({ offset, limit, total, onChange }: { offset: number; limit: number; total: number; onChange: (offset: number) => void }) {
  const { t } = useI18n();
  if (total <= limit && offset === 0) return null;
  return (
    <div className="pager">
      <span>{t('web.common.range', { from: total === 0 ? 0 : offset + 1, to: Math.min(offset + limit, total), total })}</span>
      <span className="pager-buttons">
        <Button size="sm" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
          {t('web.common.previous')}
        </Button>
        <Button size="sm" disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
          {t('web.common.next')}
        </Button>
      </span>
    </div>
  );
}
