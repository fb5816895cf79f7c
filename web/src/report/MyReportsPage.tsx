// Owns: "Báo cáo của tôi" — the reporter's own tickets and their state (R7.6, R7.7): the list, one
// ticket's conversation, replying, closing and reopening it.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import '../workqueue/texts.ts';
import '../workqueue/extras.css';
import { useMyTickets, useTicket, useTicketActions, type Ticket } from './api.ts';
import { toast } from '../layout/Toasts.tsx';

function TicketView({ id }: { id: number }) {
  const { t, i18n } = useTranslation();
  const d = useTicket(id);
  const act = useTicketActions();
  const [text, setText] = useState('');
  if (!d.data) return <p role="status">{t('app.loading')}</p>;
  const tk = d.data.ticket;
  const when = (ms: number) => new Date(ms).toLocaleString(i18n.language === 'en' ? 'en-GB' : 'vi-VN', { dateStyle: 'short', timeStyle: 'short' });
  async function reply(e: FormEvent) {
    e.preventDefault();
    if (!text.trim()) return;
    await act.reply(id, text.trim());
    setText('');
  }
  return (
    <section aria-labelledby={`t-${id}`} className="wq-panel">
      <h2 id={`t-${id}`}>
        #{tk.id} {tk.subject}
      </h2>
      <p>
        <span className="state-tag">{t(`report.state.${tk.state}`)}</span> · {t(`report.cat.${tk.category}`)} · {t('report.filedAt')} {when(tk.createdAt)}
        {tk.assignee ? ` · ${t('report.assignee')}: ${tk.assignee}` : ''}
      </p>
      <p style={{ whiteSpace: 'pre-wrap' }}>{tk.body}</p>
      <h3>{t('report.replies')}</h3>
      <ol>
        {d.data.replies.map((r) => (
          <li key={r.id}>
            <strong>{r.author}</strong> ({when(r.createdAt)}): <span style={{ whiteSpace: 'pre-wrap' }}>{r.body}</span>
          </li>
        ))}
      </ol>
      {tk.state !== 'closed' && (
        <form onSubmit={(e) => void reply(e)} className="wq-form">
          <label htmlFor={`r-${id}`}>{t('report.reply')}</label>
          <textarea id={`r-${id}`} rows={2} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit">{t('report.reply')}</button>
        </form>
      )}
      <p>
        {tk.state === 'closed' || tk.state === 'answered' ? (
          <button type="button" onClick={() => void act.transition(id, 'reopen').catch((e) => toast(String(e)))}>
            {t('report.reopen')}
          </button>
        ) : null}{' '}
        {tk.state !== 'closed' && (
          <button type="button" onClick={() => void act.transition(id, 'close').catch((e) => toast(String(e)))}>
            {t('report.close')}
          </button>
        )}
      </p>
    </section>
  );
}

export function MyReportsPage() {
  const { t, i18n } = useTranslation();
  const list = useMyTickets();
  const [open, setOpen] = useState<number | null>(null);
  const when = (tk: Ticket) => new Date(tk.createdAt).toLocaleDateString(i18n.language === 'en' ? 'en-GB' : 'vi-VN');
  return (
    <div className="page">
      <h1>{t('report.mine')}</h1>
      {list.isPending ? (
        <p role="status">{t('app.loading')}</p>
      ) : !list.data?.length ? (
        <p>{t('report.none')}</p>
      ) : (
        <table className="grid" data-testid="my-tickets">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('compose.subject')}</th>
              <th scope="col">{t('report.category')}</th>
              <th scope="col">{t('wq.state')}</th>
              <th scope="col">{t('report.filedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((tk) => (
              <tr key={tk.id}>
                <td>{tk.id}</td>
                <td>
                  <button type="button" className="link" aria-expanded={open === tk.id} onClick={() => setOpen(open === tk.id ? null : tk.id)}>
                    {tk.subject || t('list.noSubject')}
                  </button>
                </td>
                <td>{t(`report.cat.${tk.category}`)}</td>
                <td>
                  <span className={`state-tag${tk.state === 'closed' ? ' done' : ''}`}>{t(`report.state.${tk.state}`)}</span>
                </td>
                <td>{when(tk)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== null && <TicketView id={open} />}
    </div>
  );
}
