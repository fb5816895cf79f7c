// Owns: the reading view of one message: actions, headers, body, attachments; marks it read.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useEmail, useJmapSession } from '../mail/data.ts';
import { useMailActions } from '../mail/actions.ts';
import { fullAddress, longDate } from '../mail/format.ts';
import type { EmailAddress } from '../api/types.ts';
import { MessageActions } from './MessageActions.tsx';
import { MessageBody } from './MessageBody.tsx';
import { AttachmentList } from './AttachmentList.tsx';
import { ThreadList } from './ThreadList.tsx';
import { MessageExtras } from '../workqueue/MessageExtras.tsx';

function Addresses({ label, list }: { label: string; list: EmailAddress[] | null | undefined }) {
  if (!list?.length) return null;
  return (
    <div className="hdr">
      <dt>{label}</dt>
      <dd>{list.map(fullAddress).join(', ')}</dd>
    </div>
  );
}

export function ReadingView({ accountId, mailboxId, emailId, backHref }: { accountId: string; mailboxId: string; emailId: string; backHref: string }) {
  const { t, i18n } = useTranslation();
  const q = useEmail(accountId, emailId);
  const session = useJmapSession();
  const act = useMailActions(accountId);
  const email = q.data;
  const readOnly = session.data?.accounts[accountId]?.isReadOnly ?? true;
  useEffect(() => {
    if (email && !email.keywords.$seen) void act.setKeyword([email.id], '$seen', true).catch(() => undefined);
  }, [email?.id]);
  if (q.isPending) return <p role="status">{t('app.loading')}</p>;
  if (!email) return <p role="alert">{t('app.error')}</p>;
  return (
    <article className="message" aria-labelledby="msg-subject">
      <MessageActions accountId={accountId} mailboxId={mailboxId} email={email} backHref={backHref} readOnly={readOnly} />
      <MessageExtras accountId={accountId} mailboxId={mailboxId} email={email} backHref={backHref} />
      <h2 id="msg-subject" className="subject" tabIndex={-1}>
        {email.subject || t('list.noSubject')}
      </h2>
      <dl className="headers">
        <Addresses label={t('read.from')} list={email.from} />
        <Addresses label={t('read.to')} list={email.to} />
        <Addresses label={t('read.cc')} list={email.cc} />
        <div className="hdr">
          <dt>{t('read.date')}</dt>
          <dd>
            <time dateTime={email.sentAt ?? email.receivedAt}>{longDate(email.sentAt ?? email.receivedAt, i18n.language)}</time>
          </dd>
        </div>
      </dl>
      <AttachmentList accountId={accountId} parts={(email.attachments ?? []).filter((p) => !p.cid || p.disposition === 'attachment')} />
      <MessageBody accountId={accountId} email={email} />
      <ThreadList accountId={accountId} email={email} />
    </article>
  );
}
