// Owns: the lists of requests — the agency portal ("Yêu cầu của đơn vị": an agency head's or clerk's
// subtree, as the API scopes it, with filters by state, kind, overdue and "filed by me") and the
// Provincial Office's approval queue (pending first, the overdue flag from the working-day SLA,
// failed executions to retry, approved ones waiting to run).
import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import '../workqueue/extras.css';
import './requests.css';
import { ITEM_KINDS, STATES, useRequests, errorText, type ListFilter, type RequestView } from './api.ts';
import { formats, useStanding } from './roles.ts';

function RequestTable({ rows, testId }: { rows: RequestView[]; testId: string }) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  if (!rows.length) return <p>{t('rq.none')}</p>;
  return (
    <table className="grid" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{t('rq.id')}</th>
          <th scope="col">{t('rq.kind')}</th>
          <th scope="col">{t('rq.summary')}</th>
          <th scope="col">{t('rq.unit')}</th>
          <th scope="col">{t('rq.state')}</th>
          <th scope="col">{t('rq.requester')}</th>
          <th scope="col">{t('rq.created')}</th>
          <th scope="col">{t('rq.due')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-request={r.id}>
            <td>
              <Link to={`/requests/${r.id}`} aria-label={`${t('rq.open')} #${r.id}`}>
                #{r.id}
              </Link>
            </td>
            <td>{t(`rq.kinds.${r.kind}`)}</td>
            <td>{r.summary}</td>
            <td>{r.unitCode ?? '—'}</td>
            <td>
              <span className={`state-tag${r.state === 'executed' || r.state === 'notified' ? ' done' : ''}`}>{t(`rq.states.${r.state}`)}</span>
            </td>
            <td>{r.requester}</td>
            <td>{f.day(r.createdAt)}</td>
            <td>
              {f.day(r.dueAt)} {r.overdue && <span className="rq-overdue">{t('rq.overdue')}</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Filters({ value, onChange, withMine }: { value: ListFilter; onChange: (f: ListFilter) => void; withMine: boolean }) {
  const { t } = useTranslation();
  return (
    <form className="filters rq-filters" aria-label={t('rq.filters')} onSubmit={(e) => e.preventDefault()}>
      <label>
        {t('rq.state')}
        <select value={value.state ?? ''} onChange={(e) => onChange({ ...value, state: e.target.value || undefined })}>
          <option value="">{t('rq.all')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`rq.states.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('rq.kind')}
        <select value={value.kind ?? ''} onChange={(e) => onChange({ ...value, kind: e.target.value || undefined })}>
          <option value="">{t('rq.all')}</option>
          {[...ITEM_KINDS, 'batch'].map((k) => (
            <option key={k} value={k}>
              {t(`rq.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="wq-check">
        <input type="checkbox" checked={!!value.overdue} onChange={(e) => onChange({ ...value, overdue: e.target.checked })} /> {t('rq.overdueOnly')}
      </label>
      {withMine && (
        <label className="wq-check">
          <input type="checkbox" checked={!!value.mine} onChange={(e) => onChange({ ...value, mine: e.target.checked })} /> {t('rq.mineOnly')}
        </label>
      )}
    </form>
  );
}

/** The agency portal: my unit's requests. */
export function RequestsPage() {
  const { t, i18n } = useTranslation();
  const st = useStanding();
  const [filter, setFilter] = useState<ListFilter>({});
  const list = useRequests(filter);
  return (
    <div className="page">
      <h1>{t('rq.portal')}</h1>
      {st && !st.approver && <p className="rq-note">{st.clerkOnly ? t('rq.roleNote.clerk') : t('rq.roleNote.head')}</p>}
      <p className="rq-actions">
        <Link to="/requests/new">{t('rq.newRequest')}</Link>
        <Link to="/requests/batch">{t('rq.batch')}</Link>
      </p>
      <Filters value={filter} onChange={setFilter} withMine />
      {list.isPending ? <p role="status">{t('rq.loading')}</p> : list.error ? <p className="rq-error">{errorText(list.error, i18n.language)}</p> : <RequestTable rows={list.data} testId="requests" />}
    </div>
  );
}

/** The Provincial Office's approval queue. */
export function ApprovalsPage() {
  const { t, i18n } = useTranslation();
  const [filter, setFilter] = useState<ListFilter>({ state: 'submitted' });
  const list = useRequests(filter);
  const failed = useRequests({ state: 'failed' });
  return (
    <div className="page">
      <h1>{t('rq.queue')}</h1>
      <p className="rq-note">{t('rq.queueIntro')}</p>
      <Filters value={filter} onChange={setFilter} withMine={false} />
      {list.isPending ? <p role="status">{t('rq.loading')}</p> : list.error ? <p className="rq-error">{errorText(list.error, i18n.language)}</p> : <RequestTable rows={list.data} testId="queue" />}
      {filter.state !== 'failed' && !!failed.data?.length && (
        <section aria-labelledby="rq-failed">
          <h2 id="rq-failed">{t('rq.states.failed')}</h2>
          <RequestTable rows={failed.data} testId="queue-failed" />
        </section>
      )}
    </div>
  );
}
