import { useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';
import { Link, useLocation } from '../router';
import { isAdmin, useSession, useUser } from '../session';
import { Icon, LogoMark, type IconName } from './icons';
import { LanguageSelect } from './LanguageSelect';
import { cx, useErrorText, useToast } from './ui';

interface NavItem {
  to: string;
  label: string;
  icon: IconName;
  /** pages of the same area, listed under it */
  children?: NavItem[];
}

// provider invoices (payables) are under Provider billing, customer invoices under Customer invoices
const COMING: { key: string; icon: IconName }[] = [
  { key: 'collections', icon: 'collections' },
  { key: 'tickets', icon: 'tickets' },
  { key: 'knowledge_base', icon: 'knowledge' },
];

function initials(name: string, email: string): string {
  const src = name.trim() || email;
  const parts = src.split(/[\s@._-]+/).filter(Boolean);
  const chars = parts.length >= 2 ? [parts[0]![0], parts[1]![0]] : [...(parts[0] ?? '?')].slice(0, 2);
  return chars.join('').toUpperCase();
}

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const user = useUser();
  const { signOut } = useSession();
  const { path } = useLocation();
  const [signingOut, setSigningOut] = useState(false);
  const toast = useToast();
  const errorText = useErrorText();
  const customer = user.kind === 'customer';

  const workspace: NavItem[] = customer
    ? [
        { to: '/', label: t('web.nav.portal'), icon: 'dashboard' },
        { to: '/me', label: t('web.nav.me'), icon: 'me' },
      ]
    : [
        { to: '/', label: t('web.nav.dashboard'), icon: 'dashboard' },
        { to: '/customers', label: t('web.nav.customers'), icon: 'customers' },
        { to: '/subscriptions', label: t('web.nav.subscriptions'), icon: 'subscriptions' },
        {
          to: '/provider-billing/imports',
          label: t('web.nav.provider_billing'),
          icon: 'provider',
          children: [
            { to: '/provider-billing/invoices', label: t('web.nav.provider_invoices'), icon: 'invoices' },
            { to: '/provider-billing/unmatched', label: t('web.nav.unmatched_lines'), icon: 'alert' },
          ],
        },
        { to: '/pricing', label: t('web.nav.price_rules'), icon: 'tag' },
        {
          to: '/invoicing/invoices',
          label: t('web.nav.customer_invoices'),
          icon: 'invoices',
          children: [
            { to: '/invoicing/runs', label: t('web.nav.invoice_runs'), icon: 'layers' },
            { to: '/invoicing/charges', label: t('web.nav.uninvoiced_charges'), icon: 'inbox' },
            { to: '/invoicing/settings', label: t('web.nav.invoice_settings'), icon: 'sliders' },
          ],
        },
        {
          to: '/payments',
          label: t('web.nav.payments'),
          icon: 'payments',
          children: [
            { to: '/bank/import', label: t('web.nav.bank_import'), icon: 'inbox' },
            { to: '/bank/review', label: t('web.nav.bank_review'), icon: 'check' },
            { to: '/receivables/aging', label: t('web.nav.aging'), icon: 'clock' },
          ],
        },
        { to: '/me', label: t('web.nav.me'), icon: 'me' },
      ];
  const admin: NavItem[] = isAdmin(user)
    ? [
        { to: '/users', label: t('web.nav.users'), icon: 'users' },
        { to: '/audit', label: t('web.nav.audit'), icon: 'audit' },
      ]
    : [];

  const roleLabel = customer ? t('web.roles.customer') : user.role ? t(`web.roles.${user.role}`) : '';

  // a section stays highlighted on its detail pages (/customers/…)
  const isCurrent = (to: string) => path === to || (to !== '/' && path.startsWith(`${to}/`));
  const renderItem = (item: NavItem): ReactNode => (
    <li key={item.to}>
      <Link to={item.to} className={cx('nav-link', isCurrent(item.to) && 'active')} aria-current={path === item.to ? 'page' : isCurrent(item.to) ? 'true' : undefined}>
        <Icon name={item.icon} />
        <span>{item.label}</span>
      </Link>
      {item.children && <ul className="nav-list nav-sublist">{item.children.map(renderItem)}</ul>}
    </li>
  );

  return (
    <div className="shell">
      <a href="#main" className="skip-link">
        {t('web.app.skip_to_content')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Partnerdesk">
          <LogoMark />
          <span className="brand-name">Partnerdesk</span>
          <span className="brand-tagline">{customer ? t('web.app.tagline_portal') : t('web.app.tagline')}</span>
        </Link>
        <div className="topbar-right">
          <LanguageSelect compact />
          <div className="topbar-divider" aria-hidden="true" />
          <Link to="/me" className="user-chip" title={t('web.topbar.signed_in_as', { name: user.name || user.email })}>
            <span className="avatar" aria-hidden="true">
              {initials(user.name, user.email)}
            </span>
            <span className="user-chip-text">
              <span className="user-chip-name">{user.name || user.email}</span>
              <span className="user-chip-role">{roleLabel}</span>
            </span>
          </Link>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            disabled={signingOut}
            onClick={() => {
              setSigningOut(true);
              signOut()
                .catch((e: unknown) => toast('danger', errorText(e)))
                .finally(() => setSigningOut(false));
            }}
          >
            <Icon name="logout" />
            <span>{t('web.topbar.sign_out')}</span>
          </button>
        </div>
      </header>
      <div className="shell-body">
        <nav className="sidebar" aria-label={t('web.nav.label')}>
          <div className="sidebar-inner">
          <ul className="nav-list">{workspace.map(renderItem)}</ul>
          {admin.length > 0 && (
            <>
              <p className="nav-section">{t('web.nav.section_admin')}</p>
              <ul className="nav-list">{admin.map(renderItem)}</ul>
            </>
          )}
          {!customer && (
            <>
              <p className="nav-section">{t('web.nav.section_modules')}</p>
              <ul className="nav-list">
                {COMING.map((m) => (
                  <li key={m.key}>
                    <span className="nav-link disabled" aria-disabled="true" title={t('web.nav.coming_soon_hint')}>
                      <Icon name={m.icon} />
                      <span>{t(`web.nav.${m.key}`)}</span>
                      <span className="soon-badge">{t('web.nav.coming_soon')}</span>
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
          </div>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <div className="content-inner">{children}</div>
        </main>
      </div>
    </div>
  );
}
