import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, configureApi, type User } from './api';
import { Layout } from './components/Layout';
import { Button, Spinner, ToastProvider, useErrorText, useToast } from './components/ui';
import { LogoMark } from './components/icons';
import { I18nProvider, initialLocale, isLocale, rememberLocale, useI18n, type Locale } from './i18n';
import { Login } from './pages/Login';
import { Dashboard } from './pages/Dashboard';
import { Me } from './pages/Me';
import { Users } from './pages/Users';
import { Audit } from './pages/Audit';
import { Customers } from './pages/Customers';
import { Customer } from './pages/Customer';
import { Subscriptions } from './pages/Subscriptions';
import { NotFound, Forbidden } from './pages/NotFound';
import { Portal } from './pages/Portal';
import { ProviderImports } from './pages/ProviderImports';
import { ProviderInvoices } from './pages/ProviderInvoices';
import { ProviderInvoice } from './pages/ProviderInvoice';
import { Unmatched } from './pages/Unmatched';
import { PriceRules } from './pages/PriceRules';
import { InvoiceRuns } from './pages/invoicing/Runs';
import { InvoiceRunPage } from './pages/invoicing/Run';
import { InvoicePage } from './pages/invoicing/Invoice';
import { InvoicesPage } from './pages/invoicing/Invoices';
import { ChargesPage } from './pages/invoicing/Charges';
import { InvoiceSettingsPage } from './pages/invoicing/Settings';
import { PaymentsPage } from './pages/payments/Payments';
import { PaymentPage } from './pages/payments/Payment';
import { RecordPaymentPage } from './pages/payments/RecordPayment';
import { BankImportPage } from './pages/payments/BankImport';
import { BankReviewPage } from './pages/payments/BankReview';
import { AgingPage } from './pages/payments/Aging';
import { Redirect, navigate, useLocation } from './router';
import { SessionContext, canBill, isAdmin, type SessionValue } from './session';

type Boot = { state: 'loading' } | { state: 'ready' } | { state: 'failed'; error: unknown };

export function App() {
  const [locale, setLocale] = useState<Locale>(() => {
    const l = initialLocale();
    configureApi({ locale: l });
    return l;
  });
  const [user, setUser] = useState<User | null>(null);
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const chosenBeforeSignIn = useRef<Locale | undefined>(undefined);

  const applyLocale = useCallback((l: Locale) => {
    configureApi({ locale: l });
    rememberLocale(l);
    setLocale(l);
  }, []);

  // Who is signed in? A 401 just means nobody.
  useEffect(() => {
    let live = true;
    api
      .get<{ user: User; csrfToken: string | null }>('/api/auth/session', undefined, { allowUnauthorized: true })
      .then((s) => {
        if (!live) return;
        configureApi({ csrfToken: s.csrfToken ?? undefined });
        setUser(s.user);
        if (isLocale(s.user.locale)) applyLocale(s.user.locale);
        setBoot({ state: 'ready' });
      })
      .catch((e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403)) setBoot({ state: 'ready' });
        else setBoot({ state: 'failed', error: e });
      });
    return () => {
      live = false;
    };
  }, [attempt, applyLocale]);

  // A 401 on any later call: the session ended (expired, signed out elsewhere, password changed).
  useEffect(() => {
    configureApi({ onUnauthorized: () => setUser(null) });
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const session = useMemo<SessionValue>(
    () => ({
      user,
      locale,
      async changeLocale(l) {
        const before = locale;
        applyLocale(l);
        if (!user) {
          chosenBeforeSignIn.current = l;
          return;
        }
        try {
          setUser(await api.patch<User>('/api/me', { locale: l }));
        } catch (e) {
          applyLocale(before);
          throw e;
        }
      },
      signedIn(u) {
        configureApi({ csrfToken: undefined });
        setUser(u);
        // A language picked on the sign-in page wins and is saved; otherwise the user's own.
        const chosen = chosenBeforeSignIn.current;
        chosenBeforeSignIn.current = undefined;
        if (chosen && chosen !== u.locale) {
          applyLocale(chosen);
          api.patch<User>('/api/me', { locale: chosen }).then(setUser, () => applyLocale(u.locale));
        } else if (isLocale(u.locale)) applyLocale(u.locale);
      },
      async signOut() {
        try {
          await api.post('/api/auth/logout');
        } catch (e) {
          // already signed out is fine; anything else is still a local sign-out
          if (!(e instanceof ApiError)) throw e;
        }
        setUser(null);
        navigate('/login', { replace: true });
      },
      userChanged(u) {
        setUser(u);
        if (isLocale(u.locale) && u.locale !== locale) applyLocale(u.locale);
      },
    }),
    [user, locale, applyLocale],
  );

  return (
    <I18nProvider locale={locale} timeZone={user?.timeZone}>
      <SessionContext.Provider value={session}>
        <ToastProvider>
          {boot.state === 'loading' && <Splash />}
          {boot.state === 'failed' && <BootFailed error={boot.error} onRetry={() => (setBoot({ state: 'loading' }), setAttempt((n) => n + 1))} />}
          {boot.state === 'ready' && <Routes user={user} />}
        </ToastProvider>
      </SessionContext.Provider>
    </I18nProvider>
  );
}

function Splash() {
  return (
    <div className="splash">
      <LogoMark size={40} />
      <Spinner />
    </div>
  );
}

function BootFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <div className="splash">
      <LogoMark size={40} />
      <div className="alert alert-danger" role="alert">
        <p className="alert-title">{text(error)}</p>
        <Button onClick={onRetry}>{t('web.common.retry')}</Button>
      </div>
    </div>
  );
}

const PAGE_TITLE_KEYS: Record<string, string> = {
  '/': 'web.nav.dashboard',
  '/me': 'web.nav.me',
  '/users': 'web.nav.users',
  '/audit': 'web.nav.audit',
  '/customers': 'web.customers.title',
  '/subscriptions': 'web.subscriptions.page.title',
  '/provider-billing/imports': 'web.provider_billing.title',
  '/provider-billing/invoices': 'web.provider_invoices.title',
  '/provider-billing/unmatched': 'web.unmatched.title',
  '/pricing': 'web.pricing.title',
  '/invoicing/invoices': 'web.invoicing.invoices.title',
  '/invoicing/runs': 'web.invoicing.runs.title',
  '/invoicing/charges': 'web.invoicing.charges.title',
  '/invoicing/settings': 'web.invoicing.settings.title',
  '/payments': 'web.payments.title',
  '/payments/new': 'web.payments.record.title',
  '/bank/import': 'web.bank.import.title',
  '/bank/review': 'web.bank.review.title',
  '/receivables/aging': 'web.aging.title',
  '/login': 'web.login.title',
};

/** The decoded id in a detail path ("/customers/cus_1" → "cus_1"), else undefined. */
function idIn(prefix: string, path: string): string | undefined {
  if (!path.startsWith(prefix)) return undefined;
  const m = /^([^/]+)\/?$/.exec(path.slice(prefix.length));
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

const customerIdOf = (path: string) => idIn('/customers/', path);
const providerInvoiceIdOf = (path: string) => idIn('/provider-billing/invoices/', path);
const invoiceRunIdOf = (path: string) => idIn('/invoicing/runs/', path);
const invoiceIdOf = (path: string) => idIn('/invoicing/invoices/', path);
const paymentIdOf = (path: string) => idIn('/payments/', path);

function Routes({ user }: { user: User | null }) {
  const { path, search } = useLocation();
  const { t } = useI18n();
  const toast = useToast();
  const [wasSignedIn, setWasSignedIn] = useState(Boolean(user));

  useEffect(() => {
    const key =
      user?.kind === 'customer' && path === '/'
        ? 'web.portal.title'
        : (PAGE_TITLE_KEYS[path] ??
          (customerIdOf(path)
            ? 'web.customers.title'
            : providerInvoiceIdOf(path)
              ? 'web.provider_invoices.title'
              : invoiceRunIdOf(path)
                ? 'web.invoicing.runs.title'
                : invoiceIdOf(path)
                  ? 'web.invoicing.invoices.title'
                  : paymentIdOf(path)
                    ? 'web.payments.title'
                    : undefined));
    document.title = key ? `${t(key)} · Partnerdesk` : 'Partnerdesk';
  }, [path, t, user]);

  // tell the user when a session ends under their feet (not on an ordinary sign-out)
  useEffect(() => {
    if (user) setWasSignedIn(true);
    else if (wasSignedIn) {
      setWasSignedIn(false);
      if (path !== '/login') toast('info', t('web.login.session_ended'));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [user]);

  if (!user) {
    if (path !== '/login') {
      const next = path === '/' ? '' : `?next=${encodeURIComponent(path + (search.size ? `?${search}` : ''))}`;
      return <Redirect to={`/login${next}`} />;
    }
    return <Login />;
  }
  if (path === '/login') {
    const next = search.get('next');
    return <Redirect to={next && next.startsWith('/') && !next.startsWith('//') ? next : '/'} />;
  }

  if (user.kind === 'customer') {
    return (
      <Layout>
        {path === '/' ? (
          <Portal />
        ) : path === '/me' ? (
          <Me />
        ) : ['/users', '/audit', '/customers', '/subscriptions', '/pricing'].includes(path) || path.startsWith('/provider-billing') || path.startsWith('/invoicing') || path.startsWith('/payments') || path.startsWith('/bank') || path.startsWith('/receivables') || customerIdOf(path) ? (
          <Forbidden />
        ) : (
          <NotFound path={path} />
        )}
      </Layout>
    );
  }

  let page;
  switch (path) {
    case '/':
      page = <Dashboard />;
      break;
    case '/me':
      page = <Me />;
      break;
    case '/users':
      page = isAdmin(user) ? <Users /> : <Forbidden />;
      break;
    case '/audit':
      page = isAdmin(user) ? <Audit /> : <Forbidden />;
      break;
    case '/customers':
      page = <Customers />;
      break;
    case '/subscriptions':
      page = <Subscriptions />;
      break;
    case '/provider-billing':
      return <Redirect to="/provider-billing/imports" />;
    case '/provider-billing/imports':
      page = <ProviderImports />;
      break;
    case '/provider-billing/invoices':
      page = <ProviderInvoices />;
      break;
    case '/provider-billing/unmatched':
      page = <Unmatched />;
      break;
    case '/pricing':
      page = <PriceRules />;
      break;
    case '/invoicing':
      return <Redirect to="/invoicing/invoices" />;
    case '/invoicing/invoices':
      page = <InvoicesPage />;
      break;
    case '/invoicing/runs':
      page = <InvoiceRuns />;
      break;
    case '/invoicing/charges':
      page = <ChargesPage />;
      break;
    case '/invoicing/settings':
      page = <InvoiceSettingsPage />;
      break;
    case '/payments':
      page = <PaymentsPage />;
      break;
    case '/payments/new':
      page = canBill(user) ? <RecordPaymentPage /> : <Forbidden />;
      break;
    case '/bank':
      return <Redirect to="/bank/import" />;
    case '/bank/import':
      page = <BankImportPage />;
      break;
    case '/bank/review':
      page = <BankReviewPage />;
      break;
    case '/receivables/aging':
      page = <AgingPage />;
      break;
    default: {
      const customerId = customerIdOf(path);
      const invoiceId = providerInvoiceIdOf(path);
      const runId = invoiceRunIdOf(path);
      const customerInvoiceId = invoiceIdOf(path);
      const paymentId = paymentIdOf(path);
      page = customerId ? (
        <Customer key={customerId} id={customerId} />
      ) : invoiceId ? (
        <ProviderInvoice key={invoiceId} id={invoiceId} />
      ) : runId ? (
        <InvoiceRunPage key={runId} id={runId} />
      ) : customerInvoiceId ? (
        <InvoicePage key={customerInvoiceId} id={customerInvoiceId} />
      ) : paymentId ? (
        <PaymentPage key={paymentId} id={paymentId} />
      ) : (
        <NotFound path={path} />
      );
    }
  }
  return <Layout>{page}</Layout>;
}
