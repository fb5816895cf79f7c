// Owns: the parts of a request's page that hand things to people: the one-time credential of a
// joiner or password reset (a link shown once to the head, or the printable letter PDF — never
// mail), the handover record (PDF) and its acknowledgement by the outgoing and incoming heads; and
// the public page the official opens with the one-time link to see their temporary password.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import '../workqueue/extras.css';
import './requests.css';
import { acknowledgeHandover, downloadPost, errorText, redeemCredential, takeCredential, useHandover, useInvalidateRequests, type RequestDetail } from './api.ts';
import { formats } from './roles.ts';
import { useMe } from '../auth/session.ts';
import { toast } from '../layout/Toasts.tsx';
import { LanguageSwitch } from '../layout/LanguageSwitch.tsx';

export function CredentialPanel({ r, onError }: { r: RequestDetail; onError: (e: string | null) => void }) {
  const { t, i18n } = useTranslation();
  const invalidate = useInvalidateRequests();
  const [links, setLinks] = useState<Record<number, { url: string; expiresAt: number }>>({});
  const f = formats(i18n.language);
  const items = r.items.filter((i) => i.credential && i.state === 'done');
  const shown = items.length ? items : r.items.filter((i) => i.credential);
  async function take(line: number) {
    onError(null);
    try {
      const c = await takeCredential(r.id, line);
      setLinks({ ...links, [line]: { url: `${window.location.origin}/credential/${encodeURIComponent(c.token)}`, expiresAt: c.expiresAt } });
    } catch (x) {
      onError(errorText(x, i18n.language));
    } finally {
      invalidate(r.id);
    }
  }
  async function letter(line: number) {
    onError(null);
    try {
      await downloadPost(`/api/v1/requests/${r.id}/credential/letter`, { line }, `thu-cap-mat-khau-${r.id}-${line}.pdf`);
    } catch (x) {
      onError(errorText(x, i18n.language));
    } finally {
      invalidate(r.id);
    }
  }
  return (
    <section aria-labelledby="rq-cred" className="wq-panel">
      <h2 id="rq-cred">{t('rq.cred.title')}</h2>
      <p className="rq-note">{t('rq.cred.intro')}</p>
      {shown.map((i) => (
        <div key={i.line}>
          <p>
            {r.items.length > 1 ? `${t('rq.line')} ${i.line}: ` : ''}
            {String(i.result?.address ?? i.payload.person ?? '')} {i.credential?.redeemed ? `— ${t('rq.cred.redeemed')}` : i.credential?.issued ? `— ${t('rq.cred.issued')}` : ''}
          </p>
          <div className="rq-actions">
            <button type="button" onClick={() => void take(i.line)}>
              {t('rq.cred.take')}
            </button>
            <button type="button" onClick={() => void letter(i.line)}>
              {t('rq.cred.letter')}
            </button>
          </div>
          {links[i.line] && (
            <p>
              {t('rq.cred.link', { at: f.time(links[i.line].expiresAt) })}:{' '}
              <a className="rq-secret" href={links[i.line].url} data-testid="credential-link">
                {links[i.line].url}
              </a>{' '}
              <button type="button" onClick={() => void navigator.clipboard?.writeText(links[i.line].url)}>
                {t('rq.cred.copy')}
              </button>
            </p>
          )}
        </div>
      ))}
    </section>
  );
}

/** The handover record and its acknowledgements; nothing when the API shows the user none (not a head of it, not executed yet). */
export function HandoverPanel({ id, onError }: { id: number; onError: (e: string | null) => void }) {
  const { t, i18n } = useTranslation();
  const h = useHandover(id, true);
  const me = useMe().data?.username;
  const invalidate = useInvalidateRequests();
  const f = formats(i18n.language);
  if (!h.data) return null;
  async function ack() {
    onError(null);
    try {
      await acknowledgeHandover(id);
      toast(t('rq.handover.done'));
    } catch (x) {
      onError(errorText(x, i18n.language));
    } finally {
      invalidate(id);
    }
  }
  const rec = h.data.record;
  return (
    <section aria-labelledby="rq-handover" className="wq-panel">
      <h2 id="rq-handover">{t('rq.handover.title')}</h2>
      <p>
        {rec.unit.name} ({rec.unit.code}){rec.outgoing ? ` · ${t('rq.handover.roles.outgoing')}: ${rec.outgoing.name ?? ''} ${rec.outgoing.address ?? ''}` : ''}
        {rec.incoming ? ` · ${t('rq.handover.roles.incoming')}: ${rec.incoming.name ?? ''} ${rec.incoming.address ?? ''}` : ''}
      </p>
      <p>
        <a href={`/api/v1/requests/${id}/handover.pdf`} target="_blank" rel="noopener">
          {t('rq.handover.pdf')}
        </a>
      </p>
      <ul data-testid="handover-acks">
        {h.data.acknowledgements.length ? (
          h.data.acknowledgements.map((a) => <li key={a.role}>{t('rq.handover.acked', { who: a.address, role: t(`rq.handover.roles.${a.role}`, { defaultValue: a.role }), at: f.time(a.at) })}</li>)
        ) : (
          <li>{t('rq.handover.none')}</li>
        )}
      </ul>
      {!h.data.acknowledgements.some((a) => a.address === me) && (
        <button type="button" onClick={() => void ack()}>
          {t('rq.handover.ack')}
        </button>
      )}
    </section>
  );
}

/** /credential/:token — public: the official opens the one-time link and sees the temporary password once. */
export function RedeemPage() {
  const { t, i18n } = useTranslation();
  const { token = '' } = useParams();
  const [got, setGot] = useState<{ address: string; password: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function reveal() {
    setError(null);
    try {
      setGot(await redeemCredential(token));
    } catch (x) {
      setError(errorText(x, i18n.language));
    }
  }
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="redeem-title">
        <h1 id="redeem-title">{t('rq.cred.pageTitle')}</h1>
        <p>{t('rq.cred.pageIntro')}</p>
        {error && (
          <p className="rq-error" role="alert">
            {error}
          </p>
        )}
        {got ? (
          <>
            <dl>
              <dt>{t('rq.cred.address')}</dt>
              <dd className="rq-secret" data-testid="redeemed-address">
                {got.address}
              </dd>
              <dt>{t('rq.cred.password')}</dt>
              <dd className="rq-secret" data-testid="redeemed-password">
                {got.password}
              </dd>
            </dl>
            <p>{t('rq.cred.next')}</p>
            <Link to="/login">{t('rq.cred.signIn')}</Link>
          </>
        ) : (
          <button type="button" className="primary" onClick={() => void reveal()}>
            {t('rq.cred.reveal')}
          </button>
        )}
        <LanguageSwitch />
      </section>
    </main>
  );
}
