import { useId, useState } from 'react';
import { LOCALES, LOCALE_NAMES, isLocale, useI18n } from '../i18n';
import { useSession } from '../session';
import { Icon } from './icons';
import { cx, useErrorText, useToast } from './ui';

/** The language switch: a labelled <select>; signed in, the choice is saved on the user. */
export function LanguageSelect({ compact }: { compact?: boolean }) {
  const { t } = useI18n();
  const { locale, changeLocale } = useSession();
  const [busy, setBusy] = useState(false);
  const toast = useToast();
  const errorText = useErrorText();
  const id = useId();
  return (
    <div className={cx('lang-select', compact && 'lang-select-compact')}>
      <label htmlFor={id} className={compact ? 'sr-only' : 'lang-label'}>
        {t('web.lang.label')}
      </label>
      <span className="lang-icon">
        <Icon name="globe" size={15} />
      </span>
      <select
        id={id}
        value={locale}
        disabled={busy}
        onChange={(e) => {
          const l = e.target.value;
          if (!isLocale(l)) return;
          setBusy(true);
          changeLocale(l)
            .catch((err: unknown) => toast('danger', errorText(err)))
            .finally(() => setBusy(false));
        }}
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
