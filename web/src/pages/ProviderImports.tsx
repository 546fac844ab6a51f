import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, RECON_FORMATS, type ProviderAccount, type ReconImport, type ReconSummary, type ReconTotal } from '../api';
import { Icon } from '../components/icons';
import { Alert, Button, Card, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, useResource } from '../components/ui';
import { useI18n, type Formatter } from '../i18n';
import { canBill, useUser } from '../session';

const LIST_LIMIT = 50;

/** An exact decimal string ("1234.50") as money in the user's language; unknown currencies fall back to "1234.50 XYZ". */
export function formatMoney(locale: string, amount: string, currency: string): string {
  try {
    // Intl formats a decimal string exactly (no float rounding)
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount as unknown as number);
  } catch {
    return `${amount} ${currency}`;
  }
}

const formatLabel = (fmt: Formatter, f: string | null) => (f && fmt.has(`web.provider_billing.formats.${f}`) ? fmt.t(`web.provider_billing.formats.${f}`) : (f ?? '—'));

type Outcome = { kind: 'imported'; fileName: string; summary: ReconSummary } | { kind: 'rejected'; fileName: string; title: string; summary: ReconSummary };

/** An import running on the server (202 from the upload), as GET /api/provider-billing/imports/{id} reports it. */
interface ReconRun {
  id: string;
  state: 'running' | 'done' | 'rejected' | 'failed';
  fileName: string;
  bytes?: number;
  totalBytes?: number | null;
  rows: number;
  summary?: ReconSummary;
  error?: { code: string; title: string };
}

const POLL_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isSummary(v: unknown): v is ReconSummary {
  return typeof v === 'object' && v !== null && Array.isArray((v as ReconSummary).errors) && typeof (v as ReconSummary).rows === 'number';
}

export function ProviderImports() {
  const fmt = useI18n();
  const { t } = fmt;
  const user = useUser();
  const writer = canBill(user);
  const accounts = useResource((signal) => api.get<{ items: ProviderAccount[] }>('/api/provider-accounts', undefined, { signal }), []);
  const list = useResource((signal) => api.get<{ items: ReconImport[] }>('/api/provider-billing/imports', { limit: LIST_LIMIT }, { signal }), []);
  const accountName = (id: string) => accounts.data?.items.find((a) => a.id === id)?.name ?? id;

  return (
    <>
      <PageHeader
        title={t('web.provider_billing.title')}
        description={t('web.provider_billing.description')}
        actions={
          <Button size="sm" onClick={() => (list.reload(), accounts.reload())} busy={list.loading && Boolean(list.data)}>
            {t('web.common.refresh')}
          </Button>
        }
      />
      <div className="stack">
        <UploadCard writer={writer} accounts={accounts.data?.items} accountsError={accounts.error} onRetry={accounts.reload} onImported={list.reload} />

        <Card title={t('web.provider_billing.list.title')} className="card-flush">
          {list.error !== undefined && <LoadError error={list.error} onRetry={list.reload} />}
          {list.loading && !list.data && <Spinner />}
          {list.data && list.data.items.length === 0 && <EmptyState>{t('web.provider_billing.list.empty')}</EmptyState>}
          {list.data && list.data.items.length > 0 && (
            <div className="table-wrap">
              <table className="table table-imports">
                <caption className="sr-only">{t('web.provider_billing.list.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('web.provider_billing.list.col_file')}</th>
                    <th scope="col">{t('web.provider_billing.list.col_format')}</th>
                    <th scope="col" className="num">
                      {t('web.provider_billing.list.col_rows')}
                    </th>
                    <th scope="col" className="num">
                      {t('web.provider_billing.list.col_imported')}
                    </th>
                    <th scope="col" className="num">
                      {t('web.provider_billing.list.col_totals')}
                    </th>
                    <th scope="col">{t('web.provider_billing.list.col_when')}</th>
                    <th scope="col">{t('web.provider_billing.list.col_by')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <span className="strong">{r.fileName}</span>
                        <span className="sub">{accountName(r.providerAccountId)}</span>
                      </td>
                      <td>{formatLabel(fmt, r.format)}</td>
                      <td className="num">{fmt.number(r.rows)}</td>
                      <td className="num">
                        {fmt.number(r.imported)}
                        {(r.replaced > 0 || r.duplicates > 0) && (
                          <span className="sub">{t('web.provider_billing.list.replaced_duplicates', { replaced: fmt.number(r.replaced), duplicates: fmt.number(r.duplicates) })}</span>
                        )}
                      </td>
                      <td className="num">
                        {r.totals.length === 0 ? (
                          <span className="muted">—</span>
                        ) : (
                          r.totals.map((x) => (
                            <span key={x.currency} className="money-line">
                              {formatMoney(fmt.locale, x.total, x.currency)}
                            </span>
                          ))
                        )}
                      </td>
                      <td>{fmt.dateTime(r.importedAt)}</td>
                      <td>{r.requestedBy}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}

function UploadCard({
  writer,
  accounts,
  accountsError,
  onRetry,
  onImported,
}: {
  writer: boolean;
  accounts: ProviderAccount[] | undefined;
  accountsError: unknown;
  onRetry: () => void;
  onImported: () => void;
}) {
  const fmt = useI18n();
  const { t } = fmt;
  const active = (accounts ?? []).filter((a) => a.status === 'active');
  const [accountId, setAccountId] = useState('');
  const [format, setFormat] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [fileError, setFileError] = useState<string | undefined>(undefined);
  const [progress, setProgress] = useState<ReconRun | undefined>(undefined);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  // one account: it is the one; several: the user picks
  const chosen = active.length === 1 ? active[0]!.id : accountId;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) {
      setFileError(t('web.provider_billing.upload.choose_file'));
      return;
    }
    setFileError(undefined);
    setBusy(true);
    setError(undefined);
    setOutcome(undefined);
    const form = new FormData();
    if (chosen) form.append('providerAccountId', chosen);
    if (format) form.append('format', format);
    form.append('file', file, file.name);
    try {
      // always in the background: the server answers 202 with a run, the page polls it
      let run = await api.postForm<ReconRun>('/api/provider-billing/imports?wait=false', form);
      setProgress(run);
      let failures = 0;
      while (run.state === 'running') {
        await sleep(POLL_MS);
        if (!mounted.current) return;
        try {
          run = await api.get<ReconRun>(`/api/provider-billing/imports/${encodeURIComponent(run.id)}`);
          failures = 0;
        } catch (err) {
          // the embedded store serves one request at a time while an import saves: a poll may
          // wait and time out; try again a few times
          if (err instanceof ApiError && (err.network || err.problem.status >= 500) && ++failures < 10) continue;
          throw err;
        }
        setProgress(run);
      }
      if (run.state === 'done' && run.summary) {
        setOutcome({ kind: 'imported', fileName: file.name, summary: run.summary });
        setFile(null);
        setInputKey((k) => k + 1);
        onImported();
      } else if (run.state === 'rejected' && run.summary) {
        setOutcome({ kind: 'rejected', fileName: file.name, title: t('web.provider_billing.result.rejected_title', { count: run.summary.rejected }), summary: run.summary });
      } else {
        setError(new ApiError({ type: 'about:blank', code: run.error?.code ?? 'internal', title: run.error?.title ?? t('web.provider_billing.result.failed'), status: 500 }));
      }
    } catch (err) {
      if (err instanceof ApiError && err.code === 'recon.rejected' && isSummary(err.problem.summary)) {
        setOutcome({ kind: 'rejected', fileName: file.name, title: err.problem.title, summary: err.problem.summary });
      } else setError(err);
    } finally {
      if (mounted.current) {
        setBusy(false);
        setProgress(undefined);
      }
    }
  }

  return (
    <Card title={t('web.provider_billing.upload.title')} description={t('web.provider_billing.upload.description')}>
      <div className="stack-sm">
        {!writer && <Alert tone="info">{t('web.provider_billing.upload.read_only')}</Alert>}
        {accountsError !== undefined && <LoadError error={accountsError} onRetry={onRetry} />}
        {accounts && active.length === 0 && <Alert tone="warning">{t('web.provider_billing.upload.no_accounts')}</Alert>}
        <form className="form" onSubmit={submit} noValidate aria-label={t('web.provider_billing.upload.title')}>
          <div className="form-grid">
            <Field label={t('web.provider_billing.upload.account')}>
              <select value={chosen} onChange={(e) => setAccountId(e.target.value)} disabled={!writer || busy || active.length <= 1} required>
                {active.length !== 1 && <option value="">{t('web.provider_billing.upload.account_choose')}</option>}
                {active.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} · {t(`web.clouds.${a.cloud}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('web.provider_billing.upload.format')} optional>
              <select value={format} onChange={(e) => setFormat(e.target.value)} disabled={!writer || busy}>
                <option value="">{t('web.provider_billing.upload.format_auto')}</option>
                {RECON_FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {formatLabel(fmt, f)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('web.provider_billing.upload.file')} hint={t('web.provider_billing.upload.file_hint')} error={fileError} className="field-wide">
              <input
                key={inputKey}
                type="file"
                accept=".csv,.tsv,.txt,.jsonl,.json,.gz,text/csv,text/plain,application/json,application/gzip"
                disabled={!writer || busy}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setFileError(undefined);
                }}
              />
            </Field>
          </div>
          <FormError error={error} />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={busy} disabled={!writer || active.length === 0 || (active.length > 1 && !accountId)}>
              {!busy && <Icon name="provider" />}
              {busy ? t('web.provider_billing.upload.running') : t('web.provider_billing.upload.submit')}
            </Button>
          </div>
        </form>
        {busy && progress && <Progress run={progress} />}
        {outcome && <Result outcome={outcome} />}
      </div>
    </Card>
  );
}

function Progress({ run }: { run: ReconRun }) {
  const { t, number } = useI18n();
  const total = run.totalBytes ?? 0;
  const read = Math.min(run.bytes ?? 0, total);
  const percent = total > 0 ? Math.floor((read / total) * 100) : 0;
  const saving = total > 0 && read >= total;
  return (
    <section className="import-progress" aria-label={t('web.provider_billing.progress.label')}>
      <progress max={100} value={percent} aria-label={t('web.provider_billing.progress.label')} />
      <p role="status">
        {saving
          ? t('web.provider_billing.progress.saving', { rows: number(run.rows) })
          : t('web.provider_billing.progress.reading', { file: run.fileName, percent, rows: number(run.rows) })}
      </p>
    </section>
  );
}

function Result({ outcome }: { outcome: Outcome }) {
  const fmt = useI18n();
  const { t, number } = fmt;
  const s = outcome.summary;
  if (outcome.kind === 'rejected') {
    return (
      <section className="import-result" aria-label={t('web.provider_billing.result.rejected_label')}>
        <Alert tone="danger" title={outcome.title}>
          <p>{t('web.provider_billing.result.rejected_hint', { file: outcome.fileName })}</p>
        </Alert>
        <div className="table-wrap import-errors">
          <table className="table">
            <caption className="import-caption">{t('web.provider_billing.result.errors_caption', { count: s.errors.length })}</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  {t('web.provider_billing.result.col_line')}
                </th>
                <th scope="col">{t('web.provider_billing.result.col_column')}</th>
                <th scope="col">{t('web.provider_billing.result.col_value')}</th>
                <th scope="col">{t('web.provider_billing.result.col_message')}</th>
              </tr>
            </thead>
            <tbody>
              {s.errors.map((e, i) => (
                <tr key={i}>
                  <td className="num">{e.line > 0 ? number(e.line) : '—'}</td>
                  <td>{e.column ? <code>{e.column}</code> : <span className="muted">—</span>}</td>
                  <td>{e.value ? <span className="mono">{e.value}</span> : <span className="muted">—</span>}</td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    );
  }
  return (
    <section className="import-result" aria-label={t('web.provider_billing.result.label')}>
      <Alert tone={s.duplicateOf ? 'info' : 'success'} title={s.duplicateOf ? t('web.provider_billing.result.duplicate_title', { file: outcome.fileName }) : t('web.provider_billing.result.imported_title', { file: outcome.fileName })}>
        <p>
          {t('web.provider_billing.result.summary', { rows: s.rows, format: formatLabel(fmt, s.format) })}
          {s.duplicateOf && ` ${t('web.provider_billing.result.duplicate_hint')}`}
        </p>
      </Alert>
      <dl className="kv-grid import-counts">
        <div>
          <dt>{t('web.provider_billing.result.imported')}</dt>
          <dd>{number(s.imported)}</dd>
        </div>
        <div>
          <dt>{t('web.provider_billing.result.replaced')}</dt>
          <dd>{number(s.replaced)}</dd>
        </div>
        <div>
          <dt>{t('web.provider_billing.result.duplicates')}</dt>
          <dd>{number(s.duplicates)}</dd>
        </div>
        <div className={s.unmatched.customers + s.unmatched.subscriptions > 0 ? 'kv-warning' : undefined}>
          <dt>{t('web.provider_billing.result.unmatched')}</dt>
          <dd>
            {t('web.provider_billing.result.unmatched_value', { customers: s.unmatched.customers, subscriptions: s.unmatched.subscriptions })}
          </dd>
        </div>
      </dl>
      {s.totals.length > 0 && <Totals totals={s.totals} />}
    </section>
  );
}

function Totals({ totals }: { totals: ReconTotal[] }) {
  const { t, locale } = useI18n();
  return (
    <div className="table-wrap import-totals">
      <table className="table">
        <caption className="import-caption">{t('web.provider_billing.result.totals')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('web.provider_billing.result.col_currency')}</th>
            <th scope="col" className="num">
              {t('web.provider_billing.result.col_subtotal')}
            </th>
            <th scope="col" className="num">
              {t('web.provider_billing.result.col_tax')}
            </th>
            <th scope="col" className="num">
              {t('web.provider_billing.result.col_total')}
            </th>
          </tr>
        </thead>
        <tbody>
          {totals.map((x) => (
            <tr key={x.currency}>
              <td className="mono">{x.currency}</td>
              <td className="num">{formatMoney(locale, x.subtotal, x.currency)}</td>
              <td className="num">{formatMoney(locale, x.tax, x.currency)}</td>
              <td className="num strong">{formatMoney(locale, x.total, x.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
