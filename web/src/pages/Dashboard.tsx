import type { ReactNode } from 'react';
import { api, type SystemInfo } from '../api';
import { Icon, type IconName } from '../components/icons';
import { Badge, Button, Card, LoadError, PageHeader, Spinner, useResource } from '../components/ui';
import { useI18n } from '../i18n';
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
  const s = sys.data;

  return (
    <>
      <PageHeader
        title={t('web.dashboard.title')}
        description={t('web.dashboard.welcome', { name: user.name || user.email })}
        actions={
          <Button size="sm" onClick={sys.reload} busy={sys.loading && Boolean(s)}>
            {t('web.common.refresh')}
          </Button>
        }
      />
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
