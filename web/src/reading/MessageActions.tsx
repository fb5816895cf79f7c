// Owns: the reading view's toolbar: reply, reply all, forward, flag, unread, move, spam / not spam, delete.
import { Link, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { Email } from '../api/types.ts';
import { roleBox, useMailboxes } from '../mail/data.ts';
import { useMailActions } from '../mail/actions.ts';
import { mailboxLabel } from '../mail/folderNames.ts';
import { toast } from '../layout/Toasts.tsx';

export function MessageActions({ accountId, mailboxId, email, backHref, readOnly }: { accountId: string; mailboxId: string; email: Email; backHref: string; readOnly: boolean }) {
  const { t } = useTranslation();
  const nav = useNavigate();
  const boxes = useMailboxes(accountId);
  const act = useMailActions(accountId);
  const trash = roleBox(boxes.data, 'trash');
  const junk = roleBox(boxes.data, 'junk');
  const inbox = roleBox(boxes.data, 'inbox');
  const here = boxes.data?.find((b) => b.id === mailboxId);
  const flagged = !!email.keywords.$flagged;
  const compose = (mode: string) => `/compose?mode=${mode}&account=${encodeURIComponent(accountId)}&id=${encodeURIComponent(email.id)}`;

  async function moveTo(target: string | undefined, message: string) {
    if (!target) return;
    await act.move([email.id], mailboxId, target);
    toast(message);
    nav(backHref);
  }

  async function remove() {
    if (here?.role === 'trash' || !trash) await act.destroy([email.id]);
    else await act.move([email.id], mailboxId, trash.id);
    toast(t('read.deleted'));
    nav(backHref);
  }

  return (
    <div className="toolbar" role="toolbar" aria-label={t('read.title')}>
      <Link to={backHref} className="button back-to-list">
        {t('read.backToList')}
      </Link>
      {email.keywords.$draft && !readOnly && (
        <Link to={compose('draft')} className="button primary" data-action="edit-draft">
          {t('read.editDraft')}
        </Link>
      )}
      <Link to={compose('reply')} className="button" data-action="reply">
        {t('read.reply')}
      </Link>
      <Link to={compose('replyAll')} className="button" data-action="replyAll">
        {t('read.replyAll')}
      </Link>
      <Link to={compose('forward')} className="button" data-action="forward">
        {t('read.forward')}
      </Link>
      {!readOnly && (
        <>
          <button type="button" aria-pressed={flagged} onClick={() => void act.setKeyword([email.id], '$flagged', !flagged)} data-action="flag">
            {flagged ? t('read.unflag') : t('read.flag')}
          </button>
          <button type="button" onClick={() => void act.setKeyword([email.id], '$seen', false).then(() => nav(backHref))} data-action="unread">
            {t('read.markUnread')}
          </button>
          {here?.role === 'junk' ? (
            <button type="button" onClick={() => void moveTo(inbox?.id, t('read.moved'))}>
              {t('read.notSpam')}
            </button>
          ) : (
            junk && (
              <button type="button" onClick={() => void moveTo(junk.id, t('read.moved'))}>
                {t('read.spam')}
              </button>
            )
          )}
          <label className="move">
            <span className="sr-only">{t('read.moveTo')}</span>
            <select value="" onChange={(e) => void moveTo(e.target.value, t('read.moved'))} aria-label={t('read.moveTo')}>
              <option value="">{t('read.move')}</option>
              {boxes.data
                ?.filter((b) => b.id !== mailboxId)
                .map((b) => (
                  <option key={b.id} value={b.id}>
                    {mailboxLabel(b, t)}
                  </option>
                ))}
            </select>
          </label>
          <button type="button" className="danger" onClick={() => void remove()} data-action="delete">
            {t('read.delete')}
          </button>
        </>
      )}
    </div>
  );
}
