import { useEffect, useState, type FormEvent } from 'react';
import { Icon } from '../../components/icons';
import { Button, Card, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, fieldErrorsOf, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { canBill, useUser } from '../../session';
import { invoicing, type InvoiceRun } from './api';
import { RunActions } from './RunActions';
import { RunStateBadge, Totals, periodText, previousPeriod } from './shared';

/** Invoice runs (issue 5, point 9): start the run of a period, see each run's progress, issue or cancel it. */
export function InvoiceRuns() {
  const { t } = useI18n();
  const editable = canBill(useUser());
  const runs = useResource((signal) => invoicing.runs(signal), []);
  const busy = runs.data?.items.some((r) => r.state === 'drafting' || r.state === 'issuing');

  // a run being drafted or issued elsewhere: look again every few seconds
  useEffect(() => {
    if (!busy) return;
    const id = window.setInterval(runs.reload, 3000);
    return () => window.clearInterval(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [busy]);

  return (
    <>
      <PageHeader
        title={t('web.invoicing.runs.title')}
        description={t('web.invoicing.runs.description')}
        actions={
          <Button size="sm" onClick={runs.reload} busy={runs.loading}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <div className="stack">
        {editable && <StartRun onStarted={runs.reload} />}
        <Card title={t('web.invoicing.runs.list')}>
          {runs.error !== undefined && <LoadError error={runs.error} onRetry={runs.reload} />}
          {runs.loading && !runs.data && <Spinner />}
          {runs.data && runs.data.items.length === 0 && <EmptyState>{t('web.invoicing.runs.empty')}</EmptyState>}
          {runs.data && runs.data.items.length > 0 && <RunsTable runs={runs.data.items} editable={editable} onChanged={runs.reload} />}
        </Card>
      </div>
    </>
  );
}

function RunsTable({ runs, editable, onChanged }: { runs: InvoiceRun[]; editable: boolean; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">{t('web.invoicing.runs.list')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.invoicing.runs.col_period')}</th>
            <th scope="col">{t('web.invoicing.runs.col_state')}</th>
            <th scope="col" className="num">{t('web.invoicing.runs.col_customers')}</th>
            <th scope="col" className="num">{t('web.invoicing.runs.col_invoices')}</th>
            <th scope="col" className="num">{t('web.invoicing.runs.col_held')}</th>
            <th scope="col" className="num">{t('web.invoicing.runs.col_issued')}</th>
            <th scope="col">{t('web.invoicing.runs.col_totals')}</th>
            <th scope="col" className="col-actions">
              <span className="sr-only">{t('web.common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.runId} className={r.state === 'cancelled' ? 'row-muted' : undefined}>
              <td>
                <Link to={`/invoicing/runs/${encodeURIComponent(r.runId)}`} className="strong">
                  {periodText(fmt, r.period)}
                </Link>
                <span className="sub">{t('web.invoicing.runs.started_at', { at: fmt.dateTime(r.createdAt) })}</span>
              </td>
              <td>
                <RunStateBadge state={r.state} />
                {r.state === 'issuing' && r.invoices > 0 && <span className="sub">{t('web.invoicing.runs.progress', { done: r.issued, total: r.invoices })}</span>}
              </td>
              <td className="num">{fmt.number(r.customers)}</td>
              <td className="num">{fmt.number(r.invoices)}</td>
              <td className="num">{fmt.number(r.held)}</td>
              <td className="num">{fmt.number(r.issued)}</td>
              <td>
                <Totals totals={r.totals} />
              </td>
              <td className="col-actions">{editable && <RunActions run={r} onChanged={onChanged} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StartRun({ onStarted }: { onStarted: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const [period, setPeriod] = useState(() => previousPeriod());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<InvoiceRun | null>(null);
  const fe = fieldErrorsOf(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await invoicing.startRun(period.trim());
      setResult(r);
      toast('success', r.created ? t('web.invoicing.runs.started', { period: periodText(fmt, r.period) }) : t('web.invoicing.runs.existing', { period: periodText(fmt, r.period) }));
      onStarted();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('web.invoicing.runs.start_title')} description={t('web.invoicing.runs.start_description')}>
      <form onSubmit={submit} className="form" noValidate>
        <FormError error={error} shownFields={['period']} />
        <div className="form-inline">
          <Field label={t('web.invoicing.runs.period')} error={fe.period} hint={t('web.invoicing.runs.period_hint')}>
            <input type="month" value={period} onChange={(e) => setPeriod(e.target.value)} required pattern="\d{4}-\d{2}" placeholder="YYYY-MM" />
          </Field>
          <Button type="submit" variant="primary" busy={busy}>
            <Icon name="play" />
            {t('web.invoicing.runs.start')}
          </Button>
        </div>
      </form>
      {result && (
        <div className="alert alert-success" role="status">
          <p className="alert-title">{result.created ? t('web.invoicing.runs.started', { period: periodText(fmt, result.period) }) : t('web.invoicing.runs.existing', { period: periodText(fmt, result.period) })}</p>
          <p>{t('web.invoicing.runs.result', { customers: result.customers, invoices: result.invoices, held: result.held })}</p>
          <Totals totals={result.totals} />
          <p>
            <Link to={`/invoicing/runs/${encodeURIComponent(result.runId)}`}>{t('web.invoicing.runs.review')}</Link>
          </p>
        </div>
      )}
    </Card>
  );
}
