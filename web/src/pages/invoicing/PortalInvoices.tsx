import { Card, EmptyState, LoadError, Spinner, useResource } from '../../components/ui';
import { useI18n } from '../../i18n';
import { invoicing } from './api';
import { Money, formatDay } from './shared';

/** The customer's own issued invoices and credit notes, each with its PDF (the API never shows them drafts). */
export function PortalInvoices() {
  const fmt = useI18n();
  const { t } = fmt;
  const list = useResource((signal) => invoicing.invoices({ limit: 50 }, signal), []);
  return (
    <Card title={t('web.portal.invoices.title')}>
      {list.error !== undefined && <LoadError error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Spinner />}
      {list.data && list.data.items.length === 0 && <EmptyState>{t('web.portal.invoices.empty')}</EmptyState>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.portal.invoices.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.invoicing.invoice.number')}</th>
                <th scope="col">{t('web.invoicing.invoice.issue_date')}</th>
                <th scope="col">{t('web.invoicing.invoice.due_date')}</th>
                <th scope="col" className="num">{t('web.invoicing.gross')}</th>
                <th scope="col">
                  <span className="sr-only">{t('web.portal.invoices.pdf')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((inv) => (
                <tr key={inv.id}>
                  <td>
                    <span className="strong">{inv.number}</span>
                    <span className="sub">
                      {t(`web.invoicing.kind.${inv.kind}`)}
                      {inv.status === 'void' && ` · ${t('web.invoicing.status.void')}`}
                    </span>
                  </td>
                  <td>{formatDay(fmt, inv.issueDate)}</td>
                  <td>{inv.kind === 'invoice' ? formatDay(fmt, inv.dueDate) : ''}</td>
                  <td className="num strong">
                    <Money amount={inv.gross} currency={inv.currency} />
                  </td>
                  <td>
                    <a href={invoicing.pdfUrl(inv.id)} target="_blank" rel="noreferrer">
                      {t('web.portal.invoices.pdf_link', { number: inv.number ?? '' })}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
