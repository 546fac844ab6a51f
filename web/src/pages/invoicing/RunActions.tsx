import { useState } from 'react';
import { Button, Dialog, FormError, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { invoicing, type InvoiceRun } from './api';
import { periodText } from './shared';

/**
 * Issue a run (after a confirmation that says how many drafts are issued and how many stay held)
 * or cancel it while it is a draft. Issuing is resumable: a run left "issuing" can be issued again.
 */
export function RunActions({ run, onChanged, size = 'sm' }: { run: InvoiceRun; onChanged: (r?: InvoiceRun) => void; size?: 'sm' | 'md' }) {
  const fmt = useI18n();
  const { t } = fmt;
  const month = periodText(fmt, run.period);
  const toast = useToast();
  const [confirm, setConfirm] = useState<'issue' | 'cancel' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // invoices: the drafts that are not held (issued ones included); held ones stay drafts
  const toIssue = Math.max(0, run.invoices - run.issued);
  const canIssue = run.state === 'draft' || run.state === 'issuing';

  async function go() {
    setBusy(true);
    setError(null);
    try {
      if (confirm === 'issue') {
        const r = await invoicing.issueRun(run.runId);
        toast('success', t('web.invoicing.runs.issued_toast', { count: r.issued, held: r.held }));
        setConfirm(null);
        onChanged(r);
      } else {
        await invoicing.cancelRun(run.runId);
        toast('success', t('web.invoicing.runs.cancelled_toast', { period: month }));
        setConfirm(null);
        onChanged();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!canIssue) return null;
  return (
    <>
      <span className="row-actions">
        <Button size={size} variant="primary" onClick={() => (setError(null), setConfirm('issue'))} disabled={toIssue === 0}>
          {t('web.invoicing.runs.issue')}
        </Button>
        {run.state === 'draft' && (
          <Button size={size} variant="danger" onClick={() => (setError(null), setConfirm('cancel'))}>
            {t('web.invoicing.runs.cancel')}
          </Button>
        )}
      </span>
      <Dialog
        open={confirm !== null}
        title={confirm === 'issue' ? t('web.invoicing.runs.issue_title', { period: month }) : t('web.invoicing.runs.cancel_title', { period: month })}
        onClose={() => setConfirm(null)}
        footer={
          <>
            <Button onClick={() => setConfirm(null)}>{t('web.common.cancel')}</Button>
            <Button variant={confirm === 'issue' ? 'primary' : 'danger-solid'} busy={busy} onClick={() => void go()}>
              {confirm === 'issue' ? t('web.invoicing.runs.issue_confirm', { count: toIssue }) : t('web.invoicing.runs.cancel_confirm')}
            </Button>
          </>
        }
      >
        <FormError error={error} />
        {confirm === 'issue' ? (
          <>
            <p>{t('web.invoicing.runs.issue_text', { count: toIssue })}</p>
            {run.held > 0 && <p>{t('web.invoicing.runs.issue_held', { count: run.held })}</p>}
            <p className="muted">{t('web.invoicing.runs.issue_note')}</p>
          </>
        ) : (
          <p>{t('web.invoicing.runs.cancel_text')}</p>
        )}
      </Dialog>
    </>
  );
}
