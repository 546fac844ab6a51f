import { useState, type ReactNode } from 'react';
import { Icon } from '../../components/icons';
import { Alert, Button, Card, EmptyState, LoadError, PageHeader, Spinner, useResource, useToast, useErrorText } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { canBill, useUser } from '../../session';
import { newIdempotencyKey, payments, type Allocation, type PaymentDetail } from './api';
import { AllocateDialog, RefundDialog, ReverseDialog } from './PaymentActions';
import { Amount, PaymentStatusBadge, formatDay, isPositive, methodText } from './shared';

/** One payment: what came in, where it went (allocations), refunds, and the actions on it. */
export function PaymentPage({ id }: { id: string }) {
  const { t } = useI18n();
  const detail = useResource((signal) => payments.get(id, signal), [id]);
  const d = detail.data?.payment.id === id ? detail.data : undefined;
  return (
    <>
      <nav className="breadcrumb" aria-label={t('web.customer.breadcrumb')}>
        <Link to="/payments">
          <Icon name="back" size={14} />
          {t('web.payments.back')}
        </Link>
      </nav>
      {detail.error !== undefined && <LoadError error={detail.error} onRetry={detail.reload} />}
      {!d && detail.loading && <Spinner />}
      {d && <PaymentView detail={d} onChanged={detail.reload} loading={detail.loading} />}
    </>
  );
}


function PaymentView({ detail, onChanged, loading }: { detail: PaymentDetail; onChanged: () => void; loading: boolean }) {
  const fmt = useI18n();
  const { t } = fmt;
  const writer = canBill(useUser());
  const p = detail.payment;
  const unapplied = p.status === 'reversed' ? '0' : p.unapplied;
  const [dialog, setDialog] = useState<'allocate' | 'reverse' | 'refund' | null>(null);
  const reversed = p.status === 'reversed';
  const close = () => setDialog(null);
  const done = () => (setDialog(null), onChanged());

  return (
    <>
      <PageHeader
        title={t('web.payments.detail.title', { customer: p.customerName })}
        description={t('web.payments.detail.subtitle', { method: methodText(fmt, p.method), date: formatDay(fmt, p.receivedOn) })}
        actions={
          <>
            <Button size="sm" onClick={onChanged} busy={loading}>
              {t('web.common.refresh')}
            </Button>
            {writer && !reversed && (
              <Button size="sm" variant="danger" onClick={() => setDialog('reverse')}>
                {t('web.payments.reverse.action')}
              </Button>
            )}
          </>
        }
      />
      <div className="header-badges">
        <PaymentStatusBadge payment={p} />
      </div>
      <div className="stack">
        {reversed && (
          <Alert tone="danger" title={t('web.payments.detail.reversed_title', { date: formatDay(fmt, p.reversedOn) })}>
            {p.reversalReason && <p className="prewrap">{p.reversalReason}</p>}
                        <p>{t('web.payments.detail.reversed_body')}</p>
          </Alert>
        )}
        <dl className="invoice-facts" aria-label={t('web.payments.detail.facts')}>
          <Fact label={t('web.payments.col.amount')} strong>
            <Amount amount={p.amount} currency={p.currency} />
          </Fact>
          <Fact label={t('web.payments.col.unapplied')}>
            <Amount amount={unapplied} currency={p.currency} />
          </Fact>
          <Fact label={t('web.payments.col.customer')}>
            <Link to={`/customers/${encodeURIComponent(p.customerId)}`}>{p.customerName}</Link>
          </Fact>
          <Fact label={t('web.payments.record.received_on')}>{formatDay(fmt, p.receivedOn)}</Fact>
          <Fact label={t('web.payments.col.method')}>{methodText(fmt, p.method)}</Fact>
          <Fact label={t('web.payments.col.reference')}>{p.reference}</Fact>
          <Fact label={t('web.payments.record.payer_name')}>{p.payerName}</Fact>
          <Fact label={t('web.payments.record.payer_iban')}>{p.payerIban && <span className="mono">{p.payerIban}</span>}</Fact>
          <Fact label={t('web.payments.detail.source')}>{t(`web.payments.source.${p.source === 'bank' ? 'bank' : 'manual'}`)}</Fact>
          <Fact label={t('web.payments.detail.recorded')}>{fmt.dateTime(p.recordedAt)}</Fact>
          {p.note && <Fact label={t('web.payments.record.note')}>{p.note}</Fact>}
        </dl>
        <Allocations
          detail={detail}
          writer={writer && !reversed}
          onChanged={onChanged}
          actions={
            writer && !reversed && isPositive(unapplied) ? (
              <>
                <Button size="sm" variant="primary" onClick={() => setDialog('allocate')}>
                  {t('web.payments.allocate.rest')}
                </Button>
                <Button size="sm" onClick={() => setDialog('refund')}>
                  {t('web.payments.refund.action')}
                </Button>
              </>
            ) : undefined
          }
        />
        {detail.refunds.length > 0 && (
          <Card title={t('web.payments.refund.list')} className="card-flush">
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{t('web.payments.refund.date')}</th>
                    <th scope="col">{t('web.payments.col.method')}</th>
                    <th scope="col">{t('web.payments.refund.reason')}</th>
                    <th scope="col" className="num">
                      {t('web.payments.col.amount')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {detail.refunds.map((r) => (
                    <tr key={r.id}>
                      <td>{formatDay(fmt, r.refundedOn)}</td>
                      <td>
                        {methodText(fmt, r.method)}
                        {r.reference && <span className="sub">{r.reference}</span>}
                      </td>
                      <td>{r.reason}</td>
                      <td className="num">
                        <Amount amount={r.amount} currency={r.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </Card>
        )}
      </div>
      <AllocateDialog open={dialog === 'allocate'} payment={p} unapplied={unapplied} onClose={close} onDone={done} />
      <ReverseDialog open={dialog === 'reverse'} payment={p} onClose={close} onDone={done} />
      <RefundDialog open={dialog === 'refund'} payment={p} unapplied={unapplied} onClose={close} onDone={done} />
    </>
  );
}

function Fact({ label, children, strong }: { label: string; children: ReactNode; strong?: boolean }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={strong ? 'strong' : undefined}>{children === null || children === undefined || children === '' ? <span className="muted">—</span> : children}</dd>
    </div>
  );
}

function Allocations({ detail, writer, onChanged, actions }: { detail: PaymentDetail; writer: boolean; onChanged: () => void; actions?: ReactNode }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const errorText = useErrorText();
  const [undoing, setUndoing] = useState<string | null>(null);

  async function undo(a: Allocation) {
    if (undoing) return;
    setUndoing(a.id);
    try {
      await payments.undo(a.id, newIdempotencyKey());
      toast('success', t('web.payments.allocations.undone', { number: a.invoiceNumber ?? a.invoiceId }));
      onChanged();
    } catch (e) {
      toast('danger', errorText(e));
    } finally {
      setUndoing(null);
    }
  }

  return (
    <Card title={t('web.payments.allocations.title')} description={t('web.payments.allocations.description')} actions={actions} className="card-flush">
      {detail.allocations.length === 0 ? (
        <EmptyState>{t('web.payments.allocations.empty')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.payments.allocations.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.payments.col.invoice')}</th>
                <th scope="col">{t('web.payments.allocations.applied_on')}</th>
                <th scope="col">{t('web.payments.col.status')}</th>
                <th scope="col" className="num">
                  {t('web.payments.col.amount')}
                </th>
                {writer && <th scope="col" className="col-actions"><span className="sr-only">{t('web.common.actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {detail.allocations.map((a) => (
                <tr key={a.id} className={a.releaseReason === 'reversal' ? 'row-reversed' : undefined}>
                  <td>
                    <Link to={`/invoicing/invoices/${encodeURIComponent(a.invoiceId)}`} className="strong">
                      {a.invoiceNumber ?? a.invoiceId}
                    </Link>
                  </td>
                  <td>{formatDay(fmt, a.appliedOn)}</td>
                  <td>{a.releasedOn ? t(`web.payments.allocations.released_${a.releaseReason === 'reversal' ? 'reversal' : 'undone'}`, { date: formatDay(fmt, a.releasedOn) }) : t('web.payments.allocations.active')}</td>
                  <td className="num">
                    <Amount amount={a.amount} currency={a.currency} className={a.releasedOn ? 'struck' : undefined} />
                  </td>
                  {writer && (
                    <td className="col-actions">
                      {!a.releasedOn && (
                        <Button size="sm" variant="ghost" busy={undoing === a.id} disabled={undoing !== null} onClick={() => void undo(a)}>
                          {t('web.payments.allocations.undo')}
                        </Button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
