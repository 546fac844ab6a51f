import { useState, type FormEvent } from 'react';
import { decimalInput, formatDecimal } from '../../components/money';
import { Badge, Button, Card, Dialog, EmptyState, Field, FormError, LoadError, Spinner, fieldErrorsOf, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { invoicing, type RecurringFee } from './api';
import { Money, UnitPrice, formatDay } from './shared';

/** A customer's recurring fees (support plans, managed services): list, add, stop. */
export function RecurringFees({ customerId, currency, editable, onChanged }: { customerId: string; currency: string | undefined; editable: boolean; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const fees = useResource((signal) => invoicing.fees(customerId, signal), [customerId]);
  const [stopping, setStopping] = useState<RecurringFee | null>(null);
  const changed = () => {
    fees.reload();
    onChanged();
  };

  return (
    <Card title={t('web.invoicing.fees.title')} description={t('web.invoicing.fees.description')}>
      {fees.error !== undefined && <LoadError error={fees.error} onRetry={fees.reload} />}
      {fees.loading && !fees.data && <Spinner />}
      {fees.data && fees.data.items.length === 0 && <EmptyState>{t('web.invoicing.fees.empty')}</EmptyState>}
      {fees.data && fees.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.invoicing.fees.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.invoicing.fees.name')}</th>
                <th scope="col" className="num">{t('web.invoicing.lines.quantity')}</th>
                <th scope="col" className="num">{t('web.invoicing.lines.unit_price')}</th>
                <th scope="col">{t('web.invoicing.fees.interval')}</th>
                <th scope="col">{t('web.invoicing.fees.runs')}</th>
                <th scope="col">{t('web.invoicing.fees.billed_through')}</th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">{t('web.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {fees.data.items.map((f) => (
                <tr key={f.id} className={f.endDate ? 'row-muted' : undefined}>
                  <td>
                    <span className="strong">{f.name}</span>
                    {f.productCode && <span className="sub mono">{f.productCode}</span>}
                  </td>
                  <td className="num">{formatDecimal(fmt.locale, f.quantity)}</td>
                  <td className="num">
                    <UnitPrice amount={f.unitPrice} currency={f.currency} />
                  </td>
                  <td>{t(`web.invoicing.fees.per.${f.interval}`)}</td>
                  <td>
                    {f.endDate ? t('web.invoicing.fees.from_to', { start: formatDay(fmt, f.startDate), end: formatDay(fmt, f.endDate) }) : t('web.invoicing.fees.from', { start: formatDay(fmt, f.startDate) })}
                    {f.endDate && <Badge tone="neutral">{t('web.invoicing.fees.stopped')}</Badge>}
                  </td>
                  <td>{f.billedThrough ? formatDay(fmt, f.billedThrough) : '—'}</td>
                  <td className="col-actions">
                    {editable && !f.endDate && (
                      <Button size="sm" onClick={() => setStopping(f)}>
                        {t('web.invoicing.fees.stop')}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editable && <FeeForm customerId={customerId} currency={currency ?? ''} onAdded={changed} />}
      <Dialog open={stopping !== null} title={t('web.invoicing.fees.stop_title', { name: stopping?.name ?? '' })} onClose={() => setStopping(null)}>
        {stopping && (
          <StopForm
            fee={stopping}
            onCancel={() => setStopping(null)}
            onDone={() => {
              setStopping(null);
              changed();
            }}
          />
        )}
      </Dialog>
    </Card>
  );
}

function FeeForm({ customerId, currency: defaultCurrency, onAdded }: { customerId: string; currency: string; onAdded: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [name, setName] = useState('');
  const [productCode, setProductCode] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [unitPrice, setUnitPrice] = useState('');
  const [currency, setCurrency] = useState(defaultCurrency);
  const [interval, setFeeInterval] = useState<'month' | 'year'>('month');
  const [startDate, setStartDate] = useState('');
  const [endDate, setEndDate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const price = decimalInput(unitPrice);
    const qty = decimalInput(quantity);
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t('web.invoicing.fees.name_required');
    if (price === undefined) problems.unitPrice = t('web.invoicing.lines.amount_invalid');
    if (qty === undefined) problems.quantity = t('web.invoicing.lines.amount_invalid');
    if (!startDate) problems.startDate = t('web.invoicing.fees.start_required');
    setLocal(problems);
    if (Object.keys(problems).length || price === undefined || qty === undefined) return;
    setBusy(true);
    setError(null);
    try {
      await invoicing.createFee({
        customerId,
        name: name.trim(),
        ...(productCode.trim() && { productCode: productCode.trim() }),
        quantity: qty,
        unitPrice: price,
        ...(currency.trim() && { currency: currency.trim().toUpperCase() }),
        interval,
        startDate,
        endDate: endDate || null,
      });
      toast('success', t('web.invoicing.fees.added'));
      setName('');
      setProductCode('');
      setUnitPrice('');
      onAdded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="form subsection" noValidate>
      <h3 className="form-heading">{t('web.invoicing.fees.new')}</h3>
      <FormError error={error} shownFields={['name', 'productCode', 'quantity', 'unitPrice', 'currency', 'startDate', 'endDate']} />
      <div className="form-grid">
        <Field label={t('web.invoicing.fees.name')} error={fe.name}>
          <input type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('web.invoicing.fees.product_code')} error={fe.productCode} optional>
          <input type="text" maxLength={60} value={productCode} onChange={(e) => setProductCode(e.target.value)} />
        </Field>
        <Field label={t('web.invoicing.lines.quantity')} error={fe.quantity}>
          <input type="text" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
        </Field>
        <Field label={t('web.invoicing.lines.unit_price')} error={fe.unitPrice}>
          <input type="text" inputMode="decimal" value={unitPrice} onChange={(e) => setUnitPrice(e.target.value)} />
        </Field>
        <Field label={t('web.invoicing.col.currency')} error={fe.currency}>
          <input type="text" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
        </Field>
        <Field label={t('web.invoicing.fees.interval')}>
          <select value={interval} onChange={(e) => setFeeInterval(e.target.value as 'month' | 'year')}>
            <option value="month">{t('web.invoicing.fees.per.month')}</option>
            <option value="year">{t('web.invoicing.fees.per.year')}</option>
          </select>
        </Field>
        <Field label={t('web.invoicing.fees.start_date')} error={fe.startDate}>
          <input type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />
        </Field>
        <Field label={t('web.invoicing.fees.end_date')} error={fe.endDate} optional>
          <input type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {t('web.invoicing.fees.add')}
        </Button>
      </div>
    </form>
  );
}

function StopForm({ fee, onCancel, onDone }: { fee: RecurringFee; onCancel: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [endDate, setEndDate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fe = fieldErrorsOf(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await invoicing.stopFee(fee.id, endDate);
      toast('success', t('web.invoicing.fees.stopped_toast', { name: fee.name }));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="form" noValidate>
      <p>{t('web.invoicing.fees.stop_text')}</p>
      <FormError error={error} shownFields={['endDate']} />
      <Field label={t('web.invoicing.fees.last_day')} error={fe.endDate}>
        <input type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} />
      </Field>
      <div className="form-actions">
        <Button onClick={onCancel}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant="danger-solid" busy={busy}>
          {t('web.invoicing.fees.stop')}
        </Button>
      </div>
    </form>
  );
}
