import type { ReactNode } from 'react';
import { api, providerInvoices, type PayablesSummary, type SystemInfo } from '../api';
import { Icon, type IconName } from '../components/icons';
import { isZero } from '../components/money';
import { Money, PayableState, formatDay } from '../components/payables';
import { Badge, Button, Card, EmptyState, LoadError, PageHeader, Spinner, cx, useResource, type Resource } from '../components/ui';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { useUser } from '../session';

function Stat({ icon, label, children, sub }: { icon: IconName; label: string; children: ReactNode; sub?: ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">
        <Icon name={icon} size={15} />
        <span>{label}</span>
      </div>
      <div className="stat-value">{children}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}

export function Dashboard() {
  const { t, number, dateTime } = useI18n();
  const user = useUser();
  const sys = useResource((signal) => api.get<SystemInfo>('/api/system', undefined, { signal }), []);
  const payables = useResource((signal) => providerInvoices.summary(signal), []);
  const s = sys.data;

  return (
    <>
      <PageHeader
        title={t('web.dashboard.title')}
        description={t('web.dashboard.welcome', { name: user.name || user.email })}
        actions={
          <Button size="sm" onClick={() => (sys.reload(), payables.reload())} busy={sys.loading && Boolean(s)}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <DueToProviders summary={payables} />
      {sys.error !== undefined && <LoadError error={sys.error} onRetry={sys.reload} />}
      {!s && sys.loading && <Spinner />}
      {s && (
        <>
          <div className="stat-grid">
            <Stat icon="tag" label={t('web.dashboard.version')}>
              <span className="mono">{s.version}</span>
            </Stat>
            <Stat icon="clock" label={t('web.dashboard.server_time')} sub={t('web.dashboard.time_zone', { zone: user.timeZone })}>
              {dateTime(s.now, { style: 'medium' })}
            </Stat>
            <Stat icon="database" label={t('web.dashboard.store')} sub={s.store.description}>
              {s.store.kind === 'embedded' ? t('web.dashboard.store_embedded') : t('web.dashboard.store_postgres')}
            </Stat>
            <Stat
              icon="layers"
              label={t('web.dashboard.migrations')}
              sub={s.migrations.pending.length ? t('web.dashboard.migrations_pending', { count: s.migrations.pending.length }) : t('web.dashboard.migrations_up_to_date')}
            >
              {t('web.dashboard.migrations_applied', { count: s.migrations.applied.length })}
            </Stat>
          </div>

          <div className="grid-2">
            <Card title={t('web.dashboard.outbox')} description={t('web.dashboard.outbox_description')}>
              <dl className="kv-grid">
                <div>
                  <dt>{t('web.dashboard.outbox_pending')}</dt>
                  <dd>{number(s.outbox.pending)}</dd>
                </div>
                <div>
                  <dt>{t('web.dashboard.outbox_processing')}</dt>
                  <dd>{number(s.outbox.processing)}</dd>
                </div>
                <div>
                  <dt>{t('web.dashboard.outbox_done')}</dt>
                  <dd>{number(s.outbox.done)}</dd>
                </div>
                <div className={s.outbox.dead > 0 ? 'kv-danger' : undefined}>
                  <dt>{t('web.dashboard.outbox_dead')}</dt>
                  <dd>{number(s.outbox.dead)}</dd>
                </div>
              </dl>
            </Card>
            <Card title={t('web.dashboard.runtime')}>
              <dl className="kv-list">
                <div>
                  <dt>{t('web.dashboard.worker')}</dt>
                  <dd>{s.worker ? <Badge tone="success">{t('web.dashboard.worker_on')}</Badge> : <Badge>{t('web.dashboard.worker_off')}</Badge>}</dd>
                </div>
                <div>
                  <dt>{t('web.dashboard.effects')}</dt>
                  <dd>
                    {s.effects.length ? (
                      <span className="chip-list">
                        {s.effects.map((e) => (
                          <code key={e} className="chip">
                            {e}
                          </code>
                        ))}
                      </span>
                    ) : (
                      <span className="muted">{t('web.common.none')}</span>
                    )}
                  </dd>
                </div>
                <div>
                  <dt>{t('web.dashboard.migrations_pending_list')}</dt>
                  <dd>
                    {s.migrations.pending.length ? (
                      <span className="chip-list">
                        {s.migrations.pending.map((m) => (
                          <code key={m} className="chip chip-warning">
                            {m}
                          </code>
                        ))}
                      </span>
                    ) : (
                      <Badge tone="success">{t('web.dashboard.migrations_up_to_date')}</Badge>
                    )}
                  </dd>
                </div>
                <div>
                  <dt>{t('web.dashboard.latest_migration')}</dt>
                  <dd className="mono">{s.migrations.applied.at(-1) ?? '—'}</dd>
                </div>
              </dl>
            </Card>
          </div>
        </>
      )}
    </>
  );
}

// ---------------------------------------------------------------- due to providers

const BUCKETS = [
  ['overdue', 'web.dashboard.payables.overdue'],
  ['dueIn7Days', 'web.dashboard.payables.due_7'],
  ['dueIn30Days', 'web.dashboard.payables.due_30'],
  ['later', 'web.dashboard.payables.later'],
] as const;

/** What the partner owes Microsoft and 21Vianet: per currency by due date, and the next invoices to pay. */
function DueToProviders({ summary }: { summary: Resource<PayablesSummary> }) {
  const fmt = useI18n();
  const { t } = fmt;
  const s = summary.data;
  return (
    <Card
      title={t('web.dashboard.payables.title')}
      description={s ? t('web.dashboard.payables.description', { date: formatDay(fmt, s.asOf) }) : undefined}
      className="card-flush payables-card"
      actions={
        <Link to="/provider-billing/invoices" className="card-link">
          {t('web.dashboard.payables.all')}
        </Link>
      }
    >
      {summary.error !== undefined && <LoadError error={summary.error} onRetry={summary.reload} />}
      {!s && summary.loading && <Spinner />}
      {s && s.currencies.length === 0 && <EmptyState>{t('web.dashboard.payables.empty')}</EmptyState>}
      {s && s.currencies.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table table-due">
              <caption className="sr-only">{t('web.dashboard.payables.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.dashboard.payables.col_currency')}</th>
                  {BUCKETS.map(([k, label]) => (
                    <th key={k} scope="col" className="num">
                      {t(label)}
                    </th>
                  ))}
                  <th scope="col" className="num">
                    {t('web.dashboard.payables.total')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.currencies.map((c) => (
                  <tr key={c.currency}>
                    <th scope="row" className="mono">
                      {c.currency}
                      <span className="sub">{t('web.dashboard.payables.invoices', { count: c.invoices })}</span>
                    </th>
                    {BUCKETS.map(([k]) => (
                      <td key={k} className={cx('num', isZero(c[k]) ? 'muted' : k === 'overdue' ? 'text-danger strong' : undefined)}>
                        <Money amount={c[k]} currency={c.currency} />
                      </td>
                    ))}
                    <td className="num strong">
                      <Money amount={c.total} currency={c.currency} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {s.next.length > 0 && (
            <div className="next-to-pay">
              <p className="diff-title">{t('web.dashboard.payables.next')}</p>
              <ul className="next-list">
                {s.next.map((i) => (
                  <li key={i.id}>
                    <div className="next-main">
                      <Link to={`/provider-billing/invoices/${encodeURIComponent(i.id)}`} className="strong mono">
                        {i.invoiceNumber}
                      </Link>
                      <span className="sub">
                        {i.accountName} · {t('web.dashboard.payables.due_on', { date: formatDay(fmt, i.dueDate) })}
                      </span>
                    </div>
                    <PayableState invoice={i} />
                    <Money amount={i.balance} currency={i.currency} className="strong next-amount" />
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
    </Card>
  );
}
