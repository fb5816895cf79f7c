// Owns: the mail screen of one folder: its header (name, count, threads switch, search), the
// list, and the reading pane (on a phone: the list, or the message when one is open).
import { lazy, Suspense, useCallback } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMailboxes } from './data.ts';
import { mailboxLabel } from './folderNames.ts';
import { MessageList } from './MessageList.tsx';
import { setPref, usePref } from './prefs.ts';
import { EmptyTrashButton } from './EmptyTrashButton.tsx';
import { useShortcuts } from '../settings/useShortcuts.ts';

// The reading view (and DOMPurify) loads when a message is first opened.
const ReadingView = lazy(async () => ({ default: (await import('../reading/ReadingView.tsx')).ReadingView }));

export function MailPage() {
  const { t } = useTranslation();
  const { accountId = '', mailboxId = '', emailId } = useParams();
  const [params] = useSearchParams();
  const text = params.get('q') ?? '';
  const threads = usePref('threads', false);
  const boxes = useMailboxes(accountId);
  const box = boxes.data?.find((b) => b.id === mailboxId);
  const suffix = text ? `?q=${encodeURIComponent(text)}` : '';
  const linkFor = useCallback((id: string) => `/mail/${accountId}/${mailboxId}/${id}${suffix}`, [accountId, mailboxId, suffix]);
  useShortcuts({ accountId, emailId });
  const title = box ? mailboxLabel(box, t) : '';
  return (
    <div className={`mail${emailId ? ' reading' : ''}`}>
      <section className="list-pane" aria-labelledby="list-title">
        <div className="list-head">
          <h1 id="list-title">{text ? t('list.results', { q: text }) : title}</h1>
          {text && <Link to={`/mail/${accountId}/${mailboxId}`}>{t('list.clearSearch')}</Link>}
          <label className="switch">
            <input type="checkbox" checked={threads} onChange={(e) => setPref('threads', e.target.checked)} />
            {t('list.threads')}
          </label>
          {box?.role === 'trash' && box.totalEmails > 0 && <EmptyTrashButton accountId={accountId} mailboxId={mailboxId} />}
        </div>
        <MessageList query={{ accountId, mailboxId, text, threads }} selectedId={emailId} sentView={box?.role === 'sent' || box?.role === 'drafts'} linkFor={linkFor} />
      </section>
      <section className="read-pane" aria-label={t('read.title')}>
        {emailId ? (
          <Suspense fallback={<p role="status">{t('app.loading')}</p>}>
            <ReadingView key={emailId} accountId={accountId} mailboxId={mailboxId} emailId={emailId} backHref={`/mail/${accountId}/${mailboxId}${suffix}`} />
          </Suspense>
        ) : (
          <p className="none">{t('read.none')}</p>
        )}
      </section>
    </div>
  );
}
