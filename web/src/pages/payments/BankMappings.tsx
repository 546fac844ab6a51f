import { useState, type FormEvent } from 'react';
import { Button, Card, EmptyState, Field, FormError, LoadError, Spinner, fieldErrorsOf, useErrorText, useToast, type Resource } from '../../components/ui';
import { useI18n } from '../../i18n';
import { bank, type CsvMapping, type NamedMapping } from './api';

/** The columns a bank's CSV export can be mapped from; the first two and remittance are needed. */
const COLUMNS = ['bookingDate', 'valueDate', 'amount', 'credit', 'debit', 'currency', 'remittance', 'payerName', 'payerIban', 'reference', 'endToEndId'] as const;
type Column = (typeof COLUMNS)[number];
const REQUIRED: Column[] = ['bookingDate', 'remittance'];
const DATE_FORMATS = ['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YY'];

interface Draft {
  name: string;
  delimiter: ',' | ';' | '\t';
  decimalSeparator: '.' | ',';
  dateFormat: string;
  currency: string;
  columns: Record<Column, string>;
}

const blank = (): Draft => ({ name: '', delimiter: ';', decimalSeparator: ',', dateFormat: 'DD.MM.YYYY', currency: '', columns: Object.fromEntries(COLUMNS.map((c) => [c, ''])) as Record<Column, string> });

function draftOf(m: NamedMapping): Draft {
  const d = blank();
  const cols = Object.fromEntries(COLUMNS.map((c) => {
    const v = m.mapping.columns[c];
    return [c, Array.isArray(v) ? v.join(', ') : (v ?? '')];
  })) as Record<Column, string>;
  return { ...d, name: m.name, delimiter: m.mapping.delimiter ?? ',', decimalSeparator: m.mapping.decimalSeparator ?? '.', dateFormat: m.mapping.dateFormat, currency: m.mapping.currency ?? '', columns: cols };
}

function mappingOf(d: Draft): CsvMapping {
  const columns: Record<string, string | string[]> = {};
  for (const c of COLUMNS) {
    const v = d.columns[c].trim();
    if (!v) continue;
    columns[c] = c === 'remittance' && v.includes(',') ? v.split(',').map((x) => x.trim()).filter(Boolean) : v;
  }
  return { delimiter: d.delimiter, decimalSeparator: d.decimalSeparator, dateFormat: d.dateFormat.trim(), columns, ...(d.currency.trim() && { currency: d.currency.trim().toUpperCase() }) };
}

/** Saved CSV column mappings: a list, and an editor for a new or an existing one. */
export function BankMappings({ mappings, writer }: { mappings: Resource<{ items: NamedMapping[] }>; writer: boolean }) {
  const { t } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const [editing, setEditing] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  async function remove(name: string) {
    setDeleting(name);
    try {
      await bank.deleteMapping(name);
      toast('success', t('web.bank.mapping.deleted', { name }));
      mappings.reload();
    } catch (e) {
      toast('danger', errorText(e));
    } finally {
      setDeleting(null);
    }
  }

  return (
    <Card
      title={t('web.bank.mapping.title')}
      description={t('web.bank.mapping.description')}
      actions={
        writer && !editing ? (
          <Button size="sm" onClick={() => setEditing(blank())}>
            {t('web.bank.mapping.new')}
          </Button>
        ) : undefined
      }
    >
      <div className="stack-sm">
        {mappings.error !== undefined && <LoadError error={mappings.error} onRetry={mappings.reload} />}
        {mappings.loading && !mappings.data && <Spinner />}
        {mappings.data && mappings.data.items.length === 0 && !editing && <EmptyState>{t('web.bank.mapping.empty')}</EmptyState>}
        {mappings.data && mappings.data.items.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.bank.mapping.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.bank.mapping.name')}</th>
                  <th scope="col">{t('web.bank.mapping.delimiter')}</th>
                  <th scope="col">{t('web.bank.mapping.date_format')}</th>
                  <th scope="col">{t('web.bank.mapping.columns')}</th>
                  {writer && <th scope="col" className="col-actions"><span className="sr-only">{t('web.common.actions')}</span></th>}
                </tr>
              </thead>
              <tbody>
                {mappings.data.items.map((m) => (
                  <tr key={m.name}>
                    <td className="strong">{m.name}</td>
                    <td className="mono-cell">{m.mapping.delimiter === '\t' ? 'TAB' : (m.mapping.delimiter ?? ',')} · {m.mapping.decimalSeparator ?? '.'}</td>
                    <td className="mono-cell">{m.mapping.dateFormat}</td>
                    <td className="sub">{Object.entries(m.mapping.columns).filter(([, v]) => v).map(([k, v]) => `${(COLUMNS as readonly string[]).includes(k) ? t(`web.bank.mapping.col.${k}`) : k}: ${Array.isArray(v) ? v.join(' + ') : v}`).join(' · ')}</td>
                    {writer && (
                      <td className="col-actions">
                        <Button size="sm" variant="ghost" onClick={() => setEditing(draftOf(m))}>
                          {t('web.common.edit')}
                        </Button>
                        <Button size="sm" variant="ghost" busy={deleting === m.name} onClick={() => void remove(m.name)}>
                          {t('web.bank.mapping.delete')}
                        </Button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {editing && <MappingForm key={editing.name || 'new'} initial={editing} onClose={() => setEditing(null)} onSaved={() => (setEditing(null), mappings.reload())} />}
      </div>
    </Card>
  );
}

function MappingForm({ initial, onClose, onSaved }: { initial: Draft; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [d, setD] = useState<Draft>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const setCol = (c: Column, v: string) => setD((x) => ({ ...x, columns: { ...x.columns, [c]: v } }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!d.name.trim()) problems.name = t('web.bank.mapping.name_required');
    for (const c of REQUIRED) if (!d.columns[c].trim()) problems[`columns/${c}`] = t('web.bank.mapping.column_required');
    const signed = Boolean(d.columns.amount.trim());
    if (signed === Boolean(d.columns.credit.trim() || d.columns.debit.trim())) problems['columns/amount'] = t('web.bank.mapping.amount_required');
    if (!d.columns.currency.trim() && !/^[A-Za-z]{3}$/.test(d.currency.trim())) problems.currency = t('web.bank.mapping.currency_required');
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    try {
      await bank.saveMapping(d.name.trim(), mappingOf(d));
      toast('success', t('web.bank.mapping.saved', { name: d.name.trim() }));
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const colError = (c: Column) => fe[`columns/${c}`] ?? fe[`columns.${c}`];
  return (
    <form onSubmit={submit} className="form subsection" noValidate>
      <h3>{initial.name ? t('web.bank.mapping.edit_title', { name: initial.name }) : t('web.bank.mapping.new')}</h3>
      <FormError error={error} shownFields={['name', 'delimiter', 'decimalSeparator', 'dateFormat', 'currency', ...COLUMNS.map((c) => `columns/${c}`)]} />
      <div className="form-grid">
        <Field label={t('web.bank.mapping.name')} error={fe.name}>
          <input type="text" maxLength={100} value={d.name} readOnly={Boolean(initial.name)} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field label={t('web.bank.mapping.currency')} hint={t('web.bank.mapping.currency_hint')} error={fe.currency} optional>
          <input type="text" maxLength={3} value={d.currency} onChange={(e) => set({ currency: e.target.value.toUpperCase() })} />
        </Field>
        <Field label={t('web.bank.mapping.delimiter')} error={fe.delimiter}>
          <select value={d.delimiter} onChange={(e) => set({ delimiter: e.target.value as Draft['delimiter'] })}>
            <option value=";">{t('web.bank.mapping.delim_semicolon')}</option>
            <option value=",">{t('web.bank.mapping.delim_comma')}</option>
            <option value={'\t'}>{t('web.bank.mapping.delim_tab')}</option>
          </select>
        </Field>
        <Field label={t('web.bank.mapping.decimal_separator')} error={fe.decimalSeparator}>
          <select value={d.decimalSeparator} onChange={(e) => set({ decimalSeparator: e.target.value as Draft['decimalSeparator'] })}>
            <option value=",">{t('web.bank.mapping.decimal_comma')}</option>
            <option value=".">{t('web.bank.mapping.decimal_point')}</option>
          </select>
        </Field>
        <Field label={t('web.bank.mapping.date_format')} hint={t('web.bank.mapping.date_format_hint')} error={fe.dateFormat}>
          <input type="text" list="bank-date-formats" maxLength={20} className="mono" value={d.dateFormat} onChange={(e) => set({ dateFormat: e.target.value })} />
        </Field>
      </div>
      <datalist id="bank-date-formats">
        {DATE_FORMATS.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <p className="muted">{t('web.bank.mapping.columns_hint')}</p>
      <div className="mapping-columns">
        {COLUMNS.map((c) => (
          <Field key={c} label={t(`web.bank.mapping.col.${c}`)} error={colError(c)} optional={!REQUIRED.includes(c)}>
            <input type="text" maxLength={200} value={d.columns[c]} onChange={(e) => setCol(c, e.target.value)} />
          </Field>
        ))}
      </div>
      <div className="form-actions">
        <Button onClick={onClose}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {t('web.bank.mapping.save')}
        </Button>
      </div>
    </form>
  );
}
