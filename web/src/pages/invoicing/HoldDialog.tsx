import { useState, type FormEvent } from 'react';
import { Button, Dialog, Field, FormError, fieldErrorsOf, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { invoicing, type Invoice } from './api';

/** Hold a draft, saying why (the reason is shown with the hold and kept in the audit log). */
export function HoldDialog({ invoice, onClose, onDone }: { invoice: Invoice | null; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fe = fieldErrorsOf(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!invoice) return;
    setBusy(true);
    setError(null);
    try {
      await invoicing.hold(invoice.id, reason.trim());
      toast('success', t('web.invoicing.hold.held_toast', { customer: invoice.customerName }));
      setReason('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={invoice !== null} title={t('web.invoicing.hold.title', { customer: invoice?.customerName ?? '' })} onClose={onClose}>
      <form onSubmit={submit} className="form" noValidate>
        <FormError error={error} shownFields={['reason']} />
        <Field label={t('web.invoicing.hold.reason')} error={fe.reason} hint={t('web.invoicing.hold.reason_hint')}>
          <textarea rows={3} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <div className="form-actions">
          <Button onClick={onClose}>{t('web.common.cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {t('web.invoicing.hold.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
