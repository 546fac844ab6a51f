import { useRef, useState, type FormEvent } from 'react';
import { Icon } from '../../components/icons';
import { Alert, Button, Card, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, cx, fieldErrorsOf, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link, navigate, useLocation } from '../../router';
import { useUser } from '../../session';
import { invoicing } from '../invoicing/api';
import { newIdempotencyKey, PAYMENT_METHODS, payments, receivables, type AllocateSpec, type OpenItem, type PaymentMethod } from './api';
import { Amount, amountInput, formatDay, formatAmount, localToday } from './shared';

type Mode = 'oldest' | 'none' | 'chosen';
const SHOWN = ['customerId', 'amount', 'currency', 'receivedOn', 'method', 'reference', 'payerName', 'payerIban', 'note', 'allocate'];

/** Record money received: who paid, how much, how, and where it goes (oldest first, nowhere, or chosen invoices). */
export function RecordPaymentPage() {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const user = useUser();
  const { search } = useLocation();
  const customers = useResource((signal) => invoicing.customers(signal), []);
  const [customerId, setCustomerId] = useState(search.get('customerId') ?? '');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('');
  const [receivedOn, setReceivedOn] = useState(() => localToday(user.timeZone));
  const [method, setMethod] = useState<PaymentMethod>('bank_transfer');
  const [reference, setReference] = useState('');
  const [payerName, setPayerName] = useState('');
  const [payerIban, setPayerIban] = useState('');
  const [note, setNote] = useState('');
  const [mode, setMode] = useState<Mode>('oldest');
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const pending = useRef(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  const customer = customers.data?.items.find((c) => c.id === customerId);
  const cur = currency || customer?.billingCurrency || '';
  const open = useResource((signal) => (customerId ? receivables.customer(customerId, signal) : Promise.resolve(undefined)), [customerId]);
  const items: OpenItem[] = (open.data?.openItems ?? []).filter((i) => i.kind === 'invoice' && i.currency === cur);

  function chooseCustomer(id: string) {
    setCustomerId(id);
    setCurrency(customers.data?.items.find((c) => c.id === id)?.billingCurrency ?? '');
    setChosen({});
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (pending.current) return; // a second click before the button is disabled
    const problems: Record<string, string> = {};
    const value = amountInput(amount);
    if (!customerId) problems.customerId = t('web.payments.record.customer_required');
    if (value === undefined || value.startsWith('-') || /^0*(\.0*)?$/.test(value)) problems.amount = t('web.payments.record.amount_invalid');
    if (!/^[A-Z]{3}$/.test(cur)) problems.currency = t('web.payments.record.currency_invalid');
    let allocate: AllocateSpec = mode === 'chosen' ? [] : mode;
    if (mode === 'chosen') {
      const list: { invoiceId: string; amount?: string }[] = [];
      for (const [invoiceId, text] of Object.entries(chosen)) {
        const a = text.trim() ? amountInput(text) : '';
        if (a === undefined) problems.allocate = t('web.payments.record.amount_invalid');
        else list.push({ invoiceId, ...(a && { amount: a }) });
      }
      if (list.length === 0) problems.allocate = t('web.payments.record.choose_invoice');
      allocate = list;
    }
    setLocal(problems);
    if (Object.keys(problems).length || value === undefined) return;
    pending.current = true;
    setBusy(true);
    setError(null);
    try {
      const r = await payments.record(
        {
          customerId,
          amount: value,
          currency: cur,
          receivedOn,
          method,
          ...(reference.trim() && { reference: reference.trim() }),
          ...(payerName.trim() && { payerName: payerName.trim() }),
          ...(payerIban.trim() && { payerIban: payerIban.trim() }),
          ...(note.trim() && { note: note.trim() }),
          allocate,
        },
        newIdempotencyKey(),
      );
      toast('success', t('web.payments.record.done', { unapplied: formatAmount(fmt, r.payment.unapplied, cur) }));
      navigate(`/payments/${encodeURIComponent(r.payment.id)}`);
    } catch (err) {
      setError(err);
    } finally {
      pending.current = false;
      setBusy(false);
    }
  }

  return (
    <>
      <nav className="breadcrumb" aria-label={t('web.customer.breadcrumb')}>
        <Link to="/payments">
          <Icon name="back" size={14} />
          {t('web.payments.back')}
        </Link>
      </nav>
      <PageHeader title={t('web.payments.record.title')} description={t('web.payments.record.description')} />
      {customers.error !== undefined && <LoadError error={customers.error} onRetry={customers.reload} />}
      <form onSubmit={submit} className="stack" noValidate>
        <FormError error={error} shownFields={SHOWN} />
        <Card title={t('web.payments.record.money')}>
          <div className="form-grid">
            <Field label={t('web.payments.col.customer')} error={fe.customerId}>
              <select value={customerId} onChange={(e) => chooseCustomer(e.target.value)}>
                <option value="">{t('web.payments.record.choose_customer')}</option>
                {(customers.data?.items ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.companyName} ({c.billingCurrency})
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('web.payments.record.received_on')} error={fe.receivedOn}>
              <input type="date" value={receivedOn} onChange={(e) => setReceivedOn(e.target.value)} />
            </Field>
            <Field label={t('web.payments.col.amount')} error={fe.amount}>
              <input type="text" inputMode="decimal" autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} />
            </Field>
            <Field label={t('web.payments.col.currency')} error={fe.currency}>
              <input type="text" maxLength={3} value={cur} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
            </Field>
            <Field label={t('web.payments.col.method')} error={fe.method}>
              <select value={method} onChange={(e) => setMethod(e.target.value as PaymentMethod)}>
                {PAYMENT_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {t(`web.payments.methods.${m}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('web.payments.col.reference')} error={fe.reference} optional>
              <input type="text" maxLength={200} value={reference} onChange={(e) => setReference(e.target.value)} />
            </Field>
            <Field label={t('web.payments.record.payer_name')} error={fe.payerName} optional>
              <input type="text" maxLength={200} value={payerName} onChange={(e) => setPayerName(e.target.value)} />
            </Field>
            <Field label={t('web.payments.record.payer_iban')} error={fe.payerIban} optional>
              <input type="text" maxLength={50} className="mono" value={payerIban} onChange={(e) => setPayerIban(e.target.value)} />
            </Field>
            <Field label={t('web.payments.record.note')} error={fe.note} optional className="span-2">
              <textarea rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
            </Field>
          </div>
        </Card>
        <Card title={t('web.payments.allocate.title')} description={t('web.payments.allocate.description')}>
          <div className="stack-sm">
            <div className="segmented" role="group" aria-label={t('web.payments.allocate.title')}>
              {(['oldest', 'none', 'chosen'] as const).map((m) => (
                <button key={m} type="button" className={cx('segment', mode === m && 'active')} aria-pressed={mode === m} onClick={() => setMode(m)}>
                  {t(`web.payments.allocate.mode_${m}`)}
                </button>
              ))}
            </div>
            <p className="muted">{t(`web.payments.allocate.hint_${mode}`)}</p>
            {fe.allocate !== undefined && <Alert tone="danger" title={fe.allocate || t('web.payments.record.choose_invoice')} />}
            {mode === 'chosen' && (
              <OpenItemsPicker items={items} loading={open.loading} error={open.error} noCustomer={!customerId} chosen={chosen} onChange={setChosen} />
            )}
          </div>
        </Card>
        <div className="form-actions">
          <Link to="/payments" className="btn btn-secondary">
            {t('web.common.cancel')}
          </Link>
          <Button type="submit" variant="primary" busy={busy}>
            {t('web.payments.record.submit')}
          </Button>
        </div>
      </form>
    </>
  );
}

/** The customer's open invoices in the payment's currency, each with a checkbox and an amount (its open amount unless changed). */
export function OpenItemsPicker({ items, loading, error, noCustomer, chosen, onChange }: { items: OpenItem[]; loading: boolean; error: unknown; noCustomer?: boolean; chosen: Record<string, string>; onChange: (c: Record<string, string>) => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  if (noCustomer) return <EmptyState>{t('web.payments.allocate.pick_customer_first')}</EmptyState>;
  if (error !== undefined) return <LoadError error={error} />;
  if (loading && items.length === 0) return <Spinner />;
  if (items.length === 0) return <EmptyState>{t('web.payments.allocate.no_open_items')}</EmptyState>;
  const toggle = (i: OpenItem, on: boolean) => {
    const next = { ...chosen };
    if (on) next[i.id] = i.open;
    else delete next[i.id];
    onChange(next);
  };
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">{t('web.payments.allocate.open_items')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.payments.col.invoice')}</th>
            <th scope="col">{t('web.payments.col.due_date')}</th>
            <th scope="col" className="num">
              {t('web.payments.col.open')}
            </th>
            <th scope="col" className="num">
              {t('web.payments.allocate.apply')}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((i) => (
            <tr key={i.id}>
              <td>
                <label className="check-inline">
                  <input type="checkbox" checked={i.id in chosen} onChange={(e) => toggle(i, e.target.checked)} />
                  <span className="strong">{i.number}</span>
                </label>
              </td>
              <td>{formatDay(fmt, i.dueDate ?? i.issueDate)}</td>
              <td className="num">
                <Amount amount={i.open} currency={i.currency} />
              </td>
              <td className="num">
                <input
                  type="text"
                  inputMode="decimal"
                  className="amount-input"
                  aria-label={t('web.payments.allocate.amount_for', { number: i.number })}
                  disabled={!(i.id in chosen)}
                  value={chosen[i.id] ?? ''}
                  onChange={(e) => onChange({ ...chosen, [i.id]: e.target.value })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
