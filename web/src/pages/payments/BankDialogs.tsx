import { useEffect, useState } from 'react';
import { Button, Dialog, EmptyState, Field, FormError, LoadError, Spinner, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import type { CustomerOption } from '../invoicing/api';
import { bank, receivables, type BankEntry } from './api';
import { Amount, formatAmount, formatDay, useSubmit } from './shared';


/** Book an entry to another customer than suggested, and optionally to chosen open invoices of theirs. */
export function ReassignDialog({ entry, customers, onClose, onDone }: { entry: BankEntry | null; customers: CustomerOption[]; onClose: () => void; onDone: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const s = useSubmit();
  const [customerId, setCustomerId] = useState('');
  const [invoiceIds, setInvoiceIds] = useState<string[]>([]);
  const [local, setLocal] = useState('');
  useEffect(() => {
    setCustomerId(entry?.suggestions[0]?.customerId ?? entry?.customerId ?? '');
    setInvoiceIds([]);
    setLocal('');
    s.setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entry]);
  const open = useResource((signal) => (entry && customerId ? receivables.customer(customerId, signal) : Promise.resolve(undefined)), [entry, customerId]);
  const items = (open.data?.openItems ?? []).filter((i) => i.kind === 'invoice' && i.currency === entry?.currency);

  const submit = () => {
    if (!entry) return;
    if (!customerId) return setLocal(t('web.payments.record.customer_required'));
    void s.run(async (key) => {
      await bank.confirm(entry.id, { customerId, ...(invoiceIds.length > 0 && { invoiceIds }) }, key);
      toast('success', t('web.bank.review.confirmed', { customer: customers.find((c) => c.id === customerId)?.companyName ?? customerId }));
      onDone();
    });
  };

  return (
    <Dialog
      open={entry !== null}
      title={t('web.bank.reassign.title')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('web.common.cancel')}</Button>
          <Button variant="primary" busy={s.busy} onClick={submit}>
            {t('web.bank.reassign.submit')}
          </Button>
        </>
      }
    >
      {entry && (
        <div className="stack-sm">
          <p>{t('web.bank.reassign.text', { amount: formatAmount(fmt, entry.amount, entry.currency), payer: entry.payerName ?? '—', date: formatDay(fmt, entry.bookingDate ?? entry.valueDate) })}</p>
          <FormError error={s.error} shownFields={['customerId']} />
          <Field label={t('web.payments.col.customer')} error={local || undefined}>
            <select value={customerId} onChange={(e) => (setCustomerId(e.target.value), setInvoiceIds([]))}>
              <option value="">{t('web.payments.record.choose_customer')}</option>
              {customers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.companyName} ({c.billingCurrency})
                </option>
              ))}
            </select>
          </Field>
          <p className="muted">{t('web.bank.reassign.invoices_hint')}</p>
          {customerId && open.error !== undefined && <LoadError error={open.error} />}
          {customerId && open.loading && !open.data && <Spinner />}
          {customerId && open.data && items.length === 0 && <EmptyState>{t('web.payments.allocate.no_open_items')}</EmptyState>}
          {items.length > 0 && (
            <ul className="plain-list stack-sm">
              {items.map((i) => (
                <li key={i.id}>
                  <label className="check-inline">
                    <input type="checkbox" checked={invoiceIds.includes(i.id)} onChange={(e) => setInvoiceIds((ids) => (e.target.checked ? [...ids, i.id] : ids.filter((x) => x !== i.id)))} />
                    <span>
                      <span className="strong">{i.number}</span> · <Amount amount={i.open} currency={i.currency} /> · {t('web.bank.reassign.due', { date: formatDay(fmt, i.dueDate ?? i.issueDate) })}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Dialog>
  );
}

/** Set an entry aside (not customer money, a bank fee, booked by hand elsewhere) with a reason. */
export function IgnoreDialog({ entry, onClose, onDone }: { entry: BankEntry | null; onClose: () => void; onDone: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const s = useSubmit();
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState('');
  useEffect(() => {
    setReason('');
    setLocal('');
    s.setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [entry]);

  const submit = () => {
    if (!entry) return;
    if (!reason.trim()) return setLocal(t('web.bank.ignore.reason_required'));
    void s.run(async (key) => {
      await bank.ignore(entry.id, reason.trim(), key);
      toast('success', t('web.bank.ignore.done'));
      onDone();
    });
  };

  return (
    <Dialog
      open={entry !== null}
      title={t('web.bank.ignore.title')}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('web.common.cancel')}</Button>
          <Button variant="danger-solid" busy={s.busy} onClick={submit}>
            {t('web.bank.ignore.submit')}
          </Button>
        </>
      }
    >
      {entry && (
        <div className="stack-sm">
          <p>{t('web.bank.ignore.text', { amount: formatAmount(fmt, entry.amount, entry.currency), payer: entry.payerName ?? '—' })}</p>
          <FormError error={s.error} shownFields={['reason']} />
          <Field label={t('web.bank.ignore.reason')} error={local || undefined}>
            <textarea rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
        </div>
      )}
    </Dialog>
  );
}
