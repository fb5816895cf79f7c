// Owns: "/" — goes to the Inbox of the user's own account.
import { Navigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { MAIL } from '../api/jmap.ts';
import { roleBox, useJmapSession, useMailboxes } from './data.ts';

export function MailHome() {
  const { t } = useTranslation();
  const s = useJmapSession();
  const accountId = s.data?.primaryAccounts[MAIL];
  const boxes = useMailboxes(accountId);
  const inbox = roleBox(boxes.data, 'inbox') ?? boxes.data?.[0];
  if (accountId && inbox) return <Navigate to={`/mail/${accountId}/${inbox.id}`} replace />;
  if (s.error || boxes.error) return <p role="alert">{t('app.error')}</p>;
  return <p role="status">{t('app.loading')}</p>;
}
