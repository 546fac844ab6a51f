import { Fragment } from 'react';
import { api, providerInvoices, type ProviderAccount } from '../api';
import { AccountFilter, Money } from '../components/payables';
import { Button, Card, EmptyState, LoadError, PageHeader, Spinner, useResource } from '../components/ui';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { canBill, useUser } from '../session';
import { UnmatchedTable } from './ProviderInvoice';
import { invoiceHref } from './ProviderInvoices';

const BASE = '/provider-billing/unmatched';

/**
 * Reconciliation lines the desk cannot place: lines whose customer or subscription it does not
 * know (until a sync brings them in), and lines naming an invoice that is not recorded yet.
 */
export function Unmatched() {
  const fmt = useI18n();
  const { t, number } = fmt;
  const user = useUser();
  const writer = canBill(user);
  const { search } = useLocation();
  const account = search.get('account') ?? '';
  const accounts = useResource((signal) => api.get<{ items: ProviderAccount[] }>('/api/provider-accounts', undefined, { signal }), []);
  const report = useResource((signal) => providerInvoices.unmatched(account || undefined, signal), [account]);
  // invoice numbers → the recorded invoices, to link the numbers the lines carry
  const invoices = useResource((signal) => providerInvoices.list({ providerAccountId: account || undefined, limit: 500 }, signal), [account]);
  const accountName = (id: string) => accounts.data?.items.find((a) => a.id === id)?.name ?? id;
  const invoiceId = (accountId: string, number: string) => invoices.data?.items.find((i) => i.providerAccountId === accountId && i.invoiceNumber === number)?.id;
  const r = report.data;

  return (
    <>
      <PageHeader
        title={t('web.unmatched.title')}
        description={t('web.unmatched.description')}
        actions={
          <Button size="sm" onClick={() => (report.reload(), invoices.reload())} busy={report.loading && Boolean(r)}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <div className="stack">
        <section className="card">
          <div className="toolbar filters" role="search" aria-label={t('web.unmatched.filters')}>
            <div className="filter-selects">
              <AccountFilter accounts={accounts.data?.items} value={account} onChange={(id) => navigate(id ? `${BASE}?account=${encodeURIComponent(id)}` : BASE)} />
            </div>
            <div className="toolbar-end">
              <Link to="/provider-billing/invoices" className="toolbar-link">
                {t('web.nav.provider_invoices')}
              </Link>
            </div>
          </div>
        </section>
        {report.error !== undefined && <LoadError error={report.error} onRetry={report.reload} />}
        {!r && report.loading && <Spinner />}
        {r && (
          <>
            <Card title={t('web.unmatched.groups_title')} description={t('web.unmatched.groups_description')} className="card-flush">
              {r.groups.length === 0 ? (
                <EmptyState>{t('web.unmatched.groups_empty')}</EmptyState>
              ) : (
                <div className="table-wrap">
                  <UnmatchedTable
                    caption={t('web.unmatched.groups_title')}
                    groups={r.groups}
                    account={accountName}
                    invoices={(g) =>
                      g.invoices.length === 0 ? (
                        <span className="muted">—</span>
                      ) : (
                        <span className="chip-list">
                          {g.invoices.map((n) => {
                            const id = invoiceId(g.providerAccountId, n);
                            return (
                              <Fragment key={n}>
                                {id ? (
                                  <Link to={invoiceHref(id)} className="mono">
                                    {n}
                                  </Link>
                                ) : (
                                  <span className="mono">{n}</span>
                                )}
                              </Fragment>
                            );
                          })}
                        </span>
                      )
                    }
                  />
                </div>
              )}
            </Card>
            <Card title={t('web.unmatched.missing_title')} description={t('web.unmatched.missing_description')} className="card-flush">
              {r.invoicesMissing.length === 0 ? (
                <EmptyState>{t('web.unmatched.missing_empty')}</EmptyState>
              ) : (
                <div className="table-wrap">
                  <table className="table table-middle">
                    <caption className="sr-only">{t('web.unmatched.missing_title')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('web.unmatched.col_invoice')}</th>
                        <th scope="col">{t('web.unmatched.col_account')}</th>
                        <th scope="col" className="num">
                          {t('web.unmatched.col_lines')}
                        </th>
                        <th scope="col" className="num">
                          {t('web.unmatched.col_total')}
                        </th>
                        {writer && (
                          <th scope="col" className="col-actions">
                            <span className="sr-only">{t('web.common.actions')}</span>
                          </th>
                        )}
                      </tr>
                    </thead>
                    <tbody>
                      {r.invoicesMissing.map((m) => (
                        <tr key={`${m.providerAccountId}|${m.invoiceNumber}|${m.currency}`}>
                          <td className="mono strong">{m.invoiceNumber}</td>
                          <td>{accountName(m.providerAccountId)}</td>
                          <td className="num">{number(m.lines)}</td>
                          <td className="num strong">
                            <Money amount={m.total} currency={m.currency} />
                          </td>
                          {writer && (
                            <td className="col-actions">
                              <Link
                                to={`/provider-billing/invoices?${new URLSearchParams({ enter: m.invoiceNumber, account: m.providerAccountId, currency: m.currency }).toString()}`}
                                className="btn btn-secondary btn-sm"
                              >
                                {t('web.unmatched.enter_invoice')}
                              </Link>
                            </td>
                          )}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </>
        )}
      </div>
    </>
  );
}
