import { useState, type FormEvent } from 'react';
import { decimalInput } from '../../components/money';
import { Button, Card, Field, FormError, fieldErrorsOf, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { invoicing, type CustomerOption } from './api';
import { periodDays, previousPeriod } from './shared';

/** A one-off charge, or a credit (a negative amount), for a customer; the next run invoices it. */
export function ManualChargeForm({ customers, customerId, onAdded }: { customers: CustomerOption[]; customerId: string; onAdded: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const last = periodDays(previousPeriod());
  const [customer, setCustomer] = useState(customerId);
  const [description, setDescription] = useState('');
  const [group, setGroup] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(customers.find((c) => c.id === customerId)?.billingCurrency ?? '');
  const [periodStart, setPeriodStart] = useState(last.start);
  const [periodEnd, setPeriodEnd] = useState(last.end);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  function chooseCustomer(id: string) {
    setCustomer(id);
    const c = customers.find((x) => x.id === id);
    if (c) setCurrency(c.billingCurrency);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    const value = decimalInput(amount);
    const qty = decimalInput(quantity);
    if (!customer) problems.customerId = t('web.invoicing.charges.form.customer_required');
    if (!description.trim()) problems.description = t('web.invoicing.charges.form.description_required');
    if (value === undefined) problems.amount = t('web.invoicing.lines.amount_invalid');
    if (qty === undefined) problems.quantity = t('web.invoicing.lines.amount_invalid');
    setLocal(problems);
    if (Object.keys(problems).length || value === undefined || qty === undefined) return;
    setBusy(true);
    setError(null);
    try {
      await invoicing.addCharge({
        customerId: customer,
        description: description.trim(),
        ...(group.trim() && { group: group.trim() }),
        quantity: qty,
        amount: value,
        currency: currency.trim().toUpperCase(),
        periodStart,
        periodEnd,
      });
      toast('success', t('web.invoicing.charges.form.added'));
      setDescription('');
      setAmount('');
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('web.invoicing.charges.form.title')} description={t('web.invoicing.charges.form.description')}>
      <form onSubmit={submit} className="form" noValidate>
        <FormError error={error} shownFields={['customerId', 'description', 'group', 'quantity', 'amount', 'currency', 'periodStart', 'periodEnd']} />
        <div className="form-grid">
          <Field label={t('web.invoicing.charges.customer')} error={fe.customerId}>
            <select value={customer} onChange={(e) => chooseCustomer(e.target.value)}>
              <option value="">{t('web.invoicing.charges.choose_customer')}</option>
              {customers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.companyName} ({c.billingCurrency})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('web.invoicing.charges.form.what')} error={fe.description}>
            <input type="text" maxLength={300} value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          <Field label={t('web.invoicing.charges.form.group')} error={fe.group} hint={t('web.invoicing.charges.form.group_hint')} optional>
            <input type="text" maxLength={200} value={group} onChange={(e) => setGroup(e.target.value)} />
          </Field>
          <Field label={t('web.invoicing.lines.quantity')} error={fe.quantity}>
            <input type="text" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          </Field>
          <Field label={t('web.invoicing.charges.form.amount')} error={fe.amount} hint={t('web.invoicing.charges.form.amount_hint')}>
            <input type="text" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
          </Field>
          <Field label={t('web.invoicing.col.currency')} error={fe.currency}>
            <input type="text" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
          </Field>
          <Field label={t('web.invoicing.charges.form.period_start')} error={fe.periodStart}>
            <input type="date" value={periodStart} onChange={(e) => setPeriodStart(e.target.value)} />
          </Field>
          <Field label={t('web.invoicing.charges.form.period_end')} error={fe.periodEnd}>
            <input type="date" value={periodEnd} onChange={(e) => setPeriodEnd(e.target.value)} />
          </Field>
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {t('web.invoicing.charges.form.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}
