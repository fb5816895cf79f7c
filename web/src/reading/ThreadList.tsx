// Owns: the other messages of the conversation a message belongs to (Thread/get + Email/get), as
// links, oldest first, when there are any.
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { jmap } from '../api/jmap.ts';
import type { Email } from '../api/types.ts';
import { shortDate, who } from '../mail/format.ts';

export function ThreadList({ accountId, email }: { accountId: string; email: Email }) {
  const { t, i18n } = useTranslation();
  const q = useQuery({
    queryKey: ['thread', accountId, email.threadId],
    queryFn: async () => {
      const r = await jmap([
        ['Thread/get', { accountId, ids: [email.threadId] }, 't'],
        ['Email/get', { accountId, '#ids': { resultOf: 't', name: 'Thread/get', path: '/list/*/emailIds' }, properties: ['id', 'mailboxIds', 'subject', 'from', 'receivedAt', 'keywords'] }, 'g'],
      ]);
      return (r.g.list as Email[]).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    },
  });
  const others = (q.data ?? []).filter((e) => e.id !== email.id);
  if (others.length === 0) return null;
  return (
    <nav className="thread" aria-label={t('read.thread')}>
      <h3>{t('read.thread')}</h3>
      <ol>
        {(q.data ?? []).map((e) => (
          <li key={e.id}>
            {e.id === email.id ? (
              <span aria-current="true">
                {who(e.from)} — {shortDate(e.receivedAt, i18n.language)}
              </span>
            ) : (
              <Link to={`/mail/${accountId}/${Object.keys(e.mailboxIds)[0]}/${e.id}`}>
                {who(e.from)} — {shortDate(e.receivedAt, i18n.language)}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
