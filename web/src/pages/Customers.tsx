import { useEffect, useState, type FormEvent } from 'react';
import { api, CLOUDS, type Customer, type ProviderAccount, type SyncRun } from '../api';
import { CloudBadge, PAYEE_NAMES, SyncStateBadge, labelOr, regionName } from '../components/commerce';
import { Icon } from '../components/icons';
import { Badge, Button, EmptyState, LoadError, PageHeader, Spinner, cx, useErrorText, useResource, useToast } from '../components/ui';
import { LOCALE_NAMES, useI18n, type Formatter } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { canBill, useUser } from '../session';

const PAGE = 25;
/** Segments offered in the filter; any other value a customer has also works (typed in the search). */
export const KNOWN_SEGMENTS = ['standard', 'enterprise', 'smb', 'education', 'nonprofit', 'government'];

interface Filters {
  q: string;
  cloud: string;
  status: string;
  segment: string;
  fraud: boolean;
  offset: number;
}

function readFilters(search: URLSearchParams): Filters {
  const cloud = search.get('cloud') ?? '';
  const status = search.get('status') ?? '';
  return {
    q: search.get('q') ?? '',
    cloud: (CLOUDS as string[]).includes(cloud) ? cloud : '',
    status: status === 'active' || status === 'removed_upstream' ? status : '',
    segment: search.get('segment') ?? '',
    fraud: search.get('fraud') === '1',
    offset: Math.max(0, Number.parseInt(search.get('offset') ?? '0', 10) || 0),
  };
}

function hrefOf(f: Filters): string {
  const qs = new URLSearchParams();
  if (f.q) qs.set('q', f.q);
  if (f.cloud) qs.set('cloud', f.cloud);
  if (f.status) qs.set('status', f.status);
  if (f.segment) qs.set('segment', f.segment);
  if (f.fraud) qs.set('fraud', '1');
  if (f.offset) qs.set('offset', String(f.offset));
  const s = qs.toString();
  return `/customers${s ? `?${s}` : ''}`;
}

/** One toast line for a sync of all accounts. */
function syncSummary(fmt: Formatter, runs: SyncRun[], activeAccounts: number): { tone: 'success' | 'danger' | 'info'; text: string } {
  // no runs: nothing to sync, or every account is already being synced (the server skips those)
  if (runs.length === 0) return activeAccounts > 0 ? { tone: 'info', text: fmt.t('web.sync.busy') } : { tone: 'danger', text: fmt.t('web.sync.none') };
  const sum = (k: keyof SyncRun['stats']) => runs.reduce((n, r) => n + r.stats[k], 0);
  const failed = sum('failed');
  const text = fmt.t('web.sync.done', {
    accounts: runs.length,
    customers: sum('customersSeen'),
    created: sum('customersCreated'),
    updated: sum('customersUpdated'),
    removed: sum('customersRemoved'),
    subscriptions: sum('subscriptionsSeen'),
    subsChanged: sum('subscriptionsCreated') + sum('subscriptionsUpdated') + sum('subscriptionsRemoved'),
  });
  if (failed > 0 || runs.some((r) => r.state !== 'done')) {
    const first = runs.flatMap((r) => r.errors)[0];
    return { tone: 'danger', text: `${text} ${fmt.t('web.sync.some_failed', { count: Math.max(failed, 1), message: first?.message ?? '' })}` };
  }
  return { tone: 'success', text };
}

export function Customers() {
  const fmt = useI18n();
  const { t, number } = fmt;
  const user = useUser();
  const toast = useToast();
  const errorText = useErrorText();
  const { search } = useLocation();
  const f = readFilters(search);
  const [q, setQ] = useState(f.q);
  const [syncing, setSyncing] = useState(false);
  useEffect(() => setQ(f.q), [f.q]);

  const list = useResource(
    (signal) =>
      api.get<{ items: Customer[]; total: number }>(
        '/api/customers',
        { q: f.q, cloud: f.cloud, status: f.status, segment: f.segment, fraudReview: f.fraud ? 'true' : undefined, limit: PAGE, offset: f.offset },
        { signal },
      ),
    [f.q, f.cloud, f.status, f.segment, f.fraud, f.offset],
  );
  const accounts = useResource((signal) => api.get<{ items: ProviderAccount[] }>('/api/provider-accounts', undefined, { signal }), []);

  const go = (patch: Partial<Filters>) => navigate(hrefOf({ ...f, offset: 0, ...patch }));
  const filtered = Boolean(f.q || f.cloud || f.status || f.segment || f.fraud);

  function submitSearch(e: FormEvent) {
    e.preventDefault();
    go({ q: q.trim() });
  }

  async function syncNow() {
    setSyncing(true);
    try {
      const res = await api.post<{ runs: SyncRun[] }>('/api/sync');
      const s = syncSummary(fmt, res.runs, accounts.data?.items.filter((a) => a.status === 'active').length ?? 0);
      toast(s.tone, s.text);
      list.reload();
      accounts.reload();
    } catch (err) {
      toast('danger', errorText(err));
      accounts.reload();
    } finally {
      setSyncing(false);
    }
  }

  const total = list.data?.total ?? 0;
  const items = list.data?.items ?? [];
  const segments = [...new Set([...KNOWN_SEGMENTS, ...(f.segment ? [f.segment] : [])])];

  return (
    <>
      <PageHeader
        title={t('web.customers.title')}
        description={t('web.customers.description')}
        actions={
          <>
            <Button size="sm" onClick={() => (list.reload(), accounts.reload())} busy={list.loading && Boolean(list.data)}>
              {t('web.common.refresh')}
            </Button>
            {canBill(user) && (
              <Button variant="primary" size="sm" onClick={syncNow} busy={syncing}>
                {!syncing && <Icon name="refresh" />}
                {syncing ? t('web.sync.running') : t('web.sync.now')}
              </Button>
            )}
          </>
        }
      />

      <SyncState accounts={accounts.data?.items} error={accounts.error} onRetry={accounts.reload} />

      <section className="card">
        <form className="toolbar filters" role="search" aria-label={t('web.customers.filters')} onSubmit={submitSearch}>
          <div className="search-box">
            <label htmlFor="customer-search" className="sr-only">
              {t('web.customers.search_label')}
            </label>
            <Icon name="search" size={15} className="search-icon" />
            <input id="customer-search" type="search" value={q} maxLength={100} onChange={(e) => setQ(e.target.value)} placeholder={t('web.customers.search_placeholder')} />
          </div>
          <Button type="submit" size="sm">
            {t('web.customers.search')}
          </Button>
          <div className="filter-selects">
            <label className="select-inline">
              <span className="sr-only">{t('web.customers.filter_cloud')}</span>
              <select aria-label={t('web.customers.filter_cloud')} value={f.cloud} onChange={(e) => go({ cloud: e.target.value })}>
                <option value="">{t('web.customers.any_cloud')}</option>
                {CLOUDS.map((c) => (
                  <option key={c} value={c}>
                    {t(`web.clouds.${c}`)}
                  </option>
                ))}
              </select>
            </label>
            <label className="select-inline">
              <span className="sr-only">{t('web.customers.filter_status')}</span>
              <select aria-label={t('web.customers.filter_status')} value={f.status} onChange={(e) => go({ status: e.target.value })}>
                <option value="">{t('web.customers.any_status')}</option>
                <option value="active">{t('web.customers.status.active')}</option>
                <option value="removed_upstream">{t('web.customers.status.removed_upstream')}</option>
              </select>
            </label>
            <label className="select-inline">
              <span className="sr-only">{t('web.customers.filter_segment')}</span>
              <select aria-label={t('web.customers.filter_segment')} value={f.segment} onChange={(e) => go({ segment: e.target.value })}>
                <option value="">{t('web.customers.any_segment')}</option>
                {segments.map((s) => (
                  <option key={s} value={s}>
                    {labelOr(fmt, 'web.customers.segments', s)}
                  </option>
                ))}
              </select>
            </label>
            <label className={cx('toggle-chip', f.fraud && 'checked')}>
              <input type="checkbox" checked={f.fraud} onChange={(e) => go({ fraud: e.target.checked })} />
              <Icon name="flag" size={14} />
              <span>{t('web.customers.filter_fraud')}</span>
            </label>
          </div>
          <div className="toolbar-end">
            {filtered && (
              <Button size="sm" variant="ghost" onClick={() => navigate('/customers')}>
                {t('web.customers.clear')}
              </Button>
            )}
            {list.data && <span className="toolbar-meta">{t('web.customers.count', { count: total })}</span>}
          </div>
        </form>
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
        {list.data && items.length === 0 && <EmptyState>{filtered ? t('web.customers.empty_filtered') : t('web.customers.empty')}</EmptyState>}
        {items.length > 0 && (
          <div className="table-wrap">
            <table className={cx('table', 'table-customers', list.loading && 'table-loading')}>
              <caption className="sr-only">{t('web.customers.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.customers.col_company')}</th>
                  <th scope="col">{t('web.customers.col_cloud')}</th>
                  <th scope="col">{t('web.customers.col_country')}</th>
                  <th scope="col">{t('web.customers.col_locale')}</th>
                  <th scope="col">{t('web.customers.col_segment')}</th>
                  <th scope="col" className="num">
                    {t('web.customers.col_subscriptions')}
                  </th>
                  <th scope="col">{t('web.customers.col_status')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id} className={c.status === 'removed_upstream' ? 'row-muted' : undefined}>
                    <td>
                      <div className="name-line">
                        <Link to={`/customers/${encodeURIComponent(c.id)}`} className="strong row-link">
                          {c.companyName || c.domain || c.tenantId}
                        </Link>
                        {c.fraudReviewAt && (
                          <span className="fraud-marker" title={t('web.customers.fraud_since', { date: fmt.date(c.fraudReviewAt) })}>
                            <Icon name="flag" size={12} />
                            {t('web.customers.fraud_marker')}
                          </span>
                        )}
                      </div>
                      {c.domain && <span className="sub">{c.domain}</span>}
                    </td>
                    <td>
                      <CloudBadge cloud={c.cloud} />
                    </td>
                    <td>{c.country ? <span title={c.country}>{regionName(fmt.locale, c.country)}</span> : <span className="muted">—</span>}</td>
                    <td>
                      {LOCALE_NAMES[c.locale] ?? c.locale}
                      {c.localeOverride && <span className="sub">{t('web.customer.locale_overridden')}</span>}
                    </td>
                    <td>{labelOr(fmt, 'web.customers.segments', c.segment)}</td>
                    <td className="num">{c.subscriptionCount !== undefined ? number(c.subscriptionCount) : '—'}</td>
                    <td>
                      <Badge tone={c.status === 'active' ? 'success' : 'neutral'}>{t(`web.customers.status.${c.status}`)}</Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total > PAGE && (
          <div className="pager">
            <span>{t('web.common.range', { from: number(f.offset + 1), to: number(Math.min(f.offset + PAGE, total)), total: number(total) })}</span>
            <div className="pager-buttons">
              <Button size="sm" disabled={f.offset === 0} onClick={() => navigate(hrefOf({ ...f, offset: Math.max(0, f.offset - PAGE) }))}>
                {t('web.common.previous')}
              </Button>
              <Button size="sm" disabled={f.offset + PAGE >= total} onClick={() => navigate(hrefOf({ ...f, offset: f.offset + PAGE }))}>
                {t('web.common.next')}
              </Button>
            </div>
          </div>
        )}
      </section>
    </>
  );
}

/** The provider accounts and where their last sync stands. */
function SyncState({ accounts, error, onRetry }: { accounts: ProviderAccount[] | undefined; error: unknown; onRetry: () => void }) {
  const { t, dateTime } = useI18n();
  if (error !== undefined) return <LoadError error={error} onRetry={onRetry} />;
  if (!accounts) return <div className="sync-strip sync-strip-loading" aria-hidden="true" />;
  return (
    <section className="sync-strip" aria-label={t('web.sync.title')}>
      <h2 className="sync-strip-title">{t('web.sync.title')}</h2>
      {accounts.length === 0 ? (
        <p className="muted">{t('web.sync.no_accounts')}</p>
      ) : (
        <ul className="sync-accounts">
          {accounts.map((a) => (
            <li key={a.id} className={cx('sync-account', a.status === 'disabled' && 'is-disabled')}>
              <div className="sync-account-head">
                <CloudBadge cloud={a.cloud} />
                <span className="sync-account-name" title={a.name}>
                  {a.name}
                </span>
              </div>
              <div className="sync-account-meta">
                {a.status === 'disabled' ? <Badge>{t('web.sync.disabled')}</Badge> : <SyncStateBadge state={a.lastSyncStatus} />}
                {a.demo && <Badge tone="accent">{t('web.sync.demo')}</Badge>}
              </div>
              <div className="sync-account-time">
                {a.lastSyncAt ? t('web.sync.last', { time: dateTime(a.lastSyncAt) }) : t('web.sync.never')}
                <span className="muted"> · {PAYEE_NAMES[a.payee] ?? a.payee}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
