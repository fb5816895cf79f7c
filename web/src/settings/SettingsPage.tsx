// Owns: the settings screen: language, threads, keyboard shortcuts (on/off and the list), out-of-office, names and signatures, password, exporting one's mail.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';
import { setPref, usePref } from '../mail/prefs.ts';
import { SHORTCUTS } from './useShortcuts.ts';
import { VacationSettings } from './VacationSettings.tsx';
import { IdentitySettings } from './IdentitySettings.tsx';

export function SettingsPage() {
  const { t } = useTranslation();
  const shortcuts = usePref('shortcuts', true);
  const threads = usePref('threads', false);
  return (
    <div className="settings">
      <h1>{t('settings.title')}</h1>
      <section aria-labelledby="set-lang">
        <h2 id="set-lang">{t('settings.language')}</h2>
        <LanguageSwitch />
        <label className="switch">
          <input type="checkbox" checked={threads} onChange={(e) => setPref('threads', e.target.checked)} />
          {t('settings.threads')}
        </label>
      </section>
      <section aria-labelledby="shortcuts" id="shortcuts-section">
        <h2 id="shortcuts">{t('settings.shortcuts')}</h2>
        <label className="switch">
          <input type="checkbox" checked={shortcuts} onChange={(e) => setPref('shortcuts', e.target.checked)} />
          {t('settings.shortcutsOn')}
        </label>
        <table className="keys">
          <caption className="sr-only">{t('keys.title')}</caption>
          <tbody>
            {SHORTCUTS.map(([k, label]) => (
              <tr key={k}>
                <th scope="row">
                  <kbd>{k}</kbd>
                </th>
                <td>{t(label)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="set-vacation">
        <h2 id="set-vacation">{t('settings.vacation')}</h2>
        <VacationSettings />
      </section>
      <section aria-labelledby="set-identities">
        <h2 id="set-identities">{t('settings.identities')}</h2>
        <IdentitySettings />
      </section>
      <section aria-labelledby="set-export">
        <h2 id="set-export">{t('settings.export')}</h2>
        <p>{t('settings.exportHelp')}</p>
        <p className="export-links">
          <a href="/api/v1/me/export?format=mbox" download>
            {t('settings.exportMbox')}
          </a>{' '}
          <a href="/api/v1/me/export?format=zip" download>
            {t('settings.exportZip')}
          </a>
        </p>
      </section>
      <section aria-labelledby="set-security">
        <h2 id="set-security">{t('settings.security')}</h2>
        <Link to="/change-password">{t('settings.changePassword')}</Link>
      </section>
    </div>
  );
}
