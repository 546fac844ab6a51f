import { useState } from 'react';
import { Button, Card, EmptyState, Field, LoadError, PageHeader, Spinner, useResource } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { invoicing, type InvoiceKind, type InvoiceStatus } from './api';
import { DeliveryBadge, HoldBadge, InvoiceStatusBadge, Money, Pager, formatDay, invoiceTitle, periodText } from './shared';

const PAGE = 50;

/** Invoices and credit notes, filtered by status, kind and customer. */
export function InvoicesPage() {
  const fmt = useI18n();
  const { t } = fmt;
  const [status, setStatus] = useState<InvoiceStatus | ''>('');
  const [kind, setKind] = useState<InvoiceKind | ''>('');
  const [customerId, setCustomerId] = useState('');
  const [offset, setOffset] = useState(0);
  const customers = useResource((signal) => invoicing.customers(signal), []);
  const list = useResource(
    (signal) => invoicing.invoices({ limit: PAGE, offset, ...(status && { status }), ...(kind && { kind }), ...(customerId && { customerId }) }, signal),
    [status, kind, customerId, offset],
  );
  const filtered = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setOffset(0);
  };

  return (
    <>
      <PageHeader
        title={t('web.invoicing.invoices.title')}
        description={t('web.invoicing.invoices.description')}
        actions={
          <Button size="sm" onClick={list.reload} busy={list.loading}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <Card>
        <div className="filters filter-selects">
          <Field label={t('web.invoicing.col.status')}>
            <select value={status} onChange={(e) => filtered(setStatus)(e.target.value as InvoiceStatus | '')}>
              <option value="">{t('web.invoicing.invoices.any')}</option>
              {(['draft', 'issued', 'void'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`web.invoicing.status.${s}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('web.invoicing.col.kind')}>
            <select value={kind} onChange={(e) => filtered(setKind)(e.target.value as InvoiceKind | '')}>
              <option value="">{t('web.invoicing.invoices.any')}</option>
              {(['invoice', 'credit_note'] as const).map((k) => (
                <option key={k} value={k}>
                  {t(`web.invoicing.kind.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('web.invoicing.col.customer')}>
            <select value={customerId} onChange={(e) => filtered(setCustomerId)(e.target.value)}>
              <option value="">{t('web.invoicing.invoices.all_customers')}</option>
              {(customers.data?.items ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.companyName}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {list.error !== undefined && <LoadError error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data && <Spinner />}
        {list.data && list.data.items.length === 0 && <EmptyState>{t('web.invoicing.invoices.empty')}</EmptyState>}
        {list.data && list.data.items.length > 0 && (
          <>
            <div className="table-wrap">
              <table className="table">
                <caption className="sr-only">{t('web.invoicing.invoices.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('web.invoicing.col.document')}</th>
                    <th scope="col">{t('web.invoicing.col.customer')}</th>
                    <th scope="col">{t('web.invoicing.invoice.period')}</th>
                    <th scope="col">{t('web.invoicing.invoice.issue_date')}</th>
                    <th scope="col">{t('web.invoicing.col.status')}</th>
                    <th scope="col">{t('web.invoicing.delivery.title')}</th>
                    <th scope="col" className="num">{t('web.invoicing.gross')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((inv) => (
                    <tr key={inv.id}>
                      <td>
                        <Link to={`/invoicing/invoices/${encodeURIComponent(inv.id)}`} className="strong">
                          {invoiceTitle(fmt, inv)}
                        </Link>
                        <span className="sub">{t(`web.invoicing.kind.${inv.kind}`)}</span>
                      </td>
                      <td>{inv.customerName}</td>
                      <td>{periodText(fmt, inv.period)}</td>
                      <td>{formatDay(fmt, inv.issueDate)}</td>
                      <td>{inv.status === 'draft' && inv.holdCode ? <HoldBadge invoice={inv} /> : <InvoiceStatusBadge status={inv.status} />}</td>
                      <td>{inv.status !== 'draft' && <DeliveryBadge status={inv.deliveryStatus} />}</td>
                      <td className="num strong">
                        <Money amount={inv.gross} currency={inv.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager offset={offset} limit={PAGE} total={list.data.total} onChange={setOffset} />
          </>
        )}
      </Card>
    </>
  );
}
