import { useEffect, useState } from 'react';
import { api, type Customer, type DriftItem, type Subscription } from '../api';
import { CommerceBadge, SubscriptionStatusBadge, labelOr, subscriptionName, termLabel } from '../components/commerce';
import { Icon } from '../components/icons';
import { Badge, Button, EmptyState, LoadError, PageHeader, Spinner, cx, useResource } from '../components/ui';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';

const PAGE = 25;
const STATUSES = ['active', 'suspended', 'disabled', 'deleted', 'expired', 'pending'];
const BILLING_TYPES = ['license', 'usage'];

/** Subscriptions across customers: drift first (what needs a look), then the full list with filters. */
export function Subscriptions() {
  const { t } = useI18n();
  const { search } = useLocation();
  const view = search.get('view') === 'all' ? 'all' : 'drift';
  return (
    <>
      <PageHeader title={t('web.subscriptions.page.title')} description={t('web.subscriptions.page.description')} />
      <section className="card">
        <div className="toolbar">
          <div className="segmented" role="group" aria-label={t('web.subscriptions.page.view')}>
            {(['drift', 'all'] as const).map((v) => (
              <button key={v} type="button" className={cx('segment', view === v && 'active')} aria-pressed={view === v} onClick={() => navigate(v === 'drift' ? '/subscriptions' : '/subscriptions?view=all')}>
                {t(`web.subscriptions.page.tab_${v}`)}
              </button>
            ))}
          </div>
        </div>
        {view === 'drift' ? <Drift /> : <AllSubscriptions />}
      </section>
    </>
  );
}

function Drift() {
  const fmt = useI18n();
  const { t, dateTime } = fmt;
  const drift = useResource((signal) => api.get<{ items: DriftItem[] }>('/api/subscriptions/drift', undefined, { signal }), []);
  const items = drift.data?.items ?? [];
  return (
    <>
      {drift.error !== undefined && (
        <div className="card-body">
          <LoadError error={drift.error} onRetry={drift.reload} />
        </div>
      )}
      {drift.loading && !drift.data && (
        <div className="card-body">
          <Spinner />
        </div>
      )}
      {drift.data && (
        <div className="subtoolbar">
          <p className="muted">{t('web.subscriptions.page.drift_intro')}</p>
          <span className="toolbar-meta">{t('web.subscriptions.page.drift_count', { count: items.length })}</span>
          <Button size="sm" variant="ghost" onClick={drift.reload} busy={drift.loading}>
            {t('web.common.refresh')}
          </Button>
        </div>
      )}
      {drift.data && items.length === 0 && (
        <EmptyState>
          <Icon name="check" size={18} /> {t('web.subscriptions.page.drift_empty')}
        </EmptyState>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.subscriptions.page.tab_drift')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.subscriptions.col_customer')}</th>
                <th scope="col">{t('web.subscriptions.col_subscription')}</th>
                <th scope="col">{t('web.subscriptions.page.col_kind')}</th>
                <th scope="col">{t('web.subscriptions.page.col_expected')}</th>
                <th scope="col">{t('web.subscriptions.page.col_actual')}</th>
                <th scope="col">{t('web.subscriptions.page.col_synced')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.subscription.id}>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(d.subscription.customerId)}`} className="strong">
                      {d.customerName || d.subscription.customerId}
                    </Link>
                  </td>
                  <td>
                    <span className="strong">{subscriptionName(d.subscription)}</span>
                    <span className="sub">
                      <CommerceBadge commerce={d.subscription.commerce} />
                    </span>
                  </td>
                  <td>
                    <Badge tone={d.kind === 'removed_upstream' ? 'danger' : 'warning'}>{t(`web.subscriptions.page.kinds.${d.kind}`)}</Badge>
                  </td>
                  <td>{d.expected ? labelOr(fmt, 'web.subscriptions.status', d.expected) : <span className="muted">—</span>}</td>
                  <td>
                    <SubscriptionStatusBadge status={d.actual} />
                  </td>
                  <td className="nowrap">{d.subscription.syncedAt ? dateTime(d.subscription.syncedAt) : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function AllSubscriptions() {
  const fmt = useI18n();
  const { t, number, date } = fmt;
  const { search } = useLocation();
  const status = search.get('status') ?? '';
  const commerce = search.get('commerce') === 'nce' || search.get('commerce') === 'legacy' ? search.get('commerce')! : '';
  const billingType = search.get('billingType') ?? '';
  const offset = Math.max(0, Number.parseInt(search.get('offset') ?? '0', 10) || 0);
  const list = useResource(
    (signal) => api.get<{ items: Subscription[]; total: number }>('/api/subscriptions', { status, commerce, billingType, limit: PAGE, offset }, { signal }),
    [status, commerce, billingType, offset],
  );
  // the list carries customer ids only: look up the names of the customers on this page
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    const missing = [...new Set((list.data?.items ?? []).map((s) => s.customerId))].filter((id) => !(id in names));
    if (!missing.length) return;
    let live = true;
    Promise.all(missing.map((id) => api.get<Customer>(`/api/customers/${encodeURIComponent(id)}`).then((c) => [id, c.companyName || c.domain || id] as const, () => [id, id] as const))).then(
      (pairs) => live && setNames((n) => ({ ...n, ...Object.fromEntries(pairs) })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [list.data]);

  const go = (patch: Record<string, string | number>) => {
    const qs = new URLSearchParams({ view: 'all' });
    const next = { status, commerce, billingType, offset: 0, ...patch };
    for (const [k, v] of Object.entries(next)) if (v !== '' && v !== 0) qs.set(k, String(v));
    navigate(`/subscriptions?${qs}`);
  };
  const total = list.data?.total ?? 0;
  const items = list.data?.items ?? [];

  return (
    <>
      <div className="subtoolbar">
        <div className="filter-selects">
          <select aria-label={t('web.subscriptions.page.filter_status')} value={status} onChange={(e) => go({ status: e.target.value })}>
            <option value="">{t('web.subscriptions.page.any_status')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`web.subscriptions.status.${s}`)}
              </option>
            ))}
          </select>
          <select aria-label={t('web.subscriptions.page.filter_commerce')} value={commerce} onChange={(e) => go({ commerce: e.target.value })}>
            <option value="">{t('web.subscriptions.page.any_commerce')}</option>
            <option value="nce">{t('web.subscriptions.commerce.nce')}</option>
            <option value="legacy">{t('web.subscriptions.commerce.legacy')}</option>
          </select>
          <select aria-label={t('web.subscriptions.page.filter_billing')} value={billingType} onChange={(e) => go({ billingType: e.target.value })}>
            <option value="">{t('web.subscriptions.page.any_billing')}</option>
            {BILLING_TYPES.map((b) => (
              <option key={b} value={b}>
                {t(`web.subscriptions.billing_types.${b}`)}
              </option>
            ))}
          </select>
        </div>
        {list.data && <span className="toolbar-meta">{t('web.subscriptions.card_description', { count: total })}</span>}
      </div>
      {list.error !== undefined && (
        <div className="card-body">
          <LoadError error={list.error} onRetry={list.reload} />
        </div>
      )}
      {list.loading && !list.data && (
        <div className="card-body">
          <Spinner />
        </div>
      )}
      {list.data && items.length === 0 && <EmptyState>{t('web.subscriptions.page.empty')}</EmptyState>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className={cx('table', list.loading && 'table-loading')}>
            <caption className="sr-only">{t('web.subscriptions.page.tab_all')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.subscriptions.col_customer')}</th>
                <th scope="col">{t('web.subscriptions.col_subscription')}</th>
                <th scope="col">{t('web.subscriptions.col_status')}</th>
                <th scope="col">{t('web.subscriptions.col_commerce')}</th>
                <th scope="col" className="num">
                  {t('web.subscriptions.col_quantity')}
                </th>
                <th scope="col">{t('web.subscriptions.col_term')}</th>
                <th scope="col">{t('web.subscriptions.col_commitment_end')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link to={`/customers/${encodeURIComponent(s.customerId)}`} className="strong">
                      {names[s.customerId] ?? s.customerId}
                    </Link>
                  </td>
                  <td>
                    <span className="strong">{subscriptionName(s)}</span>
                    {s.parentProviderSubscriptionId && <Badge>{t('web.subscriptions.add_on')}</Badge>}
                  </td>
                  <td>
                    <SubscriptionStatusBadge status={s.status} />
                  </td>
                  <td>
                    <CommerceBadge commerce={s.commerce} />
                    <span className="sub">{labelOr(fmt, 'web.subscriptions.billing_types', s.billingType)}</span>
                  </td>
                  <td className="num">{number(s.quantity)}</td>
                  <td>{termLabel(fmt, s.termDuration) || <span className="muted">—</span>}</td>
                  <td className="nowrap">{s.commitmentEndDate ? date(s.commitmentEndDate) : <span className="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {total > PAGE && (
        <div className="pager">
          <span>{t('web.common.range', { from: number(offset + 1), to: number(Math.min(offset + PAGE, total)), total: number(total) })}</span>
          <div className="pager-buttons">
            <Button size="sm" disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - PAGE) })}>
              {t('web.common.previous')}
            </Button>
            <Button size="sm" disabled={offset + PAGE >= total} onClick={() => go({ offset: offset + PAGE })}>
              {t('web.common.next')}
            </Button>
          </div>
        </div>
      )}
    </>
  );
}
