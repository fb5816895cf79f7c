// Owns: one request's page — its state (overdue flag, reason of a rejection or failure), what it asks
// (rows and results), its documents (download the scan, add one), its timeline (every transition,
// who and when), and the steps the user may take: submit / sign off, withdraw (agency), approve,
// reject with a reason, execute or retry (Provincial Office); the one-time credential and the
// credential letter of a joiner or password reset; the handover record and its acknowledgement.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import '../workqueue/extras.css';
import './requests.css';
import { addDocument, errorText, step, useHandover, useInvalidateRequests, useRequest, type RequestDetail, type Step } from './api.ts';
import { formats, useStanding, type Standing } from './roles.ts';
import { DocumentFields } from './NewRequestPage.tsx';
import { CredentialPanel, HandoverPanel } from './RequestExtras.tsx';
import { toast } from '../layout/Toasts.tsx';

function Actions({ r, st, onError }: { r: RequestDetail; st: Standing; onError: (e: string | null) => void }) {
  const { t, i18n } = useTranslation();
  const invalidate = useInvalidateRequests();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  async function go(s: Step, body: Record<string, string> = {}) {
    if (s === 'withdraw' && !window.confirm(t('rq.step.withdrawConfirm'))) return;
    onError(null);
    setBusy(true);
    try {
      const v = await step(r.id, s, body);
      toast(t('rq.step.done', { state: t(`rq.states.${v.state}`) }));
    } catch (x) {
      onError(errorText(x, i18n.language));
    } finally {
      setBusy(false);
      invalidate(r.id);
    }
  }
  const btn = (s: Step, label: string, body?: Record<string, string>) => (
    <button type="button" disabled={busy} onClick={() => void go(s, body)}>
      {label}
    </button>
  );
  const agency = !st.approver || r.requester === st.address;
  return (
    <div className="rq-actions" role="group" aria-label={t('rq.state')}>
      {r.state === 'draft' && btn('submit', st.clerkOnly ? t('rq.step.submitClerk') : t('rq.step.submitHead'))}
      {r.state === 'awaiting-signoff' && st.head && btn('submit', t('rq.step.signoff'))}
      {['draft', 'awaiting-signoff', 'submitted'].includes(r.state) && agency && btn('withdraw', t('rq.step.withdraw'))}
      {st.approver && r.state === 'submitted' && btn('approve', t('rq.step.approve'))}
      {st.approver && (r.state === 'submitted' || r.state === 'awaiting-signoff') && (
        <form
          className="rq-actions"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            void go('reject', { reason });
          }}
        >
          <label>
            {t('rq.step.rejectReason')} <input value={reason} onChange={(e) => setReason(e.target.value)} size={40} />
          </label>
          <button type="submit" disabled={busy}>
            {t('rq.step.reject')}
          </button>
        </form>
      )}
      {st.sysadmin && r.state === 'scheduled' && btn('execute', t('rq.step.execute'))}
      {st.sysadmin && r.state === 'failed' && btn('execute', t('rq.step.retry'))}
    </div>
  );
}

function AddDocument({ id, onError }: { id: number; onError: (e: string | null) => void }) {
  const { t, i18n } = useTranslation();
  const invalidate = useInvalidateRequests();
  const [doc, setDoc] = useState({ number: '', date: '', signer: '' });
  const [file, setFile] = useState<File | null>(null);
  async function save(e: FormEvent) {
    e.preventDefault();
    onError(null);
    try {
      await addDocument(id, doc, file);
      toast(t('rq.doc.added'));
      setDoc({ number: '', date: '', signer: '' });
    } catch (x) {
      onError(errorText(x, i18n.language));
    } finally {
      invalidate(id);
    }
  }
  return (
    <form className="rq-form" onSubmit={(e) => void save(e)}>
      <DocumentFields doc={doc} setDoc={setDoc} onFile={setFile} required={false} />
      <div className="rq-actions">
        <button type="submit">{t('rq.doc.add')}</button>
      </div>
    </form>
  );
}

export function RequestPage() {
  const { t, i18n } = useTranslation();
  const id = Number(useParams().id);
  const d = useRequest(id);
  const st = useStanding();
  const [error, setError] = useState<string | null>(null);
  const f = formats(i18n.language);
  // the outgoing head, no longer head of the unit, may not read the request but sees and acknowledges its handover record
  const handover = useHandover(id, !!d.error);
  if (d.error)
    return (
      <div className="page">
        <h1>
          #{id} {handover.data ? t('rq.kinds.handover') : ''}
        </h1>
        {!handover.data && !handover.isPending && (
          <p className="rq-error" role="alert">
            {errorText(d.error, i18n.language)}
          </p>
        )}
        {error && (
          <p className="rq-error" role="alert">
            {error}
          </p>
        )}
        <HandoverPanel id={id} onError={setError} />
        <Link to="/requests">{t('rq.back')}</Link>
      </div>
    );
  if (!d.data || !st) return <p role="status">{t('rq.loading')}</p>;
  const r = d.data;
  const done = r.state === 'executed' || r.state === 'notified';
  return (
    <div className="page">
      <p>
        <Link to={st.approver ? '/approvals' : '/requests'}>{t('rq.back')}</Link>
      </p>
      <h1>
        #{r.id} {t(`rq.kinds.${r.kind}`)}
      </h1>
      <p>
        <span className={`state-tag${done ? ' done' : ''}`} data-testid="request-state">
          {t(`rq.states.${r.state}`)}
        </span>{' '}
        {r.overdue && <span className="rq-overdue">{t('rq.overdue')}</span>} · {r.unitCode ?? '—'} · {t('rq.requester')}: {r.requester} · {t('rq.due')}: {f.day(r.dueAt)}
      </p>
      <p>{r.summary}</p>
      {r.note && <p className="rq-note">{r.note}</p>}
      {r.state === 'awaiting-signoff' && <p className="rq-note">{t('rq.awaitingHead')}</p>}
      {r.state === 'scheduled' && <p className="rq-note">{r.effectiveAt && r.effectiveAt > Date.now() ? t('rq.scheduledFor', { date: f.day(r.effectiveAt) }) : t('rq.scheduledNow')}</p>}
      {r.rejectReason && <p className="rq-error">{t('rq.rejectedWhy', { reason: r.rejectReason })}</p>}
      {r.error && <p className="rq-error">{t('rq.failedWhy', { error: r.error })}</p>}
      {error && (
        <p className="rq-error" role="alert">
          {error}
        </p>
      )}
      <Actions r={r} st={st} onError={setError} />

      <section aria-labelledby="rq-items">
        <h2 id="rq-items">{t('rq.items')}</h2>
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">{t('rq.line')}</th>
              <th scope="col">{t('rq.kind')}</th>
              <th scope="col">{t('rq.summary')}</th>
              <th scope="col">{t('rq.state')}</th>
              <th scope="col">{t('rq.result')}</th>
            </tr>
          </thead>
          <tbody>
            {r.items.map((i) => (
              <tr key={i.line}>
                <td>{i.line}</td>
                <td>{t(`rq.kinds.${i.kind}`)}</td>
                <td>
                  {Object.entries(i.payload)
                    // an executed row names the person by id and address: the address is enough
                    .filter(([k, v]) => !(k === 'person' && typeof v === 'number' && typeof i.payload.address === 'string'))
                    .map(([k, v]) => `${t(`rq.f.${k}`, { defaultValue: k })}: ${String(v)}`)
                    .join(' · ')}
                </td>
                <td>{t(`rq.itemStates.${i.state}`, { defaultValue: i.state })}</td>
                <td>{i.error ? <span className="rq-error">{i.error}</span> : i.result ? String(i.result.address ?? '') || JSON.stringify(i.result) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      {done && r.items.some((i) => i.credential) && !st.clerkOnly && <CredentialPanel r={r} onError={setError} />}
      {done && r.items.some((i) => i.kind === 'handover') && <HandoverPanel id={r.id} onError={setError} />}

      <section aria-labelledby="rq-docs">
        <h2 id="rq-docs">{t('rq.doc.list')}</h2>
        {r.documents.length === 0 ? (
          <p>—</p>
        ) : (
          <ul>
            {r.documents.map((doc) => (
              <li key={doc.id}>
                {doc.number} · {doc.issuedOn} · {doc.signer}{' '}
                {doc.filename ? (
                  <a href={`/api/v1/requests/${r.id}/documents/${doc.id}`} download={doc.filename}>
                    {t('rq.doc.download')} ({doc.filename})
                  </a>
                ) : (
                  <span className="rq-note">({t('rq.doc.noFile')})</span>
                )}
              </li>
            ))}
          </ul>
        )}
        {['draft', 'awaiting-signoff', 'submitted'].includes(r.state) && <AddDocument id={r.id} onError={setError} />}
      </section>

      <section aria-labelledby="rq-timeline">
        <h2 id="rq-timeline">{t('rq.timeline')}</h2>
        <ol className="rq-timeline" data-testid="timeline">
          {r.events.map((e) => (
            <li key={e.id}>
              <strong>{t(`rq.events.${e.event}`, { defaultValue: e.event })}</strong> — {f.time(e.at)} — {t('rq.by', { actor: e.actor.replace(/^api:/, '') })}
              {e.toState && e.fromState !== e.toState ? ` → ${t(`rq.states.${e.toState}`, { defaultValue: e.toState })}` : ''}
              {e.note ? `: ${e.note}` : ''}
            </li>
          ))}
        </ol>
      </section>
      {r.changes.length > 0 && (
        <section aria-labelledby="rq-changes">
          <h2 id="rq-changes">{t('rq.changes')}</h2>
          <ul>
            {r.changes.map((c, n) => (
              <li key={n}>
                {c.entity} #{c.entityId} — {f.time(c.at)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
