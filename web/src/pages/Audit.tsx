import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { api, type AuditRow } from '../api';
import { Button, EmptyState, Field, LoadError, PageHeader, Spinner } from '../components/ui';
import { useI18n } from '../i18n';
import { navigate, useLocation } from '../router';

const PAGE = 50;
const ENTITY_TYPES = ['user', 'api_token'];
const ACTIONS = ['auth.login', 'auth.logout', 'user.create', 'user.update', 'user.update_profile', 'user.password_set', 'user.password_change', 'token.create', 'token.revoke'];

type Page = { items: AuditRow[]; nextBefore: string | null };

function json(v: unknown): string {
  return JSON.stringify(v, null, 2);
}

export function Audit() {
  const { t, dateTime, has } = useI18n();
  const { search } = useLocation();
  const entityType = search.get('entityType') ?? '';
  const action = search.get('action') ?? '';
  const [entityDraft, setEntityDraft] = useState(entityType);
  const [actionDraft, setActionDraft] = useState(action);
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [nonce, setNonce] = useState(0);

  useEffect(() => {
    setEntityDraft(entityType);
    setActionDraft(action);
    const ctl = new AbortController();
    setLoading(true);
    setError(undefined);
    api.get<Page>('/api/audit', { limit: PAGE, entityType, action }, { signal: ctl.signal }).then(
      (p) => {
        setRows(p.items);
        setNextBefore(p.nextBefore);
        setLoading(false);
      },
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => ctl.abort();
  }, [entityType, action, nonce]);

  async function loadMore() {
    if (!nextBefore) return;
    setLoadingMore(true);
    try {
      const p = await api.get<Page>('/api/audit', { limit: PAGE, entityType, action, before: nextBefore });
      setRows((r) => [...r, ...p.items]);
      setNextBefore(p.nextBefore);
      setError(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  }

  function apply(e: FormEvent) {
    e.preventDefault();
    const qs = new URLSearchParams();
    if (entityDraft.trim()) qs.set('entityType', entityDraft.trim());
    if (actionDraft.trim()) qs.set('action', actionDraft.trim());
    const s = qs.toString();
    navigate(`/audit${s ? `?${s}` : ''}`);
  }

  const toggle = (id: string) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const actionLabel = (a: string) => {
    const key = `web.audit.actions.${a.replace(/\./g, '_')}`;
    return has(key) ? t(key) : null;
  };

  return (
    <>
      <PageHeader
        title={t('web.audit.title')}
        description={t('web.audit.description')}
        actions={
          <Button size="sm" onClick={() => setNonce((n) => n + 1)} busy={loading && rows.length > 0}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <section className="card">
        <form className="toolbar filters" onSubmit={apply} role="search" aria-label={t('web.audit.filters')}>
          <Field label={t('web.audit.filter_entity')}>
            <input type="text" list="audit-entity-types" value={entityDraft} onChange={(e) => setEntityDraft(e.target.value)} placeholder={t('web.audit.any')} maxLength={64} />
          </Field>
          <Field label={t('web.audit.filter_action')}>
            <input type="text" list="audit-actions" value={actionDraft} onChange={(e) => setActionDraft(e.target.value)} placeholder={t('web.audit.any')} maxLength={64} />
          </Field>
          <datalist id="audit-entity-types">
            {ENTITY_TYPES.map((x) => (
              <option key={x} value={x} />
            ))}
          </datalist>
          <datalist id="audit-actions">
            {ACTIONS.map((x) => (
              <option key={x} value={x}>
                {actionLabel(x) ?? x}
              </option>
            ))}
          </datalist>
          <div className="filter-buttons">
            <Button type="submit" variant="primary" size="sm">
              {t('web.audit.apply')}
            </Button>
            {(entityType || action) && (
              <Button size="sm" variant="ghost" onClick={() => navigate('/audit')}>
                {t('web.audit.clear')}
              </Button>
            )}
          </div>
        </form>
        {error !== undefined && (
          <div className="card-body">
            <LoadError error={error} onRetry={() => setNonce((n) => n + 1)} />
          </div>
        )}
        {loading && rows.length === 0 && (
          <div className="card-body">
            <Spinner />
          </div>
        )}
        {!loading && !error && rows.length === 0 && <EmptyState>{entityType || action ? t('web.audit.empty_filtered') : t('web.audit.empty')}</EmptyState>}
        {rows.length > 0 && (
          <div className="table-wrap">
            <table className="table table-audit">
              <caption className="sr-only">{t('web.audit.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.audit.col_at')}</th>
                  <th scope="col">{t('web.audit.col_actor')}</th>
                  <th scope="col">{t('web.audit.col_action')}</th>
                  <th scope="col">{t('web.audit.col_entity')}</th>
                  <th scope="col" className="col-actions">
                    <span className="sr-only">{t('web.audit.details')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const isOpen = open.has(r.id);
                  const label = actionLabel(r.action);
                  const hasDetails = r.before != null || r.after != null || r.requestId;
                  return (
                    <Fragment key={r.id}>
                      <tr className={isOpen ? 'row-open' : undefined}>
                        <td className="nowrap">{dateTime(r.at, { style: 'medium' })}</td>
                        <td>
                          <span className="strong">{r.actorLabel}</span>
                          <span className="sub">{has(`web.audit.actor_types.${r.actorType}`) ? t(`web.audit.actor_types.${r.actorType}`) : r.actorType}</span>
                        </td>
                        <td>
                          {label && <span className="strong">{label}</span>}
                          <code className="sub mono">{r.action}</code>
                        </td>
                        <td>
                          <code className="mono">{r.entityType}</code>
                          {r.entityId && <span className="sub mono">{r.entityId}</span>}
                        </td>
                        <td className="col-actions">
                          {hasDetails && (
                            <Button size="sm" variant="ghost" aria-expanded={isOpen} onClick={() => toggle(r.id)}>
                              {isOpen ? t('web.audit.hide_details') : t('web.audit.show_details')}
                            </Button>
                          )}
                        </td>
                      </tr>
                      {isOpen && (
                        <tr className="row-details">
                          <td colSpan={5}>
                            <div className="diff">
                              <div>
                                <p className="diff-title">{t('web.audit.before')}</p>
                                <pre>{r.before == null ? '—' : json(r.before)}</pre>
                              </div>
                              <div>
                                <p className="diff-title">{t('web.audit.after')}</p>
                                <pre>{r.after == null ? '—' : json(r.after)}</pre>
                              </div>
                            </div>
                            {r.requestId && <p className="sub">{t('web.audit.request_id', { id: r.requestId })}</p>}
                          </td>
                        </tr>
                      )}
                    </Fragment>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {rows.length > 0 && (
          <div className="pager">
            <span>{t('web.audit.shown', { count: rows.length })}</span>
            {nextBefore ? (
              <Button size="sm" onClick={loadMore} busy={loadingMore}>
                {t('web.audit.load_more')}
              </Button>
            ) : (
              <span className="muted">{t('web.audit.end')}</span>
            )}
          </div>
        )}
      </section>
    </>
  );
}
