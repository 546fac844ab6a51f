import { useState } from 'react';
import { Button, Card, EmptyState, Field, LoadError, PageHeader, Spinner, cx, useResource } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link, navigate, useLocation } from '../../router';
import { useUser } from '../../session';
import { BUCKETS, receivables, type Aging, type Buckets } from './api';
import { AgingChart, units } from './AgingChart';
import { Amount, localToday } from './shared';

const TOP = 8;
const COLUMNS = [...BUCKETS, 'disputed', 'balance', 'unapplied'] as const;

/**
 * Receivables aging as of a day: per currency (tabs), the buckets current / 1–30 / 31–60 / 61–90 /
 * 90+ days past due as a stacked bar chart, disputed amounts apart, and a table per customer.
 */
export function AgingPage() {
  const fmt = useI18n();
  const { t } = fmt;
  const user = useUser();
  const { search } = useLocation();
  const [asOf, setAsOf] = useState(() => search.get('asOf') ?? localToday(user.timeZone));
  const report = useResource((signal) => receivables.aging({ asOf }, signal), [asOf]);
  const currencies = report.data?.currencies ?? [];
  const wanted = search.get('currency');
  const current = currencies.find((c) => c.currency === wanted) ?? currencies[0];
  const pick = (currency: string) => navigate(`/receivables/aging?${new URLSearchParams({ asOf, currency })}`, { replace: true });

  return (
    <>
      <PageHeader
        title={t('web.aging.title')}
        description={t('web.aging.description')}
        actions={
          <Button size="sm" onClick={report.reload} busy={report.loading && Boolean(report.data)}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <div className="stack">
        <Card>
          <div className="filters filter-selects">
            <Field label={t('web.aging.as_of')}>
              <input type="date" value={asOf} max="9999-12-31" onChange={(e) => e.target.value && setAsOf(e.target.value)} />
            </Field>
            {currencies.length > 1 && (
              <div className="segmented" role="tablist" aria-label={t('web.aging.currency')}>
                {currencies.map((c) => (
                  <button key={c.currency} type="button" role="tab" aria-selected={c === current} className={cx('segment', c === current && 'active')} onClick={() => pick(c.currency)}>
                    {c.currency}
                  </button>
                ))}
              </div>
            )}
          </div>
          {report.error !== undefined && <LoadError error={report.error} onRetry={report.reload} />}
          {report.loading && !report.data && <Spinner />}
          {report.data && !current && <EmptyState>{t('web.aging.empty')}</EmptyState>}
        </Card>
        {report.data && current && <CurrencyAging key={current.currency} data={current} asOf={report.data.asOf} />}
      </div>
    </>
  );
}

function CurrencyAging({ data, asOf }: { data: Aging['currencies'][number]; asOf: string }) {
  const fmt = useI18n();
  const { t } = fmt;
  const byBalance = [...data.customers].sort((a, b) => {
    const d = units(b.balance) - units(a.balance);
    return d > 0n ? 1 : d < 0n ? -1 : a.name.localeCompare(b.name, fmt.locale);
  });
  const cur = data.currency;
  // unapplied cash is a column only when someone has some
  const columns = COLUMNS.filter((k) => k !== 'unapplied' || units(data.total.unapplied) !== 0n || data.customers.some((c) => units(c.unapplied) !== 0n));
  return (
    <>
      <div className="stat-grid">
        {(['balance', 'd1_30', 'd90_plus', 'disputed'] as const).map((k) => (
          <div className="stat" key={k}>
            <div className="stat-label">{t(`web.aging.buckets.${k}`)}</div>
            <div className="stat-value">
              <Amount amount={data.total[k]} currency={cur} />
            </div>
          </div>
        ))}
      </div>
      <Card title={t('web.aging.chart_title', { currency: cur })} description={t('web.aging.chart_description', { count: Math.min(TOP, byBalance.length) })}>
        <AgingChart currency={cur} total={data.total} customers={byBalance.slice(0, TOP).map((c) => ({ name: c.name, values: c }))} title={t('web.aging.chart_title', { currency: cur })} />
      </Card>
      <Card title={t('web.aging.customers_title', { currency: cur })} className="card-flush">
        {byBalance.length === 0 ? (
          <EmptyState>{t('web.aging.empty')}</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.aging.customers_title', { currency: cur })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.payments.col.customer')}</th>
                  {columns.map((k) => (
                    <th scope="col" className="num" key={k}>
                      {t(`web.aging.buckets.${k}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {byBalance.map((c) => (
                  <tr key={c.customerId}>
                    <td>
                      <Link to={`/customers/${encodeURIComponent(c.customerId)}`} className="strong">
                        {c.name}
                      </Link>
                    </td>
                    <Cells values={c} currency={cur} columns={columns} />
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td>{t('web.aging.total')}</td>
                  <Cells values={data.total} currency={cur} columns={columns} />
                </tr>
              </tfoot>
            </table>
          </div>
        )}
      </Card>
      <p className="muted">{t('web.aging.as_of_note', { date: fmt.date(`${asOf}T00:00:00Z`, { timeZone: 'UTC' }) })}</p>
    </>
  );
}

function Cells({ values, currency, columns }: { values: Buckets; currency: string; columns: readonly (typeof COLUMNS)[number][] }) {
  return (
    <>
      {columns.map((k) => (
        <td key={k} className={cx('num', k === 'balance' && 'strong', units(values[k]) === 0n && 'muted', (k === 'd61_90' || k === 'd90_plus') && units(values[k]) > 0n && 'overdue')}>
          <Amount amount={values[k]} currency={currency} />
        </td>
      ))}
    </>
  );
}
