import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { Icon } from '../components/icons';
import { formatDecimal, formatMoney } from '../components/money';
import { Badge, Button, Card, Dialog, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, cx, fieldErrorsOf, useErrorText, useResource, useToast } from '../components/ui';
import { useI18n } from '../i18n';
import { canBill, useUser } from '../session';

// Price rules editor, exchange rates, and "try a price" (issue 5, point 1).

const METHODS = ['markup', 'margin', 'fixed', 'list'] as const;
type Method = (typeof METHODS)[number];
const CATEGORIES = ['m365', 'dynamics', 'power_platform', 'azure', 'software', 'other'] as const;
type Category = (typeof CATEGORIES)[number];
const ROUNDINGS = ['half_even', 'half_up', 'down', 'up', 'floor', 'ceiling'] as const;
type Rounding = (typeof ROUNDINGS)[number];
type Pec = 'keep' | 'pass_on';

export interface PriceRule {
  id: string;
  customerId: string | null;
  customerName: string | null;
  segment: string | null;
  productId: string | null;
  skuId: string | null;
  category: Category | null;
  method: Method;
  value: string;
  currency: string | null;
  pec: Pec;
  rounding: Rounding;
  validFrom: string | null;
  validTo: string | null;
  active: boolean;
  note: string | null;
  level: string;
  createdAt: string;
  updatedAt: string;
}

interface ExchangeRate {
  id: string;
  from: string;
  to: string;
  rate: string;
  effectiveDate: string;
  source: string;
}

interface Quote {
  currency: string;
  category: Category;
  ruleId: string;
  method: Method;
  level: string;
  pec: Pec;
  rounding: Rounding;
  unitPrice: string;
  amountDecimal: string;
  costDecimal: string;
  marginDecimal: string;
  fx: { from: string; to: string; rate: string; effectiveDate: string } | null;
}

interface CustomerOption {
  id: string;
  companyName: string;
  segment: string;
  billingCurrency: string;
}

const PAGE = 100;

export function PriceRules() {
  const { t } = useI18n();
  const user = useUser();
  const editable = canBill(user);
  const [showInactive, setShowInactive] = useState(false);
  const rules = useResource(
    (signal) => api.get<{ items: PriceRule[]; total: number }>('/api/pricing/rules', { limit: PAGE, ...(showInactive ? {} : { active: 'true' }) }, { signal }),
    [showInactive],
  );
  const customers = useResource((signal) => api.get<{ items: CustomerOption[]; total: number }>('/api/customers', { limit: 500 }, { signal }), []);
  const [editing, setEditing] = useState<PriceRule | 'new' | null>(null);

  return (
    <>
      <PageHeader
        title={t('web.pricing.title')}
        description={t('web.pricing.description')}
        actions={
          editable && (
            <Button variant="primary" onClick={() => setEditing('new')}>
              <Icon name="plus" />
              {t('web.pricing.new_rule')}
            </Button>
          )
        }
      />
      <div className="stack">
        <Card title={t('web.pricing.rules.title')} description={t('web.pricing.rules.precedence')}>
          <div className="toolbar">
            <label className="check-inline">
              <input type="checkbox" checked={showInactive} onChange={(e) => setShowInactive(e.target.checked)} />
              <span>{t('web.pricing.rules.show_inactive')}</span>
            </label>
            {rules.data && <span className="toolbar-meta">{t('web.pricing.rules.count', { count: rules.data.total })}</span>}
          </div>
          {rules.error !== undefined && <LoadError error={rules.error} onRetry={rules.reload} />}
          {rules.loading && !rules.data && <Spinner />}
          {rules.data && rules.data.items.length === 0 && <EmptyState>{t('web.pricing.rules.empty')}</EmptyState>}
          {rules.data && rules.data.items.length > 0 && (
            <RulesTable
              rules={rules.data.items}
              editable={editable}
              onEdit={setEditing}
              onChanged={rules.reload}
            />
          )}
        </Card>
        <RatesCard editable={editable} />
        <QuoteCard customers={customers.data?.items ?? []} />
      </div>
      <Dialog open={editing !== null} title={editing === 'new' ? t('web.pricing.form.title_new') : t('web.pricing.form.title_edit')} onClose={() => setEditing(null)}>
        {editing !== null && (
          <RuleForm
            key={editing === 'new' ? 'new' : editing.id}
            rule={editing === 'new' ? null : editing}
            customers={customers.data?.items ?? []}
            onSaved={() => {
              setEditing(null);
              rules.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        )}
      </Dialog>
    </>
  );
}

function useRuleText() {
  const { t, locale } = useI18n();
  return {
    who: (r: PriceRule) => (r.customerId ? t('web.pricing.scope.customer', { name: r.customerName ?? r.customerId }) : r.segment ? t('web.pricing.scope.segment', { segment: r.segment }) : t('web.pricing.scope.everyone')),
    what: (r: PriceRule) =>
      r.productId
        ? r.skuId
          ? t('web.pricing.scope.sku', { product: r.productId, sku: r.skuId })
          : t('web.pricing.scope.product', { product: r.productId })
        : r.category
          ? t('web.pricing.scope.category', { category: t(`web.pricing.categories.${r.category}`) })
          : t('web.pricing.scope.everything'),
    how: (r: PriceRule) =>
      r.method === 'fixed' && r.currency
        ? t('web.pricing.method_value.fixed', { price: formatMoney(locale, r.value, r.currency) })
        : t(`web.pricing.method_value.${r.method}`, { value: formatDecimal(locale, r.value) }),
  };
}

function RulesTable({ rules, editable, onEdit, onChanged }: { rules: PriceRule[]; editable: boolean; onEdit: (r: PriceRule) => void; onChanged: () => void }) {
  const { t, date } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const text = useRuleText();
  const [busy, setBusy] = useState<string | null>(null);

  async function deactivate(r: PriceRule) {
    setBusy(r.id);
    try {
      await api.post(`/api/pricing/rules/${encodeURIComponent(r.id)}/deactivate`);
      toast('success', t('web.pricing.rules.deactivated'));
      onChanged();
    } catch (e) {
      toast('danger', errorText(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="sr-only">{t('web.pricing.rules.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.pricing.rules.col_level')}</th>
            <th scope="col">{t('web.pricing.rules.col_who')}</th>
            <th scope="col">{t('web.pricing.rules.col_what')}</th>
            <th scope="col">{t('web.pricing.rules.col_price')}</th>
            <th scope="col">{t('web.pricing.rules.col_pec')}</th>
            <th scope="col">{t('web.pricing.rules.col_rounding')}</th>
            <th scope="col">{t('web.pricing.rules.col_valid')}</th>
            <th scope="col" className="col-actions">
              <span className="sr-only">{t('web.common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((r) => (
            <tr key={r.id} className={r.active ? undefined : 'row-muted'}>
              <td>
                <Badge tone={r.level.startsWith('customer') ? 'accent' : r.level.startsWith('segment') ? 'info' : 'neutral'}>{t(`web.pricing.levels.${r.level}`)}</Badge>
                {!r.active && <Badge tone="warning">{t('web.pricing.rules.inactive')}</Badge>}
              </td>
              <td>{text.who(r)}</td>
              <td>{text.what(r)}</td>
              <td>
                <span className="strong">{text.how(r)}</span>
                {r.note && <span className="sub">{r.note}</span>}
              </td>
              <td>{t(`web.pricing.pec.${r.pec}`)}</td>
              <td>{t(`web.pricing.roundings.${r.rounding}`)}</td>
              <td>
                {r.validFrom || r.validTo
                  ? t('web.pricing.rules.valid_range', { from: r.validFrom ? date(r.validFrom) : '…', to: r.validTo ? date(r.validTo) : '…' })
                  : t('web.pricing.rules.valid_always')}
              </td>
              <td className="col-actions">
                {editable && (
                  <>
                    <Button size="sm" onClick={() => onEdit(r)}>
                      {t('web.common.edit')}
                    </Button>
                    {r.active && (
                      <Button size="sm" busy={busy === r.id} onClick={() => void deactivate(r)}>
                        {t('web.pricing.rules.deactivate')}
                      </Button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Who = 'everyone' | 'segment' | 'customer';
type What = 'everything' | 'category' | 'product';

function RuleForm({ rule, customers, onSaved, onCancel }: { rule: PriceRule | null; customers: CustomerOption[]; onSaved: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [who, setWho] = useState<Who>(rule?.customerId ? 'customer' : rule?.segment ? 'segment' : 'everyone');
  const [customerId, setCustomerId] = useState(rule?.customerId ?? '');
  const [segment, setSegment] = useState(rule?.segment ?? '');
  const [what, setWhat] = useState<What>(rule?.productId ? 'product' : rule?.category ? 'category' : 'everything');
  const [category, setCategory] = useState<Category>(rule?.category ?? 'm365');
  const [productId, setProductId] = useState(rule?.productId ?? '');
  const [skuId, setSkuId] = useState(rule?.skuId ?? '');
  const [method, setMethod] = useState<Method>(rule?.method ?? 'markup');
  const [value, setValue] = useState(rule?.value ?? '15');
  const [currency, setCurrency] = useState(rule?.currency ?? '');
  const [pec, setPec] = useState<Pec>(rule?.pec ?? 'keep');
  const [rounding, setRounding] = useState<Rounding>(rule?.rounding ?? 'half_even');
  const [validFrom, setValidFrom] = useState(rule?.validFrom ?? '');
  const [validTo, setValidTo] = useState(rule?.validTo ?? '');
  const [note, setNote] = useState(rule?.note ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fe = fieldErrorsOf(error);
  const segments = [...new Set(customers.map((c) => c.segment))].sort();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      customerId: who === 'customer' ? customerId || null : null,
      segment: who === 'segment' ? segment.trim() || null : null,
      productId: what === 'product' ? productId.trim() || null : null,
      skuId: what === 'product' ? skuId.trim() || null : null,
      category: what === 'category' ? category : null,
      method,
      value: value.trim().replace(',', '.'),
      currency: method === 'fixed' ? currency.trim().toUpperCase() || null : null,
      pec,
      rounding,
      validFrom: validFrom || null,
      validTo: validTo || null,
      note: note.trim() || null,
    };
    try {
      if (rule) await api.patch(`/api/pricing/rules/${encodeURIComponent(rule.id)}`, body);
      else await api.post('/api/pricing/rules', body);
      toast('success', t('web.pricing.form.saved'));
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="form" noValidate>
      <FormError error={error} shownFields={['customerId', 'segment', 'productId', 'skuId', 'category', 'value', 'currency', 'validFrom', 'validTo', 'note']} />
      <div className="form-grid">
        <Field label={t('web.pricing.form.who')}>
          <select value={who} onChange={(e) => setWho(e.target.value as Who)}>
            <option value="everyone">{t('web.pricing.scope.everyone')}</option>
            <option value="segment">{t('web.pricing.form.who_segment')}</option>
            <option value="customer">{t('web.pricing.form.who_customer')}</option>
          </select>
        </Field>
        {who === 'customer' && (
          <Field label={t('web.pricing.form.customer')} error={fe.customerId}>
            <select value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
              <option value="">{t('web.pricing.form.choose_customer')}</option>
              {customers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.companyName} ({c.billingCurrency})
                </option>
              ))}
            </select>
          </Field>
        )}
        {who === 'segment' && (
          <Field label={t('web.pricing.form.segment')} error={fe.segment} hint={segments.length ? t('web.pricing.form.segment_hint', { segments: segments.join(', ') }) : undefined}>
            <input type="text" maxLength={40} value={segment} onChange={(e) => setSegment(e.target.value)} />
          </Field>
        )}
        <Field label={t('web.pricing.form.what')}>
          <select value={what} onChange={(e) => setWhat(e.target.value as What)}>
            <option value="everything">{t('web.pricing.scope.everything')}</option>
            <option value="category">{t('web.pricing.form.what_category')}</option>
            <option value="product">{t('web.pricing.form.what_product')}</option>
          </select>
        </Field>
        {what === 'category' && (
          <Field label={t('web.pricing.form.category')} error={fe.category}>
            <select value={category} onChange={(e) => setCategory(e.target.value as Category)}>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`web.pricing.categories.${c}`)}
                </option>
              ))}
            </select>
          </Field>
        )}
        {what === 'product' && (
          <>
            <Field label={t('web.pricing.form.product_id')} error={fe.productId} hint={t('web.pricing.form.product_hint')}>
              <input type="text" maxLength={64} value={productId} onChange={(e) => setProductId(e.target.value)} />
            </Field>
            <Field label={t('web.pricing.form.sku_id')} error={fe.skuId} optional>
              <input type="text" maxLength={64} value={skuId} onChange={(e) => setSkuId(e.target.value)} />
            </Field>
          </>
        )}
        <Field label={t('web.pricing.form.method')}>
          <select value={method} onChange={(e) => setMethod(e.target.value as Method)}>
            {METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`web.pricing.methods.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={method === 'fixed' ? t('web.pricing.form.unit_price') : t('web.pricing.form.percent')} error={fe.value} hint={t(`web.pricing.method_hints.${method}`)}>
          <input type="text" inputMode="decimal" value={value} onChange={(e) => setValue(e.target.value)} />
        </Field>
        {method === 'fixed' && (
          <Field label={t('web.pricing.form.currency')} error={fe.currency}>
            <input type="text" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
          </Field>
        )}
        {method !== 'fixed' && method !== 'list' && (
          <Field label={t('web.pricing.form.pec')} hint={t('web.pricing.form.pec_hint')}>
            <select value={pec} onChange={(e) => setPec(e.target.value as Pec)}>
              <option value="keep">{t('web.pricing.pec.keep')}</option>
              <option value="pass_on">{t('web.pricing.pec.pass_on')}</option>
            </select>
          </Field>
        )}
        <Field label={t('web.pricing.form.rounding')}>
          <select value={rounding} onChange={(e) => setRounding(e.target.value as Rounding)}>
            {ROUNDINGS.map((r) => (
              <option key={r} value={r}>
                {t(`web.pricing.roundings.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('web.pricing.form.valid_from')} error={fe.validFrom} optional>
          <input type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />
        </Field>
        <Field label={t('web.pricing.form.valid_to')} error={fe.validTo} optional>
          <input type="date" value={validTo} onChange={(e) => setValidTo(e.target.value)} />
        </Field>
        <Field label={t('web.pricing.form.note')} error={fe.note} optional>
          <input type="text" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <Button onClick={onCancel}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {t('web.pricing.form.save')}
        </Button>
      </div>
    </form>
  );
}

function RatesCard({ editable }: { editable: boolean }) {
  const { t, date, locale } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const rates = useResource((signal) => api.get<{ items: ExchangeRate[]; total: number }>('/api/pricing/rates', { limit: 200 }, { signal }), []);
  const [from, setFrom] = useState('USD');
  const [to, setTo] = useState('EUR');
  const [rate, setRate] = useState('');
  const [effectiveDate, setEffectiveDate] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fe = fieldErrorsOf(error);

  async function add(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/api/pricing/rates', { from: from.trim().toUpperCase(), to: to.trim().toUpperCase(), rate: rate.trim().replace(',', '.'), effectiveDate });
      toast('success', t('web.pricing.rates.saved'));
      setRate('');
      rates.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function remove(x: ExchangeRate) {
    try {
      await api.del(`/api/pricing/rates/${encodeURIComponent(x.id)}`);
      toast('success', t('web.pricing.rates.deleted'));
      rates.reload();
    } catch (err) {
      toast('danger', errorText(err));
    }
  }

  return (
    <Card title={t('web.pricing.rates.title')} description={t('web.pricing.rates.description')}>
      {rates.error !== undefined && <LoadError error={rates.error} onRetry={rates.reload} />}
      {rates.loading && !rates.data && <Spinner />}
      {rates.data && rates.data.items.length === 0 && <EmptyState>{t('web.pricing.rates.empty')}</EmptyState>}
      {rates.data && rates.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.pricing.rates.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.pricing.rates.col_pair')}</th>
                <th scope="col" className="num">
                  {t('web.pricing.rates.col_rate')}
                </th>
                <th scope="col">{t('web.pricing.rates.col_date')}</th>
                <th scope="col">{t('web.pricing.rates.col_source')}</th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">{t('web.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rates.data.items.map((x) => (
                <tr key={x.id}>
                  <td className="mono">
                    {x.from} → {x.to}
                  </td>
                  <td className="num mono">{formatDecimal(locale, x.rate)}</td>
                  <td>{date(x.effectiveDate)}</td>
                  <td>{x.source}</td>
                  <td className="col-actions">
                    {editable && (
                      <Button size="sm" onClick={() => void remove(x)} aria-label={t('web.pricing.rates.delete_named', { pair: `${x.from}/${x.to}`, date: x.effectiveDate })}>
                        {t('web.pricing.rates.delete')}
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editable && (
        <form onSubmit={add} className={cx('form', 'card-body')} noValidate aria-label={t('web.pricing.rates.add')}>
          <FormError error={error} shownFields={['from', 'to', 'rate', 'effectiveDate']} />
          <div className="form-grid">
            <Field label={t('web.pricing.rates.from')} error={fe.from}>
              <input type="text" maxLength={3} value={from} onChange={(e) => setFrom(e.target.value.toUpperCase())} />
            </Field>
            <Field label={t('web.pricing.rates.to')} error={fe.to}>
              <input type="text" maxLength={3} value={to} onChange={(e) => setTo(e.target.value.toUpperCase())} />
            </Field>
            <Field label={t('web.pricing.rates.rate')} error={fe.rate} hint={t('web.pricing.rates.rate_hint')}>
              <input type="text" inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} />
            </Field>
            <Field label={t('web.pricing.rates.effective_date')} error={fe.effectiveDate}>
              <input type="date" value={effectiveDate} onChange={(e) => setEffectiveDate(e.target.value)} />
            </Field>
          </div>
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy}>
              {t('web.pricing.rates.add')}
            </Button>
          </div>
        </form>
      )}
    </Card>
  );
}

function QuoteCard({ customers }: { customers: CustomerOption[] }) {
  const { t, locale, date } = useI18n();
  const [customerId, setCustomerId] = useState('');
  const [productId, setProductId] = useState('CFQ7TTC0LH18');
  const [skuId, setSkuId] = useState('0001');
  const [productName, setProductName] = useState('');
  const [quoteDate, setQuoteDate] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [unitPrice, setUnitPrice] = useState('36.00');
  const [effectiveUnitPrice, setEffectiveUnitPrice] = useState('30.60');
  const [currency, setCurrency] = useState('USD');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<Quote | null>(null);
  const fe = fieldErrorsOf(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await api.post<Quote>('/api/pricing/quote', {
          customerId: customerId || (customers[0]?.id ?? ''),
          productId: productId.trim() || null,
          skuId: skuId.trim() || null,
          productName: productName.trim() || null,
          ...(quoteDate && { date: quoteDate }),
          quantity: quantity.trim().replace(',', '.'),
          unitPrice: unitPrice.trim().replace(',', '.') || null,
          effectiveUnitPrice: effectiveUnitPrice.trim().replace(',', '.'),
          currency: currency.trim().toUpperCase(),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('web.pricing.quote.title')} description={t('web.pricing.quote.description')}>
      <form onSubmit={submit} className="form" noValidate aria-label={t('web.pricing.quote.title')}>
        <FormError error={error} shownFields={['customerId', 'productId', 'skuId', 'quantity', 'unitPrice', 'effectiveUnitPrice', 'currency', 'date']} />
        <div className="form-grid">
          <Field label={t('web.pricing.form.customer')} error={fe.customerId}>
            <select value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
              {customers.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.companyName} ({c.billingCurrency})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('web.pricing.form.product_id')} error={fe.productId} optional>
            <input type="text" maxLength={64} value={productId} onChange={(e) => setProductId(e.target.value)} />
          </Field>
          <Field label={t('web.pricing.form.sku_id')} error={fe.skuId} optional>
            <input type="text" maxLength={64} value={skuId} onChange={(e) => setSkuId(e.target.value)} />
          </Field>
          <Field label={t('web.pricing.quote.product_name')} optional>
            <input type="text" maxLength={200} value={productName} onChange={(e) => setProductName(e.target.value)} />
          </Field>
          <Field label={t('web.pricing.quote.date')} error={fe.date} optional>
            <input type="date" value={quoteDate} onChange={(e) => setQuoteDate(e.target.value)} />
          </Field>
          <Field label={t('web.pricing.quote.quantity')} error={fe.quantity}>
            <input type="text" inputMode="decimal" value={quantity} onChange={(e) => setQuantity(e.target.value)} />
          </Field>
          <Field label={t('web.pricing.quote.unit_price')} error={fe.unitPrice} hint={t('web.pricing.quote.unit_price_hint')} optional>
            <input type="text" inputMode="decimal" value={unitPrice} onChange={(e) => setUnitPrice(e.target.value)} />
          </Field>
          <Field label={t('web.pricing.quote.effective_unit_price')} error={fe.effectiveUnitPrice} hint={t('web.pricing.quote.effective_hint')}>
            <input type="text" inputMode="decimal" value={effectiveUnitPrice} onChange={(e) => setEffectiveUnitPrice(e.target.value)} />
          </Field>
          <Field label={t('web.pricing.quote.currency')} error={fe.currency}>
            <input type="text" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
          </Field>
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {t('web.pricing.quote.submit')}
          </Button>
        </div>
      </form>
      {result && (
        <dl className="kv-list kv-list-compact" aria-label={t('web.pricing.quote.result')}>
          <dt>{t('web.pricing.quote.unit_price_out')}</dt>
          <dd className="mono">{formatMoney(locale, result.unitPrice, result.currency)}</dd>
          <dt>{t('web.pricing.quote.amount')}</dt>
          <dd className="strong">{formatMoney(locale, result.amountDecimal, result.currency)}</dd>
          <dt>{t('web.pricing.quote.cost')}</dt>
          <dd>{formatMoney(locale, result.costDecimal, result.currency)}</dd>
          <dt>{t('web.pricing.quote.margin')}</dt>
          <dd>{formatMoney(locale, result.marginDecimal, result.currency)}</dd>
          <dt>{t('web.pricing.quote.rule')}</dt>
          <dd>
            {t(`web.pricing.methods.${result.method}`)} · {t(`web.pricing.levels.${result.level}`)} · {t(`web.pricing.pec.${result.pec}`)} · {t(`web.pricing.roundings.${result.rounding}`)}{' '}
            <span className="sub mono">{result.ruleId}</span>
          </dd>
          <dt>{t('web.pricing.quote.category')}</dt>
          <dd>{t(`web.pricing.categories.${result.category}`)}</dd>
          <dt>{t('web.pricing.quote.fx')}</dt>
          <dd>{result.fx ? t('web.pricing.quote.fx_value', { from: result.fx.from, to: result.fx.to, rate: formatDecimal(locale, result.fx.rate), date: date(result.fx.effectiveDate) }) : t('web.pricing.quote.fx_none')}</dd>
        </dl>
      )}
    </Card>
  );
}
