// Owns: the unit mailbox's work queue as a list (R8.4): the messages of a folder with whom each is
// assigned to and whether it is handled, filtered by assignee (anyone, mine, nobody, a delegate) and
// state; the unit's head follows the unit's work here. Each row opens the message.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import './texts.ts';
import './extras.css';
import { call } from '../api/jmap.ts';
import type { Email } from '../api/types.ts';
import { accountsOf, useJmapSession, useMailboxes } from '../mail/data.ts';
import { mailboxLabel } from '../mail/folderNames.ts';
import { useMe } from '../auth/session.ts';
import { emailIdOf, useWorkQueue } from './api.ts';

const SHOWN = 200;

export function WorkQueuePage() {
  const { t, i18n } = useTranslation();
  const { accountId = '' } = useParams();
  const s = useJmapSession();
  const me = useMe();
  const account = s.data ? accountsOf(s.data).find((a) => a.id === accountId) : undefined;
  const boxes = useMailboxes(accountId);
  const [folder, setFolder] = useState('INBOX');
  const [who, setWho] = useState('');
  const [state, setState] = useState<'all' | 'open' | 'done'>('open');
  const assignee = who === 'me' ? me.data?.username : who || undefined;
  const q = useWorkQueue(account?.name, folder, { assignee, handled: state === 'all' ? undefined : state === 'done' });
  const items = q.data?.items.slice(0, SHOWN) ?? [];
  const ids = items.map((i) => emailIdOf(i.mailboxId, i.uid));
  const emails = useQuery<Map<string, Email>>({
    queryKey: ['work-queue-emails', accountId, ids.join(',')],
    enabled: ids.length > 0,
    queryFn: async () => new Map((await call<{ list: Email[] }>('Email/get', { accountId, ids, properties: ['id', 'subject', 'from', 'receivedAt'] })).list.map((e) => [e.id, e])),
  });
  const nameOf = (address: string | null) => (address ? (q.data?.members.find((m) => m.address === address)?.name ?? address) : t('wq.nobody'));
  const folders = (boxes.data ?? []).filter((b) => !b.parentId);
  return (
    <div className="page">
      <h1>{t('wq.queueTitle', { box: q.data ? `${q.data.unit.name} (${q.data.mailbox})` : (account?.name ?? '') })}</h1>
      {q.data?.isHead && <p>{t('wq.headNote')}</p>}
      <div className="filters" role="group" aria-label={t('wq.filter')}>
        <label>
          {t('wq.folder')}
          <select value={folder} onChange={(e) => setFolder(e.target.value)}>
            {folders.map((b) => (
              <option key={b.id} value={b.role === 'inbox' ? 'INBOX' : b.name}>
                {mailboxLabel(b, t)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('wq.assignee')}
          <select value={who} onChange={(e) => setWho(e.target.value)} data-testid="wq-filter-assignee">
            <option value="">{t('wq.anyone')}</option>
            <option value="me">{t('wq.mine')}</option>
            <option value="none">{t('wq.nobody')}</option>
            {q.data?.members.map((m) => (
              <option key={m.address} value={m.address}>
                {m.name ?? m.address}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('wq.state')}
          <select value={state} onChange={(e) => setState(e.target.value as 'all' | 'open' | 'done')} data-testid="wq-filter-state">
            <option value="all">{t('wq.all')}</option>
            <option value="open">{t('wq.open')}</option>
            <option value="done">{t('wq.done')}</option>
          </select>
        </label>
        <span role="status">{q.data ? t('wq.count', { count: q.data.items.length }) : ''}</span>
      </div>
      {q.isPending ? (
        <p role="status">{t('app.loading')}</p>
      ) : !q.data ? (
        <p role="alert">{t('app.error')}</p>
      ) : items.length === 0 ? (
        <p>{t('wq.empty')}</p>
      ) : (
        <table className="grid" data-testid="wq-table">
          <thead>
            <tr>
              <th scope="col">{t('compose.subject')}</th>
              <th scope="col">{t('wq.assignee')}</th>
              <th scope="col">{t('wq.state')}</th>
              <th scope="col">{t('wq.note')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => {
              const id = emailIdOf(i.mailboxId, i.uid);
              const e = emails.data?.get(id);
              return (
                <tr key={id}>
                  <td>
                    <Link to={`/mail/${accountId}/M${i.mailboxId}/${id}`}>{e?.subject || t('list.noSubject')}</Link>
                    {e && (
                      <div className="wq-from">
                        {(e.from?.[0]?.name || e.from?.[0]?.email) ?? ''} · {new Date(e.receivedAt).toLocaleDateString(i18n.language === 'en' ? 'en-GB' : 'vi-VN')}
                      </div>
                    )}
                  </td>
                  <td>{nameOf(i.assignee)}</td>
                  <td>
                    <span className={`state-tag${i.handled ? ' done' : ''}`}>{i.handled ? t('wq.done') : t('wq.open')}</span>
                  </td>
                  <td>{i.note}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
