import { useState } from 'react';
import { Button, Card, EmptyState, useErrorText, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { invoicing, type Invoice } from './api';
import { DeliveryBadge, InvoiceStatusBadge, Money, deliveryText, formatDay } from './shared';

/** Where the document went: the current delivery status and every attempt (queued, sent, retrying, bounced, failed). */
export function Delivery({ invoice: inv, editable, onChanged }: { invoice: Invoice; editable: boolean; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const log = [...inv.delivery].sort((a, b) => b.at.localeCompare(a.at));

  async function resend() {
    setBusy(true);
    try {
      await invoicing.resend(inv.id);
      toast('success', t('web.invoicing.delivery.resent'));
      onChanged();
    } catch (e) {
      toast('danger', errorText(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card
      title={t('web.invoicing.delivery.title')}
      actions={
        <>
          <DeliveryBadge status={inv.deliveryStatus} />
          {editable && inv.status !== 'draft' && (
            <Button size="sm" busy={busy} onClick={() => void resend()}>
              {t('web.invoicing.delivery.resend')}
            </Button>
          )}
        </>
      }
    >
      {log.length === 0 ? (
        <EmptyState>{t('web.invoicing.delivery.empty')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.invoicing.delivery.log')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.invoicing.delivery.at')}</th>
                <th scope="col">{t('web.invoicing.delivery.status_col')}</th>
                <th scope="col">{t('web.invoicing.delivery.to')}</th>
                <th scope="col" className="num">{t('web.invoicing.delivery.attempt')}</th>
                <th scope="col">{t('web.invoicing.delivery.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {log.map((d, i) => (
                <tr key={`${d.at}-${i}`}>
                  <td className="nowrap">{fmt.dateTime(d.at)}</td>
                  <td>{deliveryText(fmt, d.status)}</td>
                  <td>{d.to ?? ''}</td>
                  <td className="num">{d.attempt ?? ''}</td>
                  <td>
                    {d.error && <span className="delivery-error">{d.error}</span>}
                    {d.messageId && <span className="sub mono">{d.messageId}</span>}
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

/** The credit notes of an invoice, each a link to its own page. */
export function CreditNotes({ notes }: { notes: Invoice[] }) {
  const fmt = useI18n();
  const { t } = fmt;
  return (
    <Card title={t('web.invoicing.credit_notes.title')}>
      {notes.length === 0 ? (
        <EmptyState>{t('web.invoicing.credit_notes.empty')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.invoicing.credit_notes.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.invoicing.invoice.number')}</th>
                <th scope="col">{t('web.invoicing.invoice.issue_date')}</th>
                <th scope="col">{t('web.invoicing.invoice.reason')}</th>
                <th scope="col">{t('web.invoicing.col.status')}</th>
                <th scope="col" className="num">{t('web.invoicing.gross')}</th>
              </tr>
            </thead>
            <tbody>
              {notes.map((n) => (
                <tr key={n.id}>
                  <td>
                    <Link to={`/invoicing/invoices/${encodeURIComponent(n.id)}`} className="strong">
                      {n.number ?? t('web.invoicing.draft_credit_note')}
                    </Link>
                  </td>
                  <td>{formatDay(fmt, n.issueDate)}</td>
                  <td>{n.reason ?? ''}</td>
                  <td>
                    <InvoiceStatusBadge status={n.status} />
                  </td>
                  <td className="num">
                    <Money amount={n.gross} currency={n.currency} />
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
