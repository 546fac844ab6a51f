import { useState, type FormEvent } from 'react';
import { api, type ApiToken, type User } from '../api';
import { Icon } from '../components/icons';
import { Badge, Button, Card, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, fieldErrorsOf, useErrorText, useResource, useToast } from '../components/ui';
import { isLocale, useI18n, type Locale } from '../i18n';
import { LocalePicker, TimeZonePicker } from '../components/pickers';
import { useSession, useUser } from '../session';

export const MIN_PASSWORD = 12;

export function Me() {
  const { t } = useI18n();
  const user = useUser();
  const roleLabel = user.kind === 'customer' ? t('web.roles.customer') : user.role ? t(`web.roles.${user.role}`) : '';
  return (
    <>
      <PageHeader title={t('web.me.title')} description={t('web.me.description', { email: user.email, role: roleLabel })} />
      <div className="stack">
        <ProfileForm />
        <PasswordForm />
        <Tokens />
      </div>
    </>
  );
}

function ProfileForm() {
  const { t } = useI18n();
  const user = useUser();
  const { userChanged } = useSession();
  const toast = useToast();
  const [name, setName] = useState(user.name);
  const [locale, setLocale] = useState<Locale>(isLocale(user.locale) ? user.locale : 'en');
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fe = fieldErrorsOf(error);
  const dirty = name !== user.name || locale !== user.locale || timeZone !== user.timeZone;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: { name?: string; locale?: string; timeZone?: string } = {};
      if (name !== user.name) body.name = name;
      if (locale !== user.locale) body.locale = locale;
      if (timeZone !== user.timeZone) body.timeZone = timeZone;
      const u = await api.patch<User>('/api/me', body);
      userChanged(u);
      toast('success', t('web.me.profile.saved'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('web.me.profile.title')} description={t('web.me.profile.description')}>
      <form onSubmit={submit} className="form" noValidate>
        <FormError error={error} shownFields={['name', 'locale', 'timeZone']} />
        <div className="form-grid">
          <Field label={t('web.me.profile.email')}>
            <input type="email" value={user.email} readOnly disabled />
          </Field>
          <Field label={t('web.me.profile.name')} error={fe.name}>
            <input type="text" autoComplete="name" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label={t('web.me.profile.locale')} error={fe.locale}>
            <LocalePicker value={locale} onChange={setLocale} />
          </Field>
          <Field label={t('web.me.profile.time_zone')} error={fe.timeZone} hint={t('web.me.profile.time_zone_hint')}>
            <TimeZonePicker value={timeZone} onChange={setTimeZone} />
          </Field>
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
            {t('web.common.save')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function PasswordForm() {
  const { t } = useI18n();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!current) problems.currentPassword = t('web.me.password.required');
    if (next.length < MIN_PASSWORD) problems.newPassword = t('web.me.password.too_short', { min: MIN_PASSWORD });
    else if (next !== confirm) problems.confirm = t('web.me.password.mismatch');
    setLocal(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      await api.post('/api/me/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setConfirm('');
      toast('success', t('web.me.password.changed'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title={t('web.me.password.title')} description={t('web.me.password.description')}>
      <form onSubmit={submit} className="form" noValidate>
        <FormError error={error} shownFields={['currentPassword', 'newPassword']} />
        <div className="form-grid">
          <Field label={t('web.me.password.current')} error={fe.currentPassword}>
            <input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
          </Field>
          <div className="form-grid-spacer" />
          <Field label={t('web.me.password.new')} error={fe.newPassword} hint={t('web.me.password.hint', { min: MIN_PASSWORD })}>
            <input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
          </Field>
          <Field label={t('web.me.password.confirm')} error={fe.confirm}>
            <input type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </Field>
        </div>
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={busy}>
            {t('web.me.password.submit')}
          </Button>
        </div>
      </form>
    </Card>
  );
}

function tokenState(tok: ApiToken, now: number): 'active' | 'revoked' | 'expired' {
  if (tok.revokedAt) return 'revoked';
  if (tok.expiresAt && new Date(tok.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

function Tokens() {
  const { t, dateTime, date } = useI18n();
  const toast = useToast();
  const errorText = useErrorText();
  const list = useResource((signal) => api.get<{ items: ApiToken[] }>('/api/me/tokens', undefined, { signal }), []);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);
  const fe = { ...fieldErrorsOf(error), ...local };
  const now = Date.now();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!name.trim()) problems.name = t('web.me.tokens.name_required');
    const n = days.trim() ? Number(days) : undefined;
    if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 3650)) problems.expiresInDays = t('web.me.tokens.days_invalid', { max: 3650 });
    setLocal(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const res = await api.post<{ token: string; apiToken: ApiToken }>('/api/me/tokens', { name: name.trim(), ...(n !== undefined && { expiresInDays: n }) });
      setCreated({ token: res.token, name: res.apiToken.name });
      setCopied(false);
      setName('');
      setDays('');
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      // clipboard blocked (http, permissions): select the text so Ctrl+C works
      const el = document.getElementById('new-token-value');
      if (el) window.getSelection()?.selectAllChildren(el);
    }
  }

  async function revoke(tok: ApiToken) {
    if (!window.confirm(t('web.me.tokens.revoke_confirm', { name: tok.name }))) return;
    setRevoking(tok.id);
    try {
      await api.del<ApiToken>(`/api/me/tokens/${encodeURIComponent(tok.id)}`);
      toast('success', t('web.me.tokens.revoked', { name: tok.name }));
      list.reload();
    } catch (err) {
      toast('danger', errorText(err));
    } finally {
      setRevoking(null);
    }
  }

  const items = list.data?.items ?? [];

  return (
    <Card title={t('web.me.tokens.title')} description={t('web.me.tokens.description')}>
      {created && (
        <div className="token-reveal" role="status">
          <div className="token-reveal-head">
            <Icon name="key" />
            <strong>{t('web.me.tokens.created_title', { name: created.name })}</strong>
          </div>
          <div className="token-value-row">
            <code id="new-token-value" className="token-value">
              {created.token}
            </code>
            <Button size="sm" onClick={copy}>
              <Icon name={copied ? 'check' : 'copy'} />
              {copied ? t('web.me.tokens.copied') : t('web.me.tokens.copy')}
            </Button>
          </div>
          <p className="token-warning">
            <Icon name="alert" size={14} /> {t('web.me.tokens.created_warning')}
          </p>
          <p className="field-hint">{t('web.me.tokens.usage_hint')}</p>
          <Button size="sm" variant="ghost" onClick={() => setCreated(null)}>
            {t('web.me.tokens.dismiss')}
          </Button>
        </div>
      )}

      <form onSubmit={submit} className="form form-inline" noValidate>
        <FormError error={error} shownFields={['name', 'expiresInDays']} />
        <div className="inline-fields">
          <Field label={t('web.me.tokens.name')} error={fe.name} className="grow">
            <input type="text" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} placeholder={t('web.me.tokens.name_placeholder')} />
          </Field>
          <Field label={t('web.me.tokens.expires_in_days')} error={fe.expiresInDays} optional hint={t('web.me.tokens.expires_hint')}>
            <input type="number" min={1} max={3650} step={1} inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} />
          </Field>
          <div className="inline-submit">
            <Button type="submit" variant="primary" busy={busy}>
              <Icon name="plus" />
              {t('web.me.tokens.create')}
            </Button>
          </div>
        </div>
      </form>

      {list.error !== undefined && <LoadError error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Spinner />}
      {list.data && items.length === 0 && <EmptyState>{t('web.me.tokens.empty')}</EmptyState>}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="sr-only">{t('web.me.tokens.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('web.me.tokens.col_name')}</th>
                <th scope="col">{t('web.me.tokens.col_status')}</th>
                <th scope="col">{t('web.me.tokens.col_created')}</th>
                <th scope="col">{t('web.me.tokens.col_expires')}</th>
                <th scope="col">{t('web.me.tokens.col_last_used')}</th>
                <th scope="col" className="col-actions">
                  <span className="sr-only">{t('web.common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((tok) => {
                const st = tokenState(tok, now);
                return (
                  <tr key={tok.id} className={st !== 'active' ? 'row-muted' : undefined}>
                    <td>
                      <span className="strong">{tok.name}</span>
                      <span className="sub mono">{tok.id}</span>
                    </td>
                    <td>
                      <Badge tone={st === 'active' ? 'success' : st === 'revoked' ? 'danger' : 'warning'}>{t(`web.me.tokens.status_${st}`)}</Badge>
                    </td>
                    <td>{dateTime(tok.createdAt)}</td>
                    <td>{tok.expiresAt ? date(tok.expiresAt) : <span className="muted">{t('web.me.tokens.never_expires')}</span>}</td>
                    <td>{tok.lastUsedAt ? dateTime(tok.lastUsedAt) : <span className="muted">{t('web.me.tokens.never_used')}</span>}</td>
                    <td className="col-actions">
                      {st === 'active' && (
                        <Button size="sm" variant="danger" busy={revoking === tok.id} onClick={() => revoke(tok)} aria-label={t('web.me.tokens.revoke_named', { name: tok.name })}>
                          {t('web.me.tokens.revoke')}
                        </Button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
