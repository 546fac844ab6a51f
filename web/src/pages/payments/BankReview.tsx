import { useRef, useState } from 'react';
import { Button, Card, EmptyState, LoadError, PageHeader, Spinner, cx, useErrorText, useResource, useToast } from '../../components/ui';
import { useI18n, type Formatter } from '../../i18n';
import { Link, navigate, useLocation } from '../../router';
import { canBill, useUser } from '../../session';
import { invoicing } from '../invoicing/api';
import { BANK_STATUSES, bank, newIdempotencyKey, type BankEntry, type BankStatus } from './api';
import { IgnoreDialog, ReassignDialog } from './BankDialogs';
import { Amount, BankStatusBadge, formatDay } from './shared';

/** A match reason or a suggestion's reason in words; a reason typed by a person (ignore) verbatim. */
export function reasonText(fmt: Formatter, reason: string | null | undefined): string {
  if (!reason) return '';
  const key = `web.bank.reasons.${reason}`;
  return fmt.has(key) ? fmt.t(key) : reason;
}

const FILTERS = ['suggested', 'unmatched', 'all', ...BANK_STATUSES.filter((s) => s !== 'suggested' && s !== 'unmatched')] as const;
type Filter = (typeof FILTERS)[number];

/**
 * Bank entries to look at: a suggested entry lists its candidates (customer, invoices, why) with
 * Confirm on each; any open entry can be re-assigned to another customer (and invoices) or
 * ignored with a reason. Every decision posts once (its own Idempotency-Key, buttons disabled).
 */
export function BankReviewPage() {
  const fmt = useI18n();
  const { t } = fmt;
  const writer = canBill(useUser());
  const { search } = useLocation();
  const q = search.get('status') ?? 'suggested';
  const filter: Filter = (FILTERS as readonly string[]).includes(q) ? (q as Filter) : 'suggested';
  const list = useResource((signal) => bank.entries(filter === 'all' ? '' : filter, signal), [filter]);
  const customers = useResource((signal) => invoicing.customers(signal), []);
  const [reassign, setReassign] = useState<BankEntry | null>(null);
  const [ignore, setIgnore] = useState<BankEntry | null>(null);
  const nameOf = (id: string | null | undefined) => (id ? (customers.data?.items.find((c) => c.id === id)?.companyName ?? id) : '');

  return (
    <>
      <PageHeader
        title={t('web.bank.review.title')}
        description={t('web.bank.review.description')}
        actions={
          <>
            <Button size="sm" onClick={list.reload} busy={list.loading && Boolean(list.data)}>
              {t('web.common.refresh')}
            </Button>
            <Link to="/bank/import" className="btn btn-secondary btn-sm">
              {t('web.bank.import.title')}
            </Link>
          </>
        }
      />
      <Card className="card-flush">
        <div className="toolbar">
          <div className="segmented" role="group" aria-label={t('web.bank.review.filter')}>
            {FILTERS.map((f) => (
              <button key={f} type="button" className={cx('segment', filter === f && 'active')} aria-pressed={filter === f} onClick={() => navigate(`/bank/review?status=${f}`, { replace: true })}>
                {f === 'all' ? t('web.bank.review.all') : t(`web.bank.status.${f}`)}
              </button>
            ))}
          </div>
          {list.data && <span className="toolbar-meta">{t('web.bank.review.count', { count: list.data.items.length })}</span>}
        </div>
        {list.error !== undefined && <LoadError error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data && <Spinner />}
        {list.data && list.data.items.length === 0 && <EmptyState>{t('web.bank.review.empty')}</EmptyState>}
        {list.data && list.data.items.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.bank.review.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.bank.col.date')}</th>
                  <th scope="col">{t('web.bank.col.payer')}</th>
                  <th scope="col">{t('web.bank.col.details')}</th>
                  <th scope="col" className="num">
                    {t('web.bank.col.amount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((e) => (
                  <tr key={e.id} data-entry={e.id}>
                    <td>
                      {formatDay(fmt, e.bookingDate ?? e.valueDate)}
                      {e.bankReference && <span className="sub mono">{e.bankReference}</span>}
                    </td>
                    <td>
                      <span className="strong">{e.payerName ?? '—'}</span>
                      {e.payerIban && <span className="sub mono">{e.payerIban}</span>}
                    </td>
                    <td>
                      <EntryDetails entry={e} writer={writer} nameOf={nameOf} onReassign={() => setReassign(e)} onIgnore={() => setIgnore(e)} onChanged={list.reload} />
                    </td>
                    <td className="num strong">
                      <Amount amount={e.direction === 'debit' ? `-${e.amount}` : e.amount} currency={e.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <ReassignDialog entry={reassign} customers={customers.data?.items ?? []} onClose={() => setReassign(null)} onDone={() => (setReassign(null), list.reload())} />
      <IgnoreDialog entry={ignore} onClose={() => setIgnore(null)} onDone={() => (setIgnore(null), list.reload())} />
    </>
  );
}

function EntryDetails({ entry: e, writer, nameOf, onReassign, onIgnore, onChanged }: { entry: BankEntry; writer: boolean; nameOf: (id: string | null | undefined) => string; onReassign: () => void; onIgnore: () => void; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const errorText = useErrorText();
  const [confirming, setConfirming] = useState<number | null>(null);
  const pending = useRef(false);
  const open = e.status === 'suggested' || e.status === 'unmatched' || e.status === 'error';

  async function confirm(n: number) {
    if (pending.current) return;
    pending.current = true;
    setConfirming(n);
    try {
      await bank.confirm(e.id, { suggestion: n }, newIdempotencyKey());
      const s = e.suggestions[n];
      toast('success', t('web.bank.review.confirmed', { customer: s?.customerName ?? nameOf(s?.customerId) }));
      onChanged();
    } catch (err) {
      toast('danger', errorText(err));
    } finally {
      pending.current = false;
      setConfirming(null);
    }
  }

  return (
    <div className="stack-sm">
      <div className="header-badges">
        <BankStatusBadge status={e.status} />
        {e.reason && <span className="sub">{reasonText(fmt, e.reason)}</span>}
      </div>
      {e.remittance && <p className="remittance">{e.remittance}</p>}
      {e.error && <p className="field-error">{e.error.message}</p>}
      {(e.status === 'matched' || e.status === 'confirmed') && e.customerId && (
        <p>
          {t('web.bank.review.booked_to', { customer: e.customerName ?? nameOf(e.customerId) })}{' '}
          {e.paymentId && <Link to={`/payments/${encodeURIComponent(e.paymentId)}`}>{t('web.bank.review.open_payment')}</Link>}
        </p>
      )}
      {e.status === 'suggested' && e.suggestions.length > 0 && (
        <ul className="suggestions" aria-label={t('web.bank.review.suggestions')}>
          {e.suggestions.map((s, i) => {
            const name = s.customerName ?? nameOf(s.customerId);
            return (
              <li key={i} className="suggestion">
                <span className="suggestion-text">
                  <span className="strong">{name}</span>
                  <span className="sub">
                    {s.invoices.length > 0 ? t('web.bank.review.invoices', { numbers: s.invoices.map((i) => i.number ?? i.id).join(', ') }) : t('web.bank.review.no_invoices')}
                    {' · '}
                    {reasonText(fmt, s.reason)}
                  </span>
                </span>
                {writer && (
                  <Button size="sm" variant="primary" busy={confirming === i} disabled={confirming !== null} aria-label={t('web.bank.review.confirm_for', { customer: name })} onClick={() => void confirm(i)}>
                    {t('web.bank.review.confirm')}
                  </Button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {writer && open && (
        <div className="entry-actions">
          <Button size="sm" onClick={onReassign} disabled={confirming !== null}>
            {t('web.bank.review.reassign')}
          </Button>
          <Button size="sm" variant="ghost" onClick={onIgnore} disabled={confirming !== null}>
            {t('web.bank.review.ignore')}
          </Button>
        </div>
      )}
    </div>
  );
}
