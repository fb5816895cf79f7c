// Owns: the reading view's report buttons (R7.6, R7.7): "Báo cáo thư rác / virus" files a spam or
// virus ticket with the message attached and moves it to Junk; "Báo lỗi" files a fault ticket for
// the network administrator with the message attached. A unit mailbox's message cannot be attached
// (tickets keep the reporter's own messages): the report then names its subject.
import { useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import '../workqueue/texts.ts';
import '../workqueue/extras.css';
import type { Email } from '../api/types.ts';
import { roleBox, useMailboxes } from '../mail/data.ts';
import { useMailActions } from '../mail/actions.ts';
import { toast } from '../layout/Toasts.tsx';
import { HttpError } from '../api/http.ts';
import { refOf } from '../workqueue/api.ts';
import { fileTicket, type TicketCategory } from './api.ts';

export function ReportButtons({ accountId, mailboxId, email, personal, backHref }: { accountId: string; mailboxId: string; email: Email; personal: boolean; backHref: string }) {
  const { t, i18n } = useTranslation();
  const nav = useNavigate();
  const boxes = useMailboxes(accountId);
  const act = useMailActions(accountId);
  const dialog = useRef<HTMLDialogElement>(null);
  const [kind, setKind] = useState<'spam' | 'fault'>('spam');
  const [category, setCategory] = useState<TicketCategory>('spam');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = { title: useId(), text: useId(), cat: useId() };
  const junk = roleBox(boxes.data, 'junk');
  const here = boxes.data?.find((b) => b.id === mailboxId);

  function open(k: 'spam' | 'fault') {
    setKind(k);
    setCategory(k === 'spam' ? 'spam' : 'fault');
    setText(k === 'spam' ? t('report.spamDefault') : '');
    dialog.current?.showModal();
  }

  async function send(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const ref = refOf(email.id);
      const subject = email.subject ?? '';
      const { ticket } = await fileTicket({
        category,
        text: personal ? text : `${text}\n\n[${subject}]`,
        ...(personal && ref ? { message: { mailboxId: ref.folderId, uid: ref.uid } } : { subject }),
      });
      dialog.current?.close();
      toast(t('report.filed', { id: ticket.id }));
      if (kind === 'spam' && junk && here?.role !== 'junk' && !(here && junk.id === here.id)) {
        await act.move([email.id], mailboxId, junk.id);
        toast(t('report.movedJunk'));
        nav(backHref);
      }
    } catch (err) {
      toast(err instanceof HttpError ? (i18n.language === 'en' ? err.messageEn : err.message) : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="report-bar">
      <button type="button" onClick={() => open('spam')} data-action="report-spam">
        {t('report.spam')}
      </button>
      <button type="button" onClick={() => open('fault')} data-action="report-fault">
        {t('report.fault')}
      </button>
      <dialog ref={dialog} className="report-dialog" aria-labelledby={ids.title}>
        <form method="dialog" onSubmit={(e) => void send(e)}>
          <h2 id={ids.title}>{kind === 'spam' ? t('report.dialogSpam') : t('report.dialogFault')}</h2>
          {kind === 'spam' && (
            <label htmlFor={ids.cat}>
              {t('report.category')}{' '}
              <select id={ids.cat} value={category} onChange={(e) => setCategory(e.target.value as TicketCategory)}>
                <option value="spam">{t('report.spamCat')}</option>
                <option value="virus">{t('report.virusCat')}</option>
              </select>
            </label>
          )}
          <label htmlFor={ids.text}>{t('report.text')}</label>
          <textarea
            id={ids.text}
            rows={4}
            required
            maxLength={20000}
            value={text}
            placeholder={kind === 'fault' ? t('report.faultPlaceholder') : undefined}
            onChange={(e) => setText(e.target.value)}
          />
          <p className="wq-from">{personal ? t('report.attachedNote') : t('report.notAttached')}</p>
          <div className="actions">
            <button type="button" onClick={() => dialog.current?.close()}>
              {t('report.cancel')}
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {t('report.send')}
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}
