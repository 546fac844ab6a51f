import { useState } from 'react';
import { Button, Card, EmptyState, Field, LoadError, PageHeader, Spinner, cx, useErrorText, useResource, useToast } from '../../components/ui';
import { formatDecimal } from '../../components/money';
import { useI18n } from '../../i18n';
import { Link, navigate, useLocation } from '../../router';
import { canBill, useUser } from '../../session';
import { invoicing, type Charge, type CustomerOption } from './api';
import { ManualChargeForm } from './ManualChargeForm';
import { RecurringFees } from './RecurringFees';
import { Money, Pager, UnitPrice, dayRange, periodText } from './shared';

const PAGE = 100;

/** Charges not yet invoiced: totals per customer and currency, one customer's open charges and recurring fees. */
export function ChargesPage() {
  const { t } = useI18n();
  const editable = canBill(useUser());
  const { search } = useLocation();
  const customerId = search.get('customer') ?? '';
  const totals = useResource((signal) => invoicing.openTotals(signal), []);
  const customers = useResource((signal) => invoicing.customers(signal), []);
  const customer = customers.data?.items.find((c) => c.id === customerId);
  const [nonce, setNonce] = useState(0);
  const changed = () => {
    totals.reload();
    setNonce((n) => n + 1);
  };
  const pick = (id: string) => navigate(id ? `/invoicing/charges?customer=${encodeURIComponent(id)}` : '/invoicing/charges');

  return (
    <>
      <PageHeader title={t('web.invoicing.charges.title')} description={t('web.invoicing.charges.description')} />
      <div className="stack">
        <Card title={t('web.invoicing.charges.open_totals')}>
          {totals.error !== undefined && <LoadError error={totals.error} onRetry={totals.reload} />}
          {totals.loading && !totals.data && <Spinner />}
          {totals.data && totals.data.items.length === 0 && <EmptyState>{t('web.invoicing.charges.nothing_open')}</EmptyState>}
          {totals.data && totals.data.items.length > 0 && (
            <div className="table-wrap">
              <table className="table">
                <caption className="sr-only">{t('web.invoicing.charges.open_totals')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('web.invoicing.col.customer')}</th>
                    <th scope="col">{t('web.invoicing.col.currency')}</th>
                    <th scope="col" className="num">{t('web.invoicing.charges.count')}</th>
                    <th scope="col" className="num">{t('web.invoicing.charges.amount')}</th>
                  </tr>
                </thead>
                <tbody>
                  {totals.data.items.map((x) => (
                    <tr key={`${x.customerId}-${x.currency}`} className={cx(x.customerId === customerId && 'row-open')}>
                      <td>
                        <Link to={`/invoicing/charges?customer=${encodeURIComponent(x.customerId)}`} className="strong">
                          {x.customerName}
                        </Link>
                      </td>
                      <td>{x.currency}</td>
                      <td className="num">{x.charges}</td>
                      <td className="num strong">
                        <Money amount={x.amount} currency={x.currency} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card>
          <div className="filters filter-selects">
            <Field label={t('web.invoicing.charges.customer')}>
              <select value={customerId} onChange={(e) => pick(e.target.value)}>
                <option value="">{t('web.invoicing.charges.choose_customer')}</option>
                {(customers.data?.items ?? []).map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.companyName}
                  </option>
                ))}
              </select>
            </Field>
          </div>
        </Card>
        {editable && customers.data && <ManualChargeForm key={customerId} customers={customers.data.items} customerId={customerId} onAdded={changed} />}
        {customerId && <OpenCharges key={`${customerId}-${nonce}`} customer={customer} customerId={customerId} editable={editable} onChanged={changed} />}
        {customerId && <RecurringFees key={customerId} customerId={customerId} currency={customer?.billingCurrency} editable={editable} onChanged={changed} />}
      </div>
    </>
  );
}

function OpenCharges({ customer, customerId, editable, onChanged }: { customer: CustomerOption | undefined; customerId: string; editable: boolean; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const errorText = useErrorText();
  const [offset, setOffset] = useState(0);
  const list = useResource((signal) => invoicing.charges({ customerId, open: 'true', limit: PAGE, offset }, signal), [customerId, offset]);
  const [busy, setBusy] = useState<string | null>(null);

  async function remove(c: Charge) {
    setBusy(c.id);
    try {
      await invoicing.removeCharge(c.id);
      toast('success', t('web.invoicing.charges.removed'));
      list.reload();
      onChanged();
    } catch (e) {
      toast('danger', errorText(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Card title={t('web.invoicing.charges.open_of', { customer: customer?.companyName ?? customerId })}>
      {list.error !== undefined && <LoadError error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Spinner />}
      {list.data && list.data.items.length === 0 && <EmptyState>{t('web.invoicing.charges.none_for_customer')}</EmptyState>}
      {list.data && list.data.items.length > 0 && (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.invoicing.charges.open_of', { customer: customer?.companyName ?? customerId })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.invoicing.charges.billing_period')}</th>
                  <th scope="col">{t('web.invoicing.lines.description')}</th>
                  <th scope="col">{t('web.invoicing.charges.source')}</th>
                  <th scope="col">{t('web.invoicing.lines.period')}</th>
                  <th scope="col" className="num">{t('web.invoicing.lines.quantity')}</th>
                  <th scope="col" className="num">{t('web.invoicing.lines.unit_price')}</th>
                  <th scope="col" className="num">{t('web.invoicing.lines.amount')}</th>
                  <th scope="col" className="col-actions">
                    <span className="sr-only">{t('web.common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((c) => (
                  <tr key={c.id}>
                    <td className="nowrap">{periodText(fmt, c.billingPeriod)}</td>
                    <td>
                      {c.description}
                      {c.groupTitle && <span className="sub">{c.groupTitle}</span>}
                    </td>
                    <td>{t(`web.invoicing.charges.sources.${c.source}`)}</td>
                    <td className="nowrap">
                      {dayRange(fmt, c.periodStart, c.periodEnd)}
                      {c.proration && <span className="sub">{t('web.invoicing.lines.proration_days', { days: c.proration.days, of: c.proration.of })}</span>}
                    </td>
                    <td className="num">{formatDecimal(fmt.locale, c.quantity)}</td>
                    <td className="num">
                      <UnitPrice amount={c.unitPrice} currency={c.currency} />
                    </td>
                    <td className="num strong">
                      <Money amount={c.amount} currency={c.currency} />
                      {c.invoiceId && (
                        <span className="sub">
                          <Link to={`/invoicing/invoices/${encodeURIComponent(c.invoiceId)}`}>{t('web.invoicing.charges.in_draft')}</Link>
                        </span>
                      )}
                    </td>
                    <td className="col-actions">
                      {editable && c.source === 'manual' && !c.invoiceId && (
                        <Button size="sm" variant="danger" busy={busy === c.id} onClick={() => void remove(c)}>
                          {t('web.invoicing.charges.remove')}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager offset={offset} limit={PAGE} total={list.data.total} onChange={setOffset} />
        </>
      )}
    </Card>
  );
}
