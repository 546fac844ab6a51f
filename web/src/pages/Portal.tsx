import { Icon, type IconName } from '../components/icons';
import { Alert, Card, PageHeader } from '../components/ui';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { useUser } from '../session';
import { PortalInvoices } from './invoicing/PortalInvoices';
import { CustomerReceivables } from './payments/CustomerReceivables';

const UPCOMING: { key: string; icon: IconName }[] = [
  { key: 'tickets', icon: 'tickets' },
  { key: 'knowledge_base', icon: 'knowledge' },
];

/** The customer portal, for now: a welcome, the account and what comes next. */
export function Portal() {
  const { t } = useI18n();
  const user = useUser();
  return (
    <>
      <PageHeader title={t('web.portal.title')} description={t('web.portal.welcome', { name: user.name || user.email })} />
      <div className="stack">
        <Alert tone="info" title={t('web.portal.note_title')}>
          <p>{t('web.portal.note')}</p>
        </Alert>
        <Card title={t('web.portal.account')}>
          <dl className="kv-list">
            <div>
              <dt>{t('web.portal.customer_id')}</dt>
              <dd className="mono">{user.customerId}</dd>
            </div>
            <div>
              <dt>{t('web.me.profile.email')}</dt>
              <dd>{user.email}</dd>
            </div>
          </dl>
          <p className="card-footer-link">
            <Link to="/me">{t('web.portal.profile_link')}</Link>
          </p>
        </Card>
        <PortalInvoices />
        {user.customerId && <CustomerReceivables customerId={user.customerId} readOnly />}
        <Card title={t('web.portal.upcoming')}>
          <ul className="upcoming">
            {UPCOMING.map((m) => (
              <li key={m.key}>
                <Icon name={m.icon} />
                <span>{t(`web.nav.${m.key}`)}</span>
                <span className="soon-badge">{t('web.nav.coming_soon')}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
