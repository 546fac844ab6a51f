import { Fragment, useState, type FormEvent } from 'react';
import { decimalInput, formatDecimal, formatMoney as fmtMoney, isZero } from '../../components/money';
import { Button, Card, Dialog, EmptyState, Field, FormError, fieldErrorsOf, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { invoicing, type InvoiceDetail, type InvoiceLine } from './api';
import { Money, UnitPrice, dayRange } from './shared';

/** The lines grouped by their group title (subscription or product), as the PDF prints them. */
export function InvoiceLines({ detail, editable, onChanged }: { detail: InvoiceDetail; editable: boolean; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const inv = detail.invoice;
  const [adjusting, setAdjusting] = useState<InvoiceLine | null>(null);
  const groups: { title: string; lines: InvoiceLine[] }[] = [];
  for (const l of [...detail.lines].sort((a, b) => a.position - b.position)) {
    const last = groups[groups.length - 1];
    if (last && last.title === l.groupTitle) last.lines.push(l);
    else groups.push({ title: l.groupTitle, lines: [l] });
  }
  const anyCredited = detail.lines.some((l) => !isZero(l.credited));
  const cols = 6 + (anyCredited ? 1 : 0) + (editable ? 1 : 0);

  return (
    <Card title={t('web.invoicing.lines.title')}>
      {detail.lines.length === 0 ? (
        <EmptyState>{t('web.invoicing.lines.empty')}</EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.invoicing.lines.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.invoicing.lines.description')}</th>
                <th scope="col">{t('web.invoicing.lines.period')}</th>
                <th scope="col" className="num">{t('web.invoicing.lines.quantity')}</th>
                <th scope="col" className="num">{t('web.invoicing.lines.unit_price')}</th>
                <th scope="col">{t('web.invoicing.lines.proration')}</th>
                <th scope="col" className="num">{t('web.invoicing.lines.amount')}</th>
                {anyCredited && <th scope="col" className="num">{t('web.invoicing.lines.credited')}</th>}
                {editable && (
                  <th scope="col" className="col-actions">
                    <span className="sr-only">{t('web.common.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {groups.map((g, gi) => (
                <Fragment key={`${gi}-${g.title}`}>
                  {g.title && (
                    <tr className="line-group">
                      <th scope="rowgroup" colSpan={cols}>
                        {g.title}
                      </th>
                    </tr>
                  )}
                  {g.lines.map((l) => (
                    <tr key={l.id}>
                      <td>
                        {l.description}
                        {l.adjustedFrom !== null && (
                          <span className="line-adjusted">
                            {t('web.invoicing.lines.adjusted', { from: fmtMoney(fmt.locale, l.adjustedFrom, inv.currency), note: l.adjustNote ?? '' })}
                          </span>
                        )}
                      </td>
                      <td className="nowrap">{dayRange(fmt, l.periodStart, l.periodEnd)}</td>
                      <td className="num">{formatDecimal(fmt.locale, l.quantity)}</td>
                      <td className="num">
                        <UnitPrice amount={l.unitPrice} currency={inv.currency} />
                      </td>
                      <td>{l.proration ? t('web.invoicing.lines.proration_days', { days: l.proration.days, of: l.proration.of }) : ''}</td>
                      <td className="num strong">
                        <Money amount={l.amount} currency={inv.currency} />
                      </td>
                      {anyCredited && <td className="num">{isZero(l.credited) ? '' : <Money amount={l.credited} currency={inv.currency} />}</td>}
                      {editable && (
                        <td className="col-actions">
                          <Button size="sm" onClick={() => setAdjusting(l)}>
                            {t('web.invoicing.lines.adjust')}
                          </Button>
                        </td>
                      )}
                    </tr>
                  ))}
                </Fragment>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={5} className="num">
                  {t('web.invoicing.net')}
                </th>
                <td className="num">
                  <Money amount={inv.net} currency={inv.currency} />
                </td>
                {cols > 6 && <td colSpan={cols - 6} />}
              </tr>
              <tr>
                <th scope="row" colSpan={5} className="num">
                  {t('web.invoicing.tax')}
                </th>
                <td className="num">
                  <Money amount={inv.tax} currency={inv.currency} />
                </td>
                {cols > 6 && <td colSpan={cols - 6} />}
              </tr>
              <tr>
                <th scope="row" colSpan={5} className="num">
                  {t('web.invoicing.gross')}
                </th>
                <td className="num strong">
                  <Money amount={inv.gross} currency={inv.currency} />
                </td>
                {cols > 6 && <td colSpan={cols - 6} />}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
      <Dialog open={adjusting !== null} title={t('web.invoicing.lines.adjust_title')} onClose={() => setAdjusting(null)}>
        {adjusting && (
          <AdjustForm
            key={adjusting.id}
            invoiceId={inv.id}
            currency={inv.currency}
            line={adjusting}
            onCancel={() => setAdjusting(null)}
            onDone={() => {
              setAdjusting(null);
              onChanged();
            }}
          />
        )}
      </Dialog>
    </Card>
  );
}

/** A line's new amount and the mandatory note saying why (printed nowhere, kept in the audit log and on the line). */
function AdjustForm({ invoiceId, currency, line, onCancel, onDone }: { invoiceId: string; currency: string; line: InvoiceLine; onCancel: () => void; onDone: () => void }) {
  const { t, locale } = useI18n();
  const toast = useToast();
  const [amount, setAmount] = useState(line.amount);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<{ amount?: string; note?: string }>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const value = decimalInput(amount);
    const problems: { amount?: string; note?: string } = {};
    if (value === undefined) problems.amount = t('web.invoicing.lines.amount_invalid');
    if (!note.trim()) problems.note = t('web.invoicing.lines.note_required');
    setLocal(problems);
    if (value === undefined || !note.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await invoicing.adjustLine(invoiceId, line.id, value, note.trim());
      toast('success', t('web.invoicing.lines.adjusted_toast'));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="form" noValidate>
      <p>
        <span className="strong">{line.description}</span>
        <span className="sub">{t('web.invoicing.lines.current', { amount: fmtMoney(locale, line.amount, currency) })}</span>
      </p>
      <FormError error={error} shownFields={['amount', 'note']} />
      <Field label={t('web.invoicing.lines.new_amount', { currency })} error={fe.amount}>
        <input type="text" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </Field>
      <Field label={t('web.invoicing.lines.note')} error={fe.note} hint={t('web.invoicing.lines.note_hint')}>
        <textarea rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      <div className="form-actions">
        <Button onClick={onCancel}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {t('web.invoicing.lines.adjust_submit')}
        </Button>
      </div>
    </form>
  );
}
