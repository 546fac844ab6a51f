import { useState, type ReactNode } from 'react';
import { Button, Dialog, Field, FormError, cx, fieldErrorsOf, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { useUser } from '../../session';
import { PAYMENT_METHODS, payments, receivables, type Payment } from './api';
import { OpenItemsPicker } from './RecordPayment';
import { amountInput, formatAmount, localToday, useSubmit } from './shared';

/**
 * The actions on a payment, each a dialog: allocate the unapplied rest, reverse (a returned
 * debit, a bounced transfer) after a confirmation, refund unapplied credit. Every submission
 * carries its own Idempotency-Key and the button is disabled while it runs.
 */


function ActionDialog({ open, title, onClose, busy, submitLabel, danger, onSubmit, children }: { open: boolean; title: string; onClose: () => void; busy: boolean; submitLabel: string; danger?: boolean; onSubmit: () => void; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{t('web.common.cancel')}</Button>
          <Button variant={danger ? 'danger-solid' : 'primary'} busy={busy} onClick={onSubmit}>
            {submitLabel}
          </Button>
        </>
      }
    >
      <div className="stack-sm">{children}</div>
    </Dialog>
  );
}

export function AllocateDialog({ open, payment, unapplied, onClose, onDone }: { open: boolean; payment: Payment; unapplied: string; onClose: () => void; onDone: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const s = useSubmit();
  const [mode, setMode] = useState<'oldest' | 'chosen'>('oldest');
  const [chosen, setChosen] = useState<Record<string, string>>({});
  const [local, setLocal] = useState('');
  const open_ = useResource((signal) => (open ? receivables.customer(payment.customerId, signal) : Promise.resolve(undefined)), [open, payment.customerId]);
  const items = (open_.data?.openItems ?? []).filter((i) => i.kind === 'invoice' && i.currency === payment.currency);

  const submit = () => {
    setLocal('');
    let spec: 'oldest' | { invoiceId: string; amount?: string }[] = 'oldest';
    if (mode === 'chosen') {
      spec = [];
      for (const [invoiceId, text] of Object.entries(chosen)) {
        const a = text.trim() ? amountInput(text) : '';
        if (a === undefined) return setLocal(t('web.payments.record.amount_invalid'));
        spec.push({ invoiceId, ...(a && { amount: a }) });
      }
      if (spec.length === 0) return setLocal(t('web.payments.record.choose_invoice'));
    }
    const allocate = spec;
    void s.run(async (key) => {
      await payments.allocate(payment.id, allocate, key);
      toast('success', t('web.payments.allocate.done'));
      setChosen({});
      onDone();
    });
  };

  return (
    <ActionDialog open={open} title={t('web.payments.allocate.rest')} onClose={onClose} busy={s.busy} submitLabel={t('web.payments.allocate.submit')} onSubmit={submit}>
      <p>{t('web.payments.allocate.rest_text', { amount: formatAmount(fmt, unapplied, payment.currency) })}</p>
      <FormError error={s.error} />
      {local && <p className="field-error">{local}</p>}
      <div className="segmented" role="group" aria-label={t('web.payments.allocate.title')}>
        {(['oldest', 'chosen'] as const).map((m) => (
          <button key={m} type="button" className={cx('segment', mode === m && 'active')} aria-pressed={mode === m} onClick={() => setMode(m)}>
            {t(`web.payments.allocate.mode_${m}`)}
          </button>
        ))}
      </div>
      {mode === 'chosen' && <OpenItemsPicker items={items} loading={open_.loading} error={open_.error} chosen={chosen} onChange={setChosen} />}
    </ActionDialog>
  );
}

export function ReverseDialog({ open, payment, onClose, onDone }: { open: boolean; payment: Payment; onClose: () => void; onDone: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const user = useUser();
  const s = useSubmit();
  const [reason, setReason] = useState('');
  const [returnCode, setReturnCode] = useState('');
  const [reversedOn, setReversedOn] = useState(() => localToday(user.timeZone));
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(s.error), ...local };

  const submit = () => {
    if (!reason.trim()) return setLocal({ reason: t('web.payments.reverse.reason_required') });
    setLocal({});
    void s.run(async (key) => {
      await payments.reverse(payment.id, { reason: reason.trim(), reversedOn, ...(returnCode.trim() && { returnCode: returnCode.trim().toUpperCase() }) }, key);
      toast('success', t('web.payments.reverse.done'));
      onDone();
    });
  };

  return (
    <ActionDialog open={open} title={t('web.payments.reverse.title')} onClose={onClose} busy={s.busy} submitLabel={t('web.payments.reverse.confirm')} danger onSubmit={submit}>
      <p>{t('web.payments.reverse.text', { amount: formatAmount(fmt, payment.amount, payment.currency), customer: payment.customerName ?? payment.customerId })}</p>
      <FormError error={s.error} shownFields={['reason', 'reversedOn', 'returnCode']} />
      <Field label={t('web.payments.reverse.reason')} error={fe.reason}>
        <textarea rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      <div className="form-grid">
        <Field label={t('web.payments.reverse.return_code')} hint={t('web.payments.reverse.return_code_hint')} error={fe.returnCode} optional>
          <input type="text" maxLength={10} className="mono" value={returnCode} onChange={(e) => setReturnCode(e.target.value)} />
        </Field>
        <Field label={t('web.payments.reverse.date')} error={fe.reversedOn}>
          <input type="date" value={reversedOn} onChange={(e) => setReversedOn(e.target.value)} />
        </Field>
      </div>
    </ActionDialog>
  );
}

export function RefundDialog({ open, payment, unapplied, onClose, onDone }: { open: boolean; payment: Payment; unapplied: string; onClose: () => void; onDone: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const s = useSubmit();
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<string>('bank_transfer');
  const [reference, setReference] = useState('');
  const [reason, setReason] = useState('');
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(s.error), ...local };
  const rest = unapplied;

  const submit = () => {
    const problems: Record<string, string> = {};
    const value = amount.trim() ? amountInput(amount) : '';
    if (value === undefined) problems.amount = t('web.payments.record.amount_invalid');
    if (!reason.trim()) problems.reason = t('web.payments.refund.reason_required');
    setLocal(problems);
    if (Object.keys(problems).length) return;
    void s.run(async (key) => {
      await payments.refund(payment.id, { ...(value && { amount: value }), method, ...(reference.trim() && { reference: reference.trim() }), reason: reason.trim() }, key);
      toast('success', t('web.payments.refund.done'));
      onDone();
    });
  };

  return (
    <ActionDialog open={open} title={t('web.payments.refund.title')} onClose={onClose} busy={s.busy} submitLabel={t('web.payments.refund.submit')} onSubmit={submit}>
      <p>{t('web.payments.refund.text', { amount: formatAmount(fmt, unapplied, payment.currency) })}</p>
      <FormError error={s.error} shownFields={['amount', 'method', 'reference', 'reason']} />
      <div className="form-grid">
        <Field label={t('web.payments.col.amount')} hint={t('web.payments.refund.amount_hint', { amount: rest })} error={fe.amount} optional>
          <input type="text" inputMode="decimal" placeholder={rest} value={amount} onChange={(e) => setAmount(e.target.value)} />
        </Field>
        <Field label={t('web.payments.col.method')} error={fe.method}>
          <select value={method} onChange={(e) => setMethod(e.target.value)}>
            {PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`web.payments.methods.${m}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t('web.payments.col.reference')} error={fe.reference} optional>
        <input type="text" maxLength={200} value={reference} onChange={(e) => setReference(e.target.value)} />
      </Field>
      <Field label={t('web.payments.refund.reason')} error={fe.reason}>
        <textarea rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
    </ActionDialog>
  );
}
