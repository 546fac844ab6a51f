import { useState, type FormEvent, type ReactNode } from 'react';
import { PAYMENT_METHODS, providerInvoices, type PaymentMethod, type ProviderInvoice as Invoice, type ProviderInvoiceDetail, type TieOut } from '../api';
import { PAYEE_NAMES, labelOr } from '../components/commerce';
import { Icon } from '../components/icons';
import { decimalInput, formatDecimal, formatMoney, isNegative, isZero } from '../components/money';
import { Money, PayableStatusBadge, dueText, formProblem, formatDay, serverToday } from '../components/payables';
import { Alert, Badge, Button, Card, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, cx, useResource, useToast } from '../components/ui';
import { useI18n, type Formatter } from '../i18n';
import { Link } from '../router';
import { canBill, useUser } from '../session';

export function ProviderInvoice({ id }: { id: string }) {
  const fmt = useI18n();
  const { t } = fmt;
  const user = useUser();
  const writer = canBill(user);
  const detail = useResource((signal) => providerInvoices.get(id, signal), [id]);
  const d = detail.data?.invoice.id === id ? detail.data : undefined;
  const inv = d?.invoice;

  return (
    <>
      <nav className="breadcrumb" aria-label={t('web.customer.breadcrumb')}>
        <Link to="/provider-billing/invoices">
          <Icon name="back" size={14} />
          {t('web.provider_invoice.back')}
        </Link>
      </nav>
      {detail.error !== undefined && <LoadError error={detail.error} onRetry={detail.reload} />}
      {!d && detail.loading && <Spinner />}
      {d && inv && (
        <>
          <PageHeader
            title={t('web.provider_invoice.title', { number: inv.invoiceNumber })}
            description={`${inv.accountName} · ${t('web.provider_invoice.payee', { payee: PAYEE_NAMES[inv.payee] ?? inv.payee })}`}
            actions={
              <Button size="sm" onClick={detail.reload} busy={detail.loading}>
                {t('web.common.refresh')}
              </Button>
            }
          />
          <div className="header-badges">
            <PayableStatusBadge status={inv.status} />
            {dueText(fmt, inv) && <span className={cx('due-note', inv.status === 'overdue' && 'text-danger')}>{dueText(fmt, inv)}</span>}
            {inv.status === 'scheduled' && inv.scheduledFor && <span className="due-note">{t('web.payables.scheduled_for', { date: formatDay(fmt, inv.scheduledFor) })}</span>}
            <Badge>{t(`web.payables.source.${inv.source}`)}</Badge>
            {inv.documentType && inv.documentType !== 'Invoice' && <Badge tone="info">{inv.documentType}</Badge>}
          </div>
          <div className="stack">
            <Amounts invoice={inv} />
            <div className="grid-2 grid-2-tight">
              <TieOutCard tieOut={d.tieOut} otherCurrencies={d.otherCurrencies} />
              <PayCard key={`${inv.balance}|${inv.scheduledFor ?? ''}|${d.payments.length}`} invoice={inv} writer={writer} onChanged={detail.reload} />
            </div>
            <Payments detail={d} />
            <Breakdown detail={d} />
            {/* without any lines there is nothing to compare seats or match customers against */}
            {d.breakdown.length > 0 && <Seats detail={d} />}
            {d.breakdown.length > 0 && <Unmatched detail={d} />}
          </div>
        </>
      )}
    </>
  );
}

// ---------------------------------------------------------------- amounts

function Amounts({ invoice: i }: { invoice: Invoice }) {
  const fmt = useI18n();
  const { t } = fmt;
  return (
    <dl className="kv-grid payable-amounts" aria-label={t('web.provider_invoice.amounts')}>
      <div>
        <dt>{t('web.provider_invoice.total')}</dt>
        <dd>
          <Money amount={i.total} currency={i.currency} />
        </dd>
      </div>
      <div>
        <dt>{t('web.provider_invoice.paid')}</dt>
        <dd>
          <Money amount={i.paid} currency={i.currency} />
        </dd>
      </div>
      <div className={i.status === 'overdue' ? 'kv-danger' : undefined}>
        <dt>{t('web.provider_invoice.balance')}</dt>
        <dd>
          <Money amount={i.balance} currency={i.currency} />
        </dd>
      </div>
      <div>
        <dt>{t('web.provider_invoice.due_date')}</dt>
        <dd>{formatDay(fmt, i.dueDate)}</dd>
      </div>
      <div className="kv-small">
        <dt>{t('web.provider_invoice.invoice_date')}</dt>
        <dd>{formatDay(fmt, i.invoiceDate)}</dd>
      </div>
      <div className="kv-small">
        <dt>{t('web.provider_invoice.period')}</dt>
        <dd>{i.periodStart && i.periodEnd ? t('web.provider_invoice.period_value', { start: formatDay(fmt, i.periodStart), end: formatDay(fmt, i.periodEnd) }) : '—'}</dd>
      </div>
      <div className="kv-small">
        <dt>{t('web.provider_invoice.provider_paid')}</dt>
        <dd>{i.source === 'api' ? <Money amount={i.providerPaid} currency={i.currency} /> : '—'}</dd>
      </div>
      <div className="kv-small">
        <dt>{t('web.provider_invoice.lines_imported')}</dt>
        <dd>{i.linesImportedAt ? fmt.dateTime(i.linesImportedAt) : '—'}</dd>
      </div>
    </dl>
  );
}

// ---------------------------------------------------------------- tie-out

const TIE_TONES = { tied: 'success', explained: 'info', unexplained: 'danger', no_lines: 'warning' } as const;

/** One sentence per difference: why the lines and the invoice total disagree. */
function reasonText(fmt: Formatter, t: TieOut, d: TieOut['differences'][number], otherLines: number): string {
  switch (d.reason) {
    case 'missing_lines':
      if (t.lines === 0 && otherLines === 0) {
        return d.lines ? fmt.t('web.provider_invoice.tieout.why.no_lines_reported', { count: d.lines }) : fmt.t('web.provider_invoice.tieout.why.no_lines');
      }
      return fmt.t('web.provider_invoice.tieout.why.missing_lines', { count: d.lines ?? 0 });
    case 'exchange_rate':
      return fmt.t('web.provider_invoice.tieout.why.exchange_rate', {
        currencies: (d.currencies ?? []).map((c) => formatMoney(fmt.locale, c.total, c.currency)).join(', '),
        currency: t.currency,
      });
    case 'partner_earned_credit':
      return fmt.t('web.provider_invoice.tieout.why.partner_earned_credit', { amount: formatMoney(fmt.locale, t.priceAdjustments, t.currency) });
    case 'rounding':
      return fmt.t('web.provider_invoice.tieout.why.rounding', { count: d.lines ?? t.lines });
    case 'adjustment':
    default:
      return fmt.t('web.provider_invoice.tieout.why.adjustment');
  }
}

function TieOutCard({ tieOut: x, otherCurrencies }: { tieOut: TieOut; otherCurrencies: ProviderInvoiceDetail['otherCurrencies'] }) {
  const fmt = useI18n();
  const { t } = fmt;
  const otherLines = otherCurrencies.reduce((n, c) => n + c.lines, 0);
  return (
    <Card
      title={t('web.provider_invoice.tieout.title')}
      description={t('web.provider_invoice.tieout.description')}
      actions={
        <Badge tone={TIE_TONES[x.status]}>
          <span className="badge-dot" aria-hidden="true" />
          {t(`web.provider_invoice.tieout.status.${x.status}`)}
        </Badge>
      }
    >
      <dl className="kv-list kv-list-compact tieout">
        <div>
          <dt>{t('web.provider_invoice.tieout.invoice_total')}</dt>
          <dd className="num">
            <Money amount={x.invoiceTotal} currency={x.currency} />
          </dd>
        </div>
        <div>
          <dt>{t('web.provider_invoice.tieout.lines_total', { count: x.lines })}</dt>
          <dd className="num">
            <Money amount={x.linesTotal} currency={x.currency} />
          </dd>
        </div>
        <div className="tieout-difference">
          <dt>{t('web.provider_invoice.tieout.difference')}</dt>
          <dd className={cx('num', 'strong', !isZero(x.difference) && (x.status === 'unexplained' ? 'text-danger' : 'text-warning'))}>
            <Money amount={x.difference} currency={x.currency} />
          </dd>
        </div>
        <div className="tieout-detail">
          <dt>{t('web.provider_invoice.tieout.credits')}</dt>
          <dd className="num">
            <Money amount={x.credits} currency={x.currency} />
          </dd>
        </div>
        <div className="tieout-detail">
          <dt>{t('web.provider_invoice.tieout.price_adjustments')}</dt>
          <dd className="num">
            <Money amount={x.priceAdjustments} currency={x.currency} />
          </dd>
        </div>
      </dl>
      {x.differences.length > 0 && (
        <ul className="differences" aria-label={t('web.provider_invoice.tieout.differences')}>
          {x.differences.map((d, i) => (
            <li key={i} className={cx('difference', `difference-${d.reason}`)}>
              <div className="difference-head">
                <span className="strong">{t(`web.provider_invoice.tieout.reasons.${d.reason}`)}</span>
                <Money amount={d.amount} currency={x.currency} className="strong" />
              </div>
              <p>{reasonText(fmt, x, d, otherLines)}</p>
            </li>
          ))}
        </ul>
      )}
      {x.status === 'tied' && x.lines > 0 && <p className="muted tieout-note">{t('web.provider_invoice.tieout.tied_note', { count: x.lines })}</p>}
      {otherCurrencies.length > 0 && (
        <div className="tieout-other">
          <p className="diff-title">{t('web.provider_invoice.tieout.other_currencies')}</p>
          <ul className="plain-list">
            {otherCurrencies.map((c) => (
              <li key={c.currency}>
                <Money amount={c.total} currency={c.currency} className="strong" /> <span className="muted">· {t('web.provider_invoice.lines', { count: c.lines })}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

// ---------------------------------------------------------------- pay and schedule

const PAY_FIELDS = ['amount', 'currency', 'paidOn', 'method', 'reference', 'note'] as const;

function PayCard({ invoice: i, writer, onChanged }: { invoice: Invoice; writer: boolean; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const owed = !isZero(i.balance) && !isNegative(i.balance) && i.status !== 'credit' && i.status !== 'paid';
  return (
    <Card title={t('web.provider_invoice.pay.title')} description={owed ? t('web.provider_invoice.pay.description', { amount: formatMoney(fmt.locale, i.balance, i.currency) }) : undefined}>
      {!owed && (
        <Alert tone={i.status === 'credit' ? 'info' : 'success'} title={i.status === 'credit' ? t('web.provider_invoice.pay.credit') : t('web.provider_invoice.pay.settled')} />
      )}
      {owed && !writer && <p className="field-hint read-only-note">{t('web.provider_invoice.pay.read_only')}</p>}
      {owed && writer && (
        <div className="stack-sm">
          <RecordPayment invoice={i} onRecorded={onChanged} />
          <div className="subsection">
            <Schedule invoice={i} onChanged={onChanged} />
          </div>
        </div>
      )}
    </Card>
  );
}

function RecordPayment({ invoice: i, onRecorded }: { invoice: Invoice; onRecorded: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const today = serverToday(i);
  const [amount, setAmount] = useState(i.balance);
  const [paidOn, setPaidOn] = useState(today);
  const [method, setMethod] = useState<PaymentMethod>('bank_transfer');
  const [reference, setReference] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const problem = formProblem(error, PAY_FIELDS);
  const fe = { ...problem.fields, ...local };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = decimalInput(amount);
    const problems: Record<string, string> = {};
    if (value === undefined) problems.amount = t('web.provider_invoices.form.amount_invalid');
    if (!paidOn) problems.paidOn = t('web.provider_invoices.form.required');
    setLocal(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await providerInvoices.pay(i.id, { amount: value!, currency: i.currency, paidOn, method, ...(reference.trim() && { reference: reference.trim() }), ...(note.trim() && { note: note.trim() }) });
      toast('success', t('web.provider_invoice.pay.recorded', { amount: formatMoney(fmt.locale, value!, i.currency) }));
      onRecorded();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-label={t('web.provider_invoice.pay.record')}>
      <h3 className="form-heading">{t('web.provider_invoice.pay.record')}</h3>
      {problem.rest && <FormError error={error} shownFields={[...PAY_FIELDS]} />}
      <div className="form-grid">
        <Field label={t('web.provider_invoice.pay.amount', { currency: i.currency })} error={fe.amount ?? fe.currency}>
          <input type="text" inputMode="decimal" maxLength={24} autoComplete="off" value={amount} onChange={(e) => setAmount(e.target.value)} />
        </Field>
        <Field label={t('web.provider_invoice.pay.paid_on')} error={fe.paidOn}>
          <input type="date" value={paidOn} max={today} onChange={(e) => setPaidOn(e.target.value)} />
        </Field>
        <Field label={t('web.provider_invoice.pay.method')} error={fe.method}>
          <select value={method} onChange={(e) => setMethod(e.target.value as PaymentMethod)}>
            {PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`web.payables.methods.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('web.provider_invoice.pay.reference')} error={fe.reference} optional>
          <input type="text" maxLength={140} autoComplete="off" value={reference} onChange={(e) => setReference(e.target.value)} />
        </Field>
        <Field label={t('web.provider_invoice.pay.note')} error={fe.note} optional className="span-2">
          <input type="text" maxLength={1000} autoComplete="off" value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={busy}>
          {t('web.provider_invoice.pay.submit')}
        </Button>
      </div>
    </form>
  );
}

function Schedule({ invoice: i, onChanged }: { invoice: Invoice; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const today = serverToday(i);
  const [date, setDate] = useState(i.scheduledFor ?? '');
  const [busy, setBusy] = useState<'save' | 'clear' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<string | undefined>();
  const problem = formProblem(error, ['date']);

  async function save(value: string | null) {
    if (value === '') {
      setLocal(t('web.provider_invoices.form.required'));
      return;
    }
    setLocal(undefined);
    setError(null);
    setBusy(value === null ? 'clear' : 'save');
    try {
      await providerInvoices.schedule(i.id, value);
      toast('success', value === null ? t('web.provider_invoice.schedule.cleared') : t('web.provider_invoice.schedule.saved', { date: formatDay(fmt, value) }));
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <form
      className="form"
      noValidate
      aria-label={t('web.provider_invoice.schedule.title')}
      onSubmit={(e) => {
        e.preventDefault();
        void save(date);
      }}
    >
      <div>
        <h3 className="form-heading">{t('web.provider_invoice.schedule.title')}</h3>
        <p className="field-hint">{i.scheduledFor ? t('web.payables.scheduled_for', { date: formatDay(fmt, i.scheduledFor) }) : t('web.provider_invoice.schedule.description')}</p>
      </div>
      {problem.rest && <FormError error={error} shownFields={['date']} />}
      <div className="inline-fields">
        <Field label={t('web.provider_invoice.schedule.date')} error={local ?? problem.fields.date}>
          <input type="date" value={date} min={today} onChange={(e) => setDate(e.target.value)} />
        </Field>
        <div className="inline-submit inline-items">
          <Button type="submit" busy={busy === 'save'} disabled={busy !== null}>
            {t('web.provider_invoice.schedule.submit')}
          </Button>
          {i.scheduledFor && (
            <Button variant="ghost" busy={busy === 'clear'} disabled={busy !== null} onClick={() => void save(null)}>
              {t('web.provider_invoice.schedule.clear')}
            </Button>
          )}
        </div>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------- tables

function TableCard({ title, description, empty, children, count }: { title: string; description?: string; empty: string; children: ReactNode; count: number }) {
  return (
    <Card title={title} description={description} className="card-flush">
      {count === 0 ? <EmptyState>{empty}</EmptyState> : <div className="table-wrap">{children}</div>}
    </Card>
  );
}

function Payments({ detail }: { detail: ProviderInvoiceDetail }) {
  const fmt = useI18n();
  const { t } = fmt;
  return (
    <TableCard title={t('web.provider_invoice.payments.title')} empty={t('web.provider_invoice.payments.empty')} count={detail.payments.length}>
      <table className="table">
        <caption className="sr-only">{t('web.provider_invoice.payments.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.provider_invoice.payments.col_paid_on')}</th>
            <th scope="col" className="num">
              {t('web.provider_invoice.payments.col_amount')}
            </th>
            <th scope="col">{t('web.provider_invoice.payments.col_method')}</th>
            <th scope="col">{t('web.provider_invoice.payments.col_reference')}</th>
            <th scope="col">{t('web.provider_invoice.payments.col_recorded')}</th>
          </tr>
        </thead>
        <tbody>
          {detail.payments.map((p) => (
            <tr key={p.id}>
              <td className="nowrap">{formatDay(fmt, p.paidOn)}</td>
              <td className="num strong">
                <Money amount={p.amount} currency={p.currency} />
              </td>
              <td>{labelOr(fmt, 'web.payables.methods', p.method)}</td>
              <td>
                {p.reference ? <span className="mono">{p.reference}</span> : <span className="muted">—</span>}
                {p.note && <span className="sub prewrap">{p.note}</span>}
              </td>
              <td>
                {p.recordedBy}
                <span className="sub">{fmt.dateTime(p.recordedAt)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableCard>
  );
}

/** A charge type in words when the catalogs have it ("cycle_charge" → "Cycle charge"), else as sent. */
function chargeLabel(fmt: Formatter, type: string): ReactNode {
  const key = `web.provider_invoice.charge_types.${type}`;
  return fmt.has(key) ? fmt.t(key) : <code>{type}</code>;
}

function Breakdown({ detail }: { detail: ProviderInvoiceDetail }) {
  const fmt = useI18n();
  const { t, number } = fmt;
  return (
    <TableCard
      title={t('web.provider_invoice.breakdown.title')}
      description={t('web.provider_invoice.breakdown.description')}
      empty={t('web.provider_invoice.breakdown.empty')}
      count={detail.breakdown.length}
    >
      <table className="table">
        <caption className="sr-only">{t('web.provider_invoice.breakdown.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.provider_invoice.breakdown.col_charge_type')}</th>
            <th scope="col" className="num">
              {t('web.provider_invoice.breakdown.col_lines')}
            </th>
            <th scope="col" className="num">
              {t('web.provider_invoice.breakdown.col_total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {detail.breakdown.map((b) => (
            <tr key={`${b.chargeType}|${b.currency}`}>
              <td>{chargeLabel(fmt, b.chargeType)}</td>
              <td className="num">{number(b.lines)}</td>
              <td className="num strong">
                <Money amount={b.total} currency={b.currency} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableCard>
  );
}

function CustomerCell({ name, tenantId, customerId }: { name: string | null; tenantId: string | null; customerId?: string | null }) {
  const { t } = useI18n();
  const label = name || tenantId || t('web.provider_invoice.unknown_customer');
  return (
    <>
      {customerId ? (
        <Link to={`/customers/${encodeURIComponent(customerId)}`} className="strong row-link">
          {label}
        </Link>
      ) : (
        <span className="strong">{label}</span>
      )}
      {tenantId && name && <span className="sub mono">{tenantId}</span>}
    </>
  );
}

function Seats({ detail }: { detail: ProviderInvoiceDetail }) {
  const fmt = useI18n();
  const { t } = fmt;
  return (
    <TableCard title={t('web.provider_invoice.seats.title')} description={t('web.provider_invoice.seats.description')} empty={t('web.provider_invoice.seats.empty')} count={detail.seats.length}>
      <table className="table">
        <caption className="sr-only">{t('web.provider_invoice.seats.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.provider_invoice.seats.col_customer')}</th>
            <th scope="col">{t('web.provider_invoice.seats.col_subscription')}</th>
            <th scope="col" className="num">
              {t('web.provider_invoice.seats.col_billed')}
            </th>
            <th scope="col" className="num">
              {t('web.provider_invoice.seats.col_expected')}
            </th>
          </tr>
        </thead>
        <tbody>
          {detail.seats.map((s) => (
            <tr key={s.subscriptionId}>
              <td>
                <CustomerCell name={s.customerName} tenantId={s.customerTenantId} customerId={s.customerId} />
              </td>
              <td>
                {s.product && <span>{s.product}</span>}
                <span className={cx('mono', s.product && 'sub')}>{s.subscriptionId}</span>
                {s.chargeStart && <span className="sub">{t('web.provider_invoice.seats.period_from', { date: formatDay(fmt, s.chargeStart) })}</span>}
              </td>
              <td className="num strong">{formatDecimal(fmt.locale, s.billed)}</td>
              <td className="num">{s.expected === null ? <Badge tone="warning">{t('web.provider_invoice.seats.not_in_desk')}</Badge> : fmt.number(s.expected)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableCard>
  );
}

function Unmatched({ detail }: { detail: ProviderInvoiceDetail }) {
  const { t } = useI18n();
  return (
    <TableCard
      title={t('web.provider_invoice.unmatched.title')}
      description={t('web.unmatched.groups_description')}
      empty={t('web.provider_invoice.unmatched.empty')}
      count={detail.unmatched.length}
    >
      <UnmatchedTable caption={t('web.provider_invoice.unmatched.title')} groups={detail.unmatched} />
    </TableCard>
  );
}

/** Unmatched line groups: shared with the unmatched-lines page (which adds the account and invoices). */
export function UnmatchedTable({
  caption,
  groups,
  account,
  invoices,
}: {
  caption: string;
  groups: ProviderInvoiceDetail['unmatched'];
  account?: (id: string) => string;
  invoices?: (group: ProviderInvoiceDetail['unmatched'][number]) => ReactNode;
}) {
  const fmt = useI18n();
  const { t, number } = fmt;
  return (
    <table className="table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {account && <th scope="col">{t('web.unmatched.col_account')}</th>}
          <th scope="col">{t('web.unmatched.col_customer')}</th>
          <th scope="col">{t('web.unmatched.col_subscription')}</th>
          <th scope="col">{t('web.unmatched.col_reason')}</th>
          {invoices && <th scope="col">{t('web.unmatched.col_invoices')}</th>}
          <th scope="col" className="num">
            {t('web.unmatched.col_lines')}
          </th>
          <th scope="col" className="num">
            {t('web.unmatched.col_total')}
          </th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g, i) => (
          <tr key={`${g.providerAccountId}|${g.customerTenantId}|${g.subscriptionId}|${g.currency}|${i}`}>
            {account && <td>{account(g.providerAccountId)}</td>}
            <td>
              <CustomerCell name={g.customerName} tenantId={g.customerTenantId} />
            </td>
            <td>{g.subscriptionId ? <span className="mono">{g.subscriptionId}</span> : <span className="muted">—</span>}</td>
            <td>
              <Badge tone={g.reason === 'customer' ? 'danger' : 'warning'}>{t(`web.unmatched.reasons.${g.reason}`)}</Badge>
            </td>
            {invoices && <td>{invoices(g)}</td>}
            <td className="num">{number(g.lines)}</td>
            <td className="num strong">
              <Money amount={g.total} currency={g.currency} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
