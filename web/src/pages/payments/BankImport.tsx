import { useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { Alert, Button, Card, Field, FormError, PageHeader, cx, useResource } from '../../components/ui';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import { canBill, useUser } from '../../session';
import { bank, type BankImportResult } from './api';
import { BankMappings } from './BankMappings';
import './shared';

const MAX_BYTES = 20 * 1024 * 1024;

/**
 * Upload a bank statement (camt.053, camt.054, MT940, or a bank's CSV read with a saved column
 * mapping): the desk books what it can match, suggests what it cannot decide, and says what it
 * found. The same file twice adds nothing (duplicates).
 */
export function BankImportPage() {
  const { t } = useI18n();
  const writer = canBill(useUser());
  const mappings = useResource((signal) => bank.mappings(signal), []);
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState('');
  const [result, setResult] = useState<{ fileName: string; summary: BankImportResult } | null>(null);
  const csv = Boolean(file && /\.csv$/i.test(file.name));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!file) return setLocal(t('web.bank.import.file_required'));
    if (file.size > MAX_BYTES) return setLocal(t('web.bank.import.too_big', { max: '20' }));
    setLocal('');
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const summary = await bank.upload(file, mapping || undefined);
      setResult({ fileName: file.name, summary });
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <PageHeader
        title={t('web.bank.import.title')}
        description={t('web.bank.import.description')}
        actions={
          <Link to="/bank/review" className="btn btn-secondary btn-sm">
            {t('web.bank.review.title')}
          </Link>
        }
      />
      <div className="stack">
        {writer ? (
          <Card title={t('web.bank.import.upload')} description={t('web.bank.import.formats')}>
            <form onSubmit={submit} className="form" noValidate>
              <FormError error={error} shownFields={['file', 'mapping']} />
              <div className="form-grid">
                <Field label={t('web.bank.import.file')} error={local || undefined} hint={t('web.bank.import.file_hint')}>
                  <input ref={fileRef} type="file" accept=".xml,.053,.054,.sta,.mt940,.940,.txt,.csv,text/xml,application/xml,text/csv,text/plain" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
                </Field>
                <Field label={t('web.bank.import.mapping')} hint={t('web.bank.import.mapping_hint')} optional>
                  <select value={mapping} onChange={(e) => setMapping(e.target.value)}>
                    <option value="">{t('web.bank.import.no_mapping')}</option>
                    {(mappings.data?.items ?? []).map((m) => (
                      <option key={m.name} value={m.name}>
                        {m.name}
                      </option>
                    ))}
                  </select>
                </Field>
              </div>
              {csv && !mapping && <Alert tone="warning" title={t('web.bank.import.csv_needs_mapping')} />}
              <div className="form-actions">
                <Button type="submit" variant="primary" busy={busy}>
                  {t('web.bank.import.submit')}
                </Button>
              </div>
            </form>
          </Card>
        ) : (
          <Alert tone="info" title={t('web.bank.import.read_only')} />
        )}
        {result && <ImportResult fileName={result.fileName} summary={result.summary} />}
        {error instanceof ApiError && isResult(error.problem.summary) && <ImportResult fileName={file?.name ?? ''} summary={error.problem.summary} />}
        <BankMappings mappings={mappings} writer={writer} />
      </div>
    </>
  );
}

function isResult(v: unknown): v is BankImportResult {
  return typeof v === 'object' && v !== null && typeof (v as BankImportResult).entries === 'number' && Array.isArray((v as BankImportResult).errors);
}

/** The counts of an import and the entries it could not book, with why. */
export function ImportResult({ fileName, summary: s }: { fileName: string; summary: BankImportResult }) {
  const fmt = useI18n();
  const { t } = fmt;
  const counts: { key: keyof BankImportResult; tone?: string }[] = [
    { key: 'statements' },
    { key: 'entries' },
    { key: 'matched', tone: 'success' },
    { key: 'suggested', tone: 'warning' },
    { key: 'unmatched' },
    { key: 'duplicates' },
  ];
  return (
    <Card title={t('web.bank.result.title', { file: fileName })} description={s.entries === 0 && s.duplicates > 0 ? t('web.bank.result.all_duplicates') : undefined}>
      <div className="stack-sm">
        <dl className="count-grid" aria-label={t('web.bank.result.counts')}>
          {counts.map(({ key, tone }) => (
            <div key={key} className={cx(tone && Number(s[key]) > 0 && `tone-${tone}`)}>
              <dt>{t(`web.bank.result.${key}`)}</dt>
              <dd>{fmt.number(Number(s[key]))}</dd>
            </div>
          ))}
          <div className={cx(s.errors.length > 0 && 'tone-danger')}>
            <dt>{t('web.bank.result.errors')}</dt>
            <dd>{fmt.number(s.errors.length)}</dd>
          </div>
        </dl>
        {s.suggested + s.unmatched > 0 && (
          <p>
            <Link to={`/bank/review?status=${s.suggested > 0 ? 'suggested' : 'unmatched'}`}>{t('web.bank.result.review_link', { count: s.suggested + s.unmatched })}</Link>
          </p>
        )}
        {s.errors.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.bank.result.errors')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.bank.result.entry')}</th>
                  <th scope="col">{t('web.bank.result.message')}</th>
                </tr>
              </thead>
              <tbody>
                {s.errors.map((e, i) => (
                  <tr key={i}>
                    <td className="mono-cell">{e.entry ?? '—'}</td>
                    <td>
                      {e.message}
                      <span className="sub mono">{e.code}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Card>
  );
}
