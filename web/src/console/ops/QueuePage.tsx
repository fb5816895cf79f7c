// Owns: the outbound queue screen (issue 11; the API of issue 3): the messages waiting, filtered by
// state (sending, on hold), each recipient's state, attempts and last error; retry now and delete.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './ops.css';
import '../../workqueue/extras.css';
import { deleteQueued, retryQueued, useQueue, type QueueEntry } from './api.ts';
import { formatBytes } from './charts.tsx';
import { OpsNav } from './OpsNav.tsx';
import { Grid, QueryList } from '../QueryList.tsx';
import { toast } from '../../layout/Toasts.tsx';

export function QueuePage() {
  const { t, i18n } = useTranslation();
  const q = useQueue();
  const qc = useQueryClient();
  const [state, setState] = useState<'all' | 'active' | 'hold'>('all');
  const loc = i18n.language === 'en' ? 'en-GB' : 'vi-VN';
  const when = (ms: number) => new Date(ms).toLocaleString(loc, { dateStyle: 'short', timeStyle: 'short' });
  async function act(e: QueueEntry, op: 'retry' | 'delete') {
    if (op === 'delete' && !window.confirm(t('ops.queue.confirmDelete', { id: e.id }))) return;
    try {
      if (op === 'retry') await retryQueued(e.id);
      else await deleteQueued(e.id);
      toast(t(op === 'retry' ? 'ops.queue.retried' : 'ops.queue.deleted', { id: e.id }));
    } catch (err) {
      toast((err as Error).message);
    }
    await qc.invalidateQueries({ queryKey: ['ops', 'queue'] });
    await qc.invalidateQueries({ queryKey: ['ops', 'metrics'] });
  }
  const list = (q.data ?? []).filter((e) => state === 'all' || e.state === state);
  return (
    <div className="page ops-page">
      <OpsNav />
      <h1>{t('ops.queue.title')}</h1>
      <p className="ops-filters">
        <label htmlFor="q-state">{t('ops.queue.filter')}</label>{' '}
        <select id="q-state" data-testid="queue-filter" value={state} onChange={(e) => setState(e.target.value as typeof state)}>
          <option value="all">{t('ops.queue.all')}</option>
          <option value="active">{t('ops.queue.active')}</option>
          <option value="hold">{t('ops.queue.hold')}</option>
        </select>{' '}
        <button type="button" onClick={() => void q.refetch()}>
          {t('ops.refresh')}
        </button>
      </p>
      <QueryList query={q} items={list} loading={t('ops.loading')} failed={(e) => <p role="alert">{t('ops.error', { message: e.message })}</p>} empty={t('ops.queue.empty')}>
        {(rows) => (
          <Grid testId="queue-table" columns={[t('ops.queue.id'), t('ops.queue.sender'), t('ops.queue.recipients'), t('ops.queue.size'), t('ops.queue.created'), { srOnly: t('ops.queue.retry') }]}>
            {rows.map((e) => (
              <tr key={e.id} data-queue-id={e.id}>
                <td>
                  #{e.id} <span className="state-tag">{t(`ops.queue.${e.state === 'hold' ? 'hold' : 'active'}`)}</span>
                </td>
                <td>{e.sender || '<>'}</td>
                <td>
                  <ul className="ops-rcpts">
                    {e.recipients.map((r) => (
                      <li key={r.id}>
                        {r.recipient} — {t(`ops.queue.rstate.${r.state}`)}, {t('ops.queue.attempts', { n: r.attempts })}
                        {r.state === 'queued' || r.state === 'deferred' ? `, ${t('ops.queue.next', { at: when(r.nextAttemptAt) })}` : ''}
                        {r.lastError && (
                          <div className="ops-error">
                            {t('ops.queue.lastError')}: {r.status ? `${r.status} ` : ''}
                            {r.lastError}
                          </div>
                        )}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>{formatBytes(e.size)}</td>
                <td>{when(e.createdAt)}</td>
                <td className="ops-actions">
                  <button type="button" onClick={() => void act(e, 'retry')}>
                    {t('ops.queue.retry')}
                  </button>
                  <button type="button" className="danger" onClick={() => void act(e, 'delete')}>
                    {t('ops.queue.delete')}
                  </button>
                </td>
              </tr>
            ))}
          </Grid>
        )}
      </QueryList>
    </div>
  );
}
