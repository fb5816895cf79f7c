// Owns: the language switch (Vietnamese / English).
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n/index.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="lang">
      <span className="sr-only">{t('app.language')}</span>
      <select value={i18n.language} onChange={(e) => void i18n.changeLanguage(e.target.value)} aria-label={t('app.language')}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}
