import { Icon } from '../../components/icons';
import { formatDecimal } from '../../components/money';
import { Alert, Badge, Button, Card, LoadError, PageHeader, Spinner, useResource } from '../../components/ui';
import { LOCALE_NAMES, isLocale, useI18n } from '../../i18n';
import { Link } from '../../router';
import { canBill, useUser } from '../../session';
import { invoicing, type Invoice, type InvoiceDetail } from './api';
import { CreditNotes, Delivery } from './InvoiceDelivery';
import { DraftActions, IssuedActions } from './InvoiceActions';
import { InvoiceLines } from './InvoiceLines';
import { HoldBadge, InvoiceStatusBadge, Money, dayRange, formatDay, invoiceTitle, periodText } from './shared';

/**
 * One invoice or credit note: header, lines grouped as the PDF groups them, the PDF itself, the
 * delivery log and the credit notes. Drafts are reviewed here (adjust a line, note, hold, issue);
 * issued invoices are credited, voided or sent again.
 */
export function InvoicePage({ id }: { id: string }) {
  const { t } = useI18n();
  const editable = canBill(useUser());
  const detail = useResource((signal) => invoicing.invoice(id, signal), [id]);
  const d = detail.data?.invoice.id === id ? detail.data : undefined;

  return (
    <>
      <nav className="breadcrumb" aria-label={t('web.customer.breadcrumb')}>
        {d?.invoice.runId && d.invoice.status === 'draft' ? (
          <Link to={`/invoicing/runs/${encodeURIComponent(d.invoice.runId)}`}>
            <Icon name="back" size={14} />
            {t('web.invoicing.invoice.back_run')}
          </Link>
        ) : (
          <Link to="/invoicing/invoices">
            <Icon name="back" size={14} />
            {t('web.invoicing.invoice.back')}
          </Link>
        )}
      </nav>
      {detail.error !== undefined && <LoadError error={detail.error} onRetry={detail.reload} />}
      {!d && detail.loading && <Spinner />}
      {d && <InvoiceView detail={d} editable={editable} onChanged={detail.reload} loading={detail.loading} />}
    </>
  );
}

function InvoiceView({ detail, editable, onChanged, loading }: { detail: InvoiceDetail; editable: boolean; onChanged: () => void; loading: boolean }) {
  const fmt = useI18n();
  const { t } = fmt;
  const inv = detail.invoice;
  const title = invoiceTitle(fmt, inv);
  const credit = inv.kind === 'credit_note';

  return (
    <>
      <PageHeader
        title={t(credit ? 'web.invoicing.invoice.title_credit_note' : 'web.invoicing.invoice.title', { number: title })}
        description={inv.customerName}
        actions={
          <Button size="sm" onClick={onChanged} busy={loading}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <div className="header-badges">
        <InvoiceStatusBadge status={inv.status} />
        {credit && <Badge tone="info">{t('web.invoicing.kind.credit_note')}</Badge>}
        {inv.status === 'draft' && inv.holdCode && <HoldBadge invoice={inv} />}
      </div>
      <div className="stack">
        {inv.status === 'draft' && <Alert tone="warning" title={t('web.invoicing.invoice.draft_note')} />}
        {inv.status === 'void' && <Alert tone="info" title={t('web.invoicing.invoice.void_note', { at: fmt.dateTime(inv.voidedAt) })} />}
        <Facts invoice={inv} />
        {inv.note && (
          <Card title={t('web.invoicing.invoice.note')}>
            <p className="prewrap">{inv.note}</p>
          </Card>
        )}
        {editable && inv.status === 'draft' && <DraftActions invoice={inv} onChanged={onChanged} />}
        <InvoiceLines detail={detail} editable={editable && inv.status === 'draft'} onChanged={onChanged} />
        {editable && inv.status === 'issued' && inv.kind === 'invoice' && <IssuedActions detail={detail} onChanged={onChanged} />}
        {!credit && <CreditNotes notes={detail.creditNotes} />}
        {inv.status !== 'draft' && <Delivery invoice={inv} editable={editable} onChanged={onChanged} />}
        <Pdf invoice={inv} />
      </div>
    </>
  );
}

function Facts({ invoice: inv }: { invoice: Invoice }) {
  const fmt = useI18n();
  const { t } = fmt;
  const modeKey = `web.customer.tax_modes.${inv.taxMode}`;
  return (
    <dl className="invoice-facts" aria-label={t('web.invoicing.invoice.facts')}>
      <div>
        <dt>{t('web.invoicing.invoice.number')}</dt>
        <dd className="strong">{inv.number ?? t('web.invoicing.draft')}</dd>
      </div>
      <div>
        <dt>{t('web.invoicing.col.customer')}</dt>
        <dd>
          <Link to={`/customers/${encodeURIComponent(inv.customerId)}`}>{inv.customerName}</Link>
        </dd>
      </div>
      <div>
        <dt>{t('web.invoicing.invoice.period')}</dt>
        <dd>{inv.period ? periodText(fmt, inv.period) : '—'}</dd>
      </div>
      <div>
        <dt>{t('web.invoicing.invoice.service_period')}</dt>
        <dd>{dayRange(fmt, inv.periodStart, inv.periodEnd) || '—'}</dd>
      </div>
      <div>
        <dt>{t('web.invoicing.invoice.issue_date')}</dt>
        <dd>{inv.issueDate ? formatDay(fmt, inv.issueDate) : '—'}</dd>
      </div>
      <div>
        <dt>{t('web.invoicing.invoice.due_date')}</dt>
        <dd>{inv.dueDate ? formatDay(fmt, inv.dueDate) : '—'}</dd>
      </div>
      <div>
        <dt>{t('web.invoicing.invoice.tax_mode')}</dt>
        <dd>
          {fmt.has(modeKey) ? t(modeKey) : inv.taxMode}
          {inv.taxMode === 'standard' && ` · ${t('web.invoicing.invoice.rate', { rate: formatDecimal(fmt.locale, inv.taxRate) })}`}
        </dd>
      </div>
      <div>
        <dt>{t('web.invoicing.invoice.language')}</dt>
        <dd>{isLocale(inv.locale) ? LOCALE_NAMES[inv.locale] : inv.locale}</dd>
      </div>
      <div>
        <dt>{t('web.invoicing.net')}</dt>
        <dd>
          <Money amount={inv.net} currency={inv.currency} />
        </dd>
      </div>
      <div>
        <dt>{t('web.invoicing.tax')}</dt>
        <dd>
          <Money amount={inv.tax} currency={inv.currency} />
        </dd>
      </div>
      <div>
        <dt>{t('web.invoicing.gross')}</dt>
        <dd className="strong">
          <Money amount={inv.gross} currency={inv.currency} />
        </dd>
      </div>
      {inv.creditsInvoiceId && (
        <div>
          <dt>{t('web.invoicing.invoice.credits')}</dt>
          <dd>
            <Link to={`/invoicing/invoices/${encodeURIComponent(inv.creditsInvoiceId)}`}>{t('web.invoicing.invoice.credited_invoice')}</Link>
          </dd>
        </div>
      )}
      {inv.reason && (
        <div>
          <dt>{t('web.invoicing.invoice.reason')}</dt>
          <dd>{inv.reason}</dd>
        </div>
      )}
    </dl>
  );
}

/** The PDF as the customer gets it (a draft carries DRAFT), inline, and a download link. */
function Pdf({ invoice: inv }: { invoice: Invoice }) {
  const fmt = useI18n();
  const { t } = fmt;
  const url = invoicing.pdfUrl(inv.id);
  // a new URL whenever the document changes, so the preview is never a stale copy
  const src = `${url}?v=${encodeURIComponent(`${inv.status}-${inv.number ?? ''}-${inv.gross}-${inv.note ?? ''}`)}`;
  const file = `${inv.number ?? `draft-${inv.id}`}.pdf`;
  return (
    <Card
      title={t('web.invoicing.pdf.title')}
      actions={
        <a className="btn btn-secondary btn-sm" href={url} download={file}>
          {t('web.invoicing.pdf.download')}
        </a>
      }
    >
      <object className="pdf-preview" data={src} type="application/pdf" aria-label={t('web.invoicing.pdf.preview', { number: invoiceTitle(fmt, inv) })}>
        <p>
          {t('web.invoicing.pdf.no_preview')}{' '}
          <a href={url} target="_blank" rel="noreferrer">
            {t('web.invoicing.pdf.open')}
          </a>
        </p>
      </object>
    </Card>
  );
}
