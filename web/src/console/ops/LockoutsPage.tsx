// Owns: the sign-in lockouts screen (the security issue): the accounts, client addresses and
// account-from-address pairs locked now, and lifting one with its reason (audited by the server).
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import './texts.ts';
import './ops.css';
import '../../workqueue/extras.css';
import { liftLockout, liftTarget, useLockouts, type Lockout } from './api.ts';
import { OpsNav } from './OpsNav.tsx';
import { Grid, QueryList } from '../QueryList.tsx';
import { useMe } from '../../auth/session.ts';
import { toast } from '../../layout/Toasts.tsx';

function LiftForm({ l, onDone }: { l: Lockout; onDone: () => void }) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [err, setErr] = useState('');
  const id = `lift-${l.key.replace(/[^a-zA-Z0-9]/g, '-')}`;
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!reason.trim()) return setErr(t('ops.lock.reasonRequired'));
    try {
      await liftLockout(liftTarget(l), reason.trim());
      toast(t('ops.lock.lifted', { target: liftTarget(l) }));
      onDone();
    } catch (x) {
      setErr((x as Error).message);
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} className="ops-lift">
      <label htmlFor={id}>{t('ops.lock.reason')}</label>
      <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={!!err} aria-describedby={err ? `${id}-err` : undefined} />
      <button type="submit">{t('ops.lock.lift')}</button>
      <button type="button" onClick={onDone}>
        {t('ops.lock.cancel')}
      </button>
      {err && (
        <span id={`${id}-err`} role="alert" className="ops-error">
          {err}
        </span>
      )}
    </form>
  );
}

export function LockoutsPage() {
  const { t, i18n } = useTranslation();
  const q = useLockouts();
  const qc = useQueryClient();
  const me = useMe();
  const canLift = (me.data?.roles ?? []).some((r) => r.role === 'sysadmin');
  const [open, setOpen] = useState<string | null>(null);
  const loc = i18n.language === 'en' ? 'en-GB' : 'vi-VN';
  const done = () => {
    setOpen(null);
    void qc.invalidateQueries({ queryKey: ['ops', 'lockouts'] });
  };
  return (
    <div className="page ops-page">
      <OpsNav />
      <h1>{t('ops.lock.title')}</h1>
      <QueryList query={q} loading={t('ops.loading')} failed={(e) => <p role="alert">{t('ops.error', { message: e.message })}</p>} empty={t('ops.lock.empty')}>
        {(rows) => (
          <Grid testId="lockouts-table" columns={[t('ops.lock.subject'), t('ops.lock.kind'), t('ops.lock.until'), t('ops.lock.failures'), canLift && { srOnly: t('ops.lock.lift') }]}>
            {rows.map((l) => (
              <tr key={l.key} data-lockout={l.subject}>
                <td>{l.subject.replace('|', ' ← ')}</td>
                <td>{t(`ops.lock.kinds.${l.kind}`)}</td>
                <td>{new Date(l.lockedUntil).toLocaleString(loc, { dateStyle: 'short', timeStyle: 'medium' })}</td>
                <td>{l.failures}</td>
                {canLift && (
                  <td>
                    {open === l.key ? (
                      <LiftForm l={l} onDone={done} />
                    ) : (
                      <button type="button" onClick={() => setOpen(l.key)}>
                        {t('ops.lock.lift')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </Grid>
        )}
      </QueryList>
    </div>
  );
}
