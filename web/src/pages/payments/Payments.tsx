import { useState } from 'react';
import { Icon } from '../../components/icons';
import { Button, Card, EmptyState, Field, LoadError, PageHeader, Spinner, cx, useResource } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { canBill, useUser } from '../../session';
import { invoicing } from '../invoicing/api';
import { payments } from './api';
import { Amount, PaymentStatusBadge, formatDay, methodText } from './shared';

/** Customer payments, newest first, filtered by customer and by "flagged" (reversed, returned). */
export function PaymentsPage() {
  const fmt = useI18n();
  const { t } = fmt;
  const writer = canBill(useUser());
  const [customerId, setCustomerId] = useState('');
  const [flagged, setFlagged] = useState(false);
  const customers = useResource((signal) => invoicing.customers(signal), []);
  const list = useResource((signal) => payments.list({ ...(customerId && { customerId }), ...(flagged && { flagged: 'true' as const }) }, signal), [customerId, flagged]);
  const nameOf = (id: string) => customers.data?.items.find((c) => c.id === id)?.companyName ?? id;

  return (
    <>
      <PageHeader
        title={t('web.payments.title')}
        description={t('web.payments.description')}
        actions={
          <>
            <Button size="sm" onClick={list.reload} busy={list.loading && Boolean(list.data)}>
              {t('web.common.refresh')}
            </Button>
            {writer && (
              <Link to="/payments/new" className="btn btn-primary btn-sm">
                <Icon name="plus" size={14} />
                {t('web.payments.record.title')}
              </Link>
            )}
          </>
        }
      />
      <Card>
        <div className="filters filter-selects">
          <Field label={t('web.payments.col.customer')}>
            <select value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
              <option value="">{t('web.payments.all_customers')}</option>
              {(customers.data?.items ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.companyName}
                </option>
              ))}
            </select>
          </Field>
          <div className="segmented" role="group" aria-label={t('web.payments.filter')}>
            {([false, true] as const).map((f) => (
              <button key={String(f)} type="button" className={cx('segment', flagged === f && 'active')} aria-pressed={flagged === f} onClick={() => setFlagged(f)}>
                {t(f ? 'web.payments.filter_flagged' : 'web.payments.filter_all')}
              </button>
            ))}
          </div>
        </div>
        {list.error !== undefined && <LoadError error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data && <Spinner />}
        {list.data && list.data.items.length === 0 && <EmptyState>{t(flagged ? 'web.payments.empty_flagged' : 'web.payments.empty')}</EmptyState>}
        {list.data && list.data.items.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.payments.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.payments.col.received_on')}</th>
                  <th scope="col">{t('web.payments.col.customer')}</th>
                  <th scope="col">{t('web.payments.col.method')}</th>
                  <th scope="col">{t('web.payments.col.reference')}</th>
                  <th scope="col">{t('web.payments.col.status')}</th>
                  <th scope="col" className="num">
                    {t('web.payments.col.unapplied')}
                  </th>
                  <th scope="col" className="num">
                    {t('web.payments.col.amount')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((p) => (
                  <tr key={p.id} className={cx(p.status === 'reversed' && 'row-reversed')}>
                    <td>
                      <Link to={`/payments/${encodeURIComponent(p.id)}`} className="strong">
                        {formatDay(fmt, p.receivedOn)}
                      </Link>
                      <span className="sub">{t(`web.payments.source.${p.source === 'bank' ? 'bank' : 'manual'}`)}</span>
                    </td>
                    <td>
                      <Link to={`/customers/${encodeURIComponent(p.customerId)}`}>{p.customerName || nameOf(p.customerId)}</Link>
                      {p.payerName && <span className="sub">{p.payerName}</span>}
                    </td>
                    <td>{methodText(fmt, p.method)}</td>
                    <td className="mono-cell">{p.reference ?? <span className="muted">—</span>}</td>
                    <td>
                      <PaymentStatusBadge payment={p} />
                    </td>
                    <td className="num"><Amount amount={p.unapplied} currency={p.currency} /></td>
                    <td className="num strong">
                      <Amount amount={p.amount} currency={p.currency} className={cx(p.status === 'reversed' && 'struck')} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
