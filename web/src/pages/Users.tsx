import { useState, type FormEvent } from 'react';
import { api, type Role, type User } from '../api';
import { Icon } from '../components/icons';
import { Badge, Button, Dialog, EmptyState, Field, FormError, LoadError, PageHeader, Spinner, cx, fieldErrorsOf, useResource, useToast } from '../components/ui';
import { LOCALE_NAMES, isLocale, useI18n, type Locale } from '../i18n';
import { LocalePicker, TimeZonePicker } from '../components/pickers';
import { navigate, useLocation } from '../router';
import { useUser } from '../session';
import { MIN_PASSWORD } from './Me';

const ROLES: Role[] = ['admin', 'billing', 'support', 'viewer'];
const PAGE = 25;

export function Users() {
  const { t, dateTime, number } = useI18n();
  const me = useUser();
  const { search } = useLocation();
  const kind = search.get('kind') === 'staff' || search.get('kind') === 'customer' ? (search.get('kind') as 'staff' | 'customer') : '';
  const offset = Math.max(0, Number.parseInt(search.get('offset') ?? '0', 10) || 0);
  const list = useResource(
    (signal) => api.get<{ items: User[]; total: number }>('/api/users', { limit: PAGE, offset, kind }, { signal }),
    [kind, offset],
  );
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);

  const go = (k: string, o: number) => {
    const qs = new URLSearchParams();
    if (k) qs.set('kind', k);
    if (o) qs.set('offset', String(o));
    const s = qs.toString();
    navigate(`/users${s ? `?${s}` : ''}`);
  };

  const total = list.data?.total ?? 0;
  const items = list.data?.items ?? [];

  return (
    <>
      <PageHeader
        title={t('web.users.title')}
        description={t('web.users.description')}
        actions={
          <Button variant="primary" onClick={() => setCreating(true)}>
            <Icon name="plus" />
            {t('web.users.new')}
          </Button>
        }
      />
      <section className="card">
        <div className="toolbar">
          <div className="segmented" role="group" aria-label={t('web.users.filter_kind')}>
            {(['', 'staff', 'customer'] as const).map((k) => (
              <button key={k || 'all'} type="button" className={cx('segment', kind === k && 'active')} aria-pressed={kind === k} onClick={() => go(k, 0)}>
                {k === '' ? t('web.users.kind_all') : t(`web.kinds.${k}`)}
              </button>
            ))}
          </div>
          {list.data && <span className="toolbar-meta">{t('web.users.count', { count: total })}</span>}
        </div>
        {list.error !== undefined && (
          <div className="card-body">
            <LoadError error={list.error} onRetry={list.reload} />
          </div>
        )}
        {list.loading && !list.data && (
          <div className="card-body">
            <Spinner />
          </div>
        )}
        {list.data && items.length === 0 && <EmptyState>{t('web.users.empty')}</EmptyState>}
        {items.length > 0 && (
          <div className="table-wrap">
            <table className="table">
              <caption className="sr-only">{t('web.users.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('web.users.col_user')}</th>
                  <th scope="col">{t('web.users.col_access')}</th>
                  <th scope="col">{t('web.users.col_status')}</th>
                  <th scope="col">{t('web.users.col_locale')}</th>
                  <th scope="col">{t('web.users.col_last_login')}</th>
                  <th scope="col" className="col-actions">
                    <span className="sr-only">{t('web.common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((u) => (
                  <tr key={u.id} className={u.status === 'disabled' ? 'row-muted' : undefined}>
                    <td>
                      <span className="strong">{u.name || u.email}</span>
                      {u.name && <span className="sub">{u.email}</span>}
                      {u.id === me.id && <Badge tone="accent">{t('web.users.you')}</Badge>}
                    </td>
                    <td>
                      {u.kind === 'staff' ? (
                        <Badge tone={u.role === 'admin' ? 'info' : 'neutral'}>{u.role ? t(`web.roles.${u.role}`) : '—'}</Badge>
                      ) : (
                        <>
                          <Badge tone="accent">{t('web.roles.customer')}</Badge>
                          <span className="sub mono">{u.customerId}</span>
                        </>
                      )}
                    </td>
                    <td>
                      <Badge tone={u.status === 'active' ? 'success' : 'danger'}>{t(`web.status.${u.status}`)}</Badge>
                    </td>
                    <td>{isLocale(u.locale) ? LOCALE_NAMES[u.locale] : u.locale}</td>
                    <td>{u.lastLoginAt ? dateTime(u.lastLoginAt) : <span className="muted">{t('web.users.never')}</span>}</td>
                    <td className="col-actions">
                      <Button size="sm" onClick={() => setEditing(u)} aria-label={t('web.users.edit_named', { name: u.name || u.email })}>
                        {t('web.common.edit')}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total > PAGE && (
          <div className="pager">
            <span>{t('web.common.range', { from: number(offset + 1), to: number(Math.min(offset + PAGE, total)), total: number(total) })}</span>
            <div className="pager-buttons">
              <Button size="sm" disabled={offset === 0} onClick={() => go(kind, Math.max(0, offset - PAGE))}>
                {t('web.common.previous')}
              </Button>
              <Button size="sm" disabled={offset + PAGE >= total} onClick={() => go(kind, offset + PAGE)}>
                {t('web.common.next')}
              </Button>
            </div>
          </div>
        )}
      </section>

      <Dialog open={creating} title={t('web.users.create.title')} onClose={() => setCreating(false)}>
        <CreateUserForm
          onCreated={() => {
            setCreating(false);
            list.reload();
          }}
          onCancel={() => setCreating(false)}
        />
      </Dialog>
      <Dialog open={editing !== null} title={editing ? t('web.users.edit.title', { name: editing.name || editing.email }) : ''} onClose={() => setEditing(null)}>
        {editing && (
          <EditUser
            key={editing.id}
            user={editing}
            onSaved={(u) => {
              setEditing(u);
              list.reload();
            }}
            onClose={() => setEditing(null)}
          />
        )}
      </Dialog>
    </>
  );
}

function CreateUserForm({ onCreated, onCancel }: { onCreated: (u: User) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [kind, setKind] = useState<'staff' | 'customer'>('staff');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [customerId, setCustomerId] = useState('');
  const [locale, setLocale] = useState<Locale>('en');
  const [timeZone, setTimeZone] = useState('UTC');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [local, setLocal] = useState<Record<string, string>>({});
  const fe = { ...fieldErrorsOf(error), ...local };

  async function submit(e: FormEvent) {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!email.trim()) problems.email = t('web.users.create.email_required');
    if (kind === 'customer' && !customerId.trim()) problems.customerId = t('web.users.create.customer_required');
    if (password.length < MIN_PASSWORD) problems.password = t('web.me.password.too_short', { min: MIN_PASSWORD });
    setLocal(problems);
    setError(null);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const u = await api.post<User>('/api/users', {
        email: email.trim(),
        name: name.trim(),
        ...(kind === 'staff' ? { role } : { customerId: customerId.trim() }),
        locale,
        timeZone,
        password,
      });
      toast('success', t('web.users.create.done', { email: u.email }));
      onCreated(u);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="form" noValidate>
      <FormError error={error} shownFields={['email', 'name', 'role', 'customerId', 'locale', 'timeZone', 'password']} />
      <fieldset className="radio-cards">
        <legend className="field-label">{t('web.users.create.kind')}</legend>
        <label className={cx('radio-card', kind === 'staff' && 'checked')}>
          <input type="radio" name="kind" value="staff" checked={kind === 'staff'} onChange={() => setKind('staff')} />
          <span>
            <span className="strong">{t('web.kinds.staff')}</span>
            <span className="sub">{t('web.users.create.staff_hint')}</span>
          </span>
        </label>
        <label className={cx('radio-card', kind === 'customer' && 'checked')}>
          <input type="radio" name="kind" value="customer" checked={kind === 'customer'} onChange={() => setKind('customer')} />
          <span>
            <span className="strong">{t('web.kinds.customer')}</span>
            <span className="sub">{t('web.users.create.customer_hint')}</span>
          </span>
        </label>
      </fieldset>
      <div className="form-grid">
        <Field label={t('web.users.create.email')} error={fe.email}>
          <input type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t('web.users.create.name')} error={fe.name} optional>
          <input type="text" autoComplete="off" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        {kind === 'staff' ? (
          <Field label={t('web.users.create.role')} error={fe.role}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`web.roles.${r}`)}
                </option>
              ))}
            </select>
          </Field>
        ) : (
          <Field label={t('web.users.create.customer_id')} error={fe.customerId}>
            <input type="text" autoComplete="off" maxLength={64} value={customerId} onChange={(e) => setCustomerId(e.target.value)} />
          </Field>
        )}
        <Field label={t('web.users.create.password')} error={fe.password} hint={t('web.me.password.hint', { min: MIN_PASSWORD })}>
          <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        <Field label={t('web.users.create.locale')} error={fe.locale}>
          <LocalePicker value={locale} onChange={setLocale} />
        </Field>
        <Field label={t('web.users.create.time_zone')} error={fe.timeZone}>
          <TimeZonePicker value={timeZone} onChange={setTimeZone} />
        </Field>
      </div>
      <div className="form-actions">
        <Button onClick={onCancel}>{t('web.common.cancel')}</Button>
        <Button type="submit" variant="primary" busy={busy}>
          {t('web.users.create.submit')}
        </Button>
      </div>
    </form>
  );
}

function EditUser({ user, onSaved, onClose }: { user: User; onSaved: (u: User) => void; onClose: () => void }) {
  const { t, dateTime } = useI18n();
  const toast = useToast();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role ?? 'viewer');
  const [status, setStatus] = useState(user.status);
  const [locale, setLocale] = useState<Locale>(isLocale(user.locale) ? user.locale : 'en');
  const [timeZone, setTimeZone] = useState(user.timeZone);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fe = fieldErrorsOf(error);

  const [password, setPassword] = useState('');
  const [pwBusy, setPwBusy] = useState(false);
  const [pwError, setPwError] = useState<unknown>(null);
  const [pwLocal, setPwLocal] = useState<string | undefined>();
  const pwFe = fieldErrorsOf(pwError);

  const body = {
    ...(name !== user.name && { name }),
    ...(user.kind === 'staff' && role !== user.role && { role }),
    ...(status !== user.status && { status }),
    ...(locale !== user.locale && { locale }),
    ...(timeZone !== user.timeZone && { timeZone }),
  };
  const dirty = Object.keys(body).length > 0;

  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await api.patch<User>(`/api/users/${encodeURIComponent(user.id)}`, body);
      toast('success', t('web.users.edit.saved', { email: u.email }));
      onSaved(u);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function resetPassword(e: FormEvent) {
    e.preventDefault();
    setPwError(null);
    if (password.length < MIN_PASSWORD) {
      setPwLocal(t('web.me.password.too_short', { min: MIN_PASSWORD }));
      return;
    }
    setPwLocal(undefined);
    setPwBusy(true);
    try {
      await api.post(`/api/users/${encodeURIComponent(user.id)}/password`, { password });
      setPassword('');
      toast('success', t('web.users.reset.done', { email: user.email }));
    } catch (err) {
      setPwError(err);
    } finally {
      setPwBusy(false);
    }
  }

  return (
    <div className="stack-sm">
      <dl className="kv-inline">
        <div>
          <dt>{t('web.users.edit.email')}</dt>
          <dd>{user.email}</dd>
        </div>
        <div>
          <dt>{t('web.users.edit.kind')}</dt>
          <dd>
            {t(`web.kinds.${user.kind}`)}
            {user.customerId && <span className="mono"> · {user.customerId}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('web.users.edit.created')}</dt>
          <dd>{dateTime(user.createdAt)}</dd>
        </div>
      </dl>
      <form onSubmit={save} className="form" noValidate>
        <FormError error={error} shownFields={['name', 'role', 'status', 'locale', 'timeZone']} />
        <div className="form-grid">
          <Field label={t('web.users.edit.name')} error={fe.name}>
            <input type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          {user.kind === 'staff' && (
            <Field label={t('web.users.edit.role')} error={fe.role}>
              <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`web.roles.${r}`)}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <Field label={t('web.users.edit.status')} error={fe.status} hint={t('web.users.edit.status_hint')}>
            <select value={status} onChange={(e) => setStatus(e.target.value === 'disabled' ? 'disabled' : 'active')}>
              <option value="active">{t('web.status.active')}</option>
              <option value="disabled">{t('web.status.disabled')}</option>
            </select>
          </Field>
          <Field label={t('web.users.edit.locale')} error={fe.locale}>
            <LocalePicker value={locale} onChange={setLocale} />
          </Field>
          <Field label={t('web.users.edit.time_zone')} error={fe.timeZone}>
            <TimeZonePicker value={timeZone} onChange={setTimeZone} />
          </Field>
        </div>
        <div className="form-actions">
          <Button onClick={onClose}>{t('web.common.close')}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!dirty}>
            {t('web.common.save')}
          </Button>
        </div>
      </form>

      <form onSubmit={resetPassword} className="form subsection" noValidate>
        <h3>{t('web.users.reset.title')}</h3>
        <p className="card-description">{t('web.users.reset.description')}</p>
        <FormError error={pwError} shownFields={['password']} />
        <div className="inline-fields">
          <Field label={t('web.users.reset.password')} error={pwLocal ?? pwFe.password} className="grow" hint={t('web.me.password.hint', { min: MIN_PASSWORD })}>
            <input type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <div className="inline-submit">
            <Button type="submit" variant="danger" busy={pwBusy}>
              {t('web.users.reset.submit')}
            </Button>
          </div>
        </div>
      </form>
    </div>
  );
}
