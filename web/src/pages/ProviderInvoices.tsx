import { useState, type FormEvent } from 'react';
import { api, PAYABLE_STATUSES, providerInvoices, type InvoiceSyncResult, type ProviderAccount, type ProviderInvoice } from '../api';
import { CloudBadge, PAYEE_NAMES } from '../components/commerce';
import { Icon } from '../components/icons';
import { decimalInput } from '../components/money';
import { AccountFilter, AccountLine, Money, PayableState, accountLabel, formProblem, formatDay, localToday } from '../components/payables';
import { Alert, Badge, Button, Dialog, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, cx, useErrorText, useResource, useToast } from '../components/ui';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { canBill, useUser } from '../session';

const LIMIT = 200;
const BASE = '/provider-billing/invoices';

interface Filters {
  account: string;
  status: string;
}

function readFilters(search: URLSearchParams): Filters {
  const status = search.get('status') ?? '';
  return { account: search.get('account') ?? '', status: (PAYABLE_STATUSES as readonly string[]).includes(status) ? status : '' };
}

function hrefOf(f: Filters): string {
  const qs = new URLSearchParams();
  if (f.account) qs.set('account', f.account);
  if (f.status) qs.set('status', f.status);
  const s = qs.toString();
  return `${BASE}${s ? `?${s}` : ''}`;
}

export const invoiceHref = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** What the "Enter invoice" form starts with (from the unmatched-lines page: an invoice its lines name). */
interface Prefill {
  account?: string;
  number?: string;
  currency?: string;
}

export function ProviderInvoices() {
  const fmt = useI18n();
  const { t } = fmt;
  const user = useUser();
  const writer = canBill(user);
  const toast = useToast();
  const { search } = useLocation();
  const f = readFilters(search);
  const accounts = useResource((signal) => api.get<{ items: ProviderAccount[] }>('/api/provider-accounts', undefined, { signal }), []);
  const list = useResource((signal) => providerInvoices.list({ providerAccountId: f.account || undefined, status: f.status || undefined, limit: LIMIT }, signal), [f.account, f.status]);
  // ?enter=<number>&account=…&currency=… opens the form filled in
  const enterParam = search.get('enter');
  const [entering, setEntering] = useState<Prefill | null>(() =>
    enterParam !== null && writer ? { number: enterParam, account: search.get('account') ?? undefined, currency: search.get('currency') ?? undefined } : null,
  );
  const [sync, setSync] = useState<{ account: ProviderAccount; result?: InvoiceSyncResult; error?: unknown } | null>(null);

  const go = (patch: Partial<Filters>) => navigate(hrefOf({ ...f, ...patch }));
  const filtered = Boolean(f.account || f.status);
  const items = list.data?.items ?? [];
  const accountOf = (id: string) => accounts.data?.items.find((a) => a.id === id);

  function closeForm() {
    setEntering(null);
    if (enterParam !== null) navigate(hrefOf(f), { replace: true });
  }

  return (
    <>
      <PageHeader
        title={t('web.provider_invoices.title')}
        description={t('web.provider_invoices.description')}
        actions={
          <>
            <Button size="sm" onClick={() => (list.reload(), accounts.reload())} busy={list.loading && Boolean(list.data)}>
              {t('web.common.refresh')}
            </Button>
            {writer && (
              <Button variant="primary" size="sm" onClick={() => setEntering({ account: f.account || undefined })} disabled={!accounts.data?.items.length}>
                <Icon name="plus" />
                {t('web.provider_invoices.enter')}
              </Button>
            )}
          </>
        }
      />
      <div className="stack">
        <AccountsStrip
          accounts={accounts.data?.items}
          error={accounts.error}
          onRetry={accounts.reload}
          writer={writer}
          onSynced={(account, result, error) => {
            setSync({ account, result, error });
            if (result) list.reload();
            accounts.reload();
          }}
        />
        {sync && <SyncResult account={sync.account} result={sync.result} error={sync.error} onDismiss={() => setSync(null)} />}

        <section className="card">
          <div className="toolbar filters" role="search" aria-label={t('web.provider_invoices.filters')}>
            <div className="filter-selects">
              <AccountFilter accounts={accounts.data?.items} value={f.account} onChange={(account) => go({ account })} />
              <label className="select-inline">
                <span className="sr-only">{t('web.provider_invoices.filter_status')}</span>
                <select aria-label={t('web.provider_invoices.filter_status')} value={f.status} onChange={(e) => go({ status: e.target.value })}>
                  <option value="">{t('web.provider_invoices.any_status')}</option>
                  {PAYABLE_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`web.payables.status.${s}`)}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div className="toolbar-end">
              {filtered && (
                <Button size="sm" variant="ghost" onClick={() => navigate(BASE)}>
                  {t('web.provider_invoices.clear')}
                </Button>
              )}
              <Link to="/provider-billing/unmatched" className="toolbar-link">
                {t('web.nav.unmatched_lines')}
              </Link>
              {list.data && <span className="toolbar-meta">{t('web.provider_invoices.count', { count: items.length })}</span>}
            </div>
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
          {list.data && items.length === 0 && <EmptyState>{filtered ? t('web.provider_invoices.empty_filtered') : t('web.provider_invoices.empty')}</EmptyState>}
          {items.length > 0 && (
            <div className="table-wrap">
              <table className={cx('table', 'table-payables', list.loading && 'table-loading')}>
                <caption className="sr-only">{t('web.provider_invoices.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('web.provider_invoices.col_number')}</th>
                    <th scope="col">{t('web.provider_invoices.col_account')}</th>
                    <th scope="col">{t('web.provider_invoices.col_invoice_date')}</th>
                    <th scope="col">{t('web.provider_invoices.col_due_date')}</th>
                    <th scope="col" className="num">
                      {t('web.provider_invoices.col_total')}
                    </th>
                    <th scope="col" className="num">
                      {t('web.provider_invoices.col_balance')}
                    </th>
                    <th scope="col">{t('web.provider_invoices.col_status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((i) => (
                    <InvoiceRow key={i.id} invoice={i} account={accountOf(i.providerAccountId)} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {items.length >= LIMIT && <p className="footnote">{t('web.provider_invoices.limited', { count: LIMIT })}</p>}
        </section>
      </div>
      <Dialog open={entering !== null} title={t('web.provider_invoices.form.title')} onClose={closeForm}>
        {entering !== null && !accounts.data && <Spinner />}
        {entering !== null && accounts.data && (
          <EnterInvoiceForm
            accounts={accounts.data.items}
            prefill={entering}
            onCancel={closeForm}
            onCreated={(inv) => {
              toast('success', t('web.provider_invoices.form.created', { number: inv.invoiceNumber }));
              closeForm();
              list.reload();
            }}
          />
        )}
      </Dialog>
    </>
  );
}

function InvoiceRow({ invoice: i, account }: { invoice: ProviderInvoice; account: ProviderAccount | undefined }) {
  const fmt = useI18n();
  const { t } = fmt;
  return (
    <tr className={cx(i.status === 'overdue' && 'row-overdue', (i.status === 'paid' || i.status === 'credit') && 'row-settled')}>
      <td>
        <Link to={invoiceHref(i.id)} className="strong row-link mono">
          {i.invoiceNumber}
        </Link>
        <span className="sub">{t(`web.payables.source.${i.source}`)}</span>
      </td>
      <td>
        <AccountLine account={account} name={i.accountName} payee={i.payee} />
      </td>
      <td className="nowrap">{formatDay(fmt, i.invoiceDate)}</td>
      <td className="nowrap">{formatDay(fmt, i.dueDate)}</td>
      <td className="num">
        <Money amount={i.total} currency={i.currency} />
      </td>
      <td className="num strong">
        <Money amount={i.balance} currency={i.currency} />
      </td>
      <td>
        <PayableState invoice={i} />
      </td>
    </tr>
  );
}

// ---------------------------------------------------------------- accounts: terms and sync

function AccountsStrip({
  accounts,
  error,
  onRetry,
  writer,
  onSynced,
}: {
  accounts: ProviderAccount[] | undefined;
  error: unknown;
  onRetry: () => void;
  writer: boolean;
  onSynced: (account: ProviderAccount, result?: InvoiceSyncResult, error?: unknown) => void;
}) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  if (error !== undefined) return <LoadError error={error} onRetry={onRetry} />;
  if (!accounts) return <div className="sync-strip sync-strip-loading" aria-hidden="true" />;

  async function syncAccount(a: ProviderAccount) {
    setBusy(a.id);
    try {
      onSynced(a, await providerInvoices.sync(a.id));
    } catch (err) {
      onSynced(a, undefined, err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="sync-strip" aria-label={t('web.provider_invoices.accounts_title')}>
      <h2 className="sync-strip-title">{t('web.provider_invoices.accounts_title')}</h2>
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
                {a.status === 'disabled' && <Badge>{t('web.sync.disabled')}</Badge>}
                <span className="muted">{t('web.provider_invoice.payee', { payee: PAYEE_NAMES[a.payee] ?? a.payee })}</span>
              </div>
              <dl className="terms">
                <div>
                  <dt>{t('web.provider_invoices.terms')}</dt>
                  <dd>{t('web.provider_invoices.days', { count: a.paymentTermsDays })}</dd>
                </div>
                <div>
                  <dt>{t('web.provider_invoices.reminder')}</dt>
                  <dd>{t('web.provider_invoices.days_before', { count: a.payableReminderDays })}</dd>
                </div>
              </dl>
              {writer && a.status === 'active' && (
                <Button size="sm" onClick={() => syncAccount(a)} busy={busy === a.id} disabled={busy !== null && busy !== a.id} aria-label={t('web.provider_invoices.sync_account', { account: a.name })}>
                  {busy !== a.id && <Icon name="refresh" />}
                  {busy === a.id ? t('web.provider_invoices.syncing') : t('web.provider_invoices.sync')}
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SyncResult({ account, result, error, onDismiss }: { account: ProviderAccount; result: InvoiceSyncResult | undefined; error: unknown; onDismiss: () => void }) {
  const fmt = useI18n();
  const { t, number } = fmt;
  const errorText = useErrorText();
  const dismiss = (
    <Button size="sm" variant="ghost" onClick={onDismiss}>
      {t('web.common.close')}
    </Button>
  );
  if (!result) {
    return (
      <section aria-label={t('web.provider_invoices.sync_result')}>
        <Alert tone="danger" title={t('web.provider_invoices.sync_failed', { account: account.name })}>
          <p>{errorText(error)}</p>
          {dismiss}
        </Alert>
      </section>
    );
  }
  const rows = result.linesImported.reduce((n, l) => n + l.imported, 0);
  return (
    <section aria-label={t('web.provider_invoices.sync_result')}>
      <Alert tone={result.errors.length ? 'warning' : 'success'} title={t('web.provider_invoices.sync_done', { account: account.name })}>
        <p>
          {t('web.provider_invoices.sync_counts', { invoices: result.invoices, created: number(result.created), updated: number(result.updated) })}{' '}
          {t('web.provider_invoices.sync_lines', { count: rows, invoices: number(new Set(result.linesImported.map((l) => l.invoiceNumber)).size) })}
        </p>
        {result.errors.length > 0 && (
          <>
            <p className="strong">{t('web.provider_invoices.sync_errors', { count: result.errors.length })}</p>
            <ul className="sync-errors">
              {result.errors.map((e, i) => (
                <li key={i}>
                  {e.invoiceNumber && <span className="mono">{e.invoiceNumber}</span>} <code>{e.code}</code> {e.message}
                </li>
              ))}
            </ul>
          </>
        )}
        {dismiss}
      </Alert>
    </section>
  );
}

// ---------------------------------------------------------------- manual entry

const FORM_FIELDS = ['providerAccountId', 'invoiceNumber', 'invoiceDate', 'dueDate', 'currency', 'total'] as const;

function EnterInvoiceForm({ accounts, prefill, onCancel, onCreated }: { accounts: ProviderAccount[]; prefill: Prefill; onCancel: () => void; onCreated: (i: ProviderInvoice) => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const user = useUser();
  const active = accounts.filter((a) => a.status === 'active');
  const initial = active.find((a) => a.id === prefill.account) ?? (active.length === 1 ? active[0] : undefined);
  const [accountId, setAccountId] = useState(initial?.id ?? '');
  const [number, setNumber] = useState(prefill.number ?? '');
  const [invoiceDate, setInvoiceDate] = useState(() => localToday(user.timeZone));
  const [dueDate, setDueDate] = useState('');
  const [currency, setCurrency] = useState(prefill.currency ?? initial?.currency ?? '');
  const [total, setTotal] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const account = active.find((a) => a.id === accountId);
  const problem = formProblem(error, FORM_FIELDS);
  const fe = { ...problem.fields, ...local };

  function chooseAccount(id: string) {
    setAccountId(id);
    const a = active.find((x) => x.id === id);
    // the account's currency, unless one was typed
    if (a && (!currency || currency === account?.currency)) setCurrency(a.currency);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    const required = t('web.provider_invoices.form.required');
    if (!accountId) problems.providerAccountId = required;
    if (!number.trim()) problems.invoiceNumber = required;
    if (!invoiceDate) problems.invoiceDate = required;
    const cur = currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(cur)) problems.currency = t('web.provider_invoices.form.currency_invalid');
    const amount = decimalInput(total);
    if (amount === undefined) problems.total = t('web.provider_invoices.form.amount_invalid');
    setLocal(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const created = await providerInvoices.create({ providerAccountId: accountId, invoiceNumber: number.trim(), invoiceDate, ...(dueDate && { dueDate }), currency: cur, total: amount! });
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={t('web.provider_invoices.form.title')}>
      <p className="muted">{t('web.provider_invoices.form.description')}</p>
      {problem.rest && <FormError error={error} shownFields={[...FORM_FIELDS]} />}
      <div className="form-grid">
        <Field label={t('web.provider_invoices.form.account')} error={fe.providerAccountId} className="span-2">
          <select value={accountId} onChange={(e) => chooseAccount(e.target.value)} required>
            {!initial && <option value="">{t('web.provider_invoices.form.account_choose')}</option>}
            {active.map((a) => (
              <option key={a.id} value={a.id}>
                {accountLabel(fmt, a)} · {PAYEE_NAMES[a.payee] ?? a.payee}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('web.provider_invoices.form.number')} error={fe.invoiceNumber}>
          <input type="text" maxLength={64} autoComplete="off" className="mono" value={number} onChange={(e) => setNumber(e.target.value)} />
        </Field>
        <Field label={t('web.provider_invoices.form.invoice_date')} error={fe.invoiceDate}>
          <input type="date" value={invoiceDate} onChange={(e) => setInvoiceDate(e.target.value)} />
        </Field>
        <Field
          label={t('web.provider_invoices.form.due_date')}
          error={fe.dueDate}
          optional
          hint={account ? t('web.provider_invoices.form.due_date_hint', { count: account.paymentTermsDays }) : undefined}
        >
          <input type="date" value={dueDate} min={invoiceDate || undefined} onChange={(e) => setDueDate(e.target.value)} />
        </Field>
        <Field label={t('web.provider_invoices.form.currency')} error={fe.currency} hint={t('web.provider_invoices.form.currency_hint')}>
          <input type="text" maxLength={3} autoComplete="off" className="mono upper" value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
        </Field>
        <Field label={t('web.provider_invoices.form.total')} error={fe.total} hint={t('web.provider_invoices.form.total_hint')} className="span-2">
          <input type="text" inputMode="decimal" maxLength={24} autoComplete="off" value={total} onChange={(e) => setTotal(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <Button onClick={onCancel}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {t('web.provider_invoices.form.submit')}
        </Button>
      </div>
    </form>
  );
}
