import { useMemo, type SelectHTMLAttributes } from 'react';
import { LOCALES, LOCALE_NAMES, isLocale, timeZones, type Locale } from '../i18n';

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'children'>;

/** A <select> of the desk's languages, each named in itself. Extra props (id, aria-*) come from <Field>. */
export function LocalePicker({ value, onChange, ...rest }: SelectProps & { value: Locale; onChange: (l: Locale) => void }) {
  return (
    <select {...rest} value={value} onChange={(e) => isLocale(e.target.value) && onChange(e.target.value)}>
      {LOCALES.map((l) => (
        <option key={l} value={l} lang={l}>
          {LOCALE_NAMES[l]}
        </option>
      ))}
    </select>
  );
}

/** A <select> of IANA time zones (UTC first), always including the current value. */
export function TimeZonePicker({ value, onChange, ...rest }: SelectProps & { value: string; onChange: (tz: string) => void }) {
  const zones = useMemo(() => timeZones(value), [value]);
  return (
    <select {...rest} value={value} onChange={(e) => onChange(e.target.value)}>
      {zones.map((z) => (
        <option key={z} value={z}>
          {z.replaceAll('_', ' ')}
        </option>
      ))}
    </select>
  );
}
