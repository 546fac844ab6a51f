import { useState, type FormEvent } from 'react';
import { api, type User } from '../api';
import { LanguageSelect } from '../components/LanguageSelect';
import { LogoMark } from '../components/icons';
import { Button, Field, FormError, fieldErrorsOf } from '../components/ui';
import { useI18n } from '../i18n';
import { useSession } from '../session';

export function Login() {
  const { t } = useI18n();
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fe = fieldErrorsOf(error);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ user: User; csrfToken: string }>('/api/auth/login', { email: email.trim(), password }, { allowUnauthorized: true });
      signedIn(res.user);
    } catch (err) {
      setError(err);
      setPassword('');
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <div className="auth-top">
        <LanguageSelect />
      </div>
      <div className="auth-center">
        <div className="auth-brand">
          <LogoMark size={36} />
          <span className="brand-name">Partnerdesk</span>
        </div>
        <main className="auth-card">
          <h1>{t('web.login.title')}</h1>
          <p className="auth-subtitle">{t('web.login.subtitle')}</p>
          <form onSubmit={submit} noValidate>
            <FormError error={error} shownFields={['email', 'password']} />
            <Field label={t('web.login.email')} error={fe.email}>
              <input type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
            </Field>
            <Field label={t('web.login.password')} error={fe.password}>
              <input type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
            </Field>
            <Button type="submit" variant="primary" className="btn-block" busy={busy}>
              {busy ? t('web.login.submitting') : t('web.login.submit')}
            </Button>
          </form>
        </main>
        <p className="auth-footnote">{t('web.login.footnote')}</p>
      </div>
    </div>
  );
}
