import { Fragment, useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, isPendingOperation, TAX_MODES, type Customer as CustomerT, type CustomerPatch, type ProviderAccount, type Subscription, type SubscriptionOperation, type TaxMode } from '../api';
import {
  CloudBadge,
  CommerceBadge,
  OperationsHistory,
  PAYEE_NAMES,
  StatusChangeDialog,
  SubscriptionStatusBadge,
  cycleLabel,
  labelOr,
  languageName,
  regionName,
  subscriptionName,
  termLabel,
} from '../components/commerce';
import { Icon } from '../components/icons';
import { Alert, Badge, Button, Card, Dialog, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, cx, fieldErrorsOf, useErrorText, useResource, useToast } from '../components/ui';
import { LOCALES, LOCALE_NAMES, isLocale, useI18n, type Locale } from '../i18n';
import { Link } from '../router';
import { canBill, useUser } from '../session';
import { KNOWN_SEGMENTS } from './Customers';
import { CustomerReceivables } from './payments/CustomerReceivables';

const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'CNY', 'RUB', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK'];
const POLL_MS = 2000;

export function Customer({ id }: { id: string }) {
  const fmt = useI18n();
  const { t } = fmt;
  const user = useUser();
  const writer = canBill(user);
  const customer = useResource((signal) => api.get<CustomerT>(`/api/customers/${encodeURIComponent(id)}`, undefined, { signal }), [id]);
  const accounts = useResource((signal) => api.get<{ items: ProviderAccount[] }>('/api/provider-accounts', undefined, { signal }), []);
  const [fraudOpen, setFraudOpen] = useState(false);
  const c = customer.data?.id === id ? customer.data : undefined;
  const account = accounts.data?.items.find((a) => a.id === c?.providerAccountId);

  return (
    <>
      <nav className="breadcrumb" aria-label={t('web.customer.breadcrumb')}>
        <Link to="/customers">
          <Icon name="back" size={14} />
          {t('web.customer.back')}
        </Link>
      </nav>
      {customer.error !== undefined && <LoadError error={customer.error} onRetry={customer.reload} />}
      {!c && customer.loading && <Spinner />}
      {c && (
        <>
          <PageHeader
            title={c.companyName || c.domain || c.tenantId}
            description={[c.domain, c.country ? regionName(fmt.locale, c.country) : null].filter(Boolean).join(' · ') || undefined}
            actions={
              writer && (
                <FraudReviewButton
                  customer={c}
                  onFlag={() => setFraudOpen(true)}
                  onChanged={(x) => customer.setData(x)}
                />
              )
            }
          />
          <div className="header-badges">
            <CloudBadge cloud={c.cloud} />
            <Badge tone={c.status === 'active' ? 'success' : 'neutral'}>{t(`web.customers.status.${c.status}`)}</Badge>
            <Badge>{labelOr(fmt, 'web.customers.segments', c.segment)}</Badge>
            {c.fraudReviewAt && (
              <span className="fraud-marker">
                <Icon name="flag" size={12} />
                {t('web.customers.fraud_marker')}
              </span>
            )}
          </div>
          <div className="stack">
            {c.fraudReviewAt && (
              <Alert tone="danger" title={t('web.customer.fraud.flagged_title', { date: fmt.dateTime(c.fraudReviewAt) })}>
                {c.fraudReviewNote && <p className="prewrap">{c.fraudReviewNote}</p>}
                <p>{t('web.customer.fraud.flagged_body')}</p>
              </Alert>
            )}
            {c.status === 'removed_upstream' && (
              <Alert tone="warning" title={t('web.customer.removed_title')}>
                <p>{t('web.customer.removed_body', { date: fmt.dateTime(c.removedUpstreamAt) })}</p>
              </Alert>
            )}
            <div className="grid-2 grid-2-tight">
              <Profile customer={c} account={account} />
              <Settings key={c.updatedAt} customer={c} writer={writer} onSaved={(x) => customer.setData(x)} />
            </div>
            <Subscriptions customer={c} writer={writer} />
            <CustomerReceivables customerId={c.id} />
          </div>
          <FraudDialog open={fraudOpen} customer={c} onClose={() => setFraudOpen(false)} onSaved={(x) => (customer.setData(x), setFraudOpen(false))} />
        </>
      )}
    </>
  );
}

// ---------------------------------------------------------------- profile

function Row({ label, children, mono }: { label: string; children: ReactNode; mono?: boolean }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{children === null || children === undefined || children === '' ? <span className="muted">—</span> : children}</dd>
    </div>
  );
}

function Profile({ customer: c, account }: { customer: CustomerT; account: ProviderAccount | undefined }) {
  const fmt = useI18n();
  const { t, dateTime } = fmt;
  return (
    <Card title={t('web.customer.profile.title')} description={t('web.customer.profile.description')}>
      <dl className="kv-list kv-list-compact">
        <Row label={t('web.customer.profile.tenant_id')} mono>
          {c.tenantId}
        </Row>
        <Row label={t('web.customer.profile.domain')}>{c.domain}</Row>
        <Row label={t('web.customer.profile.cloud')}>
          <span className="inline-items">
            <CloudBadge cloud={c.cloud} />
            {account && <span className="muted">{t('web.customer.profile.payee', { payee: PAYEE_NAMES[account.payee] ?? account.payee })}</span>}
          </span>
        </Row>
        <Row label={t('web.customer.profile.account')}>{account?.name ?? <span className="mono">{c.providerAccountId}</span>}</Row>
        <Row label={t('web.customer.profile.relationship')}>{labelOr(fmt, 'web.customer.relationships', c.relationship)}</Row>
        {(c.resellerPartnerId || c.relationship === 'indirect') && (
          <Row label={t('web.customer.profile.reseller')} mono>
            {c.resellerPartnerId}
          </Row>
        )}
        <Row label={t('web.customer.profile.billing_email')}>{c.billingEmail && <a href={`mailto:${c.billingEmail}`}>{c.billingEmail}</a>}</Row>
        <Row label={t('web.customer.profile.billing_culture')}>
          {c.billingCulture && (
            <>
              {languageName(fmt.locale, c.billingCulture)} <span className="muted mono">({c.billingCulture})</span>
            </>
          )}
        </Row>
        <Row label={t('web.customer.profile.billing_language')}>
          {c.billingLanguage && (
            <>
              {languageName(fmt.locale, c.billingLanguage)} <span className="muted mono">({c.billingLanguage})</span>
            </>
          )}
        </Row>
        <Row label={t('web.customer.profile.effective_locale')}>
          <span className="strong">{LOCALE_NAMES[c.locale] ?? c.locale}</span>{' '}
          <span className="muted">{c.localeOverride ? t('web.customer.locale_overridden') : t('web.customer.locale_from_profile')}</span>
        </Row>
        <Row label={t('web.customer.profile.synced_at')}>{c.syncedAt && dateTime(c.syncedAt)}</Row>
      </dl>
    </Card>
  );
}

// ---------------------------------------------------------------- local settings

function Settings({ customer: c, writer, onSaved }: { customer: CustomerT; writer: boolean; onSaved: (c: CustomerT) => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const [localeOverride, setLocaleOverride] = useState<Locale | ''>(c.localeOverride ?? '');
  const [currency, setCurrency] = useState(c.billingCurrency);
  const [terms, setTerms] = useState(String(c.paymentTermsDays));
  const [segment, setSegment] = useState(c.segment);
  const [taxMode, setTaxMode] = useState<TaxMode>((TAX_MODES as string[]).includes(c.taxSettings.mode) ? (c.taxSettings.mode as TaxMode) : 'standard');
  const [vatId, setVatId] = useState(c.taxSettings.vatId ?? '');
  const [rate, setRate] = useState(c.taxSettings.rate ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  const tax = { mode: taxMode, vatId: vatId.trim() || null, rate: rate.trim() || null };
  const taxBefore = { mode: c.taxSettings.mode, vatId: c.taxSettings.vatId ?? null, rate: c.taxSettings.rate ?? null };
  const patch: CustomerPatch = {
    ...((localeOverride || null) !== c.localeOverride && { localeOverride: localeOverride || null }),
    ...(currency.trim().toUpperCase() !== c.billingCurrency && { billingCurrency: currency.trim().toUpperCase() }),
    ...(terms.trim() !== String(c.paymentTermsDays) && { paymentTermsDays: Number(terms) }),
    ...(segment.trim() !== c.segment && { segment: segment.trim() }),
    ...(JSON.stringify(tax) !== JSON.stringify(taxBefore) && { taxSettings: tax }),
  };
  const dirty = Object.keys(patch).length > 0;
  const profileLocale = c.localeOverride ? null : c.locale;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!/^[A-Z]{3}$/.test(currency.trim().toUpperCase())) problems.billingCurrency = t('web.customer.settings.currency_invalid');
    const n = Number(terms);
    if (!/^\d+$/.test(terms.trim()) || n > 365) problems.paymentTermsDays = t('web.customer.settings.terms_invalid');
    if (!/^[a-z0-9_-]{1,40}$/.test(segment.trim())) problems.segment = t('web.customer.settings.segment_invalid');
    if (rate.trim() && !/^\d{1,2}(\.\d{1,4})?$/.test(rate.trim())) problems['taxSettings/rate'] = t('web.customer.settings.rate_invalid');
    setLocal(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const saved = await api.patch<CustomerT>(`/api/customers/${encodeURIComponent(c.id)}`, patch);
      toast('success', t('web.customer.settings.saved', { name: saved.companyName }));
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('web.customer.settings.title')} description={t('web.customer.settings.description')}>
      <form className="form" onSubmit={submit} noValidate>
        <FormError error={error} shownFields={['localeOverride', 'billingCurrency', 'paymentTermsDays', 'segment', 'taxSettings/mode', 'taxSettings/vatId', 'taxSettings/rate']} />
        {!writer && <p className="field-hint read-only-note">{t('web.customer.settings.read_only')}</p>}
        <fieldset className="plain-fieldset" disabled={!writer}>
          <div className="form-grid">
            <Field label={t('web.customer.settings.locale')} error={fe.localeOverride} className="span-2">
              <select value={localeOverride} onChange={(e) => setLocaleOverride(isLocale(e.target.value) ? e.target.value : '')}>
                <option value="">
                  {t('web.customer.settings.locale_auto', { language: LOCALE_NAMES[profileLocale ?? 'en'] ?? '' })}
                </option>
                {LOCALES.map((l) => (
                  <option key={l} value={l} lang={l}>
                    {LOCALE_NAMES[l]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('web.customer.settings.currency')} error={fe.billingCurrency} hint={t('web.customer.settings.currency_hint')}>
              <input type="text" list="pd-currencies" maxLength={3} autoComplete="off" className="mono upper" value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
            </Field>
            <Field label={t('web.customer.settings.terms')} error={fe.paymentTermsDays} hint={t('web.customer.settings.terms_hint')}>
              <input type="number" min={0} max={365} step={1} inputMode="numeric" value={terms} onChange={(e) => setTerms(e.target.value)} />
            </Field>
            <Field label={t('web.customer.settings.segment')} error={fe.segment} hint={t('web.customer.settings.segment_hint')}>
              <input type="text" list="pd-segments" maxLength={40} autoComplete="off" value={segment} onChange={(e) => setSegment(e.target.value)} />
            </Field>
            <Field label={t('web.customer.settings.tax_mode')} error={fe['taxSettings/mode'] ?? fe.taxSettings}>
              <select value={taxMode} onChange={(e) => setTaxMode(e.target.value as TaxMode)}>
                {TAX_MODES.map((m) => (
                  <option key={m} value={m}>
                    {t(`web.customer.tax_modes.${m}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('web.customer.settings.vat_id')} error={fe['taxSettings/vatId']} optional hint={taxMode === 'reverse_charge' ? t('web.customer.settings.vat_id_hint') : undefined}>
              <input type="text" maxLength={40} autoComplete="off" className="mono" value={vatId} onChange={(e) => setVatId(e.target.value)} />
            </Field>
            <Field label={t('web.customer.settings.rate')} error={fe['taxSettings/rate']} optional hint={t('web.customer.settings.rate_hint')}>
              <input type="text" inputMode="decimal" maxLength={7} autoComplete="off" value={rate} onChange={(e) => setRate(e.target.value.replace(',', '.'))} />
            </Field>
          </div>
          <datalist id="pd-currencies">
            {CURRENCIES.map((x) => (
              <option key={x} value={x} />
            ))}
          </datalist>
          <datalist id="pd-segments">
            {KNOWN_SEGMENTS.map((x) => (
              <option key={x} value={x}>
                {labelOr(fmt, 'web.customers.segments', x)}
              </option>
            ))}
          </datalist>
        </fieldset>
        {writer && (
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
              {t('web.common.save')}
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}

// ---------------------------------------------------------------- fraud review

function FraudReviewButton({ customer: c, onFlag, onChanged }: { customer: CustomerT; onFlag: () => void; onChanged: (c: CustomerT) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  if (!c.fraudReviewAt) {
    return (
      <Button size="sm" variant="danger" onClick={onFlag}>
        <Icon name="flag" />
        {t('web.customer.fraud.flag')}
      </Button>
    );
  }
  async function clear() {
    if (!window.confirm(t('web.customer.fraud.clear_confirm', { name: c.companyName }))) return;
    setBusy(true);
    try {
      const x = await api.post<CustomerT>(`/api/customers/${encodeURIComponent(c.id)}/fraud-review`, { note: null });
      toast('success', t('web.customer.fraud.cleared', { name: x.companyName }));
      onChanged(x);
    } catch (err) {
      toast('danger', errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button size="sm" onClick={clear} busy={busy}>
      <Icon name="check" />
      {t('web.customer.fraud.clear')}
    </Button>
  );
}

function FraudDialog({ open, customer: c, onClose, onSaved }: { open: boolean; customer: CustomerT; onClose: () => void; onSaved: (c: CustomerT) => void }) {
  const { t } = useI18n();
  return (
    <Dialog open={open} title={t('web.customer.fraud.title', { name: c.companyName })} onClose={onClose}>
      {open && <FraudForm customer={c} onClose={onClose} onSaved={onSaved} />}
    </Dialog>
  );
}

function FraudForm({ customer: c, onClose, onSaved }: { customer: CustomerT; onClose: () => void; onSaved: (c: CustomerT) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<string | undefined>();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!note.trim()) {
      setLocal(t('web.customer.fraud.note_required'));
      return;
    }
    setLocal(undefined);
    setBusy(true);
    setError(null);
    try {
      const x = await api.post<CustomerT>(`/api/customers/${encodeURIComponent(c.id)}/fraud-review`, { note: note.trim() });
      toast('success', t('web.customer.fraud.flagged', { name: x.companyName }));
      onSaved(x);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={error} shownFields={['note']} />
      <p className="muted">{t('web.customer.fraud.explain')}</p>
      <Field label={t('web.customer.fraud.note')} error={local ?? fieldErrorsOf(error).note} hint={t('web.customer.fraud.note_hint')}>
        <textarea className="textarea" rows={4} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <div className="form-actions">
        <Button onClick={onClose}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant="danger-solid" busy={busy}>
          {t('web.customer.fraud.submit')}
        </Button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- subscriptions

/** Base subscriptions by name, each followed by its add-ons. */
function ordered(items: Subscription[]): { sub: Subscription; addOn: boolean }[] {
  const byName = (a: Subscription, b: Subscription) => subscriptionName(a).localeCompare(subscriptionName(b));
  const ids = new Set(items.map((s) => s.providerSubscriptionId));
  const bases = items.filter((s) => !s.parentProviderSubscriptionId || !ids.has(s.parentProviderSubscriptionId)).sort(byName);
  const out: { sub: Subscription; addOn: boolean }[] = [];
  for (const b of bases) {
    out.push({ sub: b, addOn: Boolean(b.parentProviderSubscriptionId) });
    for (const a of items.filter((s) => s.parentProviderSubscriptionId === b.providerSubscriptionId).sort(byName)) out.push({ sub: a, addOn: true });
  }
  return out;
}

function Subscriptions({ customer: c, writer }: { customer: CustomerT; writer: boolean }) {
  const fmt = useI18n();
  const { t, number, date } = fmt;
  const toast = useToast();
  const [includeRemoved, setIncludeRemoved] = useState(false);
  const subs = useResource(
    (signal) => api.get<{ items: Subscription[]; total: number }>('/api/subscriptions', { customerId: c.id, includeRemoved: includeRemoved ? 'true' : undefined, limit: 500 }, { signal }),
    [c.id, includeRemoved],
  );
  const [ops, setOps] = useState<Record<string, SubscriptionOperation[]>>({});
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [changing, setChanging] = useState<{ sub: Subscription; action: 'suspend' | 'reactivate' } | null>(null);
  const live = useRef(true);
  useEffect(() => {
    live.current = true;
    return () => {
      live.current = false;
    };
  }, []);

  const items = useMemo(() => subs.data?.items ?? [], [subs.data]);
  const rows = useMemo(() => ordered(items), [items]);
  const names = useMemo(() => new Map(items.map((s) => [s.id, subscriptionName(s)])), [items]);

  const loadOps = useCallback(async (subId: string) => {
    const r = await api.get<{ items: SubscriptionOperation[] }>(`/api/subscriptions/${encodeURIComponent(subId)}/operations`);
    if (live.current) setOps((o) => ({ ...o, [subId]: r.items }));
    return r.items;
  }, []);

  // A subscription whose expected status differs from the provider's: a change under way, or drift. Ask.
  useEffect(() => {
    for (const s of items) {
      if (s.expectedStatus && s.expectedStatus !== s.status && !s.removedUpstreamAt && !(s.id in ops)) loadOps(s.id).catch(() => {});
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items, loadOps]);

  // While a change is queued or retrying, poll its operations; when it settles, say so and reload.
  useEffect(() => {
    const pending = Object.entries(ops)
      .filter(([, list]) => isPendingOperation(list[0]))
      .map(([id]) => id);
    if (pending.length === 0) return;
    const timer = window.setTimeout(async () => {
      let settled = false;
      for (const id of pending) {
        try {
          const list = await loadOps(id);
          const op = list[0];
          if (op && !isPendingOperation(op)) {
            settled = true;
            const name = names.get(id) ?? id;
            if (op.state === 'confirmed') toast('success', t(`web.subscriptions.${op.action}.confirmed`, { name }));
            else toast('danger', t(`web.subscriptions.${op.action}.failed`, { name, message: op.errorMessage ?? op.errorCode ?? '' }));
          }
        } catch {
          /* try again on the next tick */
        }
      }
      if (settled && live.current) subs.reload();
    }, POLL_MS);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ops]);

  const toggle = (id: string) => {
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(id)) n.delete(id);
      else {
        n.add(id);
        loadOps(id).catch(() => {});
      }
      return n;
    });
  };

  const addOnCount = (s: Subscription) => items.filter((x) => x.parentProviderSubscriptionId === s.providerSubscriptionId && !x.removedUpstreamAt).length;
  const active = items.filter((s) => !s.removedUpstreamAt).length;

  return (
    <Card
      title={t('web.subscriptions.title')}
      description={subs.data ? t('web.subscriptions.card_description', { count: active }) : undefined}
      className="card-flush"
      actions={
        <div className="card-tools">
          <label className="check-inline">
            <input type="checkbox" checked={includeRemoved} onChange={(e) => setIncludeRemoved(e.target.checked)} />
            <span>{t('web.subscriptions.show_removed')}</span>
          </label>
          <Button size="sm" variant="ghost" onClick={subs.reload} busy={subs.loading && Boolean(subs.data)}>
            {t('web.common.refresh')}
          </Button>
        </div>
      }
    >
      {subs.error !== undefined && <LoadError error={subs.error} onRetry={subs.reload} />}
      {subs.loading && !subs.data && <Spinner />}
      {subs.data && items.length === 0 && <EmptyState>{t('web.subscriptions.empty')}</EmptyState>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table table-subs">
            <caption className="sr-only">{t('web.subscriptions.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.subscriptions.col_subscription')}</th>
                <th scope="col">{t('web.subscriptions.col_status')}</th>
                <th scope="col">{t('web.subscriptions.col_commerce')}</th>
                <th scope="col" className="num">
                  {t('web.subscriptions.col_quantity')}
                </th>
                <th scope="col">{t('web.subscriptions.col_term')}</th>
                <th scope="col">{t('web.subscriptions.col_auto_renew')}</th>
                <th scope="col">{t('web.subscriptions.col_commitment_end')}</th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">{t('web.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ sub: s, addOn }) => {
                const history = ops[s.id];
                const latest = history?.[0];
                const pending = isPendingOperation(latest);
                const removed = Boolean(s.removedUpstreamAt);
                const drift = !removed && history !== undefined && !pending && Boolean(s.expectedStatus) && s.expectedStatus !== s.status;
                const isOpen = open.has(s.id);
                const name = subscriptionName(s);
                return (
                  <Fragment key={s.id}>
                    <tr className={cx(removed && 'row-muted', isOpen && 'row-open', addOn && 'row-addon')} data-subscription={s.id}>
                      <td>
                        <div className="name-line">
                          {addOn && <span className="addon-mark" aria-hidden="true" />}
                          <span className="strong">{name}</span>
                          {addOn && <Badge>{t('web.subscriptions.add_on')}</Badge>}
                        </div>
                        {s.offerName && s.offerName !== name && <span className="sub">{s.offerName}</span>}
                      </td>
                      <td>
                        <div className="status-cell">
                          <SubscriptionStatusBadge status={s.status} />
                          {removed && <Badge>{t('web.subscriptions.removed')}</Badge>}
                          {pending && latest && (
                            <span className="pending-marker" role="status">
                              <span className="spinner spinner-tiny" aria-hidden="true" />
                              {t(`web.subscriptions.pending.${latest.action}`)}
                            </span>
                          )}
                          {drift && (
                            <span
                              className="drift-marker"
                              title={t('web.subscriptions.drift_hint', {
                                expected: labelOr(fmt, 'web.subscriptions.status', s.expectedStatus),
                                actual: labelOr(fmt, 'web.subscriptions.status', s.status),
                              })}
                            >
                              <Icon name="drift" size={12} />
                              {t('web.subscriptions.drift')}
                            </span>
                          )}
                        </div>
                        {s.status === 'suspended' && (s.billedWhileSuspended || (s.commerce === 'nce' && s.billingType !== 'usage')) && <span className="sub warn-text">{t('web.subscriptions.billed_while_suspended')}</span>}
                      </td>
                      <td className="nowrap">
                        <CommerceBadge commerce={s.commerce} />
                        <span className="sub">{labelOr(fmt, 'web.subscriptions.billing_types', s.billingType)}</span>
                      </td>
                      <td className="num" title={s.unitType ?? undefined}>
                        {number(s.quantity)}
                      </td>
                      <td>
                        <span className="nowrap">{termLabel(fmt, s.termDuration) || <span className="muted">—</span>}</span>
                        {s.billingCycle && <span className="sub">{cycleLabel(fmt, s.billingCycle)}</span>}
                      </td>
                      <td className="nowrap">
                        <span className={cx('onoff', s.autoRenew ? 'on' : 'off')}>{s.autoRenew ? t('web.subscriptions.on') : t('web.subscriptions.off')}</span>
                      </td>
                      <td className="nowrap">{s.commitmentEndDate ? date(s.commitmentEndDate) : <span className="muted">—</span>}</td>
                      <td className="col-actions">
                        <div className="row-actions">
                          {writer && !removed && !pending && s.status === 'active' && (
                            <Button size="sm" variant="danger" onClick={() => setChanging({ sub: s, action: 'suspend' })} aria-label={t('web.subscriptions.suspend.named', { name })}>
                              {t('web.subscriptions.actions.suspend')}
                            </Button>
                          )}
                          {writer && !removed && !pending && s.status === 'suspended' && (
                            <Button size="sm" onClick={() => setChanging({ sub: s, action: 'reactivate' })} aria-label={t('web.subscriptions.reactivate.named', { name })}>
                              {t('web.subscriptions.actions.reactivate')}
                            </Button>
                          )}
                          <Button
                            size="sm"
                            variant="ghost"
                            className={cx('btn-icon', isOpen && 'is-on')}
                            aria-expanded={isOpen}
                            onClick={() => toggle(s.id)}
                            aria-label={t('web.subscriptions.history.named', { name })}
                            title={t('web.subscriptions.history.button')}
                          >
                            <Icon name="history" />
                          </Button>
                        </div>
                      </td>
                    </tr>
                    {isOpen && (
                      <tr className="row-details">
                        <td colSpan={8}>
                          <div className="details-grid">
                            <OperationsHistory operations={history} />
                            <dl className="kv-list kv-list-compact details-facts">
                              <Row label={t('web.subscriptions.facts.provider_id')} mono>
                                {s.providerSubscriptionId}
                              </Row>
                              <Row label={t('web.subscriptions.facts.offer_id')} mono>
                                {s.offerId}
                              </Row>
                              <Row label={t('web.subscriptions.facts.expected')}>{s.expectedStatus && labelOr(fmt, 'web.subscriptions.status', s.expectedStatus)}</Row>
                              {s.suspensionReasons.length > 0 && <Row label={t('web.subscriptions.facts.reasons')}>{s.suspensionReasons.join(', ')}</Row>}
                              <Row label={t('web.subscriptions.facts.started')}>{s.effectiveStartDate && date(s.effectiveStartDate)}</Row>
                              <Row label={t('web.subscriptions.facts.synced')}>{s.syncedAt && fmt.dateTime(s.syncedAt)}</Row>
                            </dl>
                          </div>
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
      {subs.data && subs.data.total > items.length && <p className="footnote">{t('web.subscriptions.truncated', { shown: items.length, total: subs.data.total })}</p>}
      <StatusChangeDialog
        subscription={changing?.sub ?? null}
        action={changing?.action ?? 'suspend'}
        addOns={changing ? addOnCount(changing.sub) : 0}
        onClose={() => setChanging(null)}
        onRequested={(s, op) => {
          setChanging(null);
          toast('info', t(`web.subscriptions.${op.action}.requested`, { name: subscriptionName(s) }));
          setOps((o) => ({ ...o, [s.id]: [op, ...(o[s.id] ?? [])] }));
          setOpen((o) => new Set(o).add(s.id));
        }}
      />
    </Card>
  );
}
