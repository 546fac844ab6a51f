import { useEffect, useState } from 'react';
import { Icon } from '../../components/icons';
import { Alert, Button, Card, EmptyState, LoadError, PageHeader, Spinner, cx, useErrorText, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { canBill, useUser } from '../../session';
import { invoicing, type Invoice } from './api';
import { DiscardDialog } from './DiscardDialog';
import { HoldDialog } from './HoldDialog';
import { RunActions } from './RunActions';
import { HoldBadge, InvoiceStatusBadge, Money, Pager, RunStateBadge, Totals, invoiceTitle, periodText } from './shared';

const PAGE = 100;
type Filter = 'all' | 'held' | 'ready';

/** One invoice run: its progress and totals, and the review of its drafts (hold, release, open). */
export function InvoiceRunPage({ id }: { id: string }) {
  const fmt = useI18n();
  const { t } = fmt;
  const editable = canBill(useUser());
  const run = useResource((signal) => invoicing.run(id, signal), [id]);
  const r = run.data?.runId === id ? run.data : undefined;
  const [filter, setFilter] = useState<Filter>('all');
  const [offset, setOffset] = useState(0);
  const drafts = useResource(
    (signal) => invoicing.invoices({ runId: id, limit: PAGE, offset, ...(filter !== 'all' && { held: filter === 'held' ? 'true' : 'false' }) }, signal),
    [id, filter, offset],
  );
  const working = r?.state === 'drafting' || r?.state === 'issuing';

  useEffect(() => {
    if (!working) return;
    const timer = window.setInterval(() => {
      run.reload();
      drafts.reload();
    }, 3000);
    return () => window.clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [working]);

  const reloadAll = () => {
    run.reload();
    drafts.reload();
  };

  return (
    <>
      <nav className="breadcrumb" aria-label={t('web.customer.breadcrumb')}>
        <Link to="/invoicing/runs">
          <Icon name="back" size={14} />
          {t('web.invoicing.run.back')}
        </Link>
      </nav>
      {run.error !== undefined && <LoadError error={run.error} onRetry={run.reload} />}
      {!r && run.loading && <Spinner />}
      {r && (
        <>
          <PageHeader
            title={t('web.invoicing.run.title', { period: periodText(fmt, r.period) })}
            description={t('web.invoicing.run.description')}
            actions={
              <>
                <Button size="sm" onClick={reloadAll} busy={run.loading}>
                  {t('web.common.refresh')}
                </Button>
                {editable && <RunActions run={r} size="md" onChanged={(next) => (next ? run.setData(next) : run.reload(), drafts.reload())} />}
              </>
            }
          />
          <div className="header-badges">
            <RunStateBadge state={r.state} />
          </div>
          <div className="stack">
            <dl className="invoice-facts" aria-label={t('web.invoicing.run.summary')}>
              <div>
                <dt>{t('web.invoicing.runs.col_customers')}</dt>
                <dd>{fmt.number(r.customers)}</dd>
              </div>
              <div>
                <dt>{t('web.invoicing.runs.col_invoices')}</dt>
                <dd>{fmt.number(r.invoices)}</dd>
              </div>
              <div>
                <dt>{t('web.invoicing.runs.col_held')}</dt>
                <dd>{fmt.number(r.held)}</dd>
              </div>
              <div>
                <dt>{t('web.invoicing.runs.col_issued')}</dt>
                <dd>
                  {fmt.number(r.issued)}
                  {r.invoices > 0 && <progress className="run-progress-bar" max={r.invoices} value={Math.min(r.issued, r.invoices)} aria-label={t('web.invoicing.runs.progress', { done: r.issued, total: r.invoices })} />}
                </dd>
              </div>
              <div>
                <dt>{t('web.invoicing.runs.col_totals')}</dt>
                <dd>
                  <Totals totals={r.totals} />
                </dd>
              </div>
            </dl>
            {r.state === 'cancelled' && <Alert tone="info" title={t('web.invoicing.run.cancelled')} />}
            <Card title={t('web.invoicing.run.drafts')}>
              <div className="toolbar">
                <div className="segmented" role="group" aria-label={t('web.invoicing.run.filter')}>
                  {(['all', 'held', 'ready'] as const).map((f) => (
                    <button
                      key={f}
                      type="button"
                      className={cx('segment', filter === f && 'active')}
                      aria-pressed={filter === f}
                      onClick={() => {
                        setFilter(f);
                        setOffset(0);
                      }}
                    >
                      {t(`web.invoicing.run.filter_${f}`)}
                    </button>
                  ))}
                </div>
                {drafts.data && <span className="toolbar-meta">{t('web.invoicing.invoices.count', { count: drafts.data.total })}</span>}
              </div>
              {drafts.error !== undefined && <LoadError error={drafts.error} onRetry={drafts.reload} />}
              {drafts.loading && !drafts.data && <Spinner />}
              {drafts.data && drafts.data.items.length === 0 && <EmptyState>{t('web.invoicing.run.no_drafts')}</EmptyState>}
              {drafts.data && drafts.data.items.length > 0 && (
                <>
                  <DraftsTable invoices={drafts.data.items} editable={editable} onChanged={reloadAll} />
                  <Pager offset={offset} limit={PAGE} total={drafts.data.total} onChange={setOffset} />
                </>
              )}
            </Card>
          </div>
        </>
      )}
    </>
  );
}

function DraftsTable({ invoices, editable, onChanged }: { invoices: Invoice[]; editable: boolean; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const errorText = useErrorText();
  const [holding, setHolding] = useState<Invoice | null>(null);
  const [discarding, setDiscarding] = useState<Invoice | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [releaseError, setReleaseError] = useState<{ invoice: Invoice; error: unknown } | null>(null);

  async function release(inv: Invoice) {
    setBusy(inv.id);
    setReleaseError(null);
    try {
      await invoicing.release(inv.id);
      toast('success', t('web.invoicing.hold.released_toast', { customer: inv.customerName }));
      onChanged();
    } catch (e) {
      setReleaseError({ invoice: inv, error: e });
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {releaseError && (
        <Alert tone="danger" title={t('web.invoicing.hold.release_failed', { customer: releaseError.invoice.customerName })}>
          <p>{errorText(releaseError.error)}</p>
        </Alert>
      )}
      <div className="table-wrap">
        <table className="table">
          <caption className="sr-only">{t('web.invoicing.run.drafts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('web.invoicing.col.customer')}</th>
              <th scope="col">{t('web.invoicing.col.document')}</th>
              <th scope="col">{t('web.invoicing.col.currency')}</th>
              <th scope="col" className="num">{t('web.invoicing.net')}</th>
              <th scope="col" className="num">{t('web.invoicing.tax')}</th>
              <th scope="col" className="num">{t('web.invoicing.gross')}</th>
              <th scope="col">{t('web.invoicing.col.status')}</th>
              <th scope="col" className="col-actions">
                <span className="sr-only">{t('web.common.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invoices.map((inv) => (
              <tr key={inv.id}>
                <td className="strong">{inv.customerName}</td>
                <td>
                  <Link to={`/invoicing/invoices/${encodeURIComponent(inv.id)}`}>{invoiceTitle(fmt, inv)}</Link>
                </td>
                <td>{inv.currency}</td>
                <td className="num">
                  <Money amount={inv.net} currency={inv.currency} />
                </td>
                <td className="num">
                  <Money amount={inv.tax} currency={inv.currency} />
                </td>
                <td className="num strong">
                  <Money amount={inv.gross} currency={inv.currency} />
                </td>
                <td>
                  {inv.status === 'draft' && inv.holdCode ? <HoldBadge invoice={inv} /> : <InvoiceStatusBadge status={inv.status} />}
                </td>
                <td className="col-actions">
                  <span className="row-actions">
                    {editable && inv.status === 'draft' && !inv.holdCode && (
                      <Button size="sm" onClick={() => setHolding(inv)}>
                        {t('web.invoicing.hold.action')}
                      </Button>
                    )}
                    {editable && inv.status === 'draft' && inv.holdCode && (
                      <Button size="sm" busy={busy === inv.id} onClick={() => void release(inv)}>
                        {t('web.invoicing.hold.release')}
                      </Button>
                    )}
                    {editable && inv.status === 'draft' && (
                      <Button size="sm" variant="danger" onClick={() => setDiscarding(inv)}>
                        {t('web.invoicing.discard.action')}
                      </Button>
                    )}
                    <Link to={`/invoicing/invoices/${encodeURIComponent(inv.id)}`} className="btn btn-secondary btn-sm">
                      {t('web.invoicing.open')}
                    </Link>
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <DiscardDialog
        invoice={discarding}
        onClose={() => setDiscarding(null)}
        onDone={() => {
          setDiscarding(null);
          onChanged();
        }}
      />
      <HoldDialog
        invoice={holding}
        onClose={() => setHolding(null)}
        onDone={() => {
          setHolding(null);
          onChanged();
        }}
      />
    </>
  );
}
