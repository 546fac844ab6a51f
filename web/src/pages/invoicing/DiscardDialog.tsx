import { useState } from 'react';
import { formatMoney } from '../../components/money';
import { Button, Dialog, FormError, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { invoicing, type Invoice } from './api';
import { holdText } from './shared';

/**
 * Discard a draft, after saying what that does: the draft is deleted and its charges are
 * uninvoiced again, so the next run drafts them afresh (e.g. once a missing exchange rate that held
 * the customer is entered). Nothing is numbered or sent, so nothing needs crediting.
 */
export function DiscardDialog({ invoice, onClose, onDone }: { invoice: Invoice | null; onClose: () => void; onDone: (invoice: Invoice) => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const close = () => {
    setError(null);
    onClose();
  };

  async function discard() {
    if (!invoice) return;
    setBusy(true);
    setError(null);
    try {
      await invoicing.discard(invoice.id);
      toast('success', t('web.invoicing.discard.done', { customer: invoice.customerName }));
      onDone(invoice);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const held = invoice?.holdCode ? holdText(fmt, invoice) : '';
  return (
    <Dialog
      open={invoice !== null}
      title={t('web.invoicing.discard.title', { customer: invoice?.customerName ?? '' })}
      onClose={close}
      footer={
        <>
          <Button onClick={close}>{t('web.common.cancel')}</Button>
          <Button variant="danger-solid" busy={busy} onClick={() => void discard()}>
            {t('web.invoicing.discard.confirm')}
          </Button>
        </>
      }
    >
      <div className="stack-sm">
        <FormError error={error} />
        {invoice && <p>{t('web.invoicing.discard.text', { customer: invoice.customerName, amount: formatMoney(fmt.locale, invoice.gross, invoice.currency) })}</p>}
        <p>{t('web.invoicing.discard.next_run')}</p>
        {held && <p className="muted">{t('web.invoicing.discard.held_because', { reason: held })}</p>}
      </div>
    </Dialog>
  );
}
