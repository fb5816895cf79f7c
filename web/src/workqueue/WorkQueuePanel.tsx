// Owns: the work-queue panel under a unit mailbox's message in the reading view (R8.4): who it is
// assigned to, handled or not, the internal note — saved together — and the history with who and when.
// Shown only when the server says the user works this unit mailbox's queue.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './extras.css';
import { refOf, useMembers, useUpdateWorkItem, useWorkItem } from './api.ts';
import { toast } from '../layout/Toasts.tsx';
import { HttpError } from '../api/http.ts';

export function WorkQueuePanel({ address, emailId }: { address: string; emailId: string }) {
  const { t, i18n } = useTranslation();
  const ref = refOf(emailId);
  const members = useMembers(address);
  const item = useWorkItem(members.data ? address : undefined, ref?.folderId, ref?.uid);
  const update = useUpdateWorkItem(address);
  const [assignee, setAssignee] = useState('');
  const [handled, setHandled] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = { assignee: useId(), note: useId(), heading: useId() };
  useEffect(() => {
    if (!item.data) return;
    setAssignee(item.data.assignee ?? '');
    setHandled(item.data.handled);
    setNote(item.data.note);
  }, [item.data?.updatedAt, item.data?.mailboxId, item.data?.uid]);
  if (!ref || !members.data || !item.data) return null;

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!ref) return;
    setBusy(true);
    try {
      await update(ref.folderId, ref.uid, { assignee: assignee || null, handled, note });
      toast(t('wq.saved'));
    } catch (err) {
      toast(err instanceof HttpError ? (i18n.language === 'en' ? err.messageEn : err.message) : String(err));
    } finally {
      setBusy(false);
    }
  }

  const when = (ms: number) => new Date(ms).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'short', timeStyle: 'short' });
  return (
    <section className="wq-panel" aria-labelledby={ids.heading}>
      <h3 id={ids.heading}>{t('wq.title')}</h3>
      <form onSubmit={(e) => void save(e)} className="wq-form">
        <label htmlFor={ids.assignee}>{t('wq.assignee')}</label>
        <select id={ids.assignee} value={assignee} onChange={(e) => setAssignee(e.target.value)} data-testid="wq-assignee">
          <option value="">{t('wq.nobody')}</option>
          {members.data.map((m) => (
            <option key={m.address} value={m.address}>
              {m.name ? `${m.name} <${m.address}>` : m.address}
            </option>
          ))}
        </select>
        <label className="wq-check">
          <input type="checkbox" checked={handled} onChange={(e) => setHandled(e.target.checked)} data-testid="wq-handled" />
          {t('wq.handled')}
        </label>
        <label htmlFor={ids.note}>{t('wq.note')}</label>
        <textarea id={ids.note} rows={2} maxLength={1000} value={note} placeholder={t('wq.notePlaceholder')} onChange={(e) => setNote(e.target.value)} data-testid="wq-note" />
        <button type="submit" className="primary" disabled={busy}>
          {t('wq.save')}
        </button>
      </form>
      <details className="wq-history">
        <summary>{t('wq.history')}</summary>
        {item.data.history.length === 0 ? (
          <p>{t('wq.noHistory')}</p>
        ) : (
          <ol>
            {item.data.history.map((h, i) => (
              <li key={i}>
                <time dateTime={new Date(h.at).toISOString()}>{when(h.at)}</time> — {h.actor}: {t(`wq.kind.${h.kind}`, { value: h.value })}
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
