import { Button } from '../components/ui';
import { useI18n } from '../i18n';
import { navigate } from '../router';

export function NotFound({ path }: { path: string }) {
  const { t } = useI18n();
  return (
    <div className="message-page">
      <p className="message-code">404</p>
      <h1>{t('web.errors.not_found_title')}</h1>
      <p className="muted">{t('web.errors.not_found_body', { path })}</p>
      <Button variant="primary" onClick={() => navigate('/')}>
        {t('web.errors.back_home')}
      </Button>
    </div>
  );
}

export function Forbidden() {
  const { t } = useI18n();
  return (
    <div className="message-page">
      <p className="message-code">403</p>
      <h1>{t('web.errors.forbidden_title')}</h1>
      <p className="muted">{t('web.errors.forbidden_body')}</p>
      <Button variant="primary" onClick={() => navigate('/')}>
        {t('web.errors.back_home')}
      </Button>
    </div>
  );
}
