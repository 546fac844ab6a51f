import { useState, type ChangeEvent, type FormEvent } from 'react';
import { Alert, Button, Card, Field, FormError, LoadError, PageHeader, Spinner, fieldErrorsOf, useResource, useToast } from '../../components/ui';
import { useI18n } from '../../i18n';
import { isAdmin, useUser } from '../../session';
import { invoicing, type PartnerProfile } from './api';
import './invoicing.css';

/** A logo may be this big as a file (its base64 stays under the API's 350,000 characters). */
export const LOGO_MAX_BYTES = 256 * 1024;

/** Every field the form shows; a field error on "bank/iban" or "addressLines/2" is shown at it. */
const FIELDS = ['name', 'addressLines', 'country', 'taxId', 'email', 'phone', 'website', 'logoBase64', 'bank/accountHolder', 'bank/bankName', 'bank/iban', 'bank/bic', 'legalLines', 'policyUrl', 'invoicePrefix', 'creditNotePrefix'] as const;
type FieldName = (typeof FIELDS)[number];

interface FormState {
  name: string;
  addressLines: string;
  country: string;
  taxId: string;
  email: string;
  phone: string;
  website: string;
  logoBase64: string | null;
  accountHolder: string;
  bankName: string;
  iban: string;
  bic: string;
  legalLines: string;
  policyUrl: string;
  invoicePrefix: string;
  creditNotePrefix: string;
}

function toForm(p: PartnerProfile): FormState {
  return {
    name: p.name,
    addressLines: p.addressLines.join('\n'),
    country: p.country,
    taxId: p.taxId ?? '',
    email: p.email ?? '',
    phone: p.phone ?? '',
    website: p.website ?? '',
    logoBase64: p.logoBase64,
    accountHolder: p.bank.accountHolder ?? '',
    bankName: p.bank.bankName ?? '',
    iban: p.bank.iban ?? '',
    bic: p.bank.bic ?? '',
    legalLines: p.legalLines.join('\n'),
    policyUrl: p.policyUrl ?? '',
    invoicePrefix: p.invoicePrefix,
    creditNotePrefix: p.creditNotePrefix,
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

function toProfile(f: FormState): PartnerProfile {
  return {
    name: f.name.trim(),
    addressLines: lines(f.addressLines),
    country: f.country.trim().toUpperCase(),
    taxId: orNull(f.taxId),
    email: orNull(f.email),
    phone: orNull(f.phone),
    website: orNull(f.website),
    logoBase64: f.logoBase64,
    // an IBAN is printed as typed; spaces in groups of four are fine
    bank: { accountHolder: orNull(f.accountHolder), bankName: orNull(f.bankName), iban: orNull(f.iban.toUpperCase()), bic: orNull(f.bic.toUpperCase()) },
    legalLines: lines(f.legalLines),
    policyUrl: orNull(f.policyUrl),
    invoicePrefix: f.invoicePrefix.trim().toUpperCase(),
    creditNotePrefix: f.creditNotePrefix.trim().toUpperCase(),
  };
}

/** The image type of a base64 logo from its first bytes (PNG or JPEG), for the preview's data: URL. */
export function logoMime(b64: string): string | undefined {
  if (b64.startsWith('iVBORw0KGgo')) return 'image/png';
  if (b64.startsWith('/9j/')) return 'image/jpeg';
  return undefined;
}

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}

/**
 * The partner as invoices print it: name, address, VAT id, contact, logo, bank details, footer
 * lines, the collections policy and the number prefixes. Admins edit; other staff read. Issued
 * invoices keep what they printed; a change applies to the documents issued after it.
 */
export function InvoiceSettingsPage() {
  const { t } = useI18n();
  const profile = useResource((signal) => invoicing.profile(signal), []);
  return (
    <>
      <PageHeader title={t('web.invoicing.settings.title')} description={t('web.invoicing.settings.description')} />
      {profile.error !== undefined && <LoadError error={profile.error} onRetry={profile.reload} />}
      {!profile.data && profile.loading && <Spinner />}
      {profile.data && <ProfileForm profile={profile.data} onSaved={profile.setData} />}
    </>
  );
}

function ProfileForm({ profile, onSaved }: { profile: PartnerProfile; onSaved: (p: PartnerProfile) => void }) {
  const fmt = useI18n();
  const { t } = fmt;
  const toast = useToast();
  const admin = isAdmin(useUser());
  const [form, setForm] = useState<FormState>(() => toForm(profile));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [logoError, setLogoError] = useState<string | undefined>(undefined);

  const server = fieldErrorsOf(error);
  /** the server's message for a field, or for anything under it (addressLines/3 → addressLines) */
  const errorOf = (f: FieldName): string | undefined => {
    if (f in server) return server[f];
    const nested = Object.keys(server).find((k) => k.startsWith(`${f}/`));
    return nested === undefined ? undefined : server[nested];
  };
  const shown = Object.keys(server).filter((k) => FIELDS.some((f) => k === f || k.startsWith(`${f}/`)));
  const dirty = JSON.stringify(toProfile(form)) !== JSON.stringify(toProfile(toForm(profile)));
  const set = (k: keyof FormState) => (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  async function pickLogo(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    if (file.type !== 'image/png' && file.type !== 'image/jpeg') {
      setLogoError(t('web.invoicing.settings.logo_type'));
      return;
    }
    if (file.size > LOGO_MAX_BYTES) {
      setLogoError(t('web.invoicing.settings.logo_too_big', { size: fmt.number(Math.ceil(file.size / 1024)), max: fmt.number(LOGO_MAX_BYTES / 1024) }));
      return;
    }
    try {
      const b64 = await readBase64(file);
      setLogoError(undefined);
      setForm((f) => ({ ...f, logoBase64: b64 }));
    } catch {
      setLogoError(t('web.invoicing.settings.logo_unreadable'));
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = await invoicing.saveProfile(toProfile(form));
      toast('success', t('web.invoicing.settings.saved'));
      setForm(toForm(saved));
      onSaved(saved);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const mime = form.logoBase64 ? logoMime(form.logoBase64) : undefined;

  return (
    <form className="stack" onSubmit={submit} noValidate>
      <Alert tone="info" title={t('web.invoicing.settings.issued_keep')} />
      {!admin && <p className="field-hint read-only-note">{t('web.invoicing.settings.read_only')}</p>}
      <FormError error={error} shownFields={shown} />
      <fieldset className="plain-fieldset stack" disabled={!admin}>
        <Card title={t('web.invoicing.settings.partner')} description={t('web.invoicing.settings.partner_hint')}>
          <div className="form-grid">
            <Field label={t('web.invoicing.settings.name')} error={errorOf('name')} className="span-2">
              <input type="text" maxLength={200} autoComplete="organization" value={form.name} onChange={set('name')} />
            </Field>
            <Field label={t('web.invoicing.settings.address')} error={errorOf('addressLines')} hint={t('web.invoicing.settings.address_hint')} optional>
              <textarea rows={4} value={form.addressLines} onChange={set('addressLines')} />
            </Field>
            <Field label={t('web.invoicing.settings.country')} error={errorOf('country')} hint={t('web.invoicing.settings.country_hint')}>
              <input type="text" maxLength={2} autoComplete="off" className="mono upper" value={form.country} onChange={(e) => setForm((f) => ({ ...f, country: e.target.value.toUpperCase() }))} />
            </Field>
            <Field label={t('web.invoicing.settings.tax_id')} error={errorOf('taxId')} optional>
              <input type="text" maxLength={40} autoComplete="off" className="mono" value={form.taxId} onChange={set('taxId')} />
            </Field>
            <Field label={t('web.invoicing.settings.email')} error={errorOf('email')} optional>
              <input type="email" maxLength={200} autoComplete="off" value={form.email} onChange={set('email')} />
            </Field>
            <Field label={t('web.invoicing.settings.phone')} error={errorOf('phone')} optional>
              <input type="tel" maxLength={60} autoComplete="off" value={form.phone} onChange={set('phone')} />
            </Field>
            <Field label={t('web.invoicing.settings.website')} error={errorOf('website')} optional>
              <input type="text" maxLength={200} autoComplete="off" value={form.website} onChange={set('website')} />
            </Field>
          </div>
        </Card>

        <Card title={t('web.invoicing.settings.logo')} description={t('web.invoicing.settings.logo_hint', { max: fmt.number(LOGO_MAX_BYTES / 1024) })}>
          <div className="logo-row">
            <div className="logo-preview" role="img" aria-label={form.logoBase64 ? t('web.invoicing.settings.logo_preview') : t('web.invoicing.settings.no_logo')}>
              {form.logoBase64 && mime ? <img src={`data:${mime};base64,${form.logoBase64}`} alt="" /> : <span className="muted">{t('web.invoicing.settings.no_logo')}</span>}
            </div>
            <div className="stack-sm">
              <Field label={t('web.invoicing.settings.logo_file')} error={logoError ?? errorOf('logoBase64')}>
                <input type="file" accept="image/png,image/jpeg" onChange={(e) => void pickLogo(e)} />
              </Field>
              {form.logoBase64 && (
                <div>
                  <Button size="sm" variant="danger" onClick={() => (setForm((f) => ({ ...f, logoBase64: null })), setLogoError(undefined))}>
                    {t('web.invoicing.settings.logo_remove')}
                  </Button>
                </div>
              )}
            </div>
          </div>
        </Card>

        <Card title={t('web.invoicing.settings.bank')} description={t('web.invoicing.settings.bank_hint')}>
          <div className="form-grid">
            <Field label={t('web.invoicing.settings.account_holder')} error={errorOf('bank/accountHolder')} optional>
              <input type="text" maxLength={200} autoComplete="off" value={form.accountHolder} onChange={set('accountHolder')} />
            </Field>
            <Field label={t('web.invoicing.settings.bank_name')} error={errorOf('bank/bankName')} optional>
              <input type="text" maxLength={200} autoComplete="off" value={form.bankName} onChange={set('bankName')} />
            </Field>
            <Field label={t('web.invoicing.settings.iban')} error={errorOf('bank/iban')} optional>
              <input type="text" maxLength={42} autoComplete="off" className="mono upper" value={form.iban} onChange={set('iban')} />
            </Field>
            <Field label={t('web.invoicing.settings.bic')} error={errorOf('bank/bic')} optional>
              <input type="text" maxLength={11} autoComplete="off" className="mono upper" value={form.bic} onChange={set('bic')} />
            </Field>
          </div>
        </Card>

        <Card title={t('web.invoicing.settings.documents')}>
          <div className="form-grid">
            <Field label={t('web.invoicing.settings.invoice_prefix')} error={errorOf('invoicePrefix')} hint={t('web.invoicing.settings.prefix_hint', { example: `${form.invoicePrefix.trim().toUpperCase() || 'INV'}-${new Date().getFullYear()}-000001` })}>
              <input type="text" maxLength={8} autoComplete="off" className="mono upper" value={form.invoicePrefix} onChange={set('invoicePrefix')} />
            </Field>
            <Field label={t('web.invoicing.settings.credit_note_prefix')} error={errorOf('creditNotePrefix')} hint={t('web.invoicing.settings.prefix_hint', { example: `${form.creditNotePrefix.trim().toUpperCase() || 'CN'}-${new Date().getFullYear()}-000001` })}>
              <input type="text" maxLength={8} autoComplete="off" className="mono upper" value={form.creditNotePrefix} onChange={set('creditNotePrefix')} />
            </Field>
            <Field label={t('web.invoicing.settings.policy_url')} error={errorOf('policyUrl')} hint={t('web.invoicing.settings.policy_url_hint')} optional className="span-2">
              <input type="url" maxLength={300} autoComplete="off" value={form.policyUrl} onChange={set('policyUrl')} />
            </Field>
            <Field label={t('web.invoicing.settings.legal_lines')} error={errorOf('legalLines')} hint={t('web.invoicing.settings.legal_lines_hint')} optional className="span-2">
              <textarea rows={4} value={form.legalLines} onChange={set('legalLines')} />
            </Field>
          </div>
        </Card>
      </fieldset>
      {admin && (
        <div className="form-actions">
          <Button onClick={() => (setForm(toForm(profile)), setError(null), setLogoError(undefined))} disabled={!dirty || busy}>
            {t('web.invoicing.settings.reset')}
          </Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
            {t('web.common.save')}
          </Button>
        </div>
      )}
    </form>
  );
}
