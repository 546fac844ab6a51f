import { useRef, useState } from 'react';
import { ApiError } from '../../api';
import { Icon } from '../../components/icons';
import { Button, Card, EmptyState, Field, LoadError, Spinner, cx, useErrorText, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { canBill, useUser } from '../../session';
import { newIdempotencyKey, receivables, type CustomerReceivables as Data } from './api';
import { Amount, PaymentStatusBadge, formatAmount, addDays, daysBetween, formatDay, isPositive, localToday, methodText, monthStart } from './shared';

const RECENT = 10;

/**
 * A customer's receivables: balance per currency (receivable, unapplied credit, overdue, disputed),
 * open items with days past due, recent payments, and the account statement (PDF for a period, or
 * e-mailed). `readOnly` is the customer portal's view: no staff links or actions.
 */
export function CustomerReceivables({ customerId, readOnly = false }: { customerId: string; readOnly?: boolean }) {
  const fmt = useI18n();
  const { t } = fmt;
  const user = useUser();
  const writer = !readOnly && canBill(user);
  const data = useResource((signal) => receivables.customer(customerId, signal), [customerId]);
  const today = localToday(user.timeZone);
  // in the portal, an account without the receivables API simply shows nothing
  if (readOnly && data.error instanceof ApiError && [403, 404].includes(data.error.status)) return null;

  return (
    <Card
      title={t('web.receivables.title')}
      description={t('web.receivables.description')}
      id="receivables"
      actions={
        !readOnly ? (
          <div className="card-tools">
            {writer && (
              <Link to={`/payments/new?customerId=${encodeURIComponent(customerId)}`} className="btn btn-secondary btn-sm">
                <Icon name="plus" size={14} />
                {t('web.payments.record.title')}
              </Link>
            )}
            <Button size="sm" variant="ghost" onClick={data.reload} busy={data.loading && Boolean(data.data)}>
              {t('web.common.refresh')}
            </Button>
          </div>
        ) : undefined
      }
    >
      {data.error !== undefined && <LoadError error={data.error} onRetry={data.reload} />}
      {data.loading && !data.data && <Spinner />}
      {data.data && <Body data={data.data} today={today} readOnly={readOnly} />}
      <Statement customerId={customerId} today={today} canSend={writer} />
    </Card>
  );
}

function Body({ data, today, readOnly }: { data: Data; today: string; readOnly: boolean }) {
  const fmt = useI18n();
  const { t } = fmt;
  const items = data.openItems;
  const recent = data.payments.slice(0, RECENT);
  return (
    <div className="stack">
      {data.balances.length === 0 ? (
        <EmptyState>{t('web.receivables.nothing_owed')}</EmptyState>
      ) : (
        <div className="balance-grid">
          {data.balances.map((b) => (
            <div className="stat" key={b.currency}>
              <div className="stat-label">{t('web.receivables.receivable', { currency: b.currency })}</div>
              <div className="stat-value">
                <Amount amount={b.receivable} currency={b.currency} />
              </div>
              <div className="stat-sub">
                {t('web.receivables.overdue')}: <Amount amount={b.overdue} currency={b.currency} className={cx(isPositive(b.overdue) && 'text-danger')} />
              </div>
              <div className="stat-sub">
                {t('web.receivables.unapplied')}: <Amount amount={b.unapplied} currency={b.currency} />
              </div>
              <div className="stat-sub">
                {t('web.receivables.disputed')}: <Amount amount={b.disputed} currency={b.currency} />
              </div>
            </div>
          ))}
        </div>
      )}
      <div className="subsection">
        <h3>{t('web.receivables.open_items')}</h3>
        {items.length === 0 ? (
          <p className="muted">{t('web.receivables.no_open_items')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.receivables.open_items')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.payments.col.invoice')}</th>
                  <th scope="col">{t('web.payments.col.due_date')}</th>
                  <th scope="col">{t('web.receivables.days_past_due')}</th>
                  <th scope="col" className="num">{t('web.receivables.gross')}</th>
                  <th scope="col" className="num">{t('web.payments.col.open')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => {
                  const days = i.kind === 'invoice' ? (i.daysPastDue ?? (i.dueDate ? daysBetween(i.dueDate, today) : 0)) : 0;
                  return (
                    <tr key={i.id}>
                      <td>
                        {readOnly ? <span className="strong">{i.number}</span> : (
                          <Link to={`/invoicing/invoices/${encodeURIComponent(i.id)}`} className="strong">
                            {i.number}
                          </Link>
                        )}
                        {i.kind === 'credit_note' && <span className="sub">{t('web.invoicing.kind.credit_note')}</span>}
                        {isPositive(i.disputed) && <span className="sub">{t('web.receivables.disputed_amount', { amount: formatAmount(fmt, i.disputed, i.currency) })}</span>}
                      </td>
                      <td>{formatDay(fmt, i.dueDate ?? i.issueDate)}</td>
                      <td className={cx(days > 0 && 'overdue')}>{days > 0 ? t('web.receivables.days', { count: days }) : t('web.receivables.not_due')}</td>
                      <td className="num">
                        <Amount amount={i.gross} currency={i.currency} />
                      </td>
                      <td className="num strong">
                        <Amount amount={i.kind === 'credit_note' ? `-${i.open}` : i.open} currency={i.currency} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <div className="subsection">
        <h3>{t('web.receivables.recent_payments')}</h3>
        {recent.length === 0 ? (
          <p className="muted">{t('web.receivables.no_payments')}</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.receivables.recent_payments')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.payments.col.received_on')}</th>
                  <th scope="col">{t('web.payments.col.method')}</th>
                  <th scope="col">{t('web.payments.col.status')}</th>
                  <th scope="col" className="num">{t('web.payments.col.amount')}</th>
                </tr>
              </thead>
              <tbody>
                {recent.map((p) => (
                  <tr key={p.id} className={cx(p.status === 'reversed' && 'row-reversed')}>
                    <td>{readOnly ? formatDay(fmt, p.receivedOn) : <Link to={`/payments/${encodeURIComponent(p.id)}`}>{formatDay(fmt, p.receivedOn)}</Link>}</td>
                    <td>
                      {methodText(fmt, p.method)}
                      {p.reference && <span className="sub">{p.reference}</span>}
                    </td>
                    <td>
                      <PaymentStatusBadge payment={{ status: p.status, flagged: false }} />
                    </td>
                    <td className="num strong">
                      <Amount amount={p.amount} currency={p.currency} className={cx(p.status === 'reversed' && 'struck')} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}

function Statement({ customerId, today, canSend }: { customerId: string; today: string; canSend: boolean }) {
  const { t } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const [from, setFrom] = useState(() => monthStart(addDays(today, -90)));
  const [to, setTo] = useState(today);
  const [sending, setSending] = useState(false);
  const pending = useRef(false);
  const valid = Boolean(from && to && from <= to);

  async function send() {
    if (pending.current || !valid) return;
    pending.current = true;
    setSending(true);
    try {
      await receivables.sendStatement(customerId, from, to, newIdempotencyKey());
      toast('success', t('web.receivables.statement.sent'));
    } catch (e) {
      toast('danger', errorText(e));
    } finally {
      pending.current = false;
      setSending(false);
    }
  }

  return (
    <div className="subsection">
      <h3>{t('web.receivables.statement.title')}</h3>
      <div className="statement-form">
        <Field label={t('web.receivables.statement.from')}>
          <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label={t('web.receivables.statement.to')}>
          <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} />
        </Field>
        <a className={cx('btn btn-secondary', !valid && 'disabled')} aria-disabled={!valid || undefined} href={valid ? receivables.statementUrl(customerId, from, to) : undefined} target="_blank" rel="noreferrer">
          {t('web.receivables.statement.download')}
        </a>
        {canSend && (
          <Button busy={sending} disabled={!valid} onClick={() => void send()}>
            {t('web.receivables.statement.email')}
          </Button>
        )}
      </div>
    </div>
  );
}
