// Owns: the note above the console's change forms: a change made here is outside the request process
// (the history records it as such, with its reason); routine changes go through a request, whose form
// is the portal's `/requests/new` (with the kind and the entity when one fits).
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../auth/session.ts';
import './texts.ts';

export function DirectChangeNote({ request }: { request?: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const sysadmin = (me.data?.roles ?? []).some((r) => r.role === 'sysadmin');
  return (
    <p className="cdir-note" role="note">
      {t('cdir.outside')} {!sysadmin && me.data ? t('cdir.outsideNotSysadmin') : null} <Link to={`/requests/new${request ? `?${request}` : ''}`}>{t('cdir.fileRequest')}</Link>
    </p>
  );
}
