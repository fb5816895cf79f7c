// Owns: one row of the message list (sender, subject, preview, date; unread, flagged, attachment).
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Email } from '../api/types.ts';
import { shortDate, who } from './format.ts';
import { Snippet } from './Snippet.tsx';
import { WorkBadge } from '../workqueue/WorkBadge.tsx';

export function MessageRow({
  email,
  snippet,
  href,
  selected,
  sentView,
  index,
  total,
  height,
}: {
  email: Email;
  snippet?: { subject: string | null; preview: string | null };
  href: string;
  selected: boolean;
  sentView: boolean;
  index: number;
  total: number;
  height: number;
}) {
  const { t, i18n } = useTranslation();
  const unread = !email.keywords.$seen;
  const flagged = !!email.keywords.$flagged;
  const name = sentView ? who(email.to) : who(email.from);
  return (
    <li className={`row${unread ? ' unread' : ''}${selected ? ' selected' : ''}`} style={{ height }} aria-posinset={index + 1} aria-setsize={total}>
      <Link to={href} aria-current={selected ? 'true' : undefined} data-email-id={email.id}>
        <span className="row-top">
          <span className="row-from">{name}</span>
          <time className="row-date" dateTime={email.receivedAt}>
            {shortDate(email.receivedAt, i18n.language)}
          </time>
        </span>
        <span className="row-subject">
          {unread && <span className="sr-only">{t('list.unread')}: </span>}
          {flagged && (
            <span className="flag" role="img" aria-label={t('list.flagged')}>
              ⚑
            </span>
          )}
          {email.hasAttachment && (
            <svg className="clip" role="img" aria-label={t('list.attachment')} viewBox="0 0 16 16" width="14" height="14">
              <path d="M11 4v7a3 3 0 0 1-6 0V3.5a2 2 0 0 1 4 0V10a1 1 0 0 1-2 0V4" fill="none" stroke="currentColor" strokeWidth="1.4" />
            </svg>
          )}
          <WorkBadge keywords={email.keywords} />
          {snippet?.subject ? <Snippet html={snippet.subject} /> : email.subject || t('list.noSubject')}
        </span>
        <span className="row-preview">{snippet?.preview ? <Snippet html={snippet.preview} /> : email.preview}</span>
      </Link>
    </li>
  );
}
