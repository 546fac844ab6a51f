import { useState, type FormEvent } from 'react';
import { decimalInput, formatMoney, isZero } from '../../components/money';
import { Alert, Button, Card, Dialog, Field, FormError, fieldErrorsOf, useErrorText, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { navigate } from '../../router';
import { invoicing, type Invoice, type InvoiceDetail } from './api';
import { DiscardDialog } from './DiscardDialog';
import { HoldDialog } from './HoldDialog';
import { holdText } from './shared';

/** A draft under review: its note, hold or release, and issuing it on its own. */
export function DraftActions({ invoice: inv, onChanged }: { invoice: Invoice; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const errorText = useErrorText();
  const [note, setNote] = useState(inv.note ?? '');
  const [savingNote, setSavingNote] = useState(false);
  const [noteError, setNoteError] = useState<unknown>(null);
  const [holding, setHolding] = useState(false);
  const [discarding, setDiscarding] = useState(false);
  const [releasing, setReleasing] = useState(false);
  const [releaseError, setReleaseError] = useState<unknown>(null);
  const [confirmIssue, setConfirmIssue] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [issueError, setIssueError] = useState<unknown>(null);

  async function saveNote(e: FormEvent) {
    e.preventDefault();
    setSavingNote(true);
    setNoteError(null);
    try {
      await invoicing.setNote(inv.id, note.trim());
      toast('success', t('web.invoicing.invoice.note_saved'));
      onChanged();
    } catch (err) {
      setNoteError(err);
    } finally {
      setSavingNote(false);
    }
  }

  async function release() {
    setReleasing(true);
    setReleaseError(null);
    try {
      await invoicing.release(inv.id);
      toast('success', t('web.invoicing.hold.released_toast', { customer: inv.customerName }));
      onChanged();
    } catch (err) {
      setReleaseError(err);
    } finally {
      setReleasing(false);
    }
  }

  async function issue() {
    setIssuing(true);
    setIssueError(null);
    try {
      const r = await invoicing.issue(inv.id);
      toast('success', t('web.invoicing.invoice.issued_toast', { number: r.number }));
      setConfirmIssue(false);
      onChanged();
    } catch (err) {
      setIssueError(err);
    } finally {
      setIssuing(false);
    }
  }

  return (
    <Card title={t('web.invoicing.invoice.review')}>
      <div className="stack-sm">
        {inv.holdCode && (
          <Alert tone="warning" title={t('web.invoicing.hold.held_because')}>
            <p>{holdText(fmt, inv)}</p>
          </Alert>
        )}
        {releaseError !== null && (
          <Alert tone="danger" title={t('web.invoicing.hold.release_failed', { customer: inv.customerName })}>
            <p>{errorText(releaseError)}</p>
          </Alert>
        )}
        <div className="toolbar">
          {inv.holdCode ? (
            <Button busy={releasing} onClick={() => void release()}>
              {t('web.invoicing.hold.release')}
            </Button>
          ) : (
            <>
              <Button variant="primary" onClick={() => (setIssueError(null), setConfirmIssue(true))}>
                {t('web.invoicing.invoice.issue')}
              </Button>
              <Button onClick={() => setHolding(true)}>{t('web.invoicing.hold.action')}</Button>
            </>
          )}
          <Button variant="danger" onClick={() => setDiscarding(true)}>
            {t('web.invoicing.discard.action')}
          </Button>
        </div>
        <form onSubmit={saveNote} className="form" noValidate>
          <FormError error={noteError} shownFields={['note']} />
          <Field label={t('web.invoicing.invoice.note')} error={fieldErrorsOf(noteError).note} hint={t('web.invoicing.invoice.note_hint')} optional>
            <textarea rows={2} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          <div className="form-actions">
            <Button type="submit" busy={savingNote} disabled={note.trim() === (inv.note ?? '').trim()}>
              {t('web.invoicing.invoice.save_note')}
            </Button>
          </div>
        </form>
      </div>
      <HoldDialog
        invoice={holding ? inv : null}
        onClose={() => setHolding(false)}
        onDone={() => {
          setHolding(false);
          onChanged();
        }}
      />
      <DiscardDialog
        invoice={discarding ? inv : null}
        onClose={() => setDiscarding(false)}
        // the draft is gone: back to its run's review, or to the list
        onDone={(d) => navigate(d.runId ? `/invoicing/runs/${encodeURIComponent(d.runId)}` : '/invoicing/invoices', { replace: true })}
      />
      <Dialog
        open={confirmIssue}
        title={t('web.invoicing.invoice.issue_title')}
        onClose={() => setConfirmIssue(false)}
        footer={
          <>
            <Button onClick={() => setConfirmIssue(false)}>{t('web.common.cancel')}</Button>
            <Button variant="primary" busy={issuing} onClick={() => void issue()}>
              {t('web.invoicing.invoice.issue_confirm')}
            </Button>
          </>
        }
      >
        <FormError error={issueError} />
        <p>{t('web.invoicing.invoice.issue_text', { customer: inv.customerName, amount: formatMoney(fmt.locale, inv.gross, inv.currency) })}</p>
      </Dialog>
    </Card>
  );
}

/** An issued invoice: credit some lines (in full or in part) or void it with a full credit note. */
export function IssuedActions({ detail, onChanged }: { detail: InvoiceDetail; onChanged: () => void }) {
  const { t } = useI18n();
  const [voiding, setVoiding] = useState(false);
  return (
    <>
      <CreditForm detail={detail} onChanged={onChanged} />
      <Card title={t('web.invoicing.void.title')} description={t('web.invoicing.void.description')}>
        <Button variant="danger" onClick={() => setVoiding(true)}>
          {t('web.invoicing.void.action')}
        </Button>
      </Card>
      <VoidDialog open={voiding} invoice={detail.invoice} onClose={() => setVoiding(false)} onDone={onChanged} />
    </>
  );
}

function CreditForm({ detail, onChanged }: { detail: InvoiceDetail; onChanged: () => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const inv = detail.invoice;
  const [picked, setPicked] = useState<Record<string, { on: boolean; amount: string }>>({});
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    const lines: { lineId: string; amount?: string }[] = [];
    for (const l of detail.lines) {
      const p = picked[l.id];
      if (!p?.on) continue;
      if (p.amount.trim() === '') lines.push({ lineId: l.id });
      else {
        const v = decimalInput(p.amount);
        if (v === undefined) problems[`line-${l.id}`] = t('web.invoicing.lines.amount_invalid');
        else lines.push({ lineId: l.id, amount: v });
      }
    }
    if (!reason.trim()) problems.reason = t('web.invoicing.credit.reason_required');
    if (lines.length === 0) problems.lines = t('web.invoicing.credit.pick_lines');
    setLocal(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    setError(null);
    try {
      const cn = await invoicing.credit(inv.id, { reason: reason.trim(), lines });
      toast('success', t('web.invoicing.credit.created', { number: cn.number }));
      setPicked({});
      setReason('');
      onChanged();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('web.invoicing.credit.title')} description={t('web.invoicing.credit.description')}>
      <form onSubmit={submit} className="form" noValidate>
        <FormError error={error} shownFields={['reason']} />
        <fieldset className="plain-fieldset">
          <legend className="field-label">{t('web.invoicing.credit.lines')}</legend>
          {fe.lines && <p className="field-error">{fe.lines}</p>}
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.invoicing.credit.lines')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.invoicing.lines.description')}</th>
                  <th scope="col" className="num">{t('web.invoicing.lines.amount')}</th>
                  <th scope="col" className="num">{t('web.invoicing.lines.credited')}</th>
                  <th scope="col">{t('web.invoicing.credit.partial')}</th>
                </tr>
              </thead>
              <tbody>
                {detail.lines.map((l) => {
                  const p = picked[l.id] ?? { on: false, amount: '' };
                  const set = (patch: Partial<typeof p>) => setPicked((x) => ({ ...x, [l.id]: { ...p, ...patch } }));
                  return (
                    <tr key={l.id}>
                      <td>
                        <label className="check-inline">
                          <input type="checkbox" checked={p.on} onChange={(e) => set({ on: e.target.checked })} />
                          <span>{l.description}</span>
                        </label>
                      </td>
                      <td className="num">{formatMoney(fmt.locale, l.amount, inv.currency)}</td>
                      <td className="num">{isZero(l.credited) ? '—' : formatMoney(fmt.locale, l.credited, inv.currency)}</td>
                      <td>
                        <input
                          type="text"
                          inputMode="decimal"
                          className="credit-line-amount"
                          aria-label={t('web.invoicing.credit.amount_for', { line: l.description })}
                          aria-invalid={fe[`line-${l.id}`] ? true : undefined}
                          placeholder={t('web.invoicing.credit.full')}
                          disabled={!p.on}
                          value={p.amount}
                          onChange={(e) => set({ amount: e.target.value })}
                        />
                        {fe[`line-${l.id}`] && <span className="field-error">{fe[`line-${l.id}`]}</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </fieldset>
        <Field label={t('web.invoicing.credit.reason')} error={fe.reason}>
          <input type="text" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {t('web.invoicing.credit.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function VoidDialog({ open, invoice: inv, onClose, onDone }: { open: boolean; invoice: Invoice; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [reason, setReason] = useState('');
  const [release, setRelease] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<string | undefined>(undefined);
  const fe = fieldErrorsOf(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) {
      setLocal(t('web.invoicing.credit.reason_required'));
      return;
    }
    setLocal(undefined);
    setBusy(true);
    setError(null);
    try {
      const cn = await invoicing.void(inv.id, reason.trim(), release);
      toast('success', t('web.invoicing.void.done', { number: inv.number ?? '', credit: cn.number }));
      onClose();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title={t('web.invoicing.void.dialog_title', { number: inv.number ?? '' })} onClose={onClose}>
      <form onSubmit={submit} className="form" noValidate>
        <p>{t('web.invoicing.void.text')}</p>
        <FormError error={error} shownFields={['reason']} />
        <Field label={t('web.invoicing.void.reason')} error={local ?? fe.reason}>
          <input type="text" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <label className="check-inline">
          <input type="checkbox" checked={release} onChange={(e) => setRelease(e.target.checked)} />
          <span>{t('web.invoicing.void.release_charges')}</span>
        </label>
        <div className="form-actions">
          <Button onClick={onClose}>{t('web.common.cancel')}</Button>
          <Button type="submit" variant="danger-solid" busy={busy}>
            {t('web.invoicing.void.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
