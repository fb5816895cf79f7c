// Owns: the links under the folder pane to this engineer's screens: each unit mailbox's work queue
// (for the accounts delegated to the user), the directory, my reports and help.
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import '../workqueue/texts.ts';
import '../workqueue/extras.css';
import { accountsOf, useJmapSession } from '../mail/data.ts';

export function ExtraLinks() {
  const { t } = useTranslation();
  const s = useJmapSession();
  const units = s.data ? accountsOf(s.data).filter((a) => !a.isPersonal) : [];
  return (
    <ul className="extra-links" aria-label={t('nav.more')}>
      {units.map((a) => (
        <li key={a.id}>
          <Link to={`/workqueue/${a.id}`}>
            {t('nav.workQueue')}: {a.name}
          </Link>
        </li>
      ))}
      <li>
        <Link to="/directory">{t('nav.directory')}</Link>
      </li>
      <li>
        <Link to="/reports">{t('nav.reports')}</Link>
      </li>
      <li>
        <Link to="/help">{t('nav.help')}</Link>
      </li>
    </ul>
  );
}
